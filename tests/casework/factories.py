"""Factories for case records, through the services so that every record is one a user could make."""

from datetime import date, timedelta

from django.utils import timezone

from casework import services
from casework.models import Assessment, Case, Client, VulnerabilityCategory
from positions.models import Region

_ids = iter(range(1, 10**6))


def make_client(actor, *, community: Region | None = None, **fields) -> Client:
    n = next(_ids)
    fields.setdefault("name", f"案主{n}")
    if not fields.get("id_number"):  # an ID number brings its own date of birth and gender
        fields.setdefault("gender", Client.Gender.MALE)
        fields.setdefault("birth_date", date(1980, 1, 1) + timedelta(days=n))
    fields.setdefault("consents_to_services", True)
    fields.setdefault("consents_to_data_processing", True)
    community = community or actor.unit.region
    return services.client_register(actor=actor, community=community, **fields)


def category(code: str = "children_in_distress") -> VulnerabilityCategory:
    return VulnerabilityCategory.objects.get(code=code)


def make_case(actor, *, client: Client | None = None, supervisor=None, **fields) -> Case:
    """An open case at the actor's station, in intake, with a new client unless one is given."""
    client = client or make_client(actor)
    fields.setdefault("intake_on", timezone.localdate() - timedelta(days=30))
    fields.setdefault("source", Case.Source.WALK_IN)
    fields.setdefault("presenting_problem", "车祸后家庭经济困难")
    return services.case_open(actor=actor, clients=[client], supervisor=supervisor, **fields)


def case_in_intervention(actor, supervisor, **fields) -> Case:
    """A case taken through assessment and an approved plan into the intervention."""
    case = make_case(actor, supervisor=supervisor, **fields)
    day = case.intake_on + timedelta(days=1)
    services.case_move(actor=actor, case=case, move="assess")
    services.assessment_record(
        actor=actor, case=case, assessed_on=day, risk_level="medium",
        domains={Assessment.Domain.ECONOMIC: {"needs": "收入中断", "strengths": "亲属支持", "risk": "high"}},
    )  # fmt: skip
    services.case_move(actor=actor, case=case, move="plan")
    plan = services.plan_save(
        actor=actor, case=case,
        goals=[{"description": "保障基本生活", "indicator": "获得救助"}],
        tasks=[{"description": "联系工会", "owner": "社工", "due_on": day + timedelta(days=7), "goal": 0}],
    )  # fmt: skip
    services.plan_submit(actor=actor, plan=plan)
    services.plan_decide(actor=supervisor, plan=plan, approve=True)
    services.case_move(actor=actor, case=case, move="intervene")
    case.refresh_from_db()
    return case


def grant_access(*, actor, case_number: str, user, reason: str, expires_on: date, approver=None):
    """An approved access grant: `actor` asks, a second district administrator approves (made
    here in the actor's place when none is given)."""
    from socialwork.roles import Role
    from tests.factories import make_user

    grant = services.access_request(
        actor=actor, case_number=case_number, user=user, reason=reason, expires_on=expires_on
    )
    if approver is None:
        others = services.grant_approvers(grant.case, exclude=[actor, user])
        approver = (
            others[0]
            if others
            else make_user(
                f"approver{next(_ids)}",
                Role.DISTRICT_ADMIN,
                unit=actor.unit,
                region=actor.region,
                is_staff=True,
            )
        )
    return services.access_decide(actor=approver, grant=grant, approve=True)
