"""Client pages: the list (ID numbers and phones masked; exported by reports.exports), a client's record, its
edit and removal. A client someone may not see does not exist for them (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services, workflow
from casework.forms import (
    ClientRemoveForm,
    HouseholdFormSet,
    LabelForm,
    UnlabelForm,
    household_of,
)
from casework.forms_conflicts import ClientEditForm
from casework.models import Case, Client
from casework.services.clients import client_subject_export as client_subject_export_data
from casework.services.conflicts import edit_checked
from socialwork.pages import page_of, show_errors
from socialwork.roles import Role


def client_list(request):
    filters = selectors.clients_list(user=request.user, params=request.GET)
    page = page_of(
        request, filters.qs, counted=selectors.caseload_counted(user=request.user, clients=filters.qs)
    )
    # The visible cases of the page's clients only: counting them for every client in scope
    # made the paginator's count and the page group the whole list.
    ids = [client.pk for client in page]
    counts = dict(
        selectors.with_case_counts(Client.objects.filter(pk__in=ids), user=request.user).values_list(
            "pk", "case_count"
        )
    )
    for client in page:
        client.case_count = counts.get(client.pk, 0)
    if ids:
        services.access_record(actor=request.user, target=Client(), action="client.list", ids=ids)
    return render(
        request,
        "casework/client_list.html",
        {"filter": filters, "page": page},
    )


def _visible_client(request, pk) -> Client:
    return get_object_or_404(selectors.clients_visible_to(user=request.user), pk=pk)


def client_detail(request, pk):
    """A client's whole record, for those who see the client: full ID number and phone,
    household, categories, consent, their cases this person sees and volunteer pairings. A record
    merged into another says where it went, to those who see the record kept."""
    from casework import merge_selectors

    client = selectors.clients_visible_to(user=request.user).filter(pk=pk).first()
    if client is None:
        merged = merge_selectors.merged_record_for(user=request.user, pk=pk)
        if merged is None:
            raise Http404
        return render(request, "casework/client_merged.html", {"client": merged, "kept": merged.merged_into})
    cases = (
        selectors.cases_visible_to(user=request.user)
        .filter(case_clients__client=client)
        .prefetch_related(selectors.MAIN_CLIENT_FIRST)
        .order_by("-intake_on", "-pk")
    )
    services.access_record(actor=request.user, target=client, action="client.view")
    categories = list(client.categories.all())
    actions = workflow.actions_for(request.user, client)
    return render(
        request,
        "casework/client_detail.html",
        {
            "client": client,
            "household": client.household.all(),
            "categories": categories,
            "misfits": selectors.client_category_misfits(client=client, categories=categories),
            "cases": cases,
            "pairings": client.pairings.select_related("volunteer").order_by("-starts_on", "pk"),
            "can_register_request": client.station_id == request.user.unit_id
            and selectors.subject_request_may_register(request.user),
            "label_form": LabelForm(prefix="label") if "client_label_set" in actions else None,
            "unlabel_form": UnlabelForm(prefix="unlabel") if "client_label_remove" in actions else None,
            "can_send_for_merging": merge_selectors.merge_may_send(request.user, client),
            "merges": merge_selectors.merges_of_client(client),
            "can_remove": request.user.pk == client.created_by_id
            or (request.user.unit_id == client.station_id and request.user.has_role(Role.STATION_MANAGER)),
        },
    )


@require_POST
def client_subject_export(request, pk):
    """Everything held about one client as a JSON download, for that person's request to see
    their data. Whoever sees the client may export it; the export is audited."""
    client = _visible_client(request, pk)
    data = client_subject_export_data(actor=request.user, client=client)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    filename = f"client-{client.pk}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def client_update(request, pk):
    client = _visible_client(request, pk)
    data = request.POST if request.method == "POST" else None
    form = ClientEditForm(data, instance=client, station=client.station, prefix="client")
    initial = (
        [
            {"name": m.name, "relation": m.relation, "birth_date": m.birth_date, "situation": m.situation}
            for m in client.household.all()
        ]
        if data is None
        else []
    )
    household = HouseholdFormSet(data, prefix="household", initial=initial)
    if data is not None and form.is_valid() and household.is_valid():
        try:
            outcome = edit_checked(
                actor=request.user, record=client, version=form.cleaned_data.get("version"), base=form.base(),
                mine=form.mine(),
                extra={"household": household_of(household), "categories": form.cleaned_data["categories"]},
            )  # fmt: skip
        except ValidationError as error:
            show_errors(form, error)
        else:
            if outcome.conflicts:
                messages.warning(
                    request, _("Someone else changed this record meanwhile: choose which values to keep.")
                )
                return redirect(outcome.get_absolute_url())
            messages.success(request, _("The client's record was saved."))
            return redirect(outcome.record)
    if data is None:
        services.access_record(actor=request.user, target=client, action="client.view")
    return render(
        request,
        "casework/client_form.html",
        {"form": form, "household": household, "client": client},
        status=400 if data is not None else 200,
    )


def client_remove(request, pk):
    """Remove a client, with the reason. The service decides who may."""
    client = _visible_client(request, pk)
    form = ClientRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_remove(actor=request.user, client=client, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The client was removed."))
            return redirect("casework:client_list")
    open_cases = selectors.cases_visible_to(user=request.user).filter(case_clients__client=client)
    return render(
        request,
        "casework/client_remove.html",
        {"form": form, "client": client, "open_cases": open_cases.exclude(status=Case.Status.CLOSED).count()},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("clients/", client_list, name="client_list"),
    path("clients/<int:pk>/", client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", client_update, name="client_update"),
    path("clients/<int:pk>/remove/", client_remove, name="client_remove"),
    path("clients/<int:pk>/export/", client_subject_export, name="client_subject_export"),
]
