"""A review panel's decision pack (评审决策材料) for the district: for each application its summary
and budget, each reviewer's score and comments (and any score they changed, with the reason), the
conflicts of interest declared, the average and spread, and the recommendation by the panel's
threshold; signed by whoever prepares, checks and heads the decision."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from positions.selectors.network import issuing_unit
from projects.models import ReviewPanel
from projects.selectors.panels import ApplicationResult
from socialwork import pdf
from socialwork.money import format_yuan


def _name(user) -> str:
    return user.get_full_name() or user.username


def _at(value) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def _figure(value) -> str:
    return "—" if value is None else str(value)


def decision_pack_pdf(*, panel: ReviewPanel, results: list[ApplicationResult], user) -> bytes:
    issuer = issuing_unit(user=user)
    title = _("Review panel decision pack: %(panel)s") % {"panel": panel.name}
    width = pdf.content_width()
    styles = pdf.styles()
    story = pdf.title_block(
        title=title,
        issuer=issuer,
        on=timezone.localdate(),
        subtitle=_("%(call)s · recommended from an average of %(threshold)s")
        % {"call": panel.call.title, "threshold": panel.threshold},
    )

    def heading(text: str) -> None:
        story.append(pdf.Bold(pdf.escape(text), styles["heading"]))

    for number, result in enumerate(results, start=1):
        project = result.project
        if number > 1:
            story.append(pdf.Spacer(1, 10))
        heading(pdf.chapter_title(number, project.title))
        organization = project.organization
        story.append(
            pdf.facts(
                [
                    (_("Applicant"), organization.name if organization else str(project.created_by)),
                    (_("Unified social credit code"), organization.credit_code if organization else ""),
                    (_("Service area"), project.get_service_area_display()),
                    (_("Community or area served"), project.community.name),
                    (_("Beneficiaries"), f"{project.beneficiaries} ({project.beneficiary_count})"),
                    (_("Requested (yuan)"), format_yuan(project.requested_amount)),
                ],
                width=width,
            )
        )
        if project.summary:
            story.append(pdf.Spacer(1, 3))
            story.append(
                pdf.Paragraph(pdf.escape(pdf.labelled(_("Summary"), project.summary)), styles["body"])
            )
        story.append(pdf.Spacer(1, 4))
        lines = list(project.budget_lines.all())
        story.append(
            pdf.table(
                [_("Budget line"), _("Amount (yuan)")],
                [[line.item, format_yuan(line.amount)] for line in lines],
                widths=[width * 0.7, width * 0.3],
                numeric=[1],
                total=[_("Total"), format_yuan(sum((line.amount for line in lines), 0))],
            )
        )
        story.append(pdf.Spacer(1, 4))
        rows = []
        for row in result.rows:
            if row.withdrawn:
                state = _("Withdrawn: conflict of interest")
            elif row.review is None:
                state = _("Not scored yet") if row.declaration else _("Not declared yet")
            else:
                state = ""
            changes = "；".join(
                _("%(before)s → %(after)s on %(at)s: %(reason)s")
                % {
                    "before": revision.previous_score,
                    "after": revision.score,
                    "at": _at(revision.revised_at),
                    "reason": revision.reason,
                }
                for revision in row.revisions
            )
            comment = row.review.comment if row.review else ""
            rows.append(
                [
                    _name(row.reviewer),
                    state or str(row.review.score),
                    "；".join(
                        part
                        for part in (comment, changes and _("Changed: %(changes)s") % {"changes": changes})
                        if part
                    ),
                ]
            )
        story.append(
            pdf.table(
                [_("Reviewer"), _("Score"), _("Comments")],
                rows,
                widths=[width * 0.2, width * 0.22, width * 0.58],
            )
        )
        if result.conflicts:
            story.append(pdf.Spacer(1, 4))
            story.append(
                pdf.table(
                    [_("Reviewer withdrawn"), _("Conflict of interest declared")],
                    [[_name(row.reviewer), row.declaration.reason] for row in result.conflicts],
                    widths=[width * 0.3, width * 0.7],
                )
            )
        story.append(pdf.Spacer(1, 4))
        story.append(
            pdf.facts(
                [
                    (_("Scores counted"), str(len(result.scores))),
                    (_("Average"), _figure(result.average)),
                    (_("Lowest"), _figure(result.lowest)),
                    (_("Highest"), _figure(result.highest)),
                    (_("Spread (highest − lowest)"), _figure(result.spread)),
                    (_("Standard deviation"), _figure(result.deviation)),
                    (_("Threshold"), str(panel.threshold)),
                    (_("Recommendation"), result.recommendation),
                ],
                width=width,
            )
        )
    story.append(pdf.signature_block(pdf.signatures_prepared_checked_head(), width=width))
    return pdf.build(story, title=title, issuer=issuer)
