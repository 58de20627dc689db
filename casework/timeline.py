"""A case's one timeline: every status change, assessment, round of a plan's approval (each
sending and each decision, returns with their comments), goal measure before and after, note, home visit, referral, follow-up, supervision
review, closing and transfer as an event, newest first.

The case must come with `PREFETCH` applied, so that building the timeline reads no more rows
however long the case has run."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from casework.models import (
    Assessment,
    Attachment,
    BreakGlass,
    Case,
    CaseClient,
    CaseTransition,
    ClientConsent,
    Closing,
    FieldConflict,
    FollowUp,
    HomeVisit,
    LabelChange,
    Referral,
    ServiceNote,
    ServicePlan,
    SupervisorReview,
    Transfer,
)
from casework.models.common import Approval
from socialwork.money import format_yuan

# The case's records. The people they name (who wrote, who decided…) are not joined into each
# record's query: `with_people` reads them all in one query afterwards. Joining a person's row
# into each of a dozen queries cost the case page more in Django's compiling of those queries than
# the database took to answer them (bench/README.md).
PREFETCH = (
    Prefetch("case_clients", queryset=CaseClient.objects.select_related("client").order_by("-primary", "pk")),
    Prefetch("transitions", queryset=CaseTransition.objects.all()),
    Prefetch("assessments", queryset=Assessment.objects.prefetch_related("domains")),
    Prefetch(
        "plans",
        queryset=ServicePlan.objects.prefetch_related("goals", "tasks__goal", "rounds").order_by("version"),
    ),
    Prefetch("notes", queryset=ServiceNote.objects.prefetch_related("attachments")),
    # Signed consents with the photos of a paper form, and the photos and documents on no record.
    Prefetch("consents", queryset=ClientConsent.objects.prefetch_related("attachments")),
    Prefetch(
        "attachments",
        queryset=Attachment.objects.filter(note=None, home_visit=None, consent=None),
        to_attr="loose_attachments",
    ),
    Prefetch("home_visits", queryset=HomeVisit.objects.prefetch_related("attachments")),
    Prefetch("referrals", queryset=Referral.objects.select_related("organization")),
    Prefetch("follow_ups", queryset=FollowUp.objects.prefetch_related("answers")),
    Prefetch("reviews", queryset=SupervisorReview.objects.all()),
    Prefetch("closings", queryset=Closing.objects.all()),
    Prefetch("transfers", queryset=Transfer.objects.select_related("from_station", "to_station")),
    Prefetch("label_changes", queryset=LabelChange.objects.all()),
    Prefetch("break_glasses", queryset=BreakGlass.objects.all()),
    # Open and resolved: the resolved ones are events, the open ones the case page's banner.
    Prefetch(
        "conflicts",
        queryset=FieldConflict.objects.select_related("client", "task", "follow_up"),
        to_attr="field_conflicts",
    ),
)
# Each prefetched list's people, by the name of its foreign key to the user.
PEOPLE = {
    "transitions": ("actor",),
    "assessments": ("author",),
    "plans": ("author", "decided_by"),
    "notes": ("author",),
    "consents": ("taken_by",),
    "loose_attachments": ("uploaded_by",),
    "home_visits": ("author",),
    "referrals": ("author",),
    "follow_ups": ("author", "done_by"),
    "reviews": ("supervisor",),
    "closings": ("author", "decided_by"),
    "transfers": ("to_worker", "requested_by", "decided_by"),
    "label_changes": ("actor",),
    "break_glasses": ("user",),
    "field_conflicts": ("resolved_by", "theirs_by"),
}
ROUND_PEOPLE = ("submitted_by", "decided_by")


def with_people(case: Case | None) -> Case | None:
    """The case, fetched with PREFETCH, given the people its records name, read in one query."""
    if case is None:
        return None
    named = []
    for name, fields in PEOPLE.items():
        records = getattr(case, name)
        named += [(record, fields) for record in (records if isinstance(records, list) else records.all())]
    named += [(round_, ROUND_PEOPLE) for plan in case.plans.all() for round_ in plan.rounds.all()]
    wanted = {getattr(record, f"{name}_id") for record, names in named for name in names} - {None}
    people = get_user_model().objects.in_bulk(wanted) if wanted else {}
    for record, names in named:
        for name in names:
            record._meta.get_field(name).set_cached_value(record, people.get(getattr(record, f"{name}_id")))
    return case


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
    # Photos and documents on the record (casework.models.Attachment), listed by name.
    files: tuple = field(default=())


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


def _number(value) -> str:
    return f"{value.normalize():f}"


def measure_events(case):
    """Each goal's measure taken before and after the work (MZ/T 094), on the day it was taken. A
    measure carried into a later version of the plan shows once."""
    seen = set()
    for plan in case.plans.all():
        for goal in plan.goals.all():
            for phase, value, day in (("before", goal.before_value, goal.before_on),
                                      ("after", goal.after_value, goal.after_on)):  # fmt: skip
                key = (goal.description, goal.measure, phase, value, day)
                if value is None or day is None or key in seen:
                    continue
                seen.add(key)
                words = {"measure": goal.measure, "value": _number(value)}
                if phase == "before":
                    title = _("Measured before: %(measure)s %(value)s") % words
                    details = ((_("Goal"), goal.description),)
                else:
                    title = _("Measured after: %(measure)s %(value)s") % words
                    details = ((_("Goal"), goal.description),)
                    if goal.change is not None:
                        change = f"{goal.change.normalize():+f}"
                        details += ((pgettext("measure", "Change"), _("%(before)s → %(after)s (%(change)s)") % {
                            "before": _number(goal.before_value), "after": _number(value), "change": change,
                        }),)  # fmt: skip
                yield Event(
                    "measure", f"measure-{goal.pk}-{phase}", day, plan.updated_at,
                    title=title, details=details,
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
        files=tuple(note.attachments.all()),
    )


def home_visit_event(visit: HomeVisit) -> Event:
    """A home visit (入户走访): who was there as its title, what was seen, the needs and next step."""
    details = tuple(
        (label, value)
        for label, value in ((_("Needs found"), visit.needs_found), (_("Next step"), visit.next_step))
        if value
    )
    return Event(
        "home_visit",
        f"home-visit-{visit.pk}",
        *_on(visit.visited_on, visit),
        title=_("Home visit: %(people)s") % {"people": visit.people_present},
        actor=visit.author,
        text=visit.observations,
        details=details,
        files=tuple(visit.attachments.all()),
    )


def home_visit_events(case):
    for visit in case.home_visits.all():
        yield home_visit_event(visit)


def referral_events(case):
    for referral in case.referrals.all():
        title = _("Referred to %(target)s (%(kind)s)") % {
            "target": referral.target,
            "kind": referral.get_target_kind_display(),
        }
        expected = []
        if referral.answer_by:
            expected.append((_("Answer expected by"), referral.answer_by.isoformat()))
        if referral.outcome_by:
            expected.append((_("Result expected by"), referral.outcome_by.isoformat()))
        yield Event(
            "referral", f"referral-{referral.pk}", *_on(referral.referred_on, referral),
            title=title, actor=referral.author, text=referral.request, details=tuple(expected),
        )  # fmt: skip
        if referral.answered_on and referral.answered_on != referral.concluded_on:
            late = referral.answer_by is not None and referral.answered_on > referral.answer_by
            yield Event(
                "referral", f"referral-{referral.pk}-answered", referral.answered_on, referral.updated_at,
                title=(_("%(target)s answered the referral late") if late
                       else _("%(target)s answered the referral")) % {"target": referral.target},
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


def _questionnaire_details(follow_up) -> tuple[tuple[str, str], ...]:
    """How the follow-up was done, each answer with the question as it was asked, the average and
    the client's comment."""
    details = []
    if follow_up.method:
        details.append((_("How"), follow_up.get_method_display()))
    for answer in follow_up.answers.all():
        details.append((answer.wording, f"{answer.score} · {answer.get_score_display()}"))
    if follow_up.satisfaction_average is not None:
        details.append((_("Average satisfaction"), f"{follow_up.satisfaction_average:.2f}"))
    if follow_up.comment:
        details.append((_("The client's comment"), follow_up.comment))
    return tuple(details)


def follow_up_events(case):
    for follow_up in case.follow_ups.all():
        if follow_up.kind == FollowUp.Kind.SAMPLED:
            # Recorded by an evaluation's evaluator: one event, done when planned.
            yield Event(
                "follow_up", f"follow-up-{follow_up.pk}-done", follow_up.done_on, follow_up.updated_at,
                title=_("Sampled satisfaction call of an evaluation (%(how)s)")
                % {"how": follow_up.get_method_display()},
                actor=follow_up.done_by, text=follow_up.result, details=_questionnaire_details(follow_up),
            )  # fmt: skip
            continue
        after = follow_up.kind == FollowUp.Kind.AFTER_CLOSING
        planned = (
            _("Follow-up after closing planned for %(day)s") if after else _("Follow-up planned for %(day)s")
        )
        yield Event(
            "follow_up", f"follow-up-{follow_up.pk}", *_at(follow_up.created_at),
            title=planned % {"day": follow_up.due_on.isoformat()},
            actor=follow_up.author, text=follow_up.purpose,
        )  # fmt: skip
        if follow_up.done_on:
            done = _("Follow-up after closing done") if after else (
                _("Follow-up done: %(purpose)s") % {"purpose": follow_up.purpose}
            )  # fmt: skip
            yield Event(
                "follow_up", f"follow-up-{follow_up.pk}-done", follow_up.done_on, follow_up.updated_at,
                title=done, actor=follow_up.done_by, text=follow_up.result,
                details=_questionnaire_details(follow_up),
            )  # fmt: skip


def review_events(case):
    for review in case.reviews.all():
        yield Event(
            "review", f"review-{review.pk}", *_on(review.reviewed_on, review),
            title=_("Supervision review"), actor=review.supervisor, text=review.comments,
            details=((_("Advice to the worker"), review.advice),) if review.advice else (),
        )  # fmt: skip


def _goal_statements(case) -> list[tuple[str, str]]:
    """What the closing states of each goal of the approved plan: reached or not, before and after,
    the evidence."""
    plans = [plan for plan in case.plans.all() if plan.status == Approval.APPROVED]
    rows = []
    for goal in plans[-1].goals.all() if plans else ():
        if not goal.outcome:
            continue
        parts = [goal.get_outcome_display()]
        if goal.before_value is not None and goal.after_value is not None:
            parts.append(f"{goal.measure} {_number(goal.before_value)} → {_number(goal.after_value)}")
        if goal.evidence:
            parts.append(goal.evidence)
        rows.append((_("Goal: %(goal)s") % {"goal": goal.description}, " · ".join(parts)))
    return rows


def closing_events(case):
    closings = list(case.closings.all())
    for closing in closings:
        details = []
        if closing is closings[-1]:
            details += _goal_statements(case)
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


def merge_events(case):
    """Client records of the case merged (and merges undone): the case moved with its client.
    One query, for the merges of the case's clients (of either record)."""
    from django.db.models import Q

    from casework.models import ClientMerge

    ids = [link.client_id for link in case.case_clients.all()]
    merges = ClientMerge.objects.filter(
        Q(kept_id__in=ids) | Q(merged_id__in=ids),
        status__in=(ClientMerge.Status.MERGED, ClientMerge.Status.UNDONE),
    ).select_related("decided_by", "undone_by")
    for merge in merges:
        words = {"merged": merge.merged_ref, "kept": merge.kept_id}
        yield Event(
            "merge", f"merge-{merge.pk}", *_at(merge.decided_at),
            title=_("Client record #%(merged)s merged into #%(kept)s") % words,
            actor=merge.decided_by, text=merge.reason,
        )  # fmt: skip
        if merge.undone_at:
            yield Event(
                "merge", f"merge-{merge.pk}-undone", *_at(merge.undone_at),
                title=_("Merge of client record #%(merged)s into #%(kept)s undone") % words,
                actor=merge.undone_by, text=merge.undo_reason,
            )  # fmt: skip


def consent_events(case):
    """Consent a client or their guardian signed on the screen: what to, who signed, who took it."""
    for consent in case.consents.all():
        details = [
            (_("Signed by"), f"{consent.signer_name}（{consent.get_relationship_display()}）"),
            (_("Consents to services"), _("Yes") if consent.consents_to_services else _("No")),
            (
                _("Consents to the processing of their data"),
                _("Yes") if consent.consents_to_data_processing else _("No"),
            ),
        ]
        yield Event(
            "consent", f"consent-{consent.pk}", *_at(consent.taken_at),
            title=_("Consent signed"), actor=consent.taken_by, details=tuple(details),
            files=tuple(consent.attachments.all()),
        )  # fmt: skip


def attachment_events(case):
    """Photos and documents added to the case on no note, visit or consent, one event each day and person."""
    groups: dict = {}
    for item in getattr(case, "loose_attachments", None) or ():
        groups.setdefault((timezone.localdate(item.created_at), item.uploaded_by_id), []).append(item)
    for (day, _user), items in groups.items():
        yield Event(
            "attachment", f"attachment-{items[0].pk}", day, items[0].created_at,
            title=_("Photos and documents added"), actor=items[0].uploaded_by, files=tuple(items),
        )  # fmt: skip


def conflict_events(case):
    """Conflicting edits resolved: which field of which record, and whose value was kept (the values
    stay on the conflict, for those who may open it)."""
    conflicts = getattr(case, "field_conflicts", None)
    if conflicts is None:  # a case without PREFETCH (as every other source, read when asked)
        conflicts = case.conflicts.select_related("resolved_by", "theirs_by", "client", "task", "follow_up")
    for conflict in conflicts:
        if conflict.resolved_at is None:
            continue
        words = {"record": conflict.record_label, "field": conflict.field_label}
        if conflict.choice == FieldConflict.Choice.MINE:
            title = (
                _(
                    "Conflicting edit of %(record)s, %(field)s: the new value was kept, replacing the one saved meanwhile"
                )
                % words
            )
        else:
            title = _("Conflicting edit of %(record)s, %(field)s: the value saved meanwhile was kept") % words
        other = (
            _("Saved meanwhile by %(person)s") % {"person": conflict.theirs_by} if conflict.theirs_by else ""
        )
        yield Event(
            "conflict", f"conflict-{conflict.pk}", *_at(conflict.resolved_at),
            title=title, actor=conflict.resolved_by, text=other,
        )  # fmt: skip


SOURCES = (
    transition_events, assessment_events, plan_events, measure_events, home_visit_events, referral_events,
    follow_up_events, review_events, closing_events, transfer_events, label_events, break_glass_events, merge_events,
    consent_events,
    attachment_events, conflict_events,
)  # fmt: skip


def case_timeline(case) -> list[Event]:
    """Every event of the case, newest first."""
    events = [note_event(note) for note in case.notes.all()]
    for source in SOURCES:
        events.extend(source(case))
    return sorted(events, key=lambda event: (event.day, event.at), reverse=True)
