"""A project's contract summary on paper (服务合同摘要): the terms, the milestones and their
instalments, the supplementary agreements, the payments and where the money stands, signed by
whoever keeps the contract file. Issued in the purchaser's name (the contract's 甲方)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from projects.models import Contract
from projects.selectors import contract_money
from socialwork import pdf
from socialwork.money import format_yuan


def _day(value) -> str:
    return formats.date_format(value, "Y-m-d") if value else ""


def contract_summary_pdf(*, contract: Contract) -> bytes:
    project = contract.project
    title = _("Service contract summary: %(project)s") % {"project": project.title}
    issuer = contract.purchaser
    width = pdf.content_width()
    styles = pdf.styles()
    money = contract_money(contract=contract)
    amendments = list(contract.amendments.all())
    story = pdf.title_block(
        title=title,
        issuer=issuer,
        on=timezone.localdate(),
        subtitle=_("Contract %(number)s") % {"number": contract.number},
    )
    story.append(
        pdf.facts(
            [
                (_("Contract number"), contract.number),
                (_("Budget year"), str(contract.year)),
                (_("Purchaser"), contract.purchaser),
                (_("Provider"), contract.organization.name),
                (_("Unified social credit code"), contract.organization.credit_code),
                (_("Amount (yuan)"), format_yuan(contract.amount)),
                (_("Term"), f"{_day(contract.starts_on)} – {_day(contract.ends_on)}"),
                (_("Signed on"), _day(contract.signed_on)),
                (
                    _("Final share held until acceptance"),
                    f"{contract.final_share_percent}%（{format_yuan(money.final_share)}）",
                ),
                (
                    _("As signed"),
                    f"{format_yuan(amendments[0].previous_amount)} · "
                    f"{_day(amendments[0].previous_starts_on)} – {_day(amendments[0].previous_ends_on)}"
                    if amendments
                    else _("The contract stands as signed."),
                ),
            ],
            width=width,
        )
    )
    if contract.deliverables:
        story.append(pdf.Spacer(1, 4))
        story.append(
            pdf.Paragraph(pdf.escape(pdf.labelled(_("Deliverables"), contract.deliverables)), styles["body"])
        )

    def heading(text: str) -> None:
        story.append(pdf.Bold(pdf.escape(text), styles["heading"]))

    heading(_("Milestones"))
    rows = [
        [milestone.title, _day(milestone.due_on), format_yuan(milestone.amount), _day(milestone.completed_on)]
        for milestone in contract.milestones.all()
    ]
    header = [_("Milestone"), _("Due on"), _("Instalment (yuan)"), _("Completed on")]
    story.append(pdf.table(header, rows, widths=[width * s for s in (0.46, 0.16, 0.2, 0.18)], numeric=[2]))

    if amendments:
        heading(_("Supplementary agreements"))
        rows = [
            [
                _day(amendment.signed_on),
                f"{format_yuan(amendment.previous_amount)} → {format_yuan(amendment.amount)}",
                f"{_day(amendment.starts_on)} – {_day(amendment.ends_on)}",
                amendment.reason,
            ]
            for amendment in amendments
        ]
        header = [_("Signed on"), _("Amount (yuan)"), _("Term"), _("Reason")]
        story.append(pdf.table(header, rows, widths=[width * s for s in (0.14, 0.3, 0.24, 0.32)]))

    heading(_("Payments"))
    rows = [
        [_day(payment.paid_on), format_yuan(payment.amount), payment.note]
        for payment in contract.payments.all()
    ]
    total = [_("Total"), format_yuan(money.paid), ""]
    header = [_("Paid on"), _("Amount (yuan)"), _("Note")]
    story.append(
        pdf.table(header, rows, widths=[width * s for s in (0.2, 0.25, 0.55)], numeric=[1], total=total)
    )
    story.append(pdf.Spacer(1, 4))
    story.append(
        pdf.facts(
            [
                (_("Still to pay (yuan)"), format_yuan(money.unpaid)),
                (_("Due now (yuan)"), format_yuan(money.due)),
                (_("Awaiting milestones (yuan)"), format_yuan(money.awaiting_milestones)),
                (_("Held back until acceptance (yuan)"), format_yuan(money.held_back)),
            ],
            width=width,
        )
    )
    story.append(pdf.signature_block(pdf.signatures_prepared_checked_head(), width=width))
    return pdf.build(story, title=title, issuer=issuer)
