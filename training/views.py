"""Pages for training: series, sessions with enrolment and the waiting list, attendance, hours,
figures, trainers and practice bases."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from positions.models import SocialWorker
from positions.selectors.workforce import workers_visible_to
from socialwork.actions import ActionNotAllowed
from socialwork.local_rules import rule_place
from socialwork.local_rules_views import rule_context
from socialwork.pages import confirmation, form_page, page_of, show_errors, year_of
from socialwork.pdf import PDF_CONTENT_TYPE
from socialwork.scoping import place_of
from socialwork.services import audit_record

from . import selectors, services, workflow
from .forms import (
    AttendanceForm,
    EnrolmentForm,
    HoursRequirementForm,
    PracticeBaseForm,
    TrainerForm,
    TrainingSeriesForm,
    TrainingSessionForm,
)
from .models import Enrolment, HoursRequirement, TrainingSession
from .pdf import attendance_sheet_pdf, certificate_pdf

S = Enrolment.Status


def _saved(*, actor, form, action: str):
    """Save a plain record (series, session, trainer, practice base) with its audit row."""
    with transaction.atomic():
        saved = form.save()
        audit_record(actor=actor, action=action, target=saved, summary=str(saved))
    return saved


def _visible_session(request, pk) -> TrainingSession:
    return get_object_or_404(
        selectors.sessions_visible_to(user=request.user).prefetch_related("trainers"), pk=pk
    )


# Series


def series_list(request):
    filters = selectors.series_list(user=request.user, params=request.GET)
    return render(
        request, "training/series_list.html", {"filter": filters, "page": page_of(request, filters.qs)}
    )


def series_detail(request, pk):
    series = get_object_or_404(selectors.series_visible_to(user=request.user), pk=pk)
    sessions = list(
        selectors.sessions_visible_to(user=request.user)
        .filter(series=series)
        .annotate(attended=Count("enrolments", filter=Q(enrolments__attended=True)))
        .order_by("starts_at", "pk")
    )
    return render(
        request,
        "training/series_detail.html",
        {
            "series": series,
            "sessions": sessions,
            "totals": {
                "sessions": len(sessions),
                "confirmed": sum(s.confirmed for s in sessions),
                "waiting": sum(s.waiting for s in sessions),
                "attended": sum(s.attended for s in sessions),
            },
            "certificates": series.certificates.select_related("worker"),
        },
    )


@permission_required("training.add_trainingseries", raise_exception=True)
def series_create(request):
    form = TrainingSeriesForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: _saved(actor=request.user, form=form, action="series.create"),
        message=lambda series: _("The series %(title)s was set up.") % {"title": series.title},
        title=_("New training series"),
    )


@permission_required("training.change_trainingseries", raise_exception=True)
def series_update(request, pk):
    series = get_object_or_404(selectors.series_visible_to(user=request.user), pk=pk)
    form = TrainingSeriesForm(request.POST or None, instance=series, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: _saved(actor=request.user, form=form, action="series.update"),
        message=lambda saved: _("The series %(title)s was saved.") % {"title": saved.title},
        title=_("Edit %(series)s") % {"series": series},
        cancel=series,
    )


@require_POST
@permission_required("training.add_certificate", raise_exception=True)
def certificates_issue(request, pk):
    series = get_object_or_404(selectors.series_visible_to(user=request.user), pk=pk)
    asked = confirmation(request, workflow.CERTIFICATES_ISSUE, subject=series, back=series)
    if asked:
        return asked
    try:
        issued = services.certificates_issue(actor=request.user, series=series)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Certificates issued: %(count)d.") % {"count": len(issued)})
    return redirect(series)


# Sessions, enrolment and attendance


@permission_required("training.add_trainingsession", raise_exception=True)
def session_create(request, pk):
    series = get_object_or_404(selectors.series_visible_to(user=request.user), pk=pk)
    form = TrainingSessionForm(request.POST or None, user=request.user, series=series)
    return form_page(
        request,
        form,
        save=lambda data: _saved(actor=request.user, form=form, action="session.create"),
        message=lambda session: _("The session %(topic)s was set up.") % {"topic": session.topic},
        title=_("New session of %(series)s") % {"series": series},
        cancel=series,
    )


@permission_required("training.change_trainingsession", raise_exception=True)
def session_update(request, pk):
    session = _visible_session(request, pk)
    form = TrainingSessionForm(
        request.POST or None, instance=session, user=request.user, series=session.series
    )
    return form_page(
        request,
        form,
        save=lambda data: _saved(actor=request.user, form=form, action="session.update"),
        message=lambda saved: _("The session %(topic)s was saved.") % {"topic": saved.topic},
        title=_("Edit %(session)s") % {"session": session},
        cancel=session,
    )


def _enrolment_candidates(request, session) -> QuerySet[SocialWorker]:
    """Active workers the person sees who are not already enrolled in the session."""
    enrolled = session.enrolments.exclude(status=S.CANCELLED).filter(worker__isnull=False).values("worker")
    return (
        workers_visible_to(user=request.user)
        .filter(status=SocialWorker.Status.ACTIVE)
        .exclude(pk__in=enrolled)
        .order_by("name", "pk")
    )


def _session_page(request, session, enrol_form=None):
    """The session with its places; the buttons and forms are the declared actions
    (training.workflow) of the session and of each enrolment."""
    enrolments = session.enrolments.select_related("worker__employer_unit")
    roles = workflow.roles_of(request.user, session)
    actions = workflow.session_actions_for(request.user, session, roles=roles)
    if "enrol" in actions and enrol_form is None:
        enrol_form = EnrolmentForm(workers=_enrolment_candidates(request, session), user=request.user)
    confirmed = list(enrolments.filter(status=S.CONFIRMED).order_by("created_at", "pk"))
    waiting = list(selectors.waiting_list(session=session).select_related("worker__employer_unit"))
    for enrolment in confirmed + waiting:
        enrolment.actions = workflow.actions_for(request.user, enrolment, roles=roles)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "actions": actions,
            "confirmed": confirmed,
            "waiting": waiting,
            "enrol_form": enrol_form,
        },
    )


def session_detail(request, pk):
    return _session_page(request, _visible_session(request, pk))


def _require_organizer(request, session) -> None:
    """Who is no organizer of the session is refused outright; an organizer posting a form the
    session's state has closed since is told why (the service refuses it)."""
    if workflow.ORGANIZER not in workflow.roles_of(request.user, session):
        raise PermissionDenied


@require_POST
def enrolment_create(request, pk):
    session = _visible_session(request, pk)
    _require_organizer(request, session)
    form = EnrolmentForm(request.POST, workers=_enrolment_candidates(request, session), user=request.user)
    if form.is_valid():
        try:
            enrolment = services.enrolment_create(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        except ActionNotAllowed:
            form.add_error(None, workflow.refusal(session))
        else:
            if enrolment.status == S.CONFIRMED:
                message = _("%(name)s has a place.") % {"name": enrolment.participant_name}
            else:
                waiting = list(selectors.waiting_list(session=session).values_list("pk", flat=True))
                message = _("The session is full: %(name)s is number %(number)d on the waiting list.") % {
                    "name": enrolment.participant_name,
                    "number": waiting.index(enrolment.pk) + 1,
                }
            messages.success(request, message)
            return redirect(session)
    return _session_page(request, session, enrol_form=form)


@require_POST
def enrolment_cancel(request, pk):
    sessions = selectors.sessions_visible_to(user=request.user).values("pk")
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("session", "worker").filter(session__in=sessions), pk=pk
    )
    _require_organizer(request, enrolment.session)
    action = workflow.actions_for(request.user, enrolment).get("cancel")
    asked = confirmation(request, action, subject=enrolment, back=enrolment.session)
    if asked:
        return asked
    try:
        promoted = services.enrolment_cancel(actor=request.user, enrolment=enrolment)
    except ActionNotAllowed:
        enrolment.refresh_from_db()
        messages.error(request, workflow.refusal(enrolment))
    else:
        messages.success(
            request, _("The enrolment of %(name)s was cancelled.") % {"name": enrolment.participant_name}
        )
        if promoted:
            messages.success(
                request,
                _("%(name)s moved up from the waiting list.") % {"name": promoted.participant_name},
            )
    return redirect(enrolment.session)


def attendance(request, pk):
    session = _visible_session(request, pk)
    workflow.session_require(request.user, session, "take_attendance")
    confirmed = session.enrolments.filter(status=S.CONFIRMED).select_related("worker__employer_unit")
    form = AttendanceForm(request.POST or None, confirmed=confirmed)
    if request.method == "POST" and form.is_valid():
        try:
            present = services.attendance_record(
                actor=request.user, session=session, present={e.pk for e in form.cleaned_data["present"]}
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Attendance saved: %(count)d present.") % {"count": present})
            return redirect(session)
    ticked = set(request.POST.getlist("present")) if form.is_bound else None
    rows = [
        (enrolment, str(enrolment.pk) in ticked if ticked is not None else bool(enrolment.attended))
        for enrolment in confirmed.order_by("created_at", "pk")
    ]
    return render(request, "training/attendance.html", {"session": session, "form": form, "rows": rows})


# Hours and figures


def hours(request):
    """The year's requirement in the person's place (their district's own, or the city's default
    it follows; a city administrator sets the default and sees each district's state) and the
    workers short of their own district's requirement."""
    year = year_of(request)
    place = rule_place(request.user)
    rule = rule_context(request.user, HoursRequirement, year=year)
    requirement = rule["rule_state"].rows[0] if rule["rule_state"] and rule["rule_state"].rows else None
    form = None
    if place and request.user.has_perms(
        ["training.add_hoursrequirement", "training.change_hoursrequirement"]
    ):
        own = requirement is not None and requirement.region_id == place.pk
        shown = (
            requirement
            if own
            else HoursRequirement(region=place, year=year, hours=getattr(requirement, "hours", None))
        )
        form = HoursRequirementForm(request.POST or None, instance=shown)
        if request.method == "POST" and form.is_valid():
            try:
                saved = services.hours_requirement_set(
                    actor=request.user, region=place, year=year, hours=form.cleaned_data["hours"]
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(year)d requires %(hours)s hours.") % {"year": saved.year, "hours": saved.hours},
                )
                return redirect(f"{request.path}?year={year}")
    short = selectors.short_of_hours(user=request.user, year=year)
    context = {
        "year": year,
        "requirement": requirement,
        "form": form,
        "page": page_of(request, short),
        **rule,
    }
    return render(request, "training/hours.html", context)


def figures(request):
    return render(
        request,
        "training/figures.html",
        {
            "tables": [
                (
                    "by-series",
                    _("By series"),
                    selectors.training_figures(user=request.user, group_by="series"),
                ),
                (
                    "by-category",
                    _("By category"),
                    selectors.training_figures(user=request.user, group_by="category"),
                ),
                ("by-year", _("By year"), selectors.training_figures(user=request.user, group_by="year")),
            ]
        },
    )


# Trainers and practice bases


def trainer_list(request):
    trainers = selectors.trainers_list(user=request.user, params=request.GET)
    form = None
    if request.user.has_perm("training.add_trainer"):
        form = TrainerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            form.instance.region = place_of(request.user)  # the register of the adder's place
            trainer = _saved(actor=request.user, form=form, action="trainer.create")
            messages.success(request, _("%(name)s was added to the trainers.") % {"name": trainer.name})
            return redirect("training:trainer_list")
    return render(
        request,
        "training/trainer_list.html",
        {"filter": trainers, "page": page_of(request, trainers.qs), "form": form},
    )


def practice_base_list(request):
    bases = selectors.practice_bases_list(user=request.user, params=request.GET)
    form = None
    if request.user.has_perm("training.add_practicebase"):
        form = PracticeBaseForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            base = _saved(actor=request.user, form=form, action="practice_base.create")
            messages.success(request, _("The practice base %(base)s was added.") % {"base": base})
            return redirect("training:practice_base_list")
    return render(
        request,
        "training/practice_base_list.html",
        {"filter": bases, "page": page_of(request, bases.qs), "form": form},
    )


def attendance_sheet(request, pk):
    """The session's attendance sheet on paper, for whoever may open the session."""
    session = _visible_session(request, pk)
    enrolments = list(
        session.enrolments.filter(status=S.CONFIRMED)
        .select_related("worker__employer_unit")
        .order_by("created_at", "pk")
    )
    response = HttpResponse(
        attendance_sheet_pdf(session=session, enrolments=enrolments), content_type=PDF_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="attendance-{session.pk}.pdf"'
    return response


def certificate_download(request, pk):
    certificate = get_object_or_404(selectors.certificates_visible_to(user=request.user), pk=pk)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


urlpatterns = [
    path("certificates/<int:pk>/pdf/", certificate_download, name="certificate_pdf"),
    path("", series_list, name="series_list"),
    path("series/new/", series_create, name="series_create"),
    path("series/<int:pk>/", series_detail, name="series_detail"),
    path("series/<int:pk>/edit/", series_update, name="series_update"),
    path("series/<int:pk>/certificates/", certificates_issue, name="certificates_issue"),
    path("series/<int:pk>/sessions/new/", session_create, name="session_create"),
    path("sessions/<int:pk>/", session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", session_update, name="session_update"),
    path("sessions/<int:pk>/enrol/", enrolment_create, name="enrolment_create"),
    path("sessions/<int:pk>/attendance/", attendance, name="attendance"),
    path("sessions/<int:pk>/attendance-sheet/", attendance_sheet, name="attendance_sheet"),
    path("enrolments/<int:pk>/cancel/", enrolment_cancel, name="enrolment_cancel"),
    path("hours/", hours, name="hours"),
    path("figures/", figures, name="figures"),
    path("trainers/", trainer_list, name="trainer_list"),
    path("practice-bases/", practice_base_list, name="practice_base_list"),
]
