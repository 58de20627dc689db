"""`{% load charts %}{% chart table %}`: a figure's table drawn inline as an SVG chart."""

from decimal import Decimal

from django import template

from reports.charts import chart_svg

register = template.Library()


@register.simple_tag
def chart(table):
    return chart_svg(table)


@register.filter
def figure(value) -> str:
    """A table cell: thousands grouped, money to the fen, a dash for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)
