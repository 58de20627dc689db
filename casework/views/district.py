"""The district's pages for case records: the policy (how long removed clients are kept, when a
quiet case is flagged) and access grants. District administrators only; a grant names a case by
its number and shows nothing of its clients."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import services
from casework.forms import GrantForm, PolicyForm
from casework.models import AccessGrant, CaseworkPolicy
from socialwork.pages import page_of, show_errors


def _require_district(request, permission: str) -> None:
    if not (request.user.is_district_wide and request.user.has_perm(permission)):
        raise PermissionDenied


def policy(request):
    _require_district(request, "casework.change_caseworkpolicy")
    current = CaseworkPolicy.current()
    form = PolicyForm(
        request.POST or None,
        initial={"retention_days": current.retention_days, "quiet_case_days": current.quiet_case_days},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The case records policy was saved."))
            return redirect("casework:policy")
    return render(
        request,
        "casework/policy.html",
        {"form": form, "policy": current},
        status=400 if request.method == "POST" else 200,
    )


def grant_list(request):
    """Who was let see which case (by number), why and until when; and the form to grant."""
    _require_district(request, "casework.add_accessgrant")
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.access_grant(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _("%(user)s may see case %(number)s until %(day)s.")
                % {"user": grant.user, "number": grant.case.number, "day": grant.expires_on.isoformat()},
            )
            return redirect("casework:grant_list")
    grants = AccessGrant.objects.select_related("case", "user", "granted_by").order_by("-created_at", "-pk")
    return render(
        request,
        "casework/grant_list.html",
        {"form": form, "page": page_of(request, grants)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def grant_revoke(request, pk):
    _require_district(request, "casework.change_accessgrant")
    grant = get_object_or_404(AccessGrant.objects.select_related("case"), pk=pk)
    try:
        services.access_revoke(actor=request.user, grant=grant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The access to case %(number)s was revoked.") % {"number": grant.case.number}
        )
    return redirect("casework:grant_list")


urlpatterns = [
    path("policy/", policy, name="policy"),
    path("grants/", grant_list, name="grant_list"),
    path("grants/<int:pk>/revoke/", grant_revoke, name="grant_revoke"),
]
