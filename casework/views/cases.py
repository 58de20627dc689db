"""Casework pages for social workers, supervisors and station managers: my cases, the case list
(exported by reports.exports, through the same selector), intake, and the case page with every step of a case.

Reads go through casework.selectors, so a case someone may not see is a 404; writes go through
casework.services; every page that shows a case writes an access row to the audit log."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from casework import selectors, services, workflow
from casework.forms import (
    AssessmentForm,
    AssignForm,
    CaseForm,
    CaseUpdateForm,
    ClientForm,
    ClosingForm,
    DecisionForm,
    FollowUpDoneForm,
    FollowUpForm,
    HouseholdFormSet,
    IntakeForm,
    LabelForm,
    MeasureForm,
    MoveForm,
    PlanForm,
    ReferralForm,
    ReferralUpdateForm,
    ReviewForm,
    TransferDecisionForm,
    TransferForm,
    UnlabelForm,
    household_of,
)
from casework.forms_attachments import NoteFilesForm
from casework.models import Case, FollowUp, PlanTask, Referral, Transfer
from casework.models.common import Approval
from casework.pdf import case_file_pdf
from casework.timeline import PREFETCH, case_timeline, note_event, with_people
from socialwork.actions import ActionNotAllowed
from socialwork.pages import in_parts, page_of, refusal_text, show_errors, unscoped
from socialwork.pdf import PDF_CONTENT_TYPE
from socialwork.roles import Role


def _audit_list(request, action: str, ids) -> None:
    ids = sorted(set(ids))
    if ids:
        services.access_record(actor=request.user, target=Case(), action=action, ids=ids)


# My cases and the case list


def my_cases(request):
    """A worker's home for casework: their open cases and what is due, and what waits for them
    as supervisor or receiver of a transfer."""
    agenda = selectors.agenda(user=request.user)
    today = timezone.localdate()
    # A worker may hold hundreds of open cases: they come a page at a time, most urgent first.
    page = page_of(request, agenda.cases)
    open_follow_ups = dict(
        FollowUp.objects.filter(case__in=[case.pk for case in page], done_on__isnull=True)
        .values_list("case")
        .annotate(Count("pk"))
        .order_by()
    )
    cases = [
        {
            "case": case,
            "client": selectors.main_client(case),
            "quiet": case.quiet,
            "open_follow_ups": open_follow_ups.get(case.pk, 0),
        }
        for case in page
    ]
    shown = [case.pk for case in page]
    shown += [
        item.case_id for item in (*agenda.follow_ups, *agenda.plans_to_approve, *agenda.closings_to_approve)
    ]
    shown += [task.plan.case_id for task in agenda.tasks]
    shown += [transfer.case_id for transfer in agenda.transfers_to_accept]
    _audit_list(request, "case.list", shown)
    return render(
        request,
        "casework/my_cases.html",
        {
            "agenda": agenda,
            "cases": cases,
            "page": page,
            "today": today,
            "can_open": request.user.has_perm("casework.add_case")
            and selectors.station_of(request.user.unit) is not None,
            "may_break_glass": selectors.may_break_glass(request.user),
        },
    )


def case_list(request):
    filters = selectors.cases_list(user=request.user, params=request.GET)
    page = page_of(request, in_parts(filters.qs, filters.parts, within=unscoped(filters)))
    rows = [(case, selectors.main_client(case)) for case in page]
    _audit_list(request, "case.list", [case.pk for case, _client in rows])
    return render(
        request,
        "casework/case_list.html",
        {
            "filter": filters,
            "page": page,
            "rows": rows,
            "can_open": request.user.has_perm("casework.add_case")
            and selectors.station_of(request.user.unit) is not None,
        },
    )


# Intake


def _intake_errors(error: ValidationError, targets, fallback) -> None:
    """A service's error on whichever of the intake forms has the field, else on top."""
    if not hasattr(error, "error_dict"):
        fallback.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form = next((form for form in targets if field in form.fields), None)
        (form or fallback).add_error(field if form else None, errors)


def case_open(request):
    """Intake: pick a client the worker sees or register a new one, and open the case, in one
    transaction. A new person already on record is flagged first: those the worker sees are
    offered, the others are only counted."""
    user = request.user
    station = selectors.station_of(user.unit)
    if station is None or not user.has_perm("casework.add_case"):
        raise PermissionDenied
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("use_client"):
            data["intake-client"] = data["use_client"]
    visible_clients = selectors.clients_visible_to(user=user)
    intake = IntakeForm(data, clients=visible_clients, prefix="intake")
    client_form = ClientForm(data, station=station, prefix="client")
    household = HouseholdFormSet(data, prefix="household")
    case_form = CaseForm(
        data, station=station, choose_worker=user.has_role(Role.STATION_MANAGER), prefix="case"
    )
    known = checked = None
    if data is not None and intake.is_valid() and case_form.is_valid():
        existing = intake.cleaned_data["client"]
        if existing is not None:
            # The new-client part of the page is not used: show it empty again.
            client_form = ClientForm(station=station, prefix="client")
            household = HouseholdFormSet(prefix="household")
        ready = existing is not None or (client_form.is_valid() and household.is_valid())
        if ready and existing is None and not data.get("register_anyway"):
            try:
                checked = services.client_duplicate_check(actor=user, **client_form.identity())
                known = checked or None
            except ValidationError as error:
                client_form.add_error(None, error)
                ready = False
        if ready and known is None:
            try:
                with transaction.atomic():
                    client = existing or services.client_register(
                        actor=user,
                        household=household_of(household),
                        checked=checked,
                        **client_form.service_arguments(),
                    )
                    case = services.case_open(actor=user, clients=[client], **case_form.cleaned_data)
            except ValidationError as error:
                _intake_errors(error, [client_form, case_form], intake)
            else:
                messages.success(request, _("Case %(number)s was opened.") % {"number": case.number})
                return redirect(case)
    failed = data is not None and known is None
    return render(
        request,
        "casework/case_open.html",
        {
            "intake": intake,
            "client_form": client_form,
            "household": household,
            "case_form": case_form,
            "known": known,
            "has_clients": visible_clients.exists(),
        },
        status=400 if failed else 200,
    )


# The case page


def _visible_case(request, pk) -> Case:
    return get_object_or_404(selectors.cases_visible_to(user=request.user), pk=pk)


def _case_page(request, pk, bound=None, status=None):
    """The case's page: its header, the steps this person can take now, the forms of their part
    on the case, and the timeline. `bound` holds a form that failed, shown again with its errors.

    Which steps and forms it offers is casework.workflow's answer (`case_actions_all`), nothing
    decided here; each is marked `data-action` with the step's name."""
    bound = bound or {}
    user = request.user
    case = with_people(
        selectors.cases_visible_to(user=user).prefetch_related(*PREFETCH).filter(pk=pk).first()
    )
    if case is None:
        restricted = selectors.break_glass_case_in_reach(user=user, pk=pk)
        if restricted is not None:
            from casework.views.labels import case_restricted

            return case_restricted(request, restricted)
        # get_object_or_404's words, by which the audit's refusal row names the record asked for.
        raise Http404(f"No {Case._meta.object_name} matches the given query.")
    actions = workflow.case_actions_all(user, case)
    open_conflicts = sum(1 for c in case.field_conflicts if c.person_id == user.pk and c.resolved_at is None)
    plans = list(case.plans.all())
    plan = plans[-1] if plans else None
    approved_plan = next((p for p in reversed(plans) if p.status == Approval.APPROVED), None)
    pending_closing = next((c for c in case.closings.all() if c.status == Approval.SUBMITTED), None)
    pending_transfer = next((t for t in case.transfers.all() if t.status == Transfer.Status.PENDING), None)

    def form(name, build, action):
        return bound.get(name) or (build() if action in actions else None)

    def transfer_decision():
        # A receiving manager names the worker when the transfer names none.
        picks = pending_transfer.to_worker_id is None and user.unit_id == pending_transfer.to_station_id
        return TransferDecisionForm(
            prefix="transfer-decision", station=pending_transfer.to_station if picks else None
        )

    forms = {
        "note_form": form("note_form", lambda: NoteFilesForm(prefix="note"), "note_add"),
        "assessment_form": form(
            "assessment_form", lambda: AssessmentForm(prefix="assessment"), "assessment_record"
        ),
        "plan_form": form("plan_form", lambda: PlanForm(plan=plan), "plan_save"),
        # One form, two buttons: approving and returning are declared together.
        "plan_decision_form": form(
            "plan_decision_form", lambda: DecisionForm(prefix="plan-decision"), "plan_approve"
        ),
        "referral_form": form("referral_form", lambda: ReferralForm(prefix="referral"), "referral_add"),
        "measure_form": form(
            "measure_form", lambda: MeasureForm(prefix="measure", plan=plan), "goal_measure"
        ),
        "follow_up_form": form(
            "follow_up_form", lambda: FollowUpForm(prefix="follow-up"), "follow_up_schedule"
        ),
        "review_form": form("review_form", lambda: ReviewForm(prefix="review"), "review_add"),
        "closing_form": form(
            "closing_form", lambda: ClosingForm(prefix="closing", plan=approved_plan), "closing_request"
        ),
        "closing_decision_form": form(
            "closing_decision_form", lambda: DecisionForm(prefix="closing-decision"), "closing_approve"
        ),
        "transfer_form": form("transfer_form", lambda: TransferForm(prefix="transfer"), "transfer_request"),
        "transfer_decision_form": form("transfer_decision_form", transfer_decision, "transfer_accept"),
        "label_form": form("label_form", lambda: LabelForm(prefix="label"), "label_set"),
        "unlabel_form": form("unlabel_form", lambda: UnlabelForm(prefix="unlabel"), "label_remove"),
        "assign_form": form(
            "assign_form",
            lambda: AssignForm(
                prefix="assign",
                station=case.station,
                initial={"worker": case.worker_id, "supervisor": case.supervisor_id},
            ),
            "case_assign",
        ),
    }
    referrals = [
        (
            referral,
            bound.get(f"referral-{referral.pk}")
            or (
                ReferralUpdateForm(instance=referral, prefix=f"referral-{referral.pk}")
                if "referral_update" in actions
                else None
            ),
        )
        for referral in case.referrals.all()
    ]
    follow_ups = [
        (
            follow_up,
            bound.get(f"follow-up-{follow_up.pk}")
            or (
                FollowUpDoneForm(prefix=f"follow-up-{follow_up.pk}")
                if "follow_up_done" in actions and follow_up.done_on is None
                else None
            ),
        )
        for follow_up in case.follow_ups.all()
    ]
    moves = [
        (name, move, bound.get(f"move-{name}") or MoveForm(prefix=f"move-{name}"))
        for name, move in workflow.MOVES.items()
        if name in actions
    ]
    # Why a team member finds no closing form: the one condition they cannot meet themselves.
    closing_needs_supervisor = (
        "closing_request" not in actions
        and case.is_open
        and case.supervisor_id is None
        and bool(workflow.roles_of(user, case) & workflow.CASE_TEAM)
    )
    services.access_record(actor=user, target=case, action="case.view")
    return render(
        request,
        "casework/case_detail.html",
        {
            "case": case,
            "clients": [link.client for link in case.case_clients.all()],
            "actions": actions,
            "open_conflicts": open_conflicts,
            "moves": moves,
            "closing_needs_supervisor": closing_needs_supervisor,
            "events": case_timeline(case),
            "break_glasses": [glass for glass in case.break_glasses.all() if glass.is_open],
            "plan": plan,
            "approved_plan": approved_plan,
            "pending_closing": pending_closing,
            "pending_transfer": pending_transfer,
            "referrals": referrals,
            "overdue_referrals": {
                referral.pk for referral, _form in referrals if selectors.referral_is_overdue(referral)
            },
            "follow_ups": follow_ups,
            "assessments": list(case.assessments.all()),
            **forms,
        },
        # Shown again with a form's errors: 400 (403 for a step not open to the person), so
        # scripts and tests can tell.
        status=status or (400 if bound else 200),
    )


def case_detail(request, pk):
    return _case_page(request, pk)


def case_pdf(request, pk):
    """The case file on paper, for whoever may open the case; each download is audited."""
    case = with_people(
        get_object_or_404(selectors.cases_visible_to(user=request.user).prefetch_related(*PREFETCH), pk=pk)
    )
    document = case_file_pdf(case=case)
    services.access_record(actor=request.user, target=case, action="case.print")
    return FileResponse(
        io.BytesIO(document),
        as_attachment=True,
        filename=f"case-{case.number}.pdf",
        content_type=PDF_CONTENT_TYPE,
    )


def _step(request, pk, *, name: str, build, service, message: str, done=None):
    """A POST of one of the case page's forms: parse, call the service, back to the case page
    (or to `done(case)`); on bad input or a refusal, the page again with the form's errors."""
    case = _visible_case(request, pk)
    form = build(case)
    if form.is_valid():
        try:
            service(case, form)
        except ValidationError as error:
            show_errors(form, error)
        except ActionNotAllowed as error:
            # Not open to this person now: the page as it stands, saying why (the form it came
            # from may not be on it).
            messages.error(request, str(error))
            return _case_page(request, pk, status=403)
        else:
            messages.success(request, message)
            return redirect(done(case) if done else case)
    return _case_page(request, pk, {name: form})


@require_POST
def case_move(request, pk, move):
    if move not in workflow.MOVES:
        raise Http404
    label = workflow.MOVES[move].label
    return _step(
        request,
        pk,
        name=f"move-{move}",
        build=lambda case: MoveForm(request.POST, prefix=f"move-{move}"),
        service=lambda case, form: services.case_move(
            actor=request.user, case=case, move=move, reason=form.cleaned_data["reason"]
        ),
        message=_("Done: %(move)s.") % {"move": label},
    )


@require_POST
def assessment_add(request, pk):
    return _step(
        request,
        pk,
        name="assessment_form",
        build=lambda case: AssessmentForm(request.POST, prefix="assessment"),
        service=lambda case, form: services.assessment_record(
            actor=request.user, case=case, **form.service_arguments()
        ),
        message=_("The assessment was recorded."),
    )


@require_POST
def plan_save(request, pk):
    return _step(
        request,
        pk,
        name="plan_form",
        build=lambda case: PlanForm(request.POST),
        service=lambda case, form: services.plan_save(
            actor=request.user, case=case, goals=form.cleaned_data["goals"], tasks=form.cleaned_data["tasks"]
        ),
        message=_("The service plan was saved."),
    )


def _current_plan(case: Case):
    plan = case.plans.order_by("-version").first()
    if plan is None:
        raise ValidationError(_("The case has no service plan yet."))
    return plan


@require_POST
def plan_submit(request, pk):
    case = _visible_case(request, pk)
    try:
        services.plan_submit(actor=request.user, plan=_current_plan(case))
    except (ValidationError, ActionNotAllowed) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The service plan was sent to the supervisor."))
    return redirect(case)


@require_POST
def plan_decide(request, pk):
    def decide(case, form):
        services.plan_decide(
            actor=request.user,
            plan=_current_plan(case),
            approve=form.approved,
            comment=form.cleaned_data["comment"],
        )

    return _step(
        request,
        pk,
        name="plan_decision_form",
        service=decide,
        build=lambda case: DecisionForm(request.POST, prefix="plan-decision"),
        message=_("Your decision on the service plan was recorded."),
    )


@require_POST
def task_done(request, pk, task_pk):
    case = _visible_case(request, pk)
    task = get_object_or_404(PlanTask.objects.select_related("plan__case"), pk=task_pk, plan__case=case)
    try:
        services.task_done(actor=request.user, task=task)
    except (ValidationError, ActionNotAllowed) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The task was marked done."))
    return redirect(case)


def note_add(request, pk):
    """Add a service note: the quick form on the case page (with htmx, the note joins the
    timeline in place) and a page of its own for a phone."""
    case = _visible_case(request, pk)
    if "note_add" not in workflow.actions_for(request.user, case):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = NoteFilesForm(request.POST, request.FILES, prefix="note")
        if form.is_valid():
            fields = dict(form.cleaned_data)
            files = fields.pop("attachments")
            try:
                with transaction.atomic():
                    note = services.note_add(actor=request.user, case=case, **fields)
                    services.attachments_add(actor=request.user, case=case, files=files, note=note)
            except (ValidationError, ActionNotAllowed) as error:
                show_errors(form, error)
            else:
                if request.htmx:
                    return render(
                        request,
                        "casework/_case_note_added.html",
                        {"case": case, "event": note_event(note), "note_form": NoteFilesForm(prefix="note")},
                    )
                messages.success(request, _("The note was added."))
                return redirect(case)
        if request.htmx:
            # htmx swaps only successful responses: the form comes back in place with its errors.
            response = render(request, "casework/_case_note_form.html", {"case": case, "note_form": form})
            return retarget(reswap(response, "outerHTML"), "#note-form")
        status = 400
    else:
        form = NoteFilesForm(prefix="note")
    services.access_record(actor=request.user, target=case, action="case.view")
    main = case.case_clients.select_related("client").order_by("-primary", "pk").first()
    return render(
        request,
        "casework/note_add.html",
        {"case": case, "client": main.client if main else None, "note_form": form},
        status=status,
    )


@require_POST
def goal_measure(request, pk):
    """A goal's measure before or after the work, on the case's current plan."""

    def record(case, form):
        data = dict(form.cleaned_data)
        services.goal_measure_record(actor=request.user, **data)

    return _step(
        request,
        pk,
        name="measure_form",
        build=lambda case: MeasureForm(
            request.POST, prefix="measure", plan=case.plans.order_by("-version").first()
        ),
        service=record,
        message=_("The measure was recorded."),
    )


@require_POST
def referral_add(request, pk):
    return _step(
        request,
        pk,
        name="referral_form",
        build=lambda case: ReferralForm(request.POST, prefix="referral"),
        service=lambda case, form: services.referral_add(actor=request.user, case=case, **form.cleaned_data),
        message=_("The referral was recorded."),
    )


@require_POST
def referral_update(request, pk, referral_pk):
    def referral_of(case):
        return get_object_or_404(Referral, pk=referral_pk, case=case)

    return _step(
        request,
        pk,
        name=f"referral-{referral_pk}",
        build=lambda case: ReferralUpdateForm(
            request.POST, instance=referral_of(case), prefix=f"referral-{referral_pk}"
        ),
        service=lambda case, form: services.referral_update(
            actor=request.user, referral=referral_of(case), **form.cleaned_data
        ),
        message=_("The referral was updated."),
    )


@require_POST
def follow_up_schedule(request, pk):
    return _step(
        request,
        pk,
        name="follow_up_form",
        build=lambda case: FollowUpForm(request.POST, prefix="follow-up"),
        service=lambda case, form: services.follow_up_schedule(
            actor=request.user, case=case, **form.cleaned_data
        ),
        message=_("The follow-up was scheduled."),
    )


@require_POST
def follow_up_done(request, pk, follow_up_pk):
    def done(case, form):
        follow_up = get_object_or_404(FollowUp, pk=follow_up_pk, case=case)
        services.follow_up_done(actor=request.user, follow_up=follow_up, **form.cleaned_data)

    return _step(
        request,
        pk,
        name=f"follow-up-{follow_up_pk}",
        service=done,
        build=lambda case: FollowUpDoneForm(request.POST, prefix=f"follow-up-{follow_up_pk}"),
        message=_("The follow-up was recorded as done."),
    )


@require_POST
def review_add(request, pk):
    return _step(
        request,
        pk,
        name="review_form",
        build=lambda case: ReviewForm(request.POST, prefix="review"),
        service=lambda case, form: services.review_add(actor=request.user, case=case, **form.cleaned_data),
        message=_("The supervision review was recorded."),
    )


def _approved_plan(case: Case):
    return case.plans.filter(status=Approval.APPROVED).order_by("-version").first()


@require_POST
def closing_request(request, pk):
    return _step(
        request,
        pk,
        name="closing_form",
        build=lambda case: ClosingForm(request.POST, prefix="closing", plan=_approved_plan(case)),
        service=lambda case, form: services.closing_request(
            actor=request.user, case=case, **form.service_arguments()
        ),
        message=_("The closing was sent to the supervisor."),
    )


@require_POST
def closing_decide(request, pk):
    def decide(case, form):
        closing = case.closings.filter(status=Approval.SUBMITTED).first()
        if closing is None:
            raise ValidationError(_("No closing waits for a decision."))
        services.closing_decide(
            actor=request.user, closing=closing, approve=form.approved, comment=form.cleaned_data["comment"]
        )

    return _step(
        request,
        pk,
        name="closing_decision_form",
        service=decide,
        build=lambda case: DecisionForm(request.POST, prefix="closing-decision"),
        message=_("Your decision on the closing was recorded."),
    )


@require_POST
def transfer_request(request, pk):
    return _step(
        request,
        pk,
        name="transfer_form",
        build=lambda case: TransferForm(request.POST, prefix="transfer"),
        service=lambda case, form: services.transfer_request(
            actor=request.user, case=case, **form.cleaned_data
        ),
        message=_("The transfer was requested; the case moves when it is accepted."),
    )


def _pending_transfer(case: Case) -> Transfer:
    transfer = case.transfers.filter(status=Transfer.Status.PENDING).select_related("to_station").first()
    if transfer is None:
        raise ValidationError(_("No transfer of this case waits for a decision."))
    return transfer


@require_POST
def transfer_decide(request, pk):
    """The receiver accepts or declines. Someone who declines no longer sees the case."""
    case = _visible_case(request, pk)
    pending = case.transfers.filter(status=Transfer.Status.PENDING).first()
    picks = (
        pending is not None and pending.to_worker_id is None and request.user.unit_id == pending.to_station_id
    )

    def decide(case, form):
        services.transfer_decide(
            actor=request.user,
            transfer=_pending_transfer(case),
            accept=form.approved,
            comment=form.cleaned_data["comment"],
            worker=form.cleaned_data.get("worker"),
        )

    def after(case):
        visible = selectors.cases_visible_to(user=request.user).filter(pk=case.pk).exists()
        return case if visible else "casework:my_cases"

    return _step(
        request,
        pk,
        name="transfer_decision_form",
        service=decide,
        done=after,
        build=lambda case: TransferDecisionForm(
            request.POST, prefix="transfer-decision", station=pending.to_station if picks else None
        ),
        message=_("Your decision on the transfer was recorded."),
    )


@require_POST
def transfer_cancel(request, pk):
    case = _visible_case(request, pk)
    try:
        services.transfer_cancel(actor=request.user, transfer=_pending_transfer(case))
    except (ValidationError, ActionNotAllowed) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The transfer was cancelled."))
    return redirect(case)


@require_POST
def case_assign(request, pk):
    return _step(
        request,
        pk,
        name="assign_form",
        build=lambda case: AssignForm(request.POST, prefix="assign", station=case.station),
        service=lambda case, form: services.case_assign(actor=request.user, case=case, **form.cleaned_data),
        message=_("The case was assigned."),
    )


def case_update(request, pk):
    """Edit the case's record (its worker or station manager)."""
    case = _visible_case(request, pk)
    if "case_update" not in workflow.actions_for(request.user, case):
        raise PermissionDenied
    form = CaseUpdateForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.case_update(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The case record was saved."))
            return redirect(saved)
    else:
        services.access_record(actor=request.user, target=case, action="case.view")
    return render(
        request,
        "partials/form_page.html",
        {"form": form, "title": _("Edit case %(number)s") % {"number": case.number}, "object": case},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("", my_cases, name="my_cases"),
    path("cases/", case_list, name="case_list"),
    path("cases/new/", case_open, name="case_open"),
    path("cases/<int:pk>/", case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", case_update, name="case_update"),
    path("cases/<int:pk>/pdf/", case_pdf, name="case_pdf"),
    path("cases/<int:pk>/move/<str:move>/", case_move, name="case_move"),
    path("cases/<int:pk>/notes/new/", note_add, name="note_add"),
    path("cases/<int:pk>/assessments/", assessment_add, name="assessment_add"),
    path("cases/<int:pk>/plan/", plan_save, name="plan_save"),
    path("cases/<int:pk>/plan/submit/", plan_submit, name="plan_submit"),
    path("cases/<int:pk>/plan/decide/", plan_decide, name="plan_decide"),
    path("cases/<int:pk>/tasks/<int:task_pk>/done/", task_done, name="task_done"),
    path("cases/<int:pk>/referrals/", referral_add, name="referral_add"),
    path("cases/<int:pk>/measures/", goal_measure, name="goal_measure"),
    path("cases/<int:pk>/referrals/<int:referral_pk>/", referral_update, name="referral_update"),
    path("cases/<int:pk>/follow-ups/", follow_up_schedule, name="follow_up_schedule"),
    path("cases/<int:pk>/follow-ups/<int:follow_up_pk>/done/", follow_up_done, name="follow_up_done"),
    path("cases/<int:pk>/reviews/", review_add, name="review_add"),
    path("cases/<int:pk>/closing/", closing_request, name="closing_request"),
    path("cases/<int:pk>/closing/decide/", closing_decide, name="closing_decide"),
    path("cases/<int:pk>/transfer/", transfer_request, name="transfer_request"),
    path("cases/<int:pk>/transfer/decide/", transfer_decide, name="transfer_decide"),
    path("cases/<int:pk>/transfer/cancel/", transfer_cancel, name="transfer_cancel"),
    path("cases/<int:pk>/assign/", case_assign, name="case_assign"),
]
