"""The doors of the local rules (socialwork.local_rules): a district administrator follows their
city's default again, or takes a rule of their own, from the rule's page (two POSTs) or the API;
the rule's page shows the state with the partial `partials/local_rule_state.html`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from socialwork.local_rules import (
    LOCAL_RULES,
    district_states,
    may_edit_rule,
    reading_place,
    require_editor,
    rule_adopt,
    rule_own,
    rule_place,
    rule_state,
)


def rule_context(user, model, **key) -> dict:
    """What a rule's page shows of it: the person's place's state (own or following whom), whether
    they may adopt or take their own, and for a city each district's state. Two queries."""
    from socialwork.local_rules import rule_of_model

    rule = rule_of_model(model)
    place = reading_place(user)
    state = rule_state(model, place, **key) if place is not None else None
    return {
        "local_rule": rule,
        "rule_state": state,
        "rule_key": key,
        "rule_editable": may_edit_rule(user, rule),
        "district_states": district_states(model, place, **key) if place is not None else [],
        "rule_place": place,
    }


def _rule(name: str):
    rule = LOCAL_RULES.get(name)
    if rule is None:
        raise Http404
    return rule


def _back(request, rule, key) -> str:
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return rule.url(**key) or "/"


@require_POST
def local_rule_adopt(request, name):
    rule = _rule(name)
    region = require_editor(request.user, rule)
    key = {}
    try:
        key = rule.key_of(request.POST)
        rule_adopt(actor=request.user, rule=rule, region=region, **key)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(rule)s: your district follows the city's default again.") % {"rule": rule.label}
        )
    return redirect(_back(request, rule, key))


@require_POST
def local_rule_own(request, name):
    rule = _rule(name)
    region = require_editor(request.user, rule)
    key = {}
    try:
        key = rule.key_of(request.POST)
        rule_own(actor=request.user, rule=rule, region=region, **key)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(rule)s: your district now has its own, starting from the city's values.")
            % {"rule": rule.label},
        )
    return redirect(_back(request, rule, key))


urlpatterns = [
    path("rules/<slug:name>/adopt/", local_rule_adopt, name="local_rule_adopt"),
    path("rules/<slug:name>/own/", local_rule_own, name="local_rule_own"),
]


# API: GET /api/v1/local-rules/<name>/?<key>=… the state; POST …/adopt/ and …/own/ with the key.


class _StateSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.name", allow_null=True)
    code = serializers.CharField(source="region.code", allow_null=True)
    own = serializers.BooleanField()
    source = serializers.CharField(source="source.name", allow_null=True, default=None)


def _state_payload(user, rule, key) -> dict:
    place = rule_place(user)
    state = rule_state(rule.model, place, **key)
    return {
        "rule": rule.name,
        "key": {name: str(value) for name, value in key.items()},
        **_StateSerializer(state).data,
        "districts": _StateSerializer(district_states(rule.model, place, **key), many=True).data,
    }


class _RuleStateSerializer(_StateSerializer):
    """The answer's shape: the place's state of the rule, then each district's (for a city)."""

    rule = serializers.CharField()
    key = serializers.DictField(child=serializers.CharField())
    districts = _StateSerializer(many=True)


class LocalRuleStateView(APIView):
    """The state of a local rule at the person's place: its own or the city's default, and for a
    city each district's; the rule's key (`year`, `level`…) in the query."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: _RuleStateSerializer})
    def get(self, request, name):
        rule = _rule(name)
        region = rule_place(request.user)
        if region is None:
            raise Http404
        key = rule.key_of(request.query_params)
        return Response(_state_payload(request.user, rule, key))


class LocalRuleActionView(APIView):
    """Adopt the city's default (drop the district's own) or take the district's own, starting from
    the city's values; the rule's key in the body."""

    permission_classes = [IsAuthenticated]
    action_name = ""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: _RuleStateSerializer})
    def post(self, request, name):
        rule = _rule(name)
        region = require_editor(request.user, rule)
        key = rule.key_of(request.data)
        act = rule_adopt if self.action_name == "adopt" else rule_own
        act(actor=request.user, rule=rule, region=region, **key)
        return Response(_state_payload(request.user, rule, key))


api_urlpatterns = [
    path("local-rules/<slug:name>/", LocalRuleStateView.as_view(), name="api-local-rule"),
    path(
        "local-rules/<slug:name>/adopt/",
        LocalRuleActionView.as_view(action_name="adopt"),
        name="api-local-rule-adopt",
    ),
    path(
        "local-rules/<slug:name>/own/",
        LocalRuleActionView.as_view(action_name="own"),
        name="api-local-rule-own",
    ),
]
