"""Pages for positions, social workers, appointments, exams and the workforce statistics."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from positions.forms import (
    AppointmentEndForm,
    AppointmentForm,
    ExamForm,
    PositionForm,
    SocialWorkerForm,
    TransferForm,
)
from positions.models import Appointment, Position
from positions.selectors import registration
from positions.selectors import workforce as selectors
from positions.services import workforce as services
from socialwork.pages import form_page, page_of, show_errors


def _save_or_show_errors(form, save):
    """Run `save()`; a service's ValidationError lands on the form. Returns the saved object or None."""
    try:
        return save()
    except ValidationError as error:
        show_errors(form, error)
        return None


def position_list(request):
    filters = selectors.positions_list(user=request.user, params=request.GET)
    return render(
        request,
        "positions/workforce/position_list.html",
        {"filter": filters, "page": page_of(request, filters.qs)},
    )


def position_detail(request, pk):
    position = get_object_or_404(selectors.positions_visible_to(user=request.user), pk=pk)
    appointments = position.appointments.select_related("worker").order_by("ends_on", "-starts_on")
    candidates = selectors.appointment_candidates(user=request.user, position=position)
    return render(
        request,
        "positions/workforce/position_detail.html",
        {
            "position": position,
            "active": [a for a in appointments if a.ends_on is None],
            "history": [a for a in appointments if a.ends_on is not None],
            "appoint_form": AppointmentForm(workers=candidates) if position.vacant > 0 else None,
            "end_form": AppointmentEndForm(),
            "transfer_form": TransferForm(positions=Position.objects.none()),  # typed, checked on post
        },
    )


@permission_required("positions.add_position", raise_exception=True)
def position_create(request):
    return form_page(
        request,
        PositionForm(request.POST or None, user=request.user),
        save=lambda data: services.position_save(actor=request.user, **data),
        message=lambda position: _("Position %(code)s was set up.") % {"code": position.code},
        title=_("New position"),
    )


@permission_required("positions.change_position", raise_exception=True)
def position_update(request, pk):
    position = get_object_or_404(selectors.positions_visible_to(user=request.user), pk=pk)
    return form_page(
        request,
        PositionForm(request.POST or None, instance=position, user=request.user),
        save=lambda data: services.position_save(actor=request.user, position=position, **data),
        message=lambda saved: _("Position %(code)s was saved.") % {"code": saved.code},
        title=_("Edit %(position)s") % {"position": position},
        cancel=position,
    )


@require_POST
@permission_required("positions.add_appointment", raise_exception=True)
def appointment_create(request, pk):
    position = get_object_or_404(selectors.positions_visible_to(user=request.user), pk=pk)
    form = AppointmentForm(
        request.POST, workers=selectors.appointment_candidates(user=request.user, position=position)
    )
    if form.is_valid():
        appointment = _save_or_show_errors(
            form,
            lambda: services.appointment_create(actor=request.user, position=position, **form.cleaned_data),
        )
        if appointment:
            messages.success(
                request, _("%(worker)s now holds this position.") % {"worker": appointment.worker}
            )
            return redirect(position)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect(position)


def _visible_appointment(request, pk) -> Appointment:
    positions = selectors.positions_visible_to(user=request.user)
    return get_object_or_404(
        Appointment.objects.select_related("position", "worker").filter(position__in=positions), pk=pk
    )


@require_POST
@permission_required("positions.change_appointment", raise_exception=True)
def appointment_end(request, pk):
    appointment = _visible_appointment(request, pk)
    form = AppointmentEndForm(request.POST)
    if form.is_valid() and _save_or_show_errors(
        form,
        lambda: services.appointment_end(
            actor=request.user,
            appointment=appointment,
            ends_on=form.cleaned_data["ends_on"],
            reason=form.cleaned_data["reason"],
        ),  # fmt: skip
    ):
        messages.success(
            request, _("The appointment of %(worker)s has ended.") % {"worker": appointment.worker}
        )
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(appointment.position)


@require_POST
@permission_required("positions.change_appointment", raise_exception=True)
def appointment_transfer(request, pk):
    appointment = _visible_appointment(request, pk)
    form = TransferForm(request.POST, positions=selectors.positions_visible_to(user=request.user))
    if form.is_valid():
        moved = _save_or_show_errors(
            form,
            lambda: services.appointment_transfer(
                actor=request.user, appointment=appointment, **form.cleaned_data
            ),
        )
        if moved:
            messages.success(request, _("%(worker)s was transferred.") % {"worker": appointment.worker})
            return redirect(moved.position)
    messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(appointment.position)


def worker_list(request):
    filters = selectors.workers_list(user=request.user, params=request.GET)
    return render(
        request,
        "positions/workforce/worker_list.html",
        {"filter": filters, "page": page_of(request, filters.qs)},
    )


def worker_detail(request, pk):
    worker = get_object_or_404(selectors.workers_visible_to(user=request.user), pk=pk)
    return render(
        request,
        "positions/workforce/worker_detail.html",
        {
            "worker": worker,
            "profile": selectors.worker_profile(worker=worker),
            "show_id_number": selectors.can_see_full_id_number(request.user, worker),
            **registration.worker_registration(user=request.user, worker=worker),
        },
    )


@permission_required("positions.add_socialworker", raise_exception=True)
def worker_create(request):
    return form_page(
        request,
        SocialWorkerForm(request.POST or None, user=request.user),
        save=lambda data: services.worker_save(actor=request.user, **data),
        message=lambda worker: _("%(name)s was added to the registry.") % {"name": worker.name},
        title=_("New social worker"),
    )


@permission_required("positions.change_socialworker", raise_exception=True)
def worker_update(request, pk):
    worker = get_object_or_404(selectors.workers_visible_to(user=request.user), pk=pk)
    return form_page(
        request,
        SocialWorkerForm(request.POST or None, instance=worker, user=request.user),
        save=lambda data: services.worker_save(actor=request.user, worker=worker, **data),
        message=lambda saved: _("%(name)s was saved.") % {"name": saved.name},
        title=_("Edit %(name)s") % {"name": worker.name},
        cancel=worker,
    )


def exam_list(request):
    filters = selectors.exams_list(user=request.user, params=request.GET)
    form = None
    if request.user.has_perm("positions.add_exam"):
        form = ExamForm(request.POST or None, workers=selectors.workers_visible_to(user=request.user))
        if request.method == "POST" and form.is_valid():
            exam = _save_or_show_errors(
                form, lambda: services.exam_record(actor=request.user, **form.cleaned_data)
            )
            if exam:
                messages.success(request, _("The exam of %(name)s was recorded.") % {"name": exam.worker})
                return redirect("positions:exam_list")
    return render(
        request,
        "positions/workforce/exam_list.html",
        {
            "filter": filters,
            "page": page_of(request, filters.qs),
            "figures": selectors.exam_figures(user=request.user),
            "form": form,
        },
    )


def statistics(request):
    return render(
        request, "positions/workforce/statistics.html", selectors.workforce_statistics(user=request.user)
    )


urlpatterns = [
    path("positions/", position_list, name="position_list"),
    path("positions/new/", position_create, name="position_create"),
    path("positions/<int:pk>/", position_detail, name="position_detail"),
    path("positions/<int:pk>/edit/", position_update, name="position_update"),
    path("positions/<int:pk>/appoint/", appointment_create, name="appointment_create"),
    path("appointments/<int:pk>/end/", appointment_end, name="appointment_end"),
    path("appointments/<int:pk>/transfer/", appointment_transfer, name="appointment_transfer"),
    path("workers/", worker_list, name="worker_list"),
    path("workers/new/", worker_create, name="worker_create"),
    path("workers/<int:pk>/", worker_detail, name="worker_detail"),
    path("workers/<int:pk>/edit/", worker_update, name="worker_update"),
    path("exams/", exam_list, name="exam_list"),
    path("statistics/", statistics, name="workforce_statistics"),
]
