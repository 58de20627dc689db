"""Pages of policy advocacy: the list of records, a record's page with its evidence, and the forms
that write, submit it and record the department's response.

A record's page shows its evidence as counts only (by category, risk level and status), to
everyone, the author included: never a case number or a name. Linking cases is a page of its
own, for the record's writers, which shows only the linked cases the person can see anyway."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services
from casework.forms_groups import (
    AdvocacyForm,
    AdvocacyResponseForm,
    AdvocacySubmitForm,
    CaseLinkForm,
)
from casework.models import AdvocacyRecord
from socialwork.pages import form_page, page_of, show_errors

S = AdvocacyRecord.Status


def advocacy_list(request):
    filters = selectors.advocacy_list(user=request.user, params=request.GET)
    return render(
        request,
        "casework/advocacy_list.html",
        {
            "filter": filters,
            "page": page_of(request, filters.qs),
            "can_add": request.user.has_perm("casework.add_advocacyrecord") and bool(request.user.unit_id),
        },
    )


def _visible_record(request, pk) -> AdvocacyRecord:
    return get_object_or_404(selectors.advocacy_visible_to(user=request.user), pk=pk)


def _record_page(request, record: AdvocacyRecord, **bound):
    writer = services.advocacy_may_write(request.user, record)

    def form(name, build, show):
        return bound.get(name) or (build() if show else None)

    return render(
        request,
        "casework/advocacy_detail.html",
        {
            "record": record,
            "evidence": selectors.advocacy_evidence(record),
            "writer": writer,
            "can_edit": writer and record.status == S.DRAFTING,
            "submit_form": form(
                "submit_form",
                lambda: AdvocacySubmitForm(prefix="submit"),
                writer and record.status == S.DRAFTING,
            ),
            "response_form": form(
                "response_form",
                lambda: AdvocacyResponseForm(
                    prefix="response",
                    initial={
                        "response": record.response,
                        "responded_on": record.responded_on,
                        "outcome": record.outcome,
                        "status": record.status if record.status != S.SUBMITTED else S.RESPONDED,
                    },
                ),
                writer and record.status != S.DRAFTING,
            ),
        },
        status=400 if bound else 200,
    )


def advocacy_detail(request, pk):
    return _record_page(request, _visible_record(request, pk))


@permission_required("casework.add_advocacyrecord", raise_exception=True)
def advocacy_create(request):
    return form_page(
        request,
        AdvocacyForm(request.POST or None),
        save=lambda data: services.advocacy_save(actor=request.user, **data),
        message=lambda saved: _("The advocacy record %(title)s was saved.") % {"title": saved.title},
        title=_("New policy advocacy record"),
    )


def advocacy_update(request, pk):
    record = _visible_record(request, pk)
    if not services.advocacy_may_write(request.user, record):
        raise PermissionDenied
    if record.status != S.DRAFTING:
        messages.error(request, _("This proposal was submitted; it no longer changes."))
        return redirect(record)
    title = _("Edit %(record)s") % {"record": record}
    return form_page(
        request,
        AdvocacyForm(request.POST or None, instance=record),
        save=lambda data: services.advocacy_save(actor=request.user, record=record, **data),
        message=lambda saved: _("The advocacy record %(title)s was saved.") % {"title": saved.title},
        title=title,
        cancel=record,
    )


def _step(request, pk, *, form, name: str, service, message: str):
    record = _visible_record(request, pk)
    if not services.advocacy_may_write(request.user, record):
        raise PermissionDenied  # before the form: someone who may only read gets no form errors
    if form.is_valid():
        try:
            service(record, form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(record)
    return _record_page(request, record, **{name: form})


@require_POST
def advocacy_submit(request, pk):
    return _step(
        request, pk, form=AdvocacySubmitForm(request.POST, prefix="submit"), name="submit_form",
        message=_("The proposal was submitted."),
        service=lambda record, data: services.advocacy_submit(actor=request.user, record=record, **data),
    )  # fmt: skip


@require_POST
def advocacy_respond(request, pk):
    return _step(
        request, pk, form=AdvocacyResponseForm(request.POST, prefix="response"), name="response_form",
        message=_("The response was recorded."),
        service=lambda record, data: services.advocacy_record_response(actor=request.user, record=record, **data),
    )  # fmt: skip


def advocacy_cases(request, pk):
    """Link cases to the record by number, and unlink them. Only the linked cases the person can
    see are listed, by number, category, risk and status; the others are only counted."""
    record = _visible_record(request, pk)
    if not services.advocacy_may_write(request.user, record):
        raise PermissionDenied
    form = CaseLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.advocacy_case_link(
                actor=request.user, record=record, number=form.cleaned_data["number"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The case %(number)s was linked.") % {"number": case.number})
            return redirect("casework:advocacy_cases", pk=record.pk)
    linked = record.cases.filter(removed_at__isnull=True)
    visible = list(
        selectors.cases_visible_to(user=request.user).filter(pk__in=linked.values("pk")).order_by("number")
    )
    if visible:
        services.access_record(
            actor=request.user, target=record, action="case.list", ids=[case.pk for case in visible]
        )
    return render(
        request,
        "casework/advocacy_cases.html",
        {"record": record, "form": form, "cases": visible, "others": linked.count() - len(visible)},
        status=400 if form.is_bound else 200,
    )


@require_POST
def advocacy_case_unlink(request, pk, case_pk):
    record = _visible_record(request, pk)
    case = get_object_or_404(selectors.cases_visible_to(user=request.user), pk=case_pk)
    try:
        services.advocacy_case_unlink(actor=request.user, record=record, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case %(number)s was unlinked.") % {"number": case.number})
    return redirect("casework:advocacy_cases", pk=record.pk)


urlpatterns = [
    path("advocacy/", advocacy_list, name="advocacy_list"),
    path("advocacy/new/", advocacy_create, name="advocacy_create"),
    path("advocacy/<int:pk>/", advocacy_detail, name="advocacy_detail"),
    path("advocacy/<int:pk>/edit/", advocacy_update, name="advocacy_update"),
    path("advocacy/<int:pk>/submit/", advocacy_submit, name="advocacy_submit"),
    path("advocacy/<int:pk>/response/", advocacy_respond, name="advocacy_respond"),
    path("advocacy/<int:pk>/cases/", advocacy_cases, name="advocacy_cases"),
    path("advocacy/<int:pk>/cases/<int:case_pk>/unlink/", advocacy_case_unlink, name="advocacy_case_unlink"),
]
