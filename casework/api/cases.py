"""/api/v1/cases/ and the work of each case below it: /cases/{case_pk}/notes/, home-visits/, plans/, referrals/
and follow-ups/.

Reads go through casework.selectors: a case the person cannot see is a 404 on every route and
method, its nested routes and actions included. Writes go through casework.services, whose
ValidationErrors come back as 400s with field errors. Every read of a case, its list or its work is
written to the audit log."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import decorators, serializers, status, viewsets
from rest_framework.response import Response

from casework import selectors, services, workflow
from casework.filters import CaseApiFilter
from casework.models import (
    Assessment,
    Case,
    CaseClient,
    Closing,
    FieldEntry,
    FollowUp,
    HomeVisit,
    LabelReason,
    PlanGoal,
    PlanRound,
    PlanTask,
    Referral,
    SatisfactionAnswer,
    SatisfactionQuestion,
    ServiceNote,
    ServicePlan,
    Transfer,
    VulnerabilityCategory,
)
from casework.models.common import Approval, RiskLevel
from positions.api.network import ScopedRelatedField
from positions.models import ServiceUnit
from projects.models import SocialOrganization
from socialwork.api import IdField
from socialwork.ids import ID_PATTERN
from socialwork.lists import ListSelectorMixin
from socialwork.roles import Role, outside_only

from .clients import ScopedDetailMixin, audit_page

User = get_user_model()
ACTIVE_PEOPLE = User.objects.filter(is_active=True)


# The case record


class CaseClientSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="client_id")
    name = serializers.CharField(source="client.name")
    primary = serializers.BooleanField()


class CaseListSerializer(serializers.ModelSerializer):
    # A case may wait for its category, worker and supervisor: null until then.
    category_name = serializers.StringRelatedField(source="category", allow_null=True)
    station_name = serializers.CharField(source="station.name")
    worker_name = serializers.StringRelatedField(source="worker", allow_null=True)
    supervisor_name = serializers.StringRelatedField(source="supervisor", allow_null=True)
    clients = CaseClientSerializer(source="current_clients", many=True)

    class Meta:
        model = Case
        fields = [
            "id", "number", "status", "risk_level", "category", "category_name", "station", "station_name",
            "worker", "worker_name", "supervisor", "supervisor_name", "clients", "intake_on", "last_note_on",
            "closed_on",
        ]  # fmt: skip
        read_only_fields = fields


class CaseSerializer(CaseListSerializer):
    """A case's record with its clients and what the person may do now.

    `actions` is one flat list of step names, the same the case page marks `data-action`
    (casework.workflow.case_actions_all): the case's own (its status moves such as `assess`,
    `reopen`; `note_add`, `plan_save`, `closing_request`, `transfer_request`, `case_assign`...),
    its current service plan's (`plan_submit`, `plan_approve`, `plan_return`, `task_done`), its
    pending closing's (`closing_approve`, `closing_return`) and its pending transfer's
    (`transfer_accept`, `transfer_decline`, `transfer_cancel`). A step not listed is refused (403).
    `moves` is the status moves among them, the names .../move/ takes."""

    moves = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    # Empty when the case is not labelled: the schema says so (an enum or blank).
    label_reason = serializers.ChoiceField(choices=LabelReason.choices, allow_blank=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields, "source", "referred_by", "presenting_problem", "sensitive", "label_reason",
            "moves", "actions", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _actions(self, case) -> dict:
        cache = self.context.setdefault("case_actions", {})
        if case.pk not in cache:
            cache[case.pk] = workflow.case_actions_all(self.context["request"].user, case)
        return cache[case.pk]

    def get_moves(self, case) -> list[str]:
        actions = self._actions(case)
        return [name for name in workflow.MOVES if name in actions]

    def get_actions(self, case) -> list[str]:
        return sorted(self._actions(case))


class CaseOpenSerializer(serializers.ModelSerializer):
    """Intake: a case at the person's station for clients they see (by id, the main client first)."""

    clients = ScopedRelatedField(selectors.clients_visible_to, many=True)
    category = serializers.PrimaryKeyRelatedField(
        queryset=VulnerabilityCategory.objects.filter(active=True), allow_null=True, required=False
    )
    worker = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_PEOPLE, allow_null=True, required=False)
    supervisor = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_PEOPLE, allow_null=True, required=False)

    class Meta:
        model = Case
        fields = [
            "clients", "intake_on", "source", "referred_by", "presenting_problem", "risk_level", "category",
            "worker", "supervisor",
        ]  # fmt: skip
        validators = []

    def validate_clients(self, clients):
        return list(dict.fromkeys(clients))  # the same client twice is once

    def create(self, validated_data):
        return services.case_open(actor=self.context["request"].user, **validated_data)


class CaseUpdateSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=VulnerabilityCategory.objects.filter(active=True), allow_null=True, required=False
    )

    class Meta:
        model = Case
        fields = ["category", "source", "referred_by", "presenting_problem", "risk_level"]

    def update(self, case, validated_data):
        return services.case_update(actor=self.context["request"].user, case=case, **validated_data)


# The case's actions


class CaseMoveSerializer(serializers.Serializer):
    move = serializers.ChoiceField(choices=[name for name, move in workflow.MOVES.items() if move.direct])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class CaseAssignSerializer(serializers.Serializer):
    worker = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_PEOPLE, allow_null=True)
    supervisor = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_PEOPLE, allow_null=True)


class DomainSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=Assessment.Domain.choices)
    needs = serializers.CharField(required=False, allow_blank=True, default="")
    strengths = serializers.CharField(required=False, allow_blank=True, default="")
    risk = serializers.ChoiceField(choices=RiskLevel.choices, required=False, allow_blank=True, default="")


class CaseAssessmentSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    domains = DomainSerializer(many=True)

    def validate_domains(self, domains):
        names = [domain["domain"] for domain in domains]
        if len(set(names)) != len(names):
            raise serializers.ValidationError(_("Describe each domain once."))
        return {domain["domain"]: domain for domain in domains}


class GoalOutcomeSerializer(serializers.Serializer):
    goal = IdField(help_text=gettext_lazy("The id of one of the approved plan's goals."))
    outcome = serializers.ChoiceField(choices=PlanGoal.Outcome.choices, allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class ClosingRequestSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Closing.Reason.choices)
    summary = serializers.CharField()
    goals_reached = serializers.CharField(required=False, allow_blank=True, default="")
    client_feedback = serializers.CharField(required=False, allow_blank=True, default="")
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    reached_goals = serializers.ListField(
        child=IdField(),
        required=False,
        help_text=gettext_lazy("Ids of the approved plan's goals reached."),
    )
    goal_outcomes = GoalOutcomeSerializer(
        many=True,
        required=False,
        help_text=gettext_lazy(
            "Per goal of the approved plan: reached, partly or not, with the evidence (MZ/T 094)."
        ),
    )


class ApprovalDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TransferRequestSerializer(serializers.Serializer):
    to_station = serializers.PrimaryKeyRelatedField(
        queryset=ServiceUnit.objects.filter(level=ServiceUnit.Level.STATION)
    )
    to_worker = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_PEOPLE, allow_null=True, required=False)
    reason = serializers.CharField()


class TransferDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    worker = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_PEOPLE,
        allow_null=True,
        required=False,
        help_text=gettext_lazy("Who takes the case over."),
    )


class CaseReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    comments = serializers.CharField()
    advice = serializers.CharField(required=False, allow_blank=True, default="")


class TaskDoneSerializer(serializers.Serializer):
    task = IdField(help_text=gettext_lazy("The id of one of the plan's tasks."))
    done_on = serializers.DateField(required=False, default=timezone.localdate)


class LabelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=LabelReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class UnlabelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


def _case_action(request_serializer):
    """A POST action on one case: its body, and the case as it stands after it for an answer."""

    def wrap(handler):
        body = {"serializer_class": request_serializer} if request_serializer else {}
        handler = decorators.action(detail=True, methods=["post"], **body)(handler)
        return extend_schema(request=request_serializer, responses=CaseSerializer)(handler)

    return wrap


class CaseViewSet(ListSelectorMixin, ScopedDetailMixin, viewsets.ReadOnlyModelViewSet):
    """Cases the person sees: the assigned worker, the supervisor, the station manager of the case's
    station, and whoever the district granted access. POST opens one (intake); PATCH changes its
    record; POST .../move/, assign/, assess/, review/, close/, decide_closing/, transfer/,
    decide_transfer/, cancel_transfer/ take the case along its work. What the person may do now
    is the case body's `actions`; anything else is refused with 403."""

    filterset_class = CaseApiFilter
    search_fields = ["number", "case_clients__client__name"]
    ordering_fields = ["number", "intake_on", "risk_level", "status", "last_note_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @staticmethod
    def list_selector(*, user, params):
        return selectors.cases_list(user=user, params=params, filters=CaseApiFilter)

    def list_queryset(self, queryset):
        return self._with_current_clients(queryset.prefetch_related(None))

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return Case.objects.none()
        cases = self._with_current_clients(selectors.cases_visible_to(user=self.request.user)).order_by(
            *selectors.CASE_LIST_ORDER
        )
        if self.action != "list":  # a case's body lists what the person may do: see CaseSerializer
            cases = cases.annotate(**workflow.state_annotations())
        return cases

    @staticmethod
    def _with_current_clients(cases):
        current = CaseClient.objects.filter(client__removed_at__isnull=True).select_related("client")
        return cases.prefetch_related(
            Prefetch("case_clients", queryset=current.order_by("-primary", "pk"), to_attr="current_clients")
        )

    def get_serializer_class(self):
        if self.action == "list":
            return CaseListSerializer
        if self.action == "create":
            return CaseOpenSerializer
        if self.action == "partial_update":
            return CaseUpdateSerializer
        return CaseSerializer

    def _answer(self, case, code=status.HTTP_200_OK):
        """The case as it stands now, as the person sees it (nothing once it left their reach)."""
        fresh = self.get_queryset().filter(pk=case.pk).first()
        if fresh is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(CaseSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _valid(self, serializer_class):
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.listed_rows())
        audit_page(request, Case, "case.list", page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        services.access_record(actor=request.user, target=case, action="case.view")
        return Response(self.get_serializer(case).data)

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CaseOpenSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save(), status.HTTP_201_CREATED)

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        serializer = CaseUpdateSerializer(
            case, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return self._answer(serializer.save())

    @_case_action(CaseMoveSerializer)
    def move(self, request, pk=None):
        case = services.case_move(
            actor=request.user, case=self.get_object(), **self._valid(CaseMoveSerializer)
        )
        return self._answer(case)

    @_case_action(CaseAssignSerializer)
    def assign(self, request, pk=None):
        case = services.case_assign(
            actor=request.user, case=self.get_object(), **self._valid(CaseAssignSerializer)
        )
        return self._answer(case)

    @_case_action(CaseAssessmentSerializer)
    def assess(self, request, pk=None):
        case = self.get_object()
        services.assessment_record(actor=request.user, case=case, **self._valid(CaseAssessmentSerializer))
        return self._answer(case)

    @_case_action(ClosingRequestSerializer)
    def close(self, request, pk=None):
        case = self.get_object()
        data = self._valid(ClosingRequestSerializer)
        if "reached_goals" in data:
            data["reached_goals"] = list(
                PlanGoal.objects.filter(plan__case=case, pk__in=data["reached_goals"])
            )
        # Goals are named by id; the service refuses any not of the approved plan.
        services.closing_request(actor=request.user, case=case, **data)
        return self._answer(case)

    @_case_action(ApprovalDecisionSerializer)
    def decide_closing(self, request, pk=None):
        case = self.get_object()
        data = self._valid(ApprovalDecisionSerializer)
        closing = case.closings.filter(status=Approval.SUBMITTED).first()
        if closing is None:
            raise ValidationError(_("No closing of this case waits for a decision."))
        services.closing_decide(actor=request.user, closing=closing, **data)
        return self._answer(case)

    @_case_action(TransferRequestSerializer)
    def transfer(self, request, pk=None):
        case = self.get_object()
        services.transfer_request(actor=request.user, case=case, **self._valid(TransferRequestSerializer))
        return self._answer(case)

    @_case_action(TransferDecisionSerializer)
    def decide_transfer(self, request, pk=None):
        case = self.get_object()
        data = self._valid(TransferDecisionSerializer)
        transfer = case.transfers.filter(status=Transfer.Status.PENDING).first()
        if transfer is None:
            raise ValidationError(_("No transfer of this case waits for a decision."))
        services.transfer_decide(actor=request.user, transfer=transfer, **data)
        return self._answer(case)

    @_case_action(None)
    def cancel_transfer(self, request, pk=None):
        case = self.get_object()
        transfer = case.transfers.filter(status=Transfer.Status.PENDING).first()
        if transfer is None:
            raise ValidationError(_("No transfer of this case waits for a decision."))
        services.transfer_cancel(actor=request.user, transfer=transfer)
        return self._answer(case)

    @_case_action(CaseReviewSerializer)
    def review(self, request, pk=None):
        case = self.get_object()
        services.review_add(actor=request.user, case=case, **self._valid(CaseReviewSerializer))
        return self._answer(case)

    @_case_action(LabelSerializer)
    def label(self, request, pk=None):
        """Label the case sensitive (its worker or supervisor): afterwards only they see it."""
        case = services.case_label_set(
            actor=request.user, case=self.get_object(), **self._valid(LabelSerializer)
        )
        return self._answer(case)

    @_case_action(UnlabelSerializer)
    def unlabel(self, request, pk=None):
        """Remove the case's security label (its supervisor), saying why."""
        case = services.case_label_remove(
            actor=request.user, case=self.get_object(), **self._valid(UnlabelSerializer)
        )
        return self._answer(case)


# The work of a case, nested below it

CASE_PK = OpenApiParameter(
    "case_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("The case's id.")
)


class CaseWorkViewSet(viewsets.GenericViewSet):
    """The work of one case at /cases/{case_pk}/<kind>/. The case is looked up in the person's scope
    before anything else, so a case they cannot see is a 404 on every route and method below it.
    Reading a case's work is reading the case: it is written to the audit log as a view."""

    model = None
    filter_backends = []

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(
            selectors.cases_visible_to(user=self.request.user), pk=self.kwargs["case_pk"]
        )

    def check_permissions(self, request):
        if request.user.is_authenticated:
            self.case  # noqa: B018 (a 404 before a 403)
        super().check_permissions(request)

    def get_queryset(self):
        # The schema generator has no case: anonymously from the command, as the person when served.
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return self.model.objects.none()
        return self.model.objects.filter(case=self.case)

    def _valid(self, serializer_class):
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    def list(self, request, *args, **kwargs):
        services.access_record(actor=request.user, target=self.case, action="case.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        services.access_record(actor=request.user, target=self.case, action="case.view")
        return Response(self.get_serializer(self.get_object()).data)


class NoteSerializer(serializers.ModelSerializer):
    author_name = serializers.StringRelatedField(source="author")

    class Meta:
        model = ServiceNote
        fields = ["id", "noted_on", "method", "minutes", "content", "author", "author_name", "created_at"]
        read_only_fields = ["author", "created_at"]


@extend_schema(parameters=[CASE_PK])
class NoteViewSet(CaseWorkViewSet):
    """Service notes of a case, newest first. POST logs one (the case's team and supervisor)."""

    model = ServiceNote
    serializer_class = NoteSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("author").order_by("-noted_on", "-pk")

    def create(self, request, *args, **kwargs):
        note = services.note_add(actor=request.user, case=self.case, **self._valid(NoteSerializer))
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class HomeVisitSerializer(serializers.ModelSerializer):
    author_name = serializers.StringRelatedField(source="author")

    class Meta:
        model = HomeVisit
        fields = [
            "id", "visited_on", "people_present", "observations", "needs_found", "next_step", "author",
            "author_name", "created_at",
        ]  # fmt: skip
        read_only_fields = ["author", "created_at"]


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.UUID,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "A key the client makes for this entry: sent again with the same key, the entry is saved once "
        "and the first one is answered (200 instead of 201)."
    ),
)


@extend_schema(parameters=[CASE_PK])
class HomeVisitViewSet(CaseWorkViewSet):
    """Home visits (入户走访) of a case, newest first. POST records one (whoever may add a note),
    once per `Idempotency-Key`."""

    model = HomeVisit
    serializer_class = HomeVisitSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("author").order_by("-visited_on", "-pk")

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY], responses={200: HomeVisitSerializer, 201: HomeVisitSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = self._valid(HomeVisitSerializer)
        visit, entry = services.entry_once(
            actor=request.user, key=request.headers.get("Idempotency-Key"), kind=FieldEntry.Kind.HOME_VISIT,
            save=lambda: services.home_visit_add(actor=request.user, case=self.case, **data),
        )  # fmt: skip
        if visit is None:
            # Sent before: the first visit answers (its page names it, casework.models.HomeVisit).
            earlier = get_object_or_404(self.get_queryset(), pk=entry.url.rpartition("-")[2] or 0)
            return Response(HomeVisitSerializer(earlier).data, status=status.HTTP_200_OK)
        return Response(HomeVisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanGoal
        fields = [
            "id", "description", "indicator", "reached", "measure", "measure_kind", "direction", "before_value",
            "before_on", "after_value", "after_on", "change", "outcome", "evidence",
        ]  # fmt: skip
        read_only_fields = fields

    change = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True, allow_null=True)
    # Blank until the goal names its measure or is stated at closing: the schema says so.
    measure_kind = serializers.ChoiceField(
        choices=PlanGoal.MeasureKind.choices, allow_blank=True, read_only=True
    )
    direction = serializers.ChoiceField(choices=PlanGoal.Direction.choices, allow_blank=True, read_only=True)
    outcome = serializers.ChoiceField(choices=PlanGoal.Outcome.choices, allow_blank=True, read_only=True)


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTask
        fields = ["id", "goal", "description", "owner", "due_on", "done_on"]
        read_only_fields = fields


class PlanRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanRound
        fields = ["submitted_by", "submitted_at", "goals", "outcome", "decided_by", "decided_at", "comment"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    """A plan with its goals and tasks; `rounds` is every sending to the supervisor and its
    decision, returns with their comments included (the plan's own decision fields are the last)."""

    goals = GoalSerializer(many=True, read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    rounds = PlanRoundSerializer(many=True, read_only=True)

    class Meta:
        model = ServicePlan
        fields = [
            "id", "version", "status", "author", "submitted_at", "decided_by", "decided_at", "comment", "goals",
            "tasks", "rounds",
        ]  # fmt: skip
        read_only_fields = fields


class GoalInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    indicator = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    measure = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default="",
        help_text=gettext_lazy("The scale or rating that shows the goal reached, e.g. 抑郁自评量表 SDS."),
    )  # fmt: skip
    measure_kind = serializers.ChoiceField(
        choices=PlanGoal.MeasureKind.choices, required=False, allow_blank=True, default=""
    )
    direction = serializers.ChoiceField(
        choices=PlanGoal.Direction.choices, required=False, allow_blank=True, default=""
    )
    before_value = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    before_on = serializers.DateField(required=False, allow_null=True)


class GoalMeasureSerializer(serializers.Serializer):
    goal = IdField(help_text=gettext_lazy("The id of one of the plan's goals."))
    phase = serializers.ChoiceField(choices=[("before", "before"), ("after", "after")])
    value = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)
    measured_on = serializers.DateField()
    measure = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    measure_kind = serializers.ChoiceField(
        choices=PlanGoal.MeasureKind.choices, required=False, allow_blank=True, default=""
    )
    direction = serializers.ChoiceField(
        choices=PlanGoal.Direction.choices, required=False, allow_blank=True, default=""
    )


class TaskInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=100)
    due_on = serializers.DateField()
    goal = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The goal's position in `goals`, from 0."),
    )


class PlanWriteSerializer(serializers.Serializer):
    goals = GoalInputSerializer(many=True)
    tasks = TaskInputSerializer(many=True, required=False, default=list)


@extend_schema(parameters=[CASE_PK])
class PlanViewSet(CaseWorkViewSet):
    """Service plans of a case with their goals and tasks. POST writes the plan (a draft or
    returned plan is rewritten, an approved one gets a new version); .../submit/ sends it to the
    supervisor; .../decide/ approves or returns it (the supervisor); .../task_done/ marks one of
    its tasks done."""

    model = ServicePlan
    serializer_class = PlanSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals", "tasks", "rounds").order_by("version")

    def _answer(self, plan, code=status.HTTP_200_OK):
        return Response(PlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=code)

    @extend_schema(request=PlanWriteSerializer, responses={201: PlanSerializer})
    def create(self, request, *args, **kwargs):
        plan = services.plan_save(actor=request.user, case=self.case, **self._valid(PlanWriteSerializer))
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PlanSerializer)
    @decorators.action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._answer(services.plan_submit(actor=request.user, plan=self.get_object()))

    @extend_schema(request=ApprovalDecisionSerializer, responses=PlanSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=ApprovalDecisionSerializer)
    def decide(self, request, *args, **kwargs):
        plan = self.get_object()
        return self._answer(
            services.plan_decide(actor=request.user, plan=plan, **self._valid(ApprovalDecisionSerializer))
        )

    @extend_schema(request=GoalMeasureSerializer, responses=PlanSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=GoalMeasureSerializer)
    def measure(self, request, *args, **kwargs):
        """Record a goal's measure taken before or after the work."""
        plan = self.get_object()
        data = self._valid(GoalMeasureSerializer)
        goal = get_object_or_404(PlanGoal.objects.select_related("plan"), pk=data.pop("goal"), plan=plan)
        services.goal_measure_record(actor=request.user, goal=goal, **data)
        return self._answer(plan)

    @extend_schema(request=TaskDoneSerializer, responses=PlanSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=TaskDoneSerializer)
    def task_done(self, request, *args, **kwargs):
        plan = self.get_object()
        data = self._valid(TaskDoneSerializer)
        task = get_object_or_404(PlanTask.objects.select_related("plan"), pk=data["task"], plan=plan)
        services.task_done(actor=request.user, task=task, done_on=data["done_on"])
        return self._answer(plan)


class ReferralSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=SocialOrganization.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Referral
        fields = [
            "id", "target_kind", "target", "organization", "request", "referred_on", "answer_by", "answered_on",
            "outcome_by", "overdue", "status", "outcome", "outcome_note", "amount", "concluded_on", "author",
            "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "answered_on",
            "overdue",
            "status",
            "outcome",
            "outcome_note",
            "amount",
            "concluded_on",
            "author",
            "created_at",
        ]

    overdue = serializers.SerializerMethodField(
        help_text=gettext_lazy("No answer by the answer date, or no conclusion by the result date.")
    )

    def get_overdue(self, referral) -> bool:
        return selectors.referral_is_overdue(referral)


class ReferralOutcomeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    answered_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text=gettext_lazy("Today, when the status first moves on from requested, unless given."),
    )  # fmt: skip
    answer_by = serializers.DateField(required=False, allow_null=True)
    outcome_by = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(
        choices=Referral.Outcome.choices, required=False, allow_blank=True, default=""
    )
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    concluded_on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema(parameters=[CASE_PK])
class ReferralViewSet(CaseWorkViewSet):
    """Resources linked for the case's clients. POST makes a referral; .../outcome/ records where it
    stands and what came of it (compensation obtained, tuition waived, a job found)."""

    model = Referral
    serializer_class = ReferralSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("referred_on", "pk")

    def create(self, request, *args, **kwargs):
        referral = services.referral_add(
            actor=request.user, case=self.case, **self._valid(ReferralSerializer)
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReferralOutcomeSerializer, responses=ReferralSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=ReferralOutcomeSerializer)
    def outcome(self, request, *args, **kwargs):
        referral = services.referral_update(
            actor=request.user, referral=self.get_object(), **self._valid(ReferralOutcomeSerializer)
        )
        return Response(ReferralSerializer(referral).data)


class SatisfactionAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = SatisfactionAnswer
        fields = ["question", "wording", "score"]
        read_only_fields = ["wording"]


class FollowUpSerializer(serializers.ModelSerializer):
    answers = SatisfactionAnswerSerializer(many=True, read_only=True)
    # Blank for a follow-up during the case, or one not yet done: the schema says so.
    method = serializers.ChoiceField(choices=FollowUp.Method.choices, allow_blank=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id", "kind", "method", "due_on", "purpose", "done_on", "result", "comment", "satisfaction_average",
            "answers", "author", "done_by", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "kind", "method", "done_on", "result", "comment", "satisfaction_average", "author", "done_by",
            "created_at",
        ]  # fmt: skip


class AnswerInSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    score = serializers.IntegerField(min_value=1, max_value=5)


class FollowUpDoneSerializer(serializers.Serializer):
    """A follow-up after closing also says how it was done and carries the questionnaire: an
    answer to every question asked now (GET /api/v1/satisfaction-questions/), or none."""

    done_on = serializers.DateField(required=False, default=timezone.localdate)
    result = serializers.CharField()
    method = serializers.ChoiceField(choices=FollowUp.Method.choices, required=False, default="")
    answers = AnswerInSerializer(many=True, required=False, default=list)
    comment = serializers.CharField(required=False, default="", allow_blank=True)

    def validate_answers(self, value):
        return {answer["question"]: answer["score"] for answer in value}


class SatisfactionQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SatisfactionQuestion
        fields = ["id", "text", "order"]


class SatisfactionQuestionViewSet(viewsets.ReadOnlyModelViewSet):
    """The questions asked now at a follow-up after closing, in order (the district sets them)."""

    serializer_class = SatisfactionQuestionSerializer
    pagination_class = None

    def get_queryset(self):
        user = self.request.user
        # Asked by the case team and, on a sampled call, by an evaluator; an expert reviewer asks none.
        if outside_only(user) and not user.has_role(Role.EVALUATOR):
            return SatisfactionQuestion.objects.none()
        return SatisfactionQuestion.objects.filter(active=True).order_by("order", "pk")


@extend_schema(parameters=[CASE_PK])
class FollowUpViewSet(CaseWorkViewSet):
    """Follow-ups of a case by due date. POST schedules one; .../done/ records what it found (after
    closing: how, and the satisfaction questionnaire)."""

    model = FollowUp
    serializer_class = FollowUpSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("answers").order_by("due_on", "pk")

    def create(self, request, *args, **kwargs):
        follow_up = services.follow_up_schedule(
            actor=request.user, case=self.case, **self._valid(FollowUpSerializer)
        )
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FollowUpDoneSerializer, responses=FollowUpSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=FollowUpDoneSerializer)
    def done(self, request, *args, **kwargs):
        follow_up = services.follow_up_done(
            actor=request.user, follow_up=self.get_object(), **self._valid(FollowUpDoneSerializer)
        )
        return Response(FollowUpSerializer(follow_up).data)


def register(router) -> None:
    router.register("cases", CaseViewSet, basename="case")
    case = rf"cases/(?P<case_pk>{ID_PATTERN})"
    router.register(f"{case}/notes", NoteViewSet, basename="case-note")
    router.register(f"{case}/home-visits", HomeVisitViewSet, basename="case-home-visit")
    router.register(f"{case}/plans", PlanViewSet, basename="case-plan")
    router.register(f"{case}/referrals", ReferralViewSet, basename="case-referral")
    router.register(f"{case}/follow-ups", FollowUpViewSet, basename="case-follow-up")
    router.register("satisfaction-questions", SatisfactionQuestionViewSet, basename="satisfaction-question")
