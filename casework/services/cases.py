"""Writes of a case, from intake to closing. Each runs in one transaction, checks the actor's part
on the case (casework.workflow.roles_of), locks the case, saves and writes its audit row; the
status moves only through `_transition`, which records the CaseTransition."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import notifications, workflow
from casework.models import (
    Assessment,
    AssessmentDomain,
    Case,
    CaseClient,
    Client,
    Closing,
    FollowUp,
    PlanGoal,
    PlanRound,
    PlanTask,
    Referral,
    ServiceNote,
    ServicePlan,
    SupervisorReview,
    Transfer,
)
from casework.models.common import Approval, RiskLevel
from casework.selectors import cases_visible_to, clients_visible_to, station_of
from casework.services.caseload import caseload_refresh
from casework.services.labels import case_label_follow_clients
from casework.services.measures import (
    goal_outcomes_apply,
    measure_check,
    measure_fields,
    referral_answered_on,
    referral_deadlines,
)
from casework.services.tallies import notes_tallied, served_refresh, tallies_kept
from casework.services.versions import version_raise
from positions.models import ServiceUnit
from socialwork.actions import ActionNotAllowed
from socialwork.roles import Role
from socialwork.services import apply_changes, audit_record, notification_send

S = Case.Status
UNCHANGED = object()
CASE_FIELDS = ("category", "source", "referred_by", "presenting_problem", "risk_level")


# Shared steps


def _locked_case(*, actor, case: Case) -> Case:
    """The case, locked, once the actor is known to see it."""
    if not cases_visible_to(user=actor).filter(pk=case.pk).exists():
        raise ValidationError(_("This case is outside what you can see."))
    return Case.objects.select_for_update(of=("self",)).select_related("station").get(pk=case.pk)


def _not_in_future(day: date, field: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def _notify(
    user, *, case: Case, key: str, title, url: str = "", kind: str = notifications.CASEWORK, body=""
) -> None:
    """Tell an active person about the case; an enterprise messenger names it by its number only."""
    if user is not None and user.is_active:
        notification_send(
            user=user, kind=kind, key=key, title=title, body=body, url=url, reference=case.number
        )


def _notify_assigned(worker, case: Case, *, key: str = "") -> None:
    key = key or f"casework:assigned:{case.pk}:{worker.pk}"
    _notify(worker, case=case, kind=notifications.CASE_ASSIGNED, key=key,
            title=gettext_lazy("A case was assigned to you: %(case)s") % {"case": case},
            url=case.get_absolute_url())  # fmt: skip


def _transition(*, actor, case: Case, name: str, reason: str = "") -> Case:
    """Move a locked case along the workflow move `name`, record the transition and audit it."""
    move = workflow.MOVES.get(name)
    if move is None:
        raise ValidationError({"move": _("There is no such step in the case workflow.")})
    if case.status not in move.sources:
        raise ValidationError(
            {
                "move": _("A case in %(status)s cannot take the step “%(move)s”.")
                % {"status": case.get_status_display().lower(), "move": move.label}
            }
        )
    if not move.by & workflow.roles_of(actor, case):
        raise ValidationError(
            {"move": _("You cannot take the step “%(move)s” on this case.") % {"move": move.label}}
        )
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ValidationError({"reason": _("Give a reason for “%(move)s”.") % {"move": move.label}})
    before, closed_before = case.status, case.closed_on
    case.status = move.target
    case.closed_on = timezone.localdate() if move.target == S.CLOSED else None
    case.save(update_fields=["status", "closed_on", "updated_at"])
    if case.closed_on != closed_before:  # closed or reopened: the years it was open in change
        served_refresh(case.case_clients.values_list("client_id", flat=True))
    case.transitions.create(from_status=before, to_status=move.target, actor=actor, reason=reason[:500])
    audit_record(
        actor=actor,
        action=f"case.{name}",
        target=case,
        summary=str(case),
        changes={"status": [before, move.target]},
    )
    return case


def _note_clients_elsewhere(case: Case) -> None:
    """Mark whether some client of the case is registered at a station other than the case's:
    the client lists find those clients by this flag (selectors.client_scope). Called wherever a
    case gets its clients or changes station."""
    elsewhere = case.case_clients.exclude(client__station_id=case.station_id).exists()
    if elsewhere != case.clients_elsewhere:
        case.clients_elsewhere = elsewhere
        case.save(update_fields=["clients_elsewhere"])


def _worker_at(station: ServiceUnit, worker, field: str = "worker") -> None:
    if worker is None:
        return
    if not (worker.is_active and worker.unit_id and worker.unit.path.startswith(station.path)):
        raise ValidationError({field: _("The worker must work at the case's station.")})


def _check_supervisor(supervisor) -> None:
    if supervisor is not None and not (supervisor.is_active and supervisor.has_role(Role.SUPERVISOR)):
        raise ValidationError({"supervisor": _("Choose someone who holds the supervisor role.")})


# Intake and the case record


def case_open(
    *,
    actor,
    clients: list[Client],
    intake_on: date,
    source: str,
    presenting_problem: str,
    risk_level: str = RiskLevel.LOW,
    referred_by: str = "",
    category=None,
    worker=None,
    supervisor=None,
) -> Case:
    """Open a case at the actor's station for clients the actor sees. Its number is the next of
    the station's year (STATIONCODE-YEAR-0001), allocated under a lock on the station. A social
    worker opening a case is its worker unless another is named."""
    with transaction.atomic():
        case = _case_create(
            actor=actor, clients=clients, intake_on=intake_on, source=source,
            presenting_problem=presenting_problem, risk_level=risk_level, referred_by=referred_by,
            category=category, worker=worker, supervisor=supervisor,
        )  # fmt: skip
        case.transitions.create(from_status="", to_status=S.INTAKE, actor=actor)
        audit_record(actor=actor, action="case.open", target=case, summary=str(case))
        case_label_follow_clients(actor=actor, case=case)
    supervisor = case.supervisor
    if supervisor is not None:
        transaction.on_commit(
            lambda: _notify(
                supervisor,
                case=case,
                key=f"casework:supervise:{case.pk}:{supervisor.pk}",
                title=gettext_lazy("You supervise a new case: %(case)s") % {"case": case},
                url=case.get_absolute_url(),
            )  # fmt: skip
        )
    return case


def case_import(
    *,
    actor,
    clients: list[Client],
    intake_on: date,
    status: str,
    source_row: str,
    source: str = Case.Source.WALK_IN,
    presenting_problem: str,
    risk_level: str = RiskLevel.LOW,
    category=None,
    worker=None,
    supervisor=None,
    last_note_on: date | None = None,
    closed_on: date | None = None,
    closing_reason: str = "",
    closing_summary: str = "",
) -> Case:
    """Bring in a case the bureau kept on paper or in a spreadsheet (casework.imports), where it
    stands: opened as `case_open` opens one (the same rules of station, clients, consent, worker and
    supervisor), then landed in `status` without walking each step. Its timeline says so: one
    transition marked `imported`, naming `source_row` (the file's sheet and row), instead of steps
    nobody took here. A closed case (a summary of past years) carries its closing day and an
    approved Closing with its reason and summary, so it counts wherever closed cases count. The
    last note day is kept as the case's own (no note is invented). Nobody is notified: the work is
    not new."""
    if status not in S.values:
        raise ValidationError({"status": _("Choose where the case stands.")})
    closed = status == S.CLOSED
    if closed:
        if closed_on is None:
            raise ValidationError({"closed_on": _("Give the day the case was closed.")})
        _not_in_future(closed_on, "closed_on")
        if closed_on < intake_on:
            raise ValidationError({"closed_on": _("A case cannot close before its intake date.")})
        if closing_reason not in Closing.Reason.values:
            raise ValidationError({"closing_reason": _("Choose why the case closes.")})
    elif closed_on is not None:
        raise ValidationError({"closed_on": _("Only a closed case has a closing day.")})
    if last_note_on is not None:
        _not_in_future(last_note_on, "last_note_on")
        if last_note_on < intake_on:
            raise ValidationError({"last_note_on": _("A note cannot come before the intake date.")})
        if closed and last_note_on > closed_on:
            raise ValidationError({"last_note_on": _("A note cannot come after the case closed.")})
    with transaction.atomic():
        case = _case_create(
            actor=actor, clients=clients, intake_on=intake_on, source=source,
            presenting_problem=presenting_problem, risk_level=risk_level, category=category,
            worker=worker, supervisor=supervisor,
            status=status, closed_on=closed_on if closed else None, last_note_on=last_note_on,
        )  # fmt: skip
        case.transitions.create(
            from_status="", to_status=status, actor=actor, imported=True, reason=source_row[:500]
        )
        if closed:
            # Approved before the system: no decision was taken here, so none is dated.
            Closing.objects.create(
                case=case, reason=closing_reason,
                summary=(closing_summary or "").strip() or _("Closed before the case was imported."),
                status=Approval.APPROVED, author=actor,
            )  # fmt: skip
        audit_record(
            actor=actor, action="case.import", target=case, summary=str(case), changes={"status": status}
        )
        case_label_follow_clients(actor=actor, case=case)
    return case


def _case_create(
    *, actor, clients, intake_on, source, presenting_problem, risk_level, category, worker, supervisor,
    referred_by="", **state,
) -> Case:  # fmt: skip
    """A new case at the actor's station, with its clients linked, their caseloads and its label
    following theirs (the caller then calls `case_label_follow_clients`): the rules every door that opens a case shares. Call it in a transaction."""
    if not actor.has_perm("casework.add_case"):
        raise ValidationError(_("You may not open cases."))
    station = station_of(actor.unit)
    if station is None:
        raise ValidationError(_("Only people who work at a service station can open cases."))
    if not clients:
        raise ValidationError({"clients": _("A case needs at least one client.")})
    visible = set(
        clients_visible_to(user=actor).filter(pk__in=[c.pk for c in clients]).values_list("pk", flat=True)
    )
    if any(client.pk not in visible for client in clients):
        raise ValidationError({"clients": _("One of the clients is outside what you can see.")})
    if any(client.consent_withdrawn_on for client in clients):
        raise ValidationError(
            {
                "clients": _(
                    "A client has withdrawn consent to the processing of their data: no new case is opened."
                )
            }
        )
    presenting_problem = (presenting_problem or "").strip()
    if not presenting_problem:
        raise ValidationError({"presenting_problem": _("Describe the presenting problem.")})
    _not_in_future(intake_on, "intake_on")
    if worker is None and actor.has_role(Role.SOCIAL_WORKER):
        worker = actor
    _worker_at(station, worker)
    _check_supervisor(supervisor)
    ServiceUnit.objects.select_for_update().get(pk=station.pk)
    year = intake_on.year
    last = Case.objects.filter(numbered_by=station, year=year).aggregate(n=Max("sequence"))["n"] or 0
    case = Case.objects.create(
        number=f"{station.code}-{year}-{last + 1:04d}",
        numbered_by=station,
        year=year,
        sequence=last + 1,
        intake_on=intake_on,
        source=source,
        referred_by=(referred_by or "").strip(),
        presenting_problem=presenting_problem,
        risk_level=risk_level,
        category=category,
        station=station,
        worker=worker,
        supervisor=supervisor,
        opened_by=actor,
        **state,
    )
    for index, client in enumerate(clients):
        CaseClient.objects.create(case=case, client=client, primary=index == 0)
    _note_clients_elsewhere(case)
    caseload_refresh(client.pk for client in clients)
    served_refresh(client.pk for client in clients)
    return case


def case_update(*, actor, case: Case, **fields) -> Case:
    """Change the case's record: category, source, presenting problem, risk level (the team)."""
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"case_update got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "case_update")
        diff = apply_changes(case, fields)
        if not (case.presenting_problem or "").strip():
            raise ValidationError({"presenting_problem": _("Describe the presenting problem.")})
        case.save()
        audit_record(actor=actor, action="case.update", target=case, summary=str(case), changes=diff)
    return case


def case_assign(*, actor, case: Case, worker, supervisor) -> Case:
    """The station manager assigns the case's worker and supervisor."""
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "case_assign")
        _worker_at(case.station, worker)
        _check_supervisor(supervisor)
        old_supervisor = case.supervisor_id
        diff = apply_changes(case, {"worker": worker, "supervisor": supervisor})
        case.save(update_fields=["worker", "supervisor", "updated_at"])
        caseload_refresh(case.case_clients.values_list("client_id", flat=True))
        audit_record(actor=actor, action="case.assign", target=case, summary=str(case), changes=diff)
    if worker is not None and worker != actor:
        _notify_assigned(worker, case)
    if supervisor is not None and supervisor.pk != old_supervisor:
        _notify(supervisor, case=case, key=f"casework:supervise:{case.pk}:{supervisor.pk}",
                title=gettext_lazy("You supervise a new case: %(case)s") % {"case": case},
                url=case.get_absolute_url())  # fmt: skip
    return case


def case_move(*, actor, case: Case, move: str, reason: str = "") -> Case:
    """Take a direct workflow step, as casework.workflow declares it (planning needs an
    assessment on record; the intervention, an approved service plan)."""
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        if move in workflow.MOVES and not workflow.MOVES[move].direct:
            raise ActionNotAllowed(_("A case closes when the supervisor approves its closing."))
        workflow.require(actor, case, move)
        return _transition(actor=actor, case=case, name=move, reason=reason)


# The work of a case


def assessment_record(
    *, actor, case: Case, assessed_on: date, risk_level: str, summary: str = "", domains: dict[str, dict]
) -> Assessment:
    """Record an assessment across the domains (needs, strengths, risk in each). At least one
    domain must say something. The case's risk level follows the latest assessment."""
    _not_in_future(assessed_on, "assessed_on")
    filled = {
        domain: values for domain, values in domains.items()
        if any((values.get(key) or "").strip() for key in ("needs", "strengths", "risk"))
    }  # fmt: skip
    unknown = set(filled) - set(Assessment.Domain.values)
    if unknown:
        raise ValidationError(
            {"domains": _("Unknown domain: %(domain)s") % {"domain": ", ".join(sorted(unknown))}}
        )
    if not filled:
        raise ValidationError({"domains": _("Describe the needs or strengths in at least one domain.")})
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "assessment_record")
        assessment = Assessment.objects.create(
            case=case,
            assessed_on=assessed_on,
            risk_level=risk_level,
            summary=(summary or "").strip(),
            author=actor,
        )
        AssessmentDomain.objects.bulk_create(
            AssessmentDomain(
                assessment=assessment,
                domain=domain,
                needs=(values.get("needs") or "").strip(),
                strengths=(values.get("strengths") or "").strip(),
                risk=values.get("risk") or "",
            )  # fmt: skip
            for domain, values in filled.items()
        )
        changes = {}
        latest = case.assessments.order_by("-assessed_on", "-pk").first()
        if latest == assessment and case.risk_level != risk_level:
            changes = {"risk_level": [case.risk_level, risk_level]}
            case.risk_level = risk_level
            case.save(update_fields=["risk_level", "updated_at"])
        audit_record(actor=actor, action="case.assess", target=case, summary=str(case), changes=changes)
    return assessment


def plan_save(*, actor, case: Case, goals: list[dict], tasks: list[dict]) -> ServicePlan:
    """Write the service plan: goals with indicators, tasks with an owner and a due date (a task
    may name its goal by position, `goal`: 0, 1, ...). A draft or returned plan is rewritten; once
    a plan is submitted it waits for the supervisor; after approval a change is a new version."""
    goals = [g for g in goals if (g.get("description") or "").strip()]
    tasks = [t for t in tasks if (t.get("description") or "").strip()]
    if not goals:
        raise ValidationError({"goals": _("A plan needs at least one goal.")})
    for goal in goals:
        measure_check(goal)
    for task in tasks:
        if not (task.get("owner") or "").strip() or not task.get("due_on"):
            raise ValidationError({"tasks": _("Every task needs an owner and a due date.")})
        if task.get("goal") is not None and not 0 <= int(task["goal"]) < len(goals):
            raise ValidationError({"tasks": _("A task names a goal the plan does not have.")})
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "plan_save")
        plan = case.plans.order_by("-version").first()
        # A measure taken after the work, recorded on the case page, stays with its goal (same
        # words) when the plan is rewritten or a new version made.
        earlier = {goal.description: goal for goal in plan.goals.all()} if plan else {}
        goals = [_with_after_measure(goal, earlier.get(goal["description"].strip())) for goal in goals]
        if plan is None or plan.status == Approval.APPROVED:
            plan = ServicePlan.objects.create(
                case=case, version=(plan.version + 1) if plan else 1, author=actor
            )
        else:
            plan.goals.all().delete()
            plan.tasks.all().delete()
            plan.status, plan.author = Approval.DRAFT, actor
            plan.save(update_fields=["status", "author", "updated_at"])
        made = [
            PlanGoal.objects.create(
                plan=plan,
                description=g["description"].strip(),
                indicator=(g.get("indicator") or "").strip(),
                **measure_fields(g),
            )
            for g in goals
        ]
        for task in tasks:
            PlanTask.objects.create(
                plan=plan, goal=made[int(task["goal"])] if task.get("goal") is not None else None,
                description=task["description"].strip(), owner=task["owner"].strip(), due_on=task["due_on"],
            )  # fmt: skip
        audit_record(actor=actor, action="plan.save", target=case, summary=f"{case} v{plan.version}")
    return plan


def _with_after_measure(goal: dict, earlier) -> dict:
    if earlier is None or earlier.after_value is None or goal.get("after_value") is not None:
        return goal
    if (goal.get("measure") or "").strip() != earlier.measure:
        return goal
    return {**goal, "after_value": earlier.after_value, "after_on": earlier.after_on}


def plan_submit(*, actor, plan: ServicePlan) -> ServicePlan:
    """Send the plan to the case's supervisor for approval. The case needs a supervisor. Each
    sending opens a round of approval (PlanRound) that stays on the case's record."""
    with transaction.atomic():
        case = _locked_case(actor=actor, case=plan.case)
        plan = ServicePlan.objects.select_for_update().get(pk=plan.pk)
        plan.case = case
        workflow.require(actor, plan, "plan_submit")
        plan.status, plan.submitted_at = Approval.SUBMITTED, timezone.now()
        plan.save(update_fields=["status", "submitted_at", "updated_at"])
        PlanRound.objects.create(
            plan=plan, submitted_by=actor, submitted_at=plan.submitted_at,
            goals=[goal.description for goal in plan.goals.all()],
        )  # fmt: skip
        audit_record(actor=actor, action="plan.submit", target=case, summary=f"{case} v{plan.version}")
    _notify(case.supervisor, case=case, key=f"casework:plan:{plan.pk}:{plan.submitted_at.timestamp()}",
            title=gettext_lazy("A service plan waits for your approval: %(case)s") % {"case": case},
            url=case.get_absolute_url())  # fmt: skip
    return plan


def plan_decide(*, actor, plan: ServicePlan, approve: bool, comment: str = "") -> ServicePlan:
    """The case's supervisor approves the submitted plan or returns it with a comment; the
    decision closes the plan's open round of approval, so a return and its comment stay on the
    case's timeline after the plan is changed and sent again."""
    comment = (comment or "").strip()
    with transaction.atomic():
        case = _locked_case(actor=actor, case=plan.case)
        plan = ServicePlan.objects.select_for_update().get(pk=plan.pk)
        plan.case = case
        workflow.require(actor, plan, "plan_approve" if approve else "plan_return")
        if not approve and not comment:
            raise ValidationError({"comment": _("Say what should change when returning a plan.")})
        plan.status = Approval.APPROVED if approve else Approval.RETURNED
        plan.decided_by, plan.decided_at, plan.comment = actor, timezone.now(), comment
        plan.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
        PlanRound.objects.filter(plan=plan, decided_at__isnull=True).update(
            outcome=plan.status, decided_by=actor, decided_at=plan.decided_at, comment=comment
        )
        audit_record(
            actor=actor, action=f"plan.{plan.status}", target=case, summary=f"{case} v{plan.version}"
        )
    if case.worker is not None:
        title = (
            gettext_lazy("Your service plan was approved: %(case)s")
            if approve
            else gettext_lazy("Your service plan was returned: %(case)s")
        )
        _notify(case.worker, case=case, key=f"casework:plan-decided:{plan.pk}:{plan.decided_at.timestamp()}",
                title=title % {"case": case}, url=case.get_absolute_url())  # fmt: skip
    return plan


def task_done(*, actor, task: PlanTask, done_on: date | None = None) -> PlanTask:
    done_on = done_on or timezone.localdate()
    _not_in_future(done_on, "done_on")
    with transaction.atomic():
        case = _locked_case(actor=actor, case=task.plan.case)
        plan = ServicePlan.objects.get(pk=task.plan_id)  # as it stands, not as the caller holds it
        plan.case = case
        workflow.require(actor, plan, "task_done")
        task.done_on = done_on
        task.save(update_fields=["done_on", *version_raise(task)])
        audit_record(
            actor=actor, action="task.done", target=case, summary=str(case), changes={"task": task.pk}
        )
    return task


def task_reopen(*, actor, task: PlanTask) -> PlanTask:
    """Mark a plan task not done (again): the case's team (worker or station manager, who mark it
    done) on an approved plan. Not a step of casework.workflow: it offers no button of its own,
    only the field page's and a conflicting edit's choice."""
    with transaction.atomic():
        case = _locked_case(actor=actor, case=task.plan.case)
        plan = ServicePlan.objects.get(pk=task.plan_id)
        if not workflow.roles_of(actor, case) & workflow.CASE_TEAM:
            raise ActionNotAllowed(_("Only the case's worker or its station manager can do this."))
        if plan.status != Approval.APPROVED:
            raise ActionNotAllowed(_("This step is not open to you on this record now."))
        task = PlanTask.objects.select_for_update().get(pk=task.pk)
        if task.done_on is not None:
            task.done_on = None
            task.save(update_fields=["done_on", *version_raise(task)])
            audit_record(
                actor=actor, action="task.reopen", target=case, summary=str(case), changes={"task": task.pk}
            )
    return task


def note_add(*, actor, case: Case, noted_on: date, method: str, minutes: int, content: str) -> ServiceNote:
    """Log a service note: what happened, how, for how long. The case's last note date follows."""
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("Write what happened.")})
    if not minutes or minutes <= 0:
        raise ValidationError({"minutes": _("Give the minutes spent, more than zero.")})
    if method not in ServiceNote.Method.values:
        raise ValidationError({"method": _("Choose how the service was given.")})
    _not_in_future(noted_on, "noted_on")
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "note_add")
        if noted_on < case.intake_on:
            raise ValidationError({"noted_on": _("A note cannot come before the intake date.")})
        with notes_tallied([case.pk]):
            note = ServiceNote.objects.create(
                case=case, noted_on=noted_on, method=method, minutes=minutes, content=content, author=actor
            )
        if case.last_note_on is None or noted_on > case.last_note_on:
            case.last_note_on = noted_on
            case.save(update_fields=["last_note_on", "updated_at"])
        audit_record(actor=actor, action="note.add", target=case, summary=str(case))
    return note


def referral_add(
    *, actor, case: Case, target_kind: str, target: str, request: str, referred_on: date, organization=None,
    answer_by: date | None = None, outcome_by: date | None = None,
) -> Referral:  # fmt: skip
    """Link a resource: ask a department, organization or person for something for the client.
    The receiver should answer by `answer_by` and the referral have a result by `outcome_by`;
    either left out is the referral's day plus the days of the case's district (CaseworkPolicy)."""
    target, request = (target or "").strip(), (request or "").strip()
    if not target:
        raise ValidationError({"target": _("Name who the referral goes to.")})
    if not request:
        raise ValidationError({"request": _("Say what was asked.")})
    _not_in_future(referred_on, "referred_on")
    answer_by, outcome_by = referral_deadlines(
        place=case.station.region, referred_on=referred_on, answer_by=answer_by, outcome_by=outcome_by
    )
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "referral_add")
        referral = Referral.objects.create(
            case=case, target_kind=target_kind, target=target, organization=organization, request=request,
            referred_on=referred_on, answer_by=answer_by, outcome_by=outcome_by, author=actor,
        )  # fmt: skip
        audit_record(actor=actor, action="referral.add", target=case, summary=str(case))
    return referral


def referral_update(
    *, actor, referral: Referral, status: str, outcome: str = "", outcome_note: str = "", amount=None,
    concluded_on: date | None = None, answered_on: date | None = None, answer_by=UNCHANGED, outcome_by=UNCHANGED,
) -> Referral:  # fmt: skip
    """Record where a referral stands and what came of it. A referral that succeeded names its
    outcome; a concluded one (succeeded or declined) has a date, today unless given. The day the
    receiver answered is kept from the first move away from "requested" (today unless given, or
    the conclusion's day if earlier); moved back to "requested" it has none. The expected dates
    may be changed (a receiver asks for more time)."""
    if status == Referral.Status.SUCCEEDED and not outcome:
        raise ValidationError({"outcome": _("Say what the referral obtained.")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    if status in (Referral.Status.SUCCEEDED, Referral.Status.DECLINED):
        concluded_on = concluded_on or timezone.localdate()
    else:
        concluded_on = None
    with transaction.atomic():
        case = _locked_case(actor=actor, case=referral.case)
        workflow.require(actor, case, "referral_update")
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if concluded_on and concluded_on < referral.referred_on:
            raise ValidationError({"concluded_on": _("A referral cannot conclude before it was made.")})
        changes = {"status": status, "outcome": outcome, "outcome_note": (outcome_note or "").strip(),
                   "amount": amount, "concluded_on": concluded_on}  # fmt: skip
        changes["answered_on"] = referral_answered_on(
            referral, status=status, answered_on=answered_on, concluded_on=concluded_on
        )
        for name, value in (("answer_by", answer_by), ("outcome_by", outcome_by)):
            if value is not UNCHANGED:
                if value and value < referral.referred_on:
                    raise ValidationError({name: _("This date cannot come before the referral was made.")})
                changes[name] = value
        diff = apply_changes(referral, changes)
        referral.save()
        audit_record(actor=actor, action="referral.update", target=case, summary=str(case), changes=diff)
    return referral


def follow_up_schedule(*, actor, case: Case, due_on: date, purpose: str) -> FollowUp:
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say what the follow-up is for.")})
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "follow_up_schedule")
        if due_on < case.intake_on:
            raise ValidationError({"due_on": _("A follow-up cannot fall before the intake date.")})
        follow_up = FollowUp.objects.create(case=case, due_on=due_on, purpose=purpose, author=actor)
        audit_record(actor=actor, action="follow_up.schedule", target=case, summary=str(case))
    return follow_up


def follow_up_done(
    *,
    actor,
    follow_up: FollowUp,
    done_on: date,
    result: str,
    method: str = "",
    answers=None,
    comment: str = "",
) -> FollowUp:
    """Record a follow-up as done, with what was found (and, after closing, how it was done and the
    satisfaction questionnaire): casework.services.followups.follow_up_record."""
    from casework.services.followups import follow_up_record

    return follow_up_record(
        actor=actor, follow_up=follow_up, done_on=done_on, result=result, method=method, answers=answers,
        comment=comment,
    )  # fmt: skip


def review_add(*, actor, case: Case, reviewed_on: date, comments: str, advice: str = "") -> SupervisorReview:
    """The case's supervisor records a supervision review."""
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"comments": _("Write the review.")})
    _not_in_future(reviewed_on, "reviewed_on")
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "review_add")
        review = SupervisorReview.objects.create(
            case=case,
            reviewed_on=reviewed_on,
            comments=comments,
            advice=(advice or "").strip(),
            supervisor=actor,
        )
        audit_record(actor=actor, action="case.review", target=case, summary=str(case))
    return review


# Closing, transfer and access


def closing_request(
    *, actor, case: Case, reason: str, summary: str, goals_reached: str = "", client_feedback: str = "",
    satisfaction: int | None = None, reached_goals=None, goal_outcomes: list[dict] | None = None,
) -> Closing:  # fmt: skip
    """Ask to close the case: why, what was reached, what the client said. `reached_goals` marks
    goals of the approved plan reached (the others not). `goal_outcomes` states, per goal of the
    approved plan, whether it was reached, partly or not, with the evidence (MZ/T 094): each
    `{"goal": PlanGoal, "outcome": "reached"|"partly"|"not_reached", "evidence": str}`; with an
    approved plan and "goals reached" as the reason, every goal needs its statement. The
    supervisor decides."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Summarise the work done.")})
    if reason not in Closing.Reason.values:
        raise ValidationError({"reason": _("Choose why the case closes.")})
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "closing_request")
        if reached_goals is not None:
            plan = case.plans.filter(status=Approval.APPROVED).order_by("-version").first()
            if plan is not None:
                reached = {goal.pk for goal in reached_goals}
                for goal in plan.goals.all():
                    goal.reached = goal.pk in reached
                    goal.save(update_fields=["reached"])
        if goal_outcomes is not None:
            goal_outcomes_apply(case=case, reason=reason, goal_outcomes=goal_outcomes)
        closing = Closing.objects.create(
            case=case, reason=reason, summary=summary, goals_reached=(goals_reached or "").strip(),
            client_feedback=(client_feedback or "").strip(), satisfaction=satisfaction, author=actor,
        )  # fmt: skip
        audit_record(actor=actor, action="closing.request", target=case, summary=str(case))
    _notify(case.supervisor, case=case, key=f"casework:closing:{closing.pk}",
            title=gettext_lazy("A case waits for your approval to close: %(case)s") % {"case": case},
            url=case.get_absolute_url())  # fmt: skip
    return closing


def closing_decide(*, actor, closing: Closing, approve: bool, comment: str = "") -> Closing:
    """The supervisor approves the closing, and the case closes, or returns it with a comment."""
    comment = (comment or "").strip()
    with transaction.atomic():
        case = _locked_case(actor=actor, case=closing.case)
        closing = Closing.objects.select_for_update().get(pk=closing.pk)
        closing.case = case
        workflow.require(actor, closing, "closing_approve" if approve else "closing_return")
        if not approve and not comment:
            raise ValidationError({"comment": _("Say what is missing when returning a closing.")})
        closing.status = Approval.APPROVED if approve else Approval.RETURNED
        closing.decided_by, closing.decided_at, closing.comment = actor, timezone.now(), comment
        closing.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
        if approve:
            _transition(actor=actor, case=case, name="close", reason=closing.get_reason_display())
            from casework.services.followups import follow_up_after_closing_plan

            follow_up_after_closing_plan(actor=actor, case=case)
        else:
            audit_record(actor=actor, action="closing.returned", target=case, summary=str(case))
    if case.worker is not None:
        title = (
            gettext_lazy("Case closed: %(case)s")
            if approve
            else gettext_lazy("Your closing was returned: %(case)s")
        )
        _notify(case.worker, case=case, key=f"casework:closing-decided:{closing.pk}", title=title % {"case": case},
                url=case.get_absolute_url())  # fmt: skip
    return closing


def transfer_request(*, actor, case: Case, to_station: ServiceUnit, reason: str, to_worker=None) -> Transfer:
    """Hand the case to another worker or station; it moves when they accept."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is transferred.")})
    if to_station.level != ServiceUnit.Level.STATION:
        raise ValidationError({"to_station": _("Choose a service station.")})
    _worker_at(to_station, to_worker, field="to_worker")
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "transfer_request")
        if to_station == case.station and (to_worker is None or to_worker.pk == case.worker_id):
            raise ValidationError({"to_worker": _("Name another worker or another station.")})
        if case.sensitive and to_worker is None:
            # The receiving station's manager does not see a labelled case: a worker must take it.
            raise ValidationError(
                {"to_worker": _("A case labelled sensitive is transferred to a named worker.")}
            )
        transfer = Transfer.objects.create(
            case=case, from_station=case.station, from_worker=case.worker, to_station=to_station,
            to_worker=to_worker, reason=reason, requested_by=actor,
        )  # fmt: skip
        audit_record(actor=actor, action="transfer.request", target=case, summary=str(case))
    receivers = (
        [to_worker]
        if to_worker
        else list(
            get_user_model().objects.filter(
                unit=to_station, groups__name=Role.STATION_MANAGER, is_active=True
            )
        )
    )
    for receiver in receivers:
        _notify(receiver, case=case, key=f"casework:transfer:{transfer.pk}:{receiver.pk}",
                title=gettext_lazy("A case is transferred to you: %(case)s") % {"case": case},
                url=case.get_absolute_url())  # fmt: skip
    return transfer


def transfer_decide(*, actor, transfer: Transfer, accept: bool, comment: str = "", worker=None) -> Transfer:
    """The receiving worker, or the receiving station's manager, accepts or declines. On
    acceptance the case moves to the new station and worker (the manager may name the worker).
    Whoever asked for the transfer hears the outcome, with the reason for a decline; a worker the
    case goes to who did not accept it themselves hears it was assigned to them."""
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().select_related("to_station").get(pk=transfer.pk)
        case = _locked_case(actor=actor, case=transfer.case)
        transfer.case = case
        workflow.require(actor, transfer, "transfer_accept" if accept else "transfer_decline")
        if not accept and not (comment or "").strip():
            raise ValidationError({"comment": _("Say why the transfer is declined.")})
        transfer.status = Transfer.Status.ACCEPTED if accept else Transfer.Status.DECLINED
        transfer.decided_by, transfer.decided_at = actor, timezone.now()
        transfer.comment = (comment or "").strip()
        transfer.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
        if accept:
            new_worker = transfer.to_worker or worker
            _worker_at(transfer.to_station, new_worker)
            diff = apply_changes(case, {"station": transfer.to_station, "worker": new_worker})
            with tallies_kept([case.pk]):
                case.save(update_fields=["station", "worker", "updated_at"])
            _note_clients_elsewhere(case)
            caseload_refresh(case.case_clients.values_list("client_id", flat=True))
            audit_record(actor=actor, action="transfer.accept", target=case, summary=str(case), changes=diff)
        else:
            new_worker = None
            audit_record(actor=actor, action="transfer.decline", target=case, summary=str(case))
    requester = transfer.requested_by
    if requester.pk != actor.pk:
        # Once accepted elsewhere the case may be out of the requester's sight: their cases then.
        still_sees = cases_visible_to(user=requester).filter(pk=case.pk).exists()
        url = case.get_absolute_url() if still_sees else reverse("casework:my_cases")
        if accept:
            title = gettext_lazy("Your transfer was accepted: %(case)s to %(station)s")
        else:
            title = gettext_lazy("Your transfer was declined: %(case)s to %(station)s")
        _notify(requester, case=case, kind=notifications.TRANSFER_DECIDED, key=f"casework:transfer-decided:{transfer.pk}",
                title=title % {"case": case, "station": transfer.to_station.name}, body=transfer.comment,
                url=url)  # fmt: skip
    if new_worker is not None and new_worker.pk != actor.pk:
        _notify_assigned(new_worker, case, key=f"casework:assigned:{case.pk}:{new_worker.pk}:{transfer.pk}")
    return transfer


def transfer_cancel(*, actor, transfer: Transfer) -> Transfer:
    with transaction.atomic():
        case = _locked_case(actor=actor, case=transfer.case)
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        transfer.case = case
        workflow.require(actor, transfer, "transfer_cancel")
        transfer.status, transfer.decided_by, transfer.decided_at = (
            Transfer.Status.CANCELLED,
            actor,
            timezone.now(),
        )
        transfer.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit_record(actor=actor, action="transfer.cancel", target=case, summary=str(case))
    return transfer
