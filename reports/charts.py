"""Charts drawn on the server as inline SVG from a figure's `Table`: no script, no library.

Bars run horizontally (long Chinese labels read on the left) unless the table asks for vertical
bars; several numeric columns are drawn as grouped bars with a legend. Every piece of text goes
through `format_html`, so a label can never become markup. Colours come from the stylesheet's
palette through classes (`chart-s0`…), with the same colours as attributes for a page without it.
"""

from decimal import Decimal

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .figures import Table

# The stylesheet's palette (static/css/app.css :root): accent, brand, ok, warn, muted.
PALETTE = ["#0b6e99", "#b42318", "#2f7d32", "#b25e09", "#616e7c"]
WIDTH = 640
LABEL_WIDTH = 170
BAR = 16
GAP = 10
FONT = 12
LABEL_CHARS = 13


def chart_svg(table: Table) -> SafeString:
    """The table drawn as an SVG chart, or an empty string when it has nothing to draw."""
    if not table.chart or not table.rows:
        return SafeString("")
    columns = list(table.charted) or list(range(1, len(table.columns)))
    series = [(table.columns[i], [_number(row[i]) for row in table.rows]) for i in columns]
    labels = [str(row[0]) for row in table.rows]
    top = max((value for _name, values in series for value in values), default=0)
    scale = _nice(top)
    if table.orientation == "vertical":
        body, height = _vertical(labels, series, scale)
    else:
        body, height = _horizontal(labels, series, scale)
    legend, legend_height = _legend(series) if len(series) > 1 else ("", 0)
    total_height = height + legend_height
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{key}-title" viewBox="0 0 {w} {h}" width="100%" '
        'font-family="inherit" font-size="{font}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{key}-title">{title}</title>{body}{legend}</svg>',
        key=f"chart-{table.key}",
        w=WIDTH,
        h=total_height,
        font=FONT,
        title=_description(table, series),
        body=body,
        legend=_shift(legend, height),
    )


def _joined(parts) -> SafeString:
    """The pieces as one SVG fragment; a piece that is not already safe markup is escaped."""
    return mark_safe("".join(conditional_escape(part) for part in parts))


def _svg(template: str, **values) -> SafeString:
    """`format_html` with coordinates written to one decimal place."""
    return format_html(template, **{k: f"{v:.1f}" if isinstance(v, float) else v for k, v in values.items()})


def _number(value) -> float:
    if value is None:
        return 0.0
    return float(value) if isinstance(value, (int, float, Decimal)) else 0.0


def _nice(top: float) -> float:
    """A round upper end for the axis: 1, 2 or 5 times a power of ten, at least `top`."""
    if top <= 0:
        return 1.0
    step = 10 ** (len(str(int(top))) - 1)
    for factor in (1, 2, 5, 10):
        if top <= factor * step:
            return float(factor * step)
    return top


def _show(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _short(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def _colour(index: int) -> tuple[str, str]:
    return f"chart-s{index % len(PALETTE)}", PALETTE[index % len(PALETTE)]


def _horizontal(labels: list[str], series: list, scale: float) -> tuple[SafeString, int]:
    """One band per row; inside it one bar per series, the value written after the bar."""
    plot = WIDTH - LABEL_WIDTH - 60
    band = BAR * len(series) + GAP
    top_margin, bottom_margin = 8, 34
    height = top_margin + band * len(labels) + bottom_margin
    parts = []
    for row, label in enumerate(labels):
        y = top_margin + row * band
        parts.append(
            _svg(
                '<text class="chart-label" x="{x}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                "<title>{full}</title>{short}</text>",
                x=LABEL_WIDTH - 6,
                y=y + BAR * len(series) / 2,
                full=label,
                short=_short(label),
            )
        )
        for index, (name, values) in enumerate(series):
            css, fill = _colour(index)
            length = plot * values[row] / scale
            bar_y = y + index * BAR
            parts.append(
                _svg(
                    '<rect class="{css}" fill="{fill}" x="{x}" y="{y}" width="{w}" height="{h}">'
                    "<title>{label} · {name}: {value}</title></rect>"
                    '<text class="chart-value" x="{tx}" y="{ty}" dominant-baseline="middle">{value}</text>',
                    css=css,
                    fill=fill,
                    x=LABEL_WIDTH,
                    y=bar_y,
                    w=length,
                    h=BAR - 2,
                    label=label,
                    name=name,
                    value=_show(values[row]),
                    tx=LABEL_WIDTH + length + 4,
                    ty=bar_y + (BAR - 2) / 2,
                )  # fmt: skip
            )
    axis_y = top_margin + band * len(labels)
    parts.append(
        _svg(
            '<line class="chart-axis" x1="{x}" y1="{top}" x2="{x}" y2="{y}" stroke="#d9e2ec"/>'
            '<line class="chart-axis" x1="{x}" y1="{y}" x2="{end}" y2="{y}" stroke="#d9e2ec"/>',
            x=LABEL_WIDTH,
            top=top_margin - 4,
            y=axis_y,
            end=LABEL_WIDTH + plot,
        )  # fmt: skip
    )
    for fraction in (0, 0.5, 1):
        parts.append(
            _svg(
                '<text class="chart-tick" x="{x}" y="{y}" text-anchor="middle">{value}</text>',
                x=LABEL_WIDTH + plot * fraction,
                y=axis_y + 14,
                value=_show(scale * fraction),
            )
        )
    return _joined(parts), height


def _vertical(labels: list[str], series: list, scale: float) -> tuple[SafeString, int]:
    """Columns standing on a baseline, labels beneath, the value above each column."""
    left, plot_height, top_margin = 50, 180, 16
    plot = WIDTH - left - 10
    slot = plot / len(labels)
    bar = max(min((slot - GAP) / len(series), 40), 4)
    base = top_margin + plot_height
    parts = [
        _svg(
            '<line class="chart-axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#d9e2ec"/>'
            '<line class="chart-axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="#d9e2ec"/>',
            l=left,
            r=left + plot,
            b=base,
            t=top_margin,
        )  # fmt: skip
    ]
    for fraction in (0, 0.5, 1):
        parts.append(
            _svg(
                '<text class="chart-tick" x="{x}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                "{value}</text>",
                x=left - 4,
                y=base - plot_height * fraction,
                value=_show(scale * fraction),
            )
        )
    chars = max(int(slot // FONT), 2)
    for row, label in enumerate(labels):
        start = left + row * slot + (slot - bar * len(series)) / 2
        for index, (name, values) in enumerate(series):
            css, fill = _colour(index)
            length = plot_height * values[row] / scale
            x = start + index * bar
            parts.append(
                _svg(
                    '<rect class="{css}" fill="{fill}" x="{x}" y="{y}" width="{w}" height="{h}">'
                    "<title>{label} · {name}: {value}</title></rect>"
                    '<text class="chart-value" x="{tx}" y="{ty}" text-anchor="middle">{value}</text>',
                    css=css,
                    fill=fill,
                    x=x,
                    y=base - length,
                    w=bar - 2,
                    h=length,
                    label=label,
                    name=name,
                    value=_show(values[row]),
                    tx=x + (bar - 2) / 2,
                    ty=base - length - 3,
                )  # fmt: skip
            )
        parts.append(
            _svg(
                '<text class="chart-label" x="{x}" y="{y}" text-anchor="middle"><title>{full}</title>{short}</text>',
                x=left + row * slot + slot / 2,
                y=base + 16,
                full=label,
                short=_short(label, chars),
            )
        )
    return _joined(parts), base + 26


def _legend(series: list) -> tuple[SafeString, int]:
    items = format_html_join(
        "",
        '<rect class="{}" fill="{}" x="{}" y="0" width="12" height="12"/><text x="{}" y="10">{}</text>',
        (
            (*_colour(index), LABEL_WIDTH + index * 130, LABEL_WIDTH + index * 130 + 16, name)
            for index, (name, _values) in enumerate(series)
        ),
    )
    return items, 20


def _shift(legend: SafeString, y: int) -> SafeString:
    return (
        format_html('<g class="chart-legend" transform="translate(0 {})">{}</g>', y, legend) if legend else ""
    )


def _description(table: Table, series: list) -> str:
    """The chart's title for screen readers: its table's title and what the bars count."""
    return _("%(title)s (bars: %(series)s)") % {
        "title": table.title,
        "series": ", ".join(name for name, _v in series),
    }
