"""Pages of registration and continuing education: recording outside training hours, checking
them, a certificate's download, and renewing a worker's registration."""

import posixpath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from positions.forms_registration import OutsideTrainingForm, RenewalForm
from positions.selectors import registration as selectors
from positions.selectors.workforce import workers_visible_to
from positions.services import registration as services
from socialwork.files import file_response
from socialwork.pages import show_errors


def outside_training_create(request, pk):
    worker = get_object_or_404(workers_visible_to(user=request.user), pk=pk)
    if not selectors.may_record_outside_training(user=request.user, worker=worker):
        raise PermissionDenied
    form = OutsideTrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.outside_training_record(actor=request.user, worker=worker, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _("%(hours)s hours of outside training were recorded for %(name)s.")
                % {"hours": record.hours, "name": worker.name},
            )
            return redirect(record)
    return render(
        request, "positions/registration/outside_training_form.html", {"form": form, "worker": worker}
    )


@require_POST
def outside_training_check(request, pk):
    record = get_object_or_404(selectors.outside_training_visible_to(user=request.user), pk=pk)
    if not selectors.may_manage_registration(user=request.user, worker=record.worker):
        raise PermissionDenied
    try:
        services.outside_training_check(actor=request.user, record=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The hours of %(training)s were checked.") % {"training": record.title})
    return redirect(record)


def outside_training_certificate(request, pk):
    """The certificate attached to outside hours, to whoever sees the worker; audited."""
    record = get_object_or_404(selectors.outside_training_visible_to(user=request.user), pk=pk)
    response = file_response(record.certificate.name, filename=posixpath.basename(record.certificate.name))
    services.outside_training_download_audit(actor=request.user, record=record)
    return response


def registration_renew(request, pk):
    """The renewal page: the period, its ledger's total against the requirement, and the button
    when renewal is open and the hours suffice; otherwise why not."""
    worker = get_object_or_404(workers_visible_to(user=request.user), pk=pk)
    if not selectors.may_manage_registration(user=request.user, worker=worker):
        raise PermissionDenied
    form = RenewalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.registration_renew(actor=request.user, worker=worker, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _("The registration of %(name)s was renewed until %(date)s.")
                % {"name": worker.name, "date": f"{period.ends_on:%Y-%m-%d}"},
            )
            return redirect(period)
    return render(
        request,
        "positions/registration/renew.html",
        {"worker": worker, "form": form, "status": selectors.renewal_status(worker=worker)},
    )


urlpatterns = [
    path("workers/<int:pk>/outside-training/new/", outside_training_create, name="outside_training_create"),
    path("workers/<int:pk>/renew/", registration_renew, name="registration_renew"),
    path("outside-training/<int:pk>/check/", outside_training_check, name="outside_training_check"),
    path(
        "outside-training/<int:pk>/certificate/",
        outside_training_certificate,
        name="outside_training_certificate",
    ),
]
