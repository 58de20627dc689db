"""Demo duplicate: 覃菊香, registered twice, once at the demo accounts' station by the demo worker
(with her case) and once at another station at her daughter's, where intake found her known
elsewhere and sent her for merging. The district administrator `district` has proposed the merge
(keeping the first record, taking the second's phone); `district2` decides on it.

The other station's registration is made through the services by a worker of that station who
has no password (`demo-intake`, not a demo account: deactivated, without a role, once done). Idempotent: once the
second record exists, nothing is added."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from casework import services
from casework.demo import _id_number
from casework.models import Case, Client
from casework.selectors import station_of
from positions.models import Region, ServiceUnit
from socialwork.roles import Role

NAME = "覃菊香"
BORN = date(1952, 4, 17)
SEQUENCE = 62


def _other_station(home: ServiceUnit) -> ServiceUnit | None:
    return (
        ServiceUnit.objects.filter(
            level=ServiceUnit.Level.STATION, region__path__startswith=home.region.district_path
        )
        .exclude(pk=home.pk)
        .select_related("region")
        .order_by("path")
        .first()
    )


def _intake_worker(station: ServiceUnit):
    from django.contrib.auth.models import Group

    User = get_user_model()
    person = User.objects.filter(username="demo-intake").first()
    if person is None:
        person = User(
            username="demo-intake", full_name="赵敏（乙站社工）", unit=station, region=station.region
        )
        person.set_unusable_password()
        person.save()
        person.groups.add(Group.objects.get(name=Role.SOCIAL_WORKER))
    return person


def seed_merges() -> int:
    """The demo's pending merge; 0 when the demo accounts are missing or it ran before."""
    users = {
        user.username: user
        for user in get_user_model()
        .objects.filter(username__in=["worker", "district", "supervisor"])
        .select_related("unit__region")
    }
    if len(users) < 3 or users["worker"].unit is None:
        return 0
    home = station_of(users["worker"].unit)
    other = _other_station(home) if home else None
    if other is None or Client.objects.filter(name=NAME, station=other).exists():
        return 0
    id_number = _id_number(BORN, SEQUENCE)
    worker = users["worker"]
    first = Client.objects.filter(name=NAME, station=home).first() or services.client_register(
        actor=worker, name=NAME, id_number=id_number, phone="", address="三斗坪镇东岳庙村2组",
        community=worker.unit.region, consents_to_services=True, consents_to_data_processing=True,
        household=[{"name": "王建国", "relation": "spouse", "situation": "务农，腿脚不便"}],
    )  # fmt: skip
    if not first.case_links.exists():
        services.case_open(
            actor=worker, clients=[first], intake_on=timezone.localdate() - timedelta(days=20),
            presenting_problem="老伴行动不便，家中无人照料，申请居家养老服务。", source=Case.Source.WALK_IN,
            supervisor=users["supervisor"],
        )  # fmt: skip
    intake = _intake_worker(other)
    community = Region.objects.filter(
        path__startswith=other.region.path, depth=other.region.depth + 1
    ).first()
    second = services.client_register(
        actor=intake, name=NAME, id_number=id_number, phone="13972001862", address="女儿家暂住",
        community=community or other.region, consents_to_services=True, consents_to_data_processing=True,
        household=[{"name": "王芳", "relation": "child", "situation": "在城区务工"}],
    )  # fmt: skip
    services.merge_send(actor=intake, client=second, reason="登记时提示已在区内其他站登记，疑为同一人。")
    sent = second.merges_merged.get()
    services.merge_propose(
        actor=users["district"], kept_id=first.pk, merged_id=second.pk, merge=sent,
        reason="身份证号相同，同一人先后在两个站登记；保留三斗坪镇的记录，电话取自女儿家登记。",
        take_from_merged=["phone"],
    )  # fmt: skip
    # Their part is done: no role and no login left (one demo account per role).
    intake.groups.clear()
    intake.is_active = False
    intake.save(update_fields=["is_active"])
    return 1
