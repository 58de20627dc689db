"""Pages of the personal information requests register (个人信息权利请求): the list with its
filters, the station manager's form to register one, a request's page with the steps open to the
person (casework.workflow.REQUEST_STEPS), the answer form, the copy's download, and the district's
policy (working days, holidays). A district administrator sees the district's requests naming the
client by number only; the client's name shows only to those who see the client."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services, workflow
from casework.deletion_words import report_rows
from casework.forms import (
    SubjectRequestAnswerForm,
    SubjectRequestAssignForm,
    SubjectRequestCloseForm,
    SubjectRequestForm,
    SubjectRequestPolicyForm,
    SubjectRequestRefuseForm,
)
from casework.models import Client, SubjectRequest, SubjectRequestPolicy
from socialwork.actions import ActionNotAllowed
from socialwork.files import file_response
from socialwork.pages import confirmation, page_of, show_errors
from socialwork.roles import Role


def _may_open(user) -> bool:
    return user.is_authenticated and (
        user.is_district_wide or user.has_role(Role.STATION_MANAGER, Role.SOCIAL_WORKER)
    )


def request_list(request):
    if not _may_open(request.user):
        raise PermissionDenied
    filters = selectors.subject_requests_list(user=request.user, params=request.GET)
    return render(
        request,
        "casework/subject_request_list.html",
        {
            "filter": filters,
            "page": page_of(request, filters.qs),
            "may_register": selectors.subject_request_may_register(request.user),
            "may_set_policy": request.user.is_district_wide
            and request.user.has_perm("casework.change_subjectrequestpolicy"),
        },
    )


def request_create(request):
    if not selectors.subject_request_may_register(request.user):
        raise PermissionDenied
    clients = selectors.subject_request_clients(user=request.user)
    initial = {}
    if (chosen := request.GET.get("client", "")).isdigit():
        initial["client"] = clients.filter(pk=chosen).first()
    form = SubjectRequestForm(request.POST or None, clients=clients, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.subject_request_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _("Request #%(number)s was registered; it is to be answered by %(day)s.")
                % {"number": saved.pk, "day": saved.due_on.isoformat()},
            )
            return redirect(saved)
    return render(
        request,
        "casework/subject_request_form.html",
        {"form": form, "working_days": SubjectRequestPolicy.current().answer_working_days},
        status=400 if request.method == "POST" else 200,
    )


def _request(request, pk) -> SubjectRequest:
    return get_object_or_404(selectors.subject_requests_visible_to(user=request.user), pk=pk)


def _client_seen(user, subject: SubjectRequest) -> Client | None:
    """The request's client when this person sees them, else None (the page names them by number)."""
    if subject.client_id is None:
        return None
    return selectors.clients_visible_to(user=user).filter(pk=subject.client_id).first()


def request_detail(request, pk):
    subject = _request(request, pk)
    actions = workflow.actions_for(request.user, subject)
    context = {
        "subject": subject,
        "client": _client_seen(request.user, subject),
        "actions": actions,
        "steps": subject.steps.select_related("actor"),
        "report": report_rows(subject.deletion_report),
        "assign_form": SubjectRequestAssignForm(people=selectors.subject_request_assignees(subject))
        if "request_assign" in actions
        else None,
        "refuse_form": SubjectRequestRefuseForm() if "request_refuse" in actions else None,
        "close_form": SubjectRequestCloseForm() if "request_close" in actions else None,
    }
    return render(request, "casework/subject_request_detail.html", context)


def _step(request, pk, *, action: str, form, run, done):
    """Take a step posted from the request's page: a step not open to the person is a 403; a bad
    form or the service's refusal comes back as a message."""
    subject = _request(request, pk)
    workflow.require(request.user, subject, action)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(subject)
    try:
        run(subject, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"number": subject.pk})
    return redirect(subject)


@require_POST
def request_assign(request, pk):
    subject = _request(request, pk)
    form = SubjectRequestAssignForm(request.POST, people=selectors.subject_request_assignees(subject))
    return _step(
        request, pk, action="request_assign", form=form,
        run=lambda s, data: services.subject_request_assign(actor=request.user, request=s, **data),
        done=_("Request #%(number)s was assigned."),
    )  # fmt: skip


@require_POST
def request_refuse(request, pk):
    return _step(
        request, pk, action="request_refuse", form=SubjectRequestRefuseForm(request.POST),
        run=lambda s, data: services.subject_request_refuse(actor=request.user, request=s, **data),
        done=_("Request #%(number)s was refused."),
    )  # fmt: skip


@require_POST
def request_close(request, pk):
    return _step(
        request, pk, action="request_close", form=SubjectRequestCloseForm(request.POST),
        run=lambda s, data: services.subject_request_close(actor=request.user, request=s, **data),
        done=_("Request #%(number)s was closed."),
    )  # fmt: skip


def request_answer(request, pk):
    """The answer form of the person the request is assigned to. A deletion or a withdrawal of
    consent is confirmed first: answering carries it out."""
    subject = _request(request, pk)
    actions = workflow.actions_for(request.user, subject)
    if "request_answer" not in actions:
        raise ActionNotAllowed(workflow.request_answer(request.user, subject).refused.get("request_answer"))
    form = SubjectRequestAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        asked = confirmation(
            request, actions["request_answer"], subject=subject, back=subject.get_absolute_url()
        )
        if asked is not None:
            return asked
        try:
            services.subject_request_answer(actor=request.user, request=subject, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Request #%(number)s was answered.") % {"number": subject.pk})
            return redirect(subject)
    client = _client_seen(request.user, subject)
    return render(
        request,
        "casework/subject_request_answer.html",
        {
            "form": form,
            "subject": subject,
            "client": client,
            "report": report_rows(services.deletion_report(client))
            if client is not None and subject.kind == SubjectRequest.Kind.DELETION
            else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def request_copy(request, pk):
    """The copy of the client's personal information attached to the answer: for those who see
    the request and the client; each download is audited."""
    subject = _request(request, pk)
    if not subject.copy_file or _client_seen(request.user, subject) is None:
        raise Http404
    services.subject_request_copy_record(actor=request.user, request=subject)
    return file_response(
        subject.copy_file.name,
        filename=f"个人信息副本-{subject.client_number}-{subject.answered_on or ''}.json",
        content_type="application/json",
    )


def request_policy(request):
    if not (request.user.is_district_wide and request.user.has_perm("casework.change_subjectrequestpolicy")):
        raise PermissionDenied
    current = SubjectRequestPolicy.current()
    form = SubjectRequestPolicyForm(
        request.POST or None,
        initial={
            "answer_working_days": current.answer_working_days,
            "holidays": "\n".join(current.holidays),
            "working_weekend_days": "\n".join(current.working_weekend_days),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.subject_request_policy_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The personal information requests policy was saved."))
            return redirect("casework:subject_request_policy")
    return render(
        request,
        "casework/subject_request_policy.html",
        {"form": form, "policy": current},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("requests/", request_list, name="subject_request_list"),
    path("requests/new/", request_create, name="subject_request_create"),
    path("requests/policy/", request_policy, name="subject_request_policy"),
    path("requests/<int:pk>/", request_detail, name="subject_request_detail"),
    path("requests/<int:pk>/assign/", request_assign, name="subject_request_assign"),
    path("requests/<int:pk>/answer/", request_answer, name="subject_request_answer"),
    path("requests/<int:pk>/refuse/", request_refuse, name="subject_request_refuse"),
    path("requests/<int:pk>/close/", request_close, name="subject_request_close"),
    path("requests/<int:pk>/copy/", request_copy, name="subject_request_copy"),
]
