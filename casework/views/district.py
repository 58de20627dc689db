"""The district's pages for case records: the policy (how long removed clients are kept, when a
quiet case is flagged, how long a grant lasts) and access grants. District administrators only; a
grant names a case by its number and shows nothing of its clients. A grant is asked for by one
district administrator and approved or declined by another on the same page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services
from casework.forms import GrantDecisionForm, GrantForm, PolicyForm
from casework.models import AccessGrant, CaseworkPolicy
from socialwork.local_rules import reading_place
from socialwork.local_rules_views import rule_context
from socialwork.pages import page_of, show_errors


def _require_district(request, permission: str) -> None:
    if not (request.user.is_district_wide and request.user.has_perm(permission)):
        raise PermissionDenied


def policy(request):
    """The policy of the administrator's place: their district's own (本区自定) or the city's
    default it follows (沿用市级默认), with the button to switch; a city's administrator sets the
    default and sees which districts follow it. Saving a followed default gives the district its
    own."""
    _require_district(request, "casework.change_caseworkpolicy")
    rule = rule_context(request.user, CaseworkPolicy)
    current = (
        rule["rule_state"].rows[0] if rule["rule_state"] and rule["rule_state"].rows else CaseworkPolicy()
    )
    form = PolicyForm(
        request.POST or None, initial={name: getattr(current, name) for name in services.POLICY_FIELDS}
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
        {"form": form, "policy": current, **rule},
        status=400 if request.method == "POST" else 200,
    )


def grant_list(request):
    """Who asked that whom may see which case (by number), why and until when, and who decided;
    the form to ask; and the requests that wait for this administrator's decision."""
    _require_district(request, "casework.add_accessgrant")
    form = GrantForm(request.POST or None, requester=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.access_request(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Access for %(user)s to case %(number)s was requested; another district administrator decides."
                )
                % {"user": grant.user, "number": grant.case.number},
            )
            return redirect("casework:grant_list")
    grants = selectors.grants_list(user=request.user)
    # A person decides on neither their own request nor one naming them.
    waiting = list(
        grants.filter(status=AccessGrant.Status.REQUESTED)
        .exclude(requested_by=request.user)
        .exclude(user=request.user)[:50]
    )
    return render(
        request,
        "casework/grant_list.html",
        {
            "form": form,
            "page": page_of(request, grants),
            "waiting": waiting,
            "decision_form": GrantDecisionForm(),
            "longest": CaseworkPolicy.at(reading_place(request.user)).grant_max_days,
        },
        status=400 if request.method == "POST" else 200,
    )


def _grant(request, pk) -> AccessGrant:
    return get_object_or_404(selectors.grants_visible_to(user=request.user), pk=pk)


@require_POST
def grant_decide(request, pk):
    _require_district(request, "casework.change_accessgrant")
    grant = _grant(request, pk)
    form = GrantDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or decline the request."))
        return redirect("casework:grant_list")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.access_decide(
            actor=request.user, grant=grant, approve=approve, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        values = {"user": grant.user, "number": grant.case.number}
        messages.success(
            request,
            (
                _("%(user)s may now see case %(number)s.")
                if approve
                else _("The request for %(user)s to see case %(number)s was declined.")
            )
            % values,
        )
    return redirect("casework:grant_list")


@require_POST
def grant_revoke(request, pk):
    _require_district(request, "casework.change_accessgrant")
    grant = _grant(request, pk)
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
    path("grants/<int:pk>/decide/", grant_decide, name="grant_decide"),
    path("grants/<int:pk>/revoke/", grant_revoke, name="grant_revoke"),
]
