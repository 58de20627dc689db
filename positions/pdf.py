"""The monthly allowance roll on paper: the table the district's finance office pays from and
files, signed by who prepared it (制表人), who checked it (审核人) and the head (负责人)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from positions.models import AllowanceRoll
from positions.selectors.allowance import RollPage
from positions.selectors.network import installation_district, issuing_unit
from socialwork import pdf
from socialwork.money import format_yuan


def allowance_roll_pdf(*, user, page: RollPage) -> bytes:
    """The roll as this person sees it (`allowance_roll_page`): one row per line, a total row,
    the subtotals by level, then the signature lines. A draft says so under the title."""
    roll = page.roll
    district = installation_district()
    month = formats.date_format(roll.month, "YEAR_MONTH_FORMAT")
    title = _("%(district)s qualification allowance roll for social workers, %(month)s") % {
        "district": district.name if district else "",
        "month": month,
    }
    issuer = issuing_unit(user=user)
    status = (
        _("Closed on %(date)s")
        % {"date": formats.date_format(timezone.localtime(roll.closed_at), "DATE_FORMAT")}
        if roll.status == AllowanceRoll.Status.CLOSED
        else _("Draft: not closed yet, the figures may still change")
    )
    width = pdf.content_width()
    story = pdf.title_block(title=title, issuer=issuer, on=timezone.localdate(), subtitle=status)
    header = [
        _("No."),
        pgettext("person", "Name"),
        _("Unit"),
        _("Certificate level"),
        _("Certificate number"),
        _("Amount (yuan)"),
    ]
    rows = [
        [
            number,
            line.worker.name,
            line.unit_name,
            line.get_level_display(),
            line.worker.certificate_number,
            format_yuan(line.amount),
        ]
        for number, line in enumerate(page.lines, start=1)
    ]
    total = [
        _("Total"),
        ngettext("%(count)d worker", "%(count)d workers", page.worker_count) % {"count": page.worker_count},
        "",
        "",
        "",
        format_yuan(page.total),
    ]
    shares = [0.07, 0.13, 0.30, 0.18, 0.17, 0.15]
    story.append(
        pdf.table(header, rows, widths=[width * share for share in shares], numeric=[0, 5], total=total)
    )
    if page.by_level:
        styles = pdf.styles()
        story.append(pdf.Spacer(1, 4))
        for label, count, amount in page.by_level:
            line = _("%(level)s: %(count)s workers, %(amount)s") % {
                "level": label,
                "count": count,
                "amount": format_yuan(amount),
            }
            story.append(pdf.Paragraph(pdf.escape(line), styles["body"]))
    story.append(pdf.signature_block(pdf.signatures_prepared_checked_head(), width=width))
    return pdf.build(story, title=title, issuer=issuer)
