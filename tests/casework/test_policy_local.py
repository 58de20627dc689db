"""The case records policy is a district's own (socialwork.local_rules): each district's records
follow its own policy, else the city's default; the policy page shows 沿用市级默认 or 本区自定 and
switches between them; the city sets the default and the districts following it are told; every
door (page, API, admin, reminders, purges, figures) reads the policy of the record's own district."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import selectors, services
from casework.models import Case, CaseworkPolicy, Client
from positions.models import ServiceUnit
from socialwork.models import AuditEntry, Notification
from socialwork.roles import Role
from tests.casework.factories import make_case, make_client
from tests.casework.followup_fixtures import closed_case, make_questions, record
from tests.factories import make_user
from tests.socialwork.test_local_rules import City

TODAY = timezone.localdate()


class Districts(City):
    """The city of two districts, with a social worker and a supervisor at each district's station;
    the city's default policy, and district A's own."""

    def __init__(self):
        super().__init__()
        self.workers, self.supervisors = {}, {}
        for district in (self.a, self.b):
            station = ServiceUnit.objects.get(name=f"{district.name}站")
            self.workers[district.pk] = make_user(f"w{district.pk}", Role.SOCIAL_WORKER, unit=station)
            self.supervisors[district.pk] = make_user(f"s{district.pk}", Role.SUPERVISOR, unit=station)
        CaseworkPolicy.objects.create(region=self.city, quiet_case_days=30, retention_days=1095)
        CaseworkPolicy.objects.create(
            region=self.a, quiet_case_days=10, retention_days=200, referral_answer_days=3,
            satisfied_from=Decimal("5"),
        )  # fmt: skip

    def worker(self, district):
        return self.workers[district.pk]


@pytest.fixture
def city(db):
    return Districts()


def test_each_district_reads_its_own_policy_else_the_citys_in_one_query(city, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert CaseworkPolicy.at(city.a).quiet_case_days == 10
    with django_assert_num_queries(1):
        assert CaseworkPolicy.at(city.b).quiet_case_days == 30
    table = CaseworkPolicy.table()
    with django_assert_num_queries(0):
        assert [table.at(d).retention_days for d in (city.a, city.b)] == [200, 1095]
    CaseworkPolicy.objects.filter(region=city.city).delete()
    assert CaseworkPolicy.at(city.b).region is None  # the installation's, made by its migration
    CaseworkPolicy.objects.filter(region=None).delete()
    assert CaseworkPolicy.at(city.b).quiet_case_days == 30  # the built-in value, unsaved
    assert CaseworkPolicy.at(city.b).pk is None


def test_a_case_is_quiet_by_its_own_districts_days(city):
    in_a = make_case(city.worker(city.a), intake_on=TODAY - timedelta(days=20))
    in_b = make_case(city.worker(city.b), intake_on=TODAY - timedelta(days=20))
    assert list(selectors.cases_quiet(on=TODAY)) == [in_a]  # 20 days: past A's 10, within the city's 30
    assert set(selectors.cases_quiet(on=TODAY + timedelta(days=15))) == {in_a, in_b}
    # My cases marks each by the same rule.
    agenda = selectors.agenda(user=city.worker(city.a))
    assert [case.quiet for case in agenda.cases] == [True]
    assert [case.quiet for case in selectors.agenda(user=city.worker(city.b)).cases] == [False]
    assert selectors.quiet_case_days_of(city.worker(city.a)) == 10
    assert selectors.quiet_case_days_of(city.worker(city.b)) == 30


def test_removed_clients_are_erased_by_their_own_districts_retention(city):
    in_a, in_b = make_client(city.worker(city.a)), make_client(city.worker(city.b))
    for district, client in ((city.a, in_a), (city.b, in_b)):  # by who registered them, before any case
        services.client_remove(actor=city.worker(district), client=client, reason="重复登记")
    assert services.clients_purge(day=TODAY + timedelta(days=201)) == 1
    assert list(Client.objects.values_list("pk", flat=True)) == [in_b.pk]
    assert services.clients_purge(day=TODAY + timedelta(days=1000)) == 0
    assert services.clients_purge(day=TODAY + timedelta(days=1096)) == 1


def test_a_referral_expects_its_answer_by_its_districts_days(city):
    def refer(district):
        case = make_case(city.worker(district))
        return services.referral_add(
            actor=city.worker(district), case=case, target_kind="department", target="民政局",
            request="申请临时救助", referred_on=TODAY,
        )  # fmt: skip

    assert refer(city.a).answer_by == TODAY + timedelta(days=3)
    assert refer(city.b).answer_by == TODAY + timedelta(days=10)  # the city's default: the built-in 10


def test_an_answer_is_satisfied_by_its_districts_threshold(city):
    questions = make_questions()
    for district in (city.a, city.b):
        case = closed_case(city.worker(district), city.supervisors[district.pk])
        record(city.worker(district), case, questions, 4)
    by_station = selectors.satisfaction_figures_by(Case.objects.all(), "station")
    station = {d: ServiceUnit.objects.get(name=f"{d.name}站").pk for d in (city.a, city.b)}
    assert by_station[station[city.a]].satisfied == 0  # 4 is short of A's 5
    assert by_station[station[city.b]].satisfied == 1  # the city's 4
    assert selectors.satisfaction_figures(Case.objects.all()).satisfied == 1


def test_a_follow_up_after_closing_falls_by_its_districts_days(city):
    CaseworkPolicy.objects.filter(region=city.a).update(follow_up_after_days=14)
    case = closed_case(city.worker(city.a), city.supervisors[city.a.pk])
    assert case.follow_ups.get().due_on == TODAY + timedelta(days=14)
    case = closed_case(city.worker(city.b), city.supervisors[city.b.pk])
    assert case.follow_ups.get().due_on == TODAY + timedelta(days=30)


def _form(policy: CaseworkPolicy, **changes) -> dict:
    return {name: str(getattr(policy, name)) for name in services.POLICY_FIELDS} | changes


def test_a_following_district_takes_its_own_by_saving_and_follows_the_city_again(city, as_user):
    client = as_user(city.admin_b)
    page = client.get(reverse("casework:policy"))
    assert "local-rule-follows" in page.text and "local-rule-take" in page.text
    assert page.context["form"]["quiet_case_days"].value() == 30  # the city's values shown

    saved = client.post(reverse("casework:policy"), _form(CaseworkPolicy.at(city.b), quiet_case_days="21"))
    assert saved.status_code == 302
    own = CaseworkPolicy.objects.get(region=city.b)
    assert (own.quiet_case_days, own.retention_days) == (21, 1095)  # the rest as the city's
    assert CaseworkPolicy.objects.get(region=city.city).quiet_case_days == 30  # the default untouched
    entry = AuditEntry.objects.get(action="casework_policy.update")
    assert (entry.actor, entry.changes) == (
        city.admin_b,
        {"region": ["测试市", "乙区"], "quiet_case_days": ["30", "21"]},
    )
    page = client.get(reverse("casework:policy"))
    assert "local-rule-own" in page.text and "local-rule-adopt" in page.text

    client.post(reverse("local_rule_adopt", args=["casework_policy"]), {"next": reverse("casework:policy")})
    assert not CaseworkPolicy.objects.filter(region=city.b).exists()
    assert CaseworkPolicy.at(city.b).quiet_case_days == 30
    assert AuditEntry.objects.filter(actor=city.admin_b, action="local_rule.adopt").exists()


def test_the_city_sets_the_default_and_only_the_following_district_is_told(
    city, as_user, django_capture_on_commit_callbacks
):
    client = as_user(city.city_admin)
    page = client.get(reverse("casework:policy"))
    assert [(s.region.name, s.own) for s in page.context["district_states"]] == [
        ("甲区", True),
        ("乙区", False),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            reverse("casework:policy"), _form(CaseworkPolicy.at(city.city), quiet_case_days="45")
        )
    assert saved.status_code == 302
    assert CaseworkPolicy.at(city.b).quiet_case_days == 45
    assert CaseworkPolicy.at(city.a).quiet_case_days == 10  # its own stays
    told = Notification.objects.filter(kind="local_rule_changed")
    assert [n.user for n in told] == [city.admin_b]
    assert told.get().url == reverse("casework:policy")


def test_the_policy_through_the_api_and_the_admin(city, api, as_user):
    state = api(city.admin_b).get("/api/v1/local-rules/casework_policy/").json()
    assert (state["own"], state["source"]) == (False, "测试市")
    assert api(city.admin_a).get("/api/v1/local-rules/casework_policy/").json()["own"] is True

    listed = as_user(city.admin_b).get("/admin/casework/caseworkpolicy/")
    assert listed.status_code == 200
    shown = {row.region for row in listed.context["cl"].result_list}
    # its city's default and the installation's; not the neighbouring district's own
    assert shown == {city.city, None}
    own_a = CaseworkPolicy.objects.get(region=city.a)
    assert (
        as_user(city.admin_a)
        .post(f"/admin/casework/caseworkpolicy/{own_a.pk}/change/", {"quiet_case_days": 99})
        .status_code
        == 403
    )  # changed on the policy page only
