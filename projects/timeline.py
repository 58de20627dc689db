"""A project's timeline: every step of its record, in the order it was taken, with who took it,
when, and the amount or the outcome.

The timeline is one list of sources, `SOURCES`, one small function per kind of record. Each reads
the project as its page loaded it (with its records prefetched, `TIMELINE_PREFETCH`) and yields
its events. To tell one more kind of step, write its function and add it to the list.

Who acted: transitions, reviews, payments and progress reports keep the person on the record.
Procurements, bids, contracts, milestones, supervision visits, acceptances and honours do
not (a visit's inspector and an acceptance's evaluator are names typed in, not the person who
recorded them); for those the audit log, which every service writes in the same transaction, is
the record of who acted and when, and the timeline reads it with one query (`_audit_entries`)
rather than copying it into new fields.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import (
    Acceptance,
    Award,
    Bid,
    ConflictDeclaration,
    ContractAmendment,
    Evaluation,
    PanelApplication,
    Payment,
    ProgressReport,
    Project,
    RectificationItem,
    Review,
    ReviewRevision,
    Transition,
)
from socialwork.models import AuditEntry
from socialwork.money import format_yuan

# What the project's page prefetches so that the sources read without queries.
TIMELINE_PREFETCH = (
    Prefetch("reviews", queryset=Review.objects.select_related("reviewer")),
    Prefetch("reviews__revisions", queryset=ReviewRevision.objects.select_related("revised_by")),
    Prefetch("panel_entries", queryset=PanelApplication.objects.select_related("panel")),
    Prefetch(
        "conflict_declarations", queryset=ConflictDeclaration.objects.select_related("reviewer", "panel")
    ),
    Prefetch("procurement__bids", queryset=Bid.objects.select_related("organization")),
    Prefetch(
        "procurement__bids__awards", queryset=Award.objects.select_related("awarded_by", "rescinded_by")
    ),
    "contract__milestones",
    Prefetch("contract__amendments", queryset=ContractAmendment.objects.select_related("recorded_by")),
    Prefetch("contract__payments", queryset=Payment.objects.select_related("recorded_by")),
    Prefetch("progress_reports", queryset=ProgressReport.objects.select_related("submitted_by")),
    "supervision_visits",
    Prefetch("acceptances", queryset=Acceptance.objects.select_related("evaluation")),
    "honours",
    Prefetch("transitions", queryset=Transition.objects.select_related("actor")),
    Prefetch(
        "evaluations",
        queryset=Evaluation.objects.select_related("evaluating_organization", "assigned_by").prefetch_related(
            Prefetch("rectifications", queryset=RectificationItem.objects.select_related("responded_by"))
        ),
    ),
)


@dataclass
class Event:
    """One step on the timeline. `at` orders the timeline (when it was recorded: the record's own
    time, else its audit row's); `on` is the day the record gives for the step when it gives one
    (a payment's day, a visit's day)."""

    kind: str
    what: object
    at: datetime | None = None
    on: date | None = None
    who: object = ""
    detail: object = ""
    record: object = field(default=None, repr=False)
    # (audit action, record): where the audit log tells who acted, and when, if the record does not.
    audited: tuple[str, object] | None = field(default=None, repr=False)


def transitions(project: Project) -> Iterable[Event]:
    for transition in project.transitions.all():
        yield Event(
            kind="transition",
            what=_("%(from)s → %(to)s")
            % {"from": transition.get_from_status_display(), "to": transition.get_to_status_display()},
            at=transition.at,
            who=transition.actor,
            detail=transition.reason,
            record=transition,
        )


def reviews(project: Project) -> Iterable[Event]:
    for review in project.reviews.all():
        yield Event(
            kind="review",
            what=_("Expert review"),
            at=review.updated_at,
            who=review.reviewer,
            detail=_("score %(score)s") % {"score": review.score},
        )


def panel_entries(project: Project) -> Iterable[Event]:
    for entry in project.panel_entries.all():
        yield Event(
            kind="panel",
            what=_("Put before the review panel %(panel)s") % {"panel": entry.panel.name},
            at=entry.added_at,
            audited=("panel.application_add", project),
        )


def conflict_declarations(project: Project) -> Iterable[Event]:
    for declaration in project.conflict_declarations.all():
        yield Event(
            kind="declaration",
            what=_("Conflict of interest declared: reviewer withdrawn")
            if declaration.has_conflict
            else _("No conflict of interest declared"),
            at=declaration.updated_at,
            who=declaration.reviewer,
            detail=declaration.reason,
        )


def review_revisions(project: Project) -> Iterable[Event]:
    for review in project.reviews.all():
        for revision in review.revisions.all():
            yield Event(
                kind="review_revision",
                what=_("Review score changed"),
                at=revision.revised_at,
                who=revision.revised_by,
                detail=_("%(before)s → %(after)s: %(reason)s")
                % {"before": revision.previous_score, "after": revision.score, "reason": revision.reason},
            )


def procurement_opened(project: Project) -> Iterable[Event]:
    if procurement := getattr(project, "procurement", None):
        yield Event(
            kind="procurement",
            what=_("Procurement opened"),
            at=procurement.created_at,
            detail=procurement.get_method_display(),
            audited=("procurement.open", procurement),
        )


def bids(project: Project) -> Iterable[Event]:
    procurement = getattr(project, "procurement", None)
    for bid in procurement.bids.all() if procurement else ():
        yield Event(
            kind="bid",
            what=_("Bid of %(organization)s") % {"organization": bid.organization.name},
            at=bid.created_at,
            detail=format_yuan(bid.price),
            audited=("bid.record", bid),
        )


def awards(project: Project) -> Iterable[Event]:
    """Each award, by whom, and its rescission with the reason: the awarded organization became
    the project's provider, and a rescission gave the project back to the one before."""
    procurement = getattr(project, "procurement", None)
    for bid in procurement.bids.all() if procurement else ():
        for award in bid.awards.all():
            yield Event(
                kind="award",
                what=_("Awarded to %(organization)s, which now provides the service")
                % {"organization": bid.organization.name},
                at=award.awarded_at,
                who=award.awarded_by,
                detail=format_yuan(bid.price),
            )
            if award.rescinded_at:
                yield Event(
                    kind="award_rescinded",
                    what=_("Award to %(organization)s rescinded") % {"organization": bid.organization.name},
                    at=award.rescinded_at,
                    who=award.rescinded_by,
                    detail=award.rescind_reason,
                )


def contract_signed(project: Project) -> Iterable[Event]:
    """The contract as signed: its amount then, not as a supplementary agreement later set it."""
    if contract := getattr(project, "contract", None):
        amendments = list(contract.amendments.all())  # oldest first
        signed_amount = amendments[0].previous_amount if amendments else contract.amount
        yield Event(
            kind="contract",
            what=_("Contract %(number)s signed with %(organization)s")
            % {"number": contract.number, "organization": contract.organization.name},
            at=contract.created_at,
            on=contract.signed_on,
            detail=format_yuan(signed_amount),
            audited=("contract.sign", contract),
        )


def milestones(project: Project) -> Iterable[Event]:
    contract = getattr(project, "contract", None)
    for milestone in contract.milestones.all() if contract else ():
        # Milestones are set with the contract, by whoever signed it.
        yield Event(
            kind="milestone_set",
            what=_("Milestone set: %(title)s") % {"title": milestone.title},
            at=contract.created_at,
            detail=_("due %(day)s") % {"day": milestone.due_on.isoformat()},
            audited=("contract.sign", contract),
        )
        if milestone.completed_on:
            yield Event(
                kind="milestone_completed",
                what=_("Milestone completed: %(title)s") % {"title": milestone.title},
                on=milestone.completed_on,
                audited=("milestone.complete", milestone),
            )


def amendments(project: Project) -> Iterable[Event]:
    """Each supplementary agreement: the amount and term it set, and why."""
    contract = getattr(project, "contract", None)
    for amendment in contract.amendments.all() if contract else ():
        yield Event(
            kind="amendment",
            what=_("Supplementary agreement to contract %(number)s") % {"number": contract.number},
            at=amendment.created_at,
            on=amendment.signed_on,
            who=amendment.recorded_by,
            detail=_("%(amount)s, %(start)s to %(end)s: %(reason)s")
            % {
                "amount": format_yuan(amendment.amount),
                "start": amendment.starts_on.isoformat(),
                "end": amendment.ends_on.isoformat(),
                "reason": amendment.reason,
            },
        )


def progress_reports(project: Project) -> Iterable[Event]:
    for report in project.progress_reports.all():
        yield Event(
            kind="progress_report",
            what=_("Progress report: %(period)s") % {"period": report.period},
            at=report.created_at,
            who=report.submitted_by,
        )


def supervision_visits(project: Project) -> Iterable[Event]:
    for visit in project.supervision_visits.all():
        yield Event(
            kind="supervision_visit",
            what=_("Supervision visit by %(inspector)s") % {"inspector": visit.inspector},
            at=visit.created_at,
            on=visit.visited_on,
            detail=visit.get_rating_display(),
            audited=("supervision_visit.record", visit),
        )


def payments(project: Project) -> Iterable[Event]:
    contract = getattr(project, "contract", None)
    for payment in contract.payments.all() if contract else ():
        yield Event(
            kind="payment",
            what=pgettext_lazy("project timeline", "Payment"),
            at=payment.created_at,
            on=payment.paid_on,
            who=payment.recorded_by,
            detail=format_yuan(payment.amount),
        )


def acceptances(project: Project) -> Iterable[Event]:
    for acceptance in project.acceptances.all():
        yield Event(
            kind="acceptance",
            what=_("Acceptance evaluation by %(evaluator)s") % {"evaluator": acceptance.evaluator},
            at=acceptance.created_at,
            on=acceptance.evaluated_on,
            detail=_("%(conclusion)s, score %(score)s")
            % {"conclusion": acceptance.get_conclusion_display(), "score": acceptance.score},
            audited=("acceptance.record", acceptance),
        )


def honours(project: Project) -> Iterable[Event]:
    for honour in project.honours.all():
        yield Event(
            kind="honour",
            what=_("Honour: %(name)s") % {"name": honour.name},
            at=honour.created_at,
            detail=" ".join(str(part) for part in (honour.awarded_by, honour.year) if part),
            audited=("honour.add", honour),
        )


def evaluations(project: Project) -> Iterable[Event]:
    """Each evaluation assigned and concluded, and its rectification list: each item asked for,
    answered, accepted or returned (the score in progress is the evaluators' until they conclude)."""
    for evaluation in project.evaluations.all():
        by = (
            evaluation.evaluating_organization.name
            if evaluation.evaluating_organization
            else _("the district")
        )
        yield Event(
            kind="evaluation_assigned",
            what=_("%(stage)s assigned to %(by)s") % {"stage": evaluation.get_stage_display(), "by": by},
            at=evaluation.created_at,
            who=evaluation.assigned_by,
            detail=_("due %(day)s") % {"day": evaluation.due_on.isoformat()} if evaluation.due_on else "",
        )
        for item in evaluation.rectifications.all():
            yield Event(
                kind="rectification",
                what=_("Rectification asked: %(required)s") % {"required": item.required},
                at=item.created_at,
                detail=_("due %(day)s") % {"day": item.due_on.isoformat()},
                audited=("rectification.add", item),
            )
            if item.responded_at:
                yield Event(
                    kind="rectification_response",
                    what=_("Rectification answered: %(required)s") % {"required": item.required},
                    at=item.responded_at,
                    who=item.responded_by,
                    detail=item.response,
                )
            if item.status in (RectificationItem.Status.ACCEPTED, RectificationItem.Status.RETURNED):
                yield Event(
                    kind="rectification_review",
                    what=_("Rectification %(status)s: %(required)s")
                    % {"status": item.get_status_display(), "required": item.required},
                    at=item.updated_at,
                    audited=("rectification.accept", item)
                    if item.status == RectificationItem.Status.ACCEPTED
                    else ("rectification.return", item),
                )
        if evaluation.status == Evaluation.Status.CONCLUDED:
            yield Event(
                kind="evaluation_concluded",
                what=_("%(stage)s concluded: %(grade)s")
                % {"stage": evaluation.get_stage_display(), "grade": evaluation.get_grade_display()},
                at=evaluation.updated_at,
                on=evaluation.concluded_on,
                detail=_("score %(score)s") % {"score": evaluation.score},
                audited=("evaluation.conclude", evaluation),
            )


SOURCES: list[Callable[[Project], Iterable[Event]]] = [
    transitions,
    panel_entries,
    conflict_declarations,
    reviews,
    review_revisions,
    procurement_opened,
    bids,
    awards,
    contract_signed,
    amendments,
    milestones,
    progress_reports,
    supervision_visits,
    payments,
    acceptances,
    honours,
    evaluations,
]


def _key(action: str, record) -> tuple[str, str, str]:
    return action, record._meta.label_lower, str(record.pk)


def _audit_entries(keys: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], AuditEntry]:
    """The audit rows of these (action, record type, record id), the first of each: one query."""
    if not keys:
        return {}
    where = Q()
    for action, target_type, target_id in keys:
        where |= Q(action=action, target_type=target_type, target_id=target_id)
    entries = {}
    for entry in (
        AuditEntry.objects.filter(where)
        .only("at", "action", "target_type", "target_id", "actor_name", "actor_username")
        .order_by("-at", "-pk")
    ):
        entries[(entry.action, entry.target_type, entry.target_id)] = entry  # the earliest wins
    return entries


def project_timeline(project: Project) -> list[Event]:
    """Every event of every source, oldest first; who (and when, for a record that keeps no time)
    from the audit log where the record does not keep it."""
    events = [event for source in SOURCES for event in source(project)]
    entries = _audit_entries({_key(*event.audited) for event in events if event.audited})
    for event in events:
        entry = entries.get(_key(*event.audited)) if event.audited else None
        if entry is not None:
            event.who = event.who or entry.actor_name or entry.actor_username
            event.at = event.at or entry.at
        if event.at is None:  # neither the record nor the audit log keeps a time: its day
            event.at = timezone.make_aware(datetime.combine(event.on, time.min))
    # In the order the steps happened: by the day the record gives for the step (a contract signed
    # a month before it was entered stands a month back), then by when it was recorded.
    return sorted(events, key=lambda event: (event.on or timezone.localdate(event.at), event.at))
