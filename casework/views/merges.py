"""Pages of client merges: the district's duplicates page (suspected duplicates, records sent
for merging, proposals waiting, merges done), the comparison on which a merge is proposed and
decided, undoing, and a station's "send for merging" from a client's page. They parse and
render; casework.services.merges and casework.merge_selectors decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import merge_selectors as selectors
from casework import services
from casework.forms_merges import MergeDecisionForm, MergeProposeForm, MergeSendForm, MergeUndoForm
from casework.models import ClientMerge
from casework.models.merges import MERGE_FIELDS
from casework.selectors import clients_visible_to
from socialwork.pages import page_of, show_errors
from socialwork.services import audit_record


def _require_district(request) -> None:
    if not selectors.merge_may_decide(request.user):
        raise PermissionDenied


def merge_list(request):
    """The district's duplicates: proposals waiting for this administrator, records sent for
    merging, suspected duplicates (the same ID number), and every merge with its state."""
    _require_district(request)
    filters = selectors.merges_list(user=request.user, params=request.GET)
    suspects = selectors.duplicate_suspects(user=request.user)
    return render(
        request,
        "casework/merge_list.html",
        {
            "waiting": list(selectors.merge_waiting_for(user=request.user)[:50]),
            "sent": list(
                selectors.merges_visible_to(user=request.user).filter(status=ClientMerge.Status.SENT)[:50]
            ),
            "suspects": suspects,
            "page": page_of(request, filters.qs),
            "filter": filters,
            "form": MergeProposeForm(),
        },
    )


def _merge(request, pk) -> ClientMerge:
    return get_object_or_404(selectors.merges_visible_to(user=request.user), pk=pk)


def _chosen(data) -> list[str]:
    """The fields whose value the kept record takes from the merged one: a radio per field."""
    return [name for name in MERGE_FIELDS if data.get(f"choice-{name}") == "merged"]


def merge_propose(request):
    """The comparison on which a district administrator proposes a merge: the two records side by
    side, a choice per field of the value the kept record ends with, and why."""
    _require_district(request)
    data = request.POST if request.method == "POST" else request.GET
    form = MergeProposeForm(data or None)
    sent = None
    if data.get("sent"):
        sent = get_object_or_404(
            selectors.merges_visible_to(user=request.user),
            pk=data.get("sent"),
            status=ClientMerge.Status.SENT,
        )
    kept = selectors.merge_client_in_reach(user=request.user, pk=data.get("kept_id"))
    merged = selectors.merge_client_in_reach(user=request.user, pk=data.get("merged_id"))
    if request.method == "POST" and form.is_valid():
        try:
            merge = services.merge_propose(
                actor=request.user,
                kept_id=form.cleaned_data["kept_id"],
                merged_id=form.cleaned_data["merged_id"],
                reason=form.cleaned_data["reason"],
                take_from_merged=_chosen(request.POST),
                merge=sent,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The merge was proposed; another district administrator decides."))
            return redirect(merge)
    comparison = None
    if kept and merged and kept.pk != merged.pk:
        comparison = selectors.merge_comparison(
            kept=kept, merged=merged, take_from_merged=data.getlist("take")
        )
        audit_record(actor=request.user, action="client.merge_view", target=kept,
                     summary=f"#{merged.pk} → #{kept.pk}", changes={"clients": [kept.pk, merged.pk]})  # fmt: skip
    return render(
        request,
        "casework/merge_propose.html",
        {
            "form": form,
            "kept": kept,
            "merged": merged,
            "sent": sent,
            "comparison": comparison,
            "kept_holds": selectors.merge_holdings(kept) if comparison else None,
            "merged_holds": selectors.merge_holdings(merged) if comparison else None,
        },
        status=400 if request.method == "POST" else 200,
    )


def merge_detail(request, pk):
    """One merge: its state and people, the comparison of the two records with the value each
    field ends with; the decision for a second administrator, the undo once merged. A record sent
    for merging lists the district's records that may be the same person."""
    merge = _merge(request, pk)
    district = selectors.merge_may_decide(request.user)
    comparison = candidates = None
    if merge.kept_id and merge.merged_id and district:
        comparison = selectors.merge_comparison(
            kept=merge.kept, merged=merge.merged, take_from_merged=merge.take_from_merged
        )
        audit_record(actor=request.user, action="client.merge_view", target=merge,
                     summary=f"#{merge.merged_id} → #{merge.kept_id}")  # fmt: skip
    if merge.status == ClientMerge.Status.SENT and district and merge.merged_id:
        candidates = list(selectors.merge_candidates(user=request.user, client=merge.merged)[:20])
    return render(
        request,
        "casework/merge_detail.html",
        {
            "merge": merge,
            "comparison": comparison,
            "candidates": candidates,
            "may_decide": district
            and merge.status == ClientMerge.Status.PROPOSED
            and merge.proposed_by_id != request.user.pk,
            "may_undo": district and merge.status == ClientMerge.Status.MERGED and merge.merged_id,
            "undo_form": MergeUndoForm(),
            "kept_holds": selectors.merge_holdings(merge.kept) if comparison else None,
            "merged_holds": selectors.merge_holdings(merge.merged) if comparison else None,
        },
    )


@require_POST
def merge_decide(request, pk):
    _require_district(request)
    merge = _merge(request, pk)
    form = MergeDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or reject the merge."))
        return redirect(merge)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.merge_decide(
            actor=request.user, merge=merge, approve=approve, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approve:
            words = {"merged": merge.merged_id, "kept": merge.kept_id}
            messages.success(request, _("Client record #%(merged)s was merged into #%(kept)s.") % words)
        else:
            messages.success(request, _("The merge was rejected."))
    return redirect(merge)


@require_POST
def merge_undo(request, pk):
    _require_district(request)
    merge = _merge(request, pk)
    form = MergeUndoForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the merge is undone."))
        services.merge_undo(actor=request.user, merge=merge, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The merge was undone: client record #%(id)s is back.") % {"id": merge.merged_id}
        )
    return redirect(merge)


def client_merge_send(request, pk):
    """A station sends one of its clients for merging, saying why (from the client's page, and
    from intake when the person was found known elsewhere)."""
    client = get_object_or_404(clients_visible_to(user=request.user), pk=pk)
    if not selectors.merge_may_send(request.user, client):
        raise Http404
    form = MergeSendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.merge_send(actor=request.user, client=client, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The record was sent to the district for merging."))
            return redirect(client)
    return render(
        request,
        "casework/merge_send.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("merges/", merge_list, name="merge_list"),
    path("merges/propose/", merge_propose, name="merge_propose"),
    path("merges/<int:pk>/", merge_detail, name="merge_detail"),
    path("merges/<int:pk>/decide/", merge_decide, name="merge_decide"),
    path("merges/<int:pk>/undo/", merge_undo, name="merge_undo"),
    path("clients/<int:pk>/send-for-merging/", client_merge_send, name="client_merge_send"),
]
