"""Security labels and break-glass pages (casework.services.labels): labelling a case from its page
and a client from theirs, and the emergency page on which a station manager or district
administrator opens a labelled case of their place, giving a reason.

Only those who may break glass ever learn that a labelled case exists: to them a labelled case's
page answers a 'restricted case' notice (403) leading to the emergency form; to everyone else it is
the 404 of any case they do not see."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services
from casework.forms import BreakGlassForm, LabelForm, UnlabelForm
from casework.models import Case, CaseworkPolicy
from casework.views.cases import _step
from casework.views.clients import _visible_client
from socialwork.actions import ActionNotAllowed
from socialwork.audit import refusal_record
from socialwork.local_rules import reading_place
from socialwork.pages import show_errors


@require_POST
def case_label(request, pk):
    return _step(
        request,
        pk,
        name="label_form",
        build=lambda case: LabelForm(request.POST, prefix="label"),
        service=lambda case, form: services.case_label_set(
            actor=request.user, case=case, **form.cleaned_data
        ),
        message=_("The case is labelled sensitive: only its worker and supervisor see it now."),
    )


@require_POST
def case_unlabel(request, pk):
    return _step(
        request,
        pk,
        name="unlabel_form",
        build=lambda case: UnlabelForm(request.POST, prefix="unlabel"),
        service=lambda case, form: services.case_label_remove(
            actor=request.user, case=case, reason=form.cleaned_data["reason"]
        ),
        message=_("The security label of the case was removed."),
    )


def _client_step(request, pk, *, form_class, prefix: str, service, message: str):
    client = _visible_client(request, pk)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(client)
    try:
        service(client, form.cleaned_data)
    except (ValidationError, ActionNotAllowed) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect(client)
    messages.success(request, message)
    return redirect(client)


@require_POST
def client_label(request, pk):
    return _client_step(
        request, pk, form_class=LabelForm, prefix="label",
        service=lambda client, data: services.client_label_set(actor=request.user, client=client, **data),
        message=_("The client is labelled sensitive, and so are their cases."),
    )  # fmt: skip


@require_POST
def client_unlabel(request, pk):
    return _client_step(
        request, pk, form_class=UnlabelForm, prefix="unlabel",
        service=lambda client, data: services.client_label_remove(
            actor=request.user, client=client, reason=data["reason"]
        ),
        message=_("The security label of the client was removed."),
    )  # fmt: skip


def break_glass(request):
    """The emergency page: a labelled case's number and the reason. Open to station managers and
    district administrators only; an unknown number, a case elsewhere and an unlabelled case get
    the same answer."""
    if not selectors.may_break_glass(request.user):
        raise PermissionDenied
    initial = {"case_number": request.GET.get("number", "")[:40]}
    form = BreakGlassForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.break_glass_open(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.warning(
                request,
                _(
                    "You may see case %(number)s until %(time)s. Its worker, supervisor and the auditors were told."
                )
                % {
                    "number": opened.case.number,
                    "time": timezone.localtime(opened.expires_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect(opened.case)
    return render(
        request,
        "casework/break_glass.html",
        {"form": form, "hours": CaseworkPolicy.at(reading_place(request.user)).break_glass_hours},
        status=400 if request.method == "POST" else 200,
    )


def case_restricted(request, case):
    """In place of a 404, for someone who may open this labelled case by break-glass. The refusal
    is on the record as any other (`access.denied`, naming the case)."""
    refusal_record(request, PermissionDenied(f"No {Case._meta.object_name} matches the given query."))
    return render(
        request,
        "casework/case_restricted.html",
        {"case": case, "hours": CaseworkPolicy.at(case.station.region).break_glass_hours},
        status=403,
    )


urlpatterns = [
    path("cases/<int:pk>/label/", case_label, name="case_label"),
    path("cases/<int:pk>/unlabel/", case_unlabel, name="case_unlabel"),
    path("clients/<int:pk>/label/", client_label, name="client_label"),
    path("clients/<int:pk>/unlabel/", client_unlabel, name="client_unlabel"),
    path("break-glass/", break_glass, name="break_glass"),
]
