"""A case's one timeline: every status change, assessment, round of a plan's approval (each
sending and each decision, returns with their comments), note, referral, follow-up, supervision
review, closing and transfer as an event, newest first.

The case must come with `PREFETCH` applied, so that building the timeline reads no more rows
however long the case has run."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import (
    Assessment,
    BreakGlass,
    CaseClient,
    CaseTransition,
    Closing,
    FollowUp,
    LabelChange,
    PlanRound,
    Referral,
    ServiceNote,
    ServicePlan,
    SupervisorReview,
    Transfer,
)
from casework.models.common import Approval
from socialwork.money import format_yuan

PREFETCH = (
    Prefetch("case_clients", queryset=CaseClient.objects.select_related("client").order_by("-primary", "pk")),
    Prefetch("transitions", queryset=CaseTransition.objects.select_related("actor")),
    Prefetch("assessments", queryset=Assessment.objects.select_related("author").prefetch_related("domains")),
    Prefetch(
        "plans",
        queryset=ServicePlan.objects.select_related("author", "decided_by")
        .prefetch_related(
            "goals",
            "tasks__goal",
            Prefetch("rounds", queryset=PlanRound.objects.select_related("submitted_by", "decided_by")),
        )
        .order_by("version"),
    ),
    Prefetch("notes", queryset=ServiceNote.objects.select_related("author")),
    Prefetch("referrals", queryset=Referral.objects.select_related("author", "organization")),
    Prefetch("follow_ups", queryset=FollowUp.objects.select_related("author", "done_by")),
    Prefetch("reviews", queryset=SupervisorReview.objects.select_related("supervisor")),
    Prefetch("closings", queryset=Closing.objects.select_related("author", "decided_by")),
    Prefetch(
        "transfers",
        queryset=Transfer.objects.select_related(
            "from_station", "to_station", "to_worker", "requested_by", "decided_by"
        ),
    ),
    Prefetch("label_changes", queryset=LabelChange.objects.select_related("actor")),
    Prefetch("break_glasses", queryset=BreakGlass.objects.select_related("user")),
)


@dataclass(frozen=True)
class Event:
    """One thing that happened on a case. `day` is shown; `at` orders events of the same day."""

    kind: str
    key: str
    day: date
    at: datetime
    title: str
    actor: object = None
    text: str = ""
    details: tuple[tuple[str, str], ...] = field(default=())


def _on(day: date, record) -> tuple[date, datetime]:
    """A dated record (a note on the 3rd): its day, ordered within the day by when it was written."""
    return day, record.created_at


def _at(moment: datetime) -> tuple[date, datetime]:
    return timezone.localdate(moment), moment


def transition_events(case):
    for change in case.transitions.all():
        if change.imported:
            title = _("Imported, %(status)s") % {"status": change.get_to_status_display()}
        elif not change.from_status:
            title = _("Case opened")
        else:
            title = _("Status: %(before)s → %(after)s") % {
                "before": change.get_from_status_display(),
                "after": change.get_to_status_display(),
            }
        yield Event(
            "transition", f"transition-{change.pk}", *_at(change.at),
            title=title, actor=change.actor, text=change.reason,
        )  # fmt: skip


def assessment_events(case):
    for assessment in case.assessments.all():
        details = []
        for domain in assessment.domains.all():
            parts = [domain.get_risk_display()] if domain.risk else []
            if domain.needs:
                parts.append(_("Needs: %(text)s") % {"text": domain.needs})
            if domain.strengths:
                parts.append(_("Strengths: %(text)s") % {"text": domain.strengths})
            details.append((domain.get_domain_display(), " · ".join(parts)))
        yield Event(
            "assessment", f"assessment-{assessment.pk}", *_on(assessment.assessed_on, assessment),
            title=_("Assessment: %(risk)s") % {"risk": assessment.get_risk_level_display()},
            actor=assessment.author, text=assessment.summary, details=tuple(details),
        )  # fmt: skip


def plan_events(case):
    """Every round of each plan's approval: each sending with the goals as sent, and each
    decision with the supervisor's comment, a return included."""
    for plan in case.plans.all():
        for n, round_ in enumerate(plan.rounds.all(), start=1):
            words = {"version": plan.version, "round": n}
            if n == 1:
                title = _("Service plan v%(version)s submitted") % words
            else:
                title = _("Service plan v%(version)s submitted again (round %(round)s)") % words
            yield Event(
                "plan", f"plan-round-{round_.pk}-submitted", *_at(round_.submitted_at),
                title=title, actor=round_.submitted_by, details=tuple((_("Goal"), goal) for goal in round_.goals),
            )  # fmt: skip
            if round_.decided_at:
                if round_.outcome == Approval.APPROVED:
                    title = _("Service plan v%(version)s approved") % words
                else:
                    title = _("Service plan v%(version)s returned") % words
                yield Event(
                    "plan", f"plan-round-{round_.pk}-decided", *_at(round_.decided_at),
                    title=title, actor=round_.decided_by, text=round_.comment,
                )  # fmt: skip


def note_event(note: ServiceNote) -> Event:
    title = _("%(method)s, %(minutes)s minutes") % {
        "method": note.get_method_display(),
        "minutes": note.minutes,
    }
    return Event(
        "note",
        f"note-{note.pk}",
        *_on(note.noted_on, note),
        title=title,
        actor=note.author,
        text=note.content,
    )


def referral_events(case):
    for referral in case.referrals.all():
        title = _("Referred to %(target)s (%(kind)s)") % {
            "target": referral.target,
            "kind": referral.get_target_kind_display(),
        }
        yield Event(
            "referral", f"referral-{referral.pk}", *_on(referral.referred_on, referral),
            title=title, actor=referral.author, text=referral.request,
        )  # fmt: skip
        if referral.concluded_on:
            if referral.status == Referral.Status.SUCCEEDED:
                title = _("Referral to %(target)s succeeded") % {"target": referral.target}
            else:
                title = _("Referral to %(target)s declined") % {"target": referral.target}
            details = []
            if referral.outcome:
                details.append((_("Outcome"), referral.get_outcome_display()))
            if referral.amount is not None:
                details.append((_("Amount"), format_yuan(referral.amount)))
            # Ordered by the day it concluded, then by when that was recorded.
            yield Event(
                "referral", f"referral-{referral.pk}-concluded", referral.concluded_on, referral.updated_at,
                title=title, text=referral.outcome_note, details=tuple(details),
            )  # fmt: skip


def follow_up_events(case):
    for follow_up in case.follow_ups.all():
        yield Event(
            "follow_up", f"follow-up-{follow_up.pk}", *_at(follow_up.created_at),
            title=_("Follow-up planned for %(day)s") % {"day": follow_up.due_on.isoformat()},
            actor=follow_up.author, text=follow_up.purpose,
        )  # fmt: skip
        if follow_up.done_on:
            yield Event(
                "follow_up", f"follow-up-{follow_up.pk}-done", follow_up.done_on, follow_up.updated_at,
                title=_("Follow-up done: %(purpose)s") % {"purpose": follow_up.purpose},
                actor=follow_up.done_by, text=follow_up.result,
            )  # fmt: skip


def review_events(case):
    for review in case.reviews.all():
        yield Event(
            "review", f"review-{review.pk}", *_on(review.reviewed_on, review),
            title=_("Supervision review"), actor=review.supervisor, text=review.comments,
            details=((_("Advice to the worker"), review.advice),) if review.advice else (),
        )  # fmt: skip


def closing_events(case):
    for closing in case.closings.all():
        details = []
        if closing.goals_reached:
            details.append((_("Goals reached"), closing.goals_reached))
        if closing.client_feedback:
            details.append((_("The client's feedback"), closing.client_feedback))
        if closing.satisfaction:
            details.append((_("Satisfaction"), f"{closing.satisfaction}/5"))
        # An imported case's closing was approved before the system: its summary, undecided here.
        imported = closing.status == Approval.APPROVED and closing.decided_at is None
        title = (
            _("Closed before it was imported: %(reason)s") if imported else _("Closing requested: %(reason)s")
        )
        yield Event(
            "closing", f"closing-{closing.pk}", *_at(closing.created_at),
            title=title % {"reason": closing.get_reason_display()},
            actor=closing.author, text=closing.summary, details=tuple(details),
        )  # fmt: skip
        if closing.decided_at:
            yield Event(
                "closing", f"closing-{closing.pk}-decided", *_at(closing.decided_at),
                title=_("Closing approved") if closing.status == Approval.APPROVED else _("Closing returned"),
                actor=closing.decided_by, text=closing.comment,
            )  # fmt: skip


TRANSFER_DECIDED = {
    Transfer.Status.ACCEPTED: gettext_lazy("Transfer accepted"),
    Transfer.Status.DECLINED: gettext_lazy("Transfer declined"),
    Transfer.Status.CANCELLED: gettext_lazy("Transfer cancelled"),
}


def transfer_events(case):
    for transfer in case.transfers.all():
        if transfer.to_worker:
            title = _("Transfer to %(worker)s at %(station)s requested") % {
                "worker": transfer.to_worker,
                "station": transfer.to_station.name,
            }
        else:
            title = _("Transfer to %(station)s requested") % {"station": transfer.to_station.name}
        yield Event(
            "transfer", f"transfer-{transfer.pk}", *_at(transfer.created_at),
            title=title, actor=transfer.requested_by, text=transfer.reason,
        )  # fmt: skip
        if transfer.decided_at and transfer.status in TRANSFER_DECIDED:
            yield Event(
                "transfer", f"transfer-{transfer.pk}-decided", *_at(transfer.decided_at),
                title=str(TRANSFER_DECIDED[transfer.status]), actor=transfer.decided_by,
                text=transfer.comment,
            )  # fmt: skip


def label_events(case):
    """The case's security label set and removed (the reason's category and note, never more)."""
    for change in case.label_changes.all():
        if change.sensitive:
            title = _("Labelled sensitive: %(reason)s") % {"reason": change.get_reason_display()}
        else:
            title = _("Security label removed")
        yield Event(
            "label", f"label-{change.pk}", *_at(change.at), title=title, actor=change.actor, text=change.note,
        )  # fmt: skip


def break_glass_events(case):
    """Who opened the labelled case in an emergency, why, and until when: those on the case see it."""
    for opened in case.break_glasses.all():
        yield Event(
            "break-glass", f"break-glass-{opened.pk}", *_at(opened.opened_at),
            title=_("Opened in an emergency (break-glass) until %(time)s")
            % {"time": timezone.localtime(opened.expires_at).strftime("%Y-%m-%d %H:%M")},
            actor=opened.user, text=opened.reason,
        )  # fmt: skip


SOURCES = (
    transition_events, assessment_events, plan_events, referral_events, follow_up_events, review_events,
    closing_events, transfer_events, label_events, break_glass_events,
)  # fmt: skip


def case_timeline(case) -> list[Event]:
    """Every event of the case, newest first."""
    events = [note_event(note) for note in case.notes.all()]
    for source in SOURCES:
        events.extend(source(case))
    return sorted(events, key=lambda event: (event.day, event.at), reverse=True)
