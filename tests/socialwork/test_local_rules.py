"""Rules a district keeps for itself and the default its city publishes (socialwork.local_rules):
each rule applies to a district's records as its own, else as the city's; adopting and taking
one's own through the pages and the API; the audit and the notice to the followers."""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from positions.models import (
    AllowancePolicy,
    AllowanceRoll,
    Appointment,
    CertificateLevel,
    HostInstitution,
    Position,
    Region,
    RegistrationHoursPolicy,
    ServiceUnit,
    SocialWorker,
)
from positions.selectors.registration import hours_required
from positions.services.allowance import allowance_policy_create, allowance_roll_generate
from socialwork.local_rules import LOCAL_RULES, rule_changed_notify, rule_for, rules_for
from socialwork.models import AuditEntry, Notification
from socialwork.roles import Role
from tests.factories import make_region, make_unit, make_user
from training.models import HoursRequirement
from training.selectors import workers_short_of_hours

C = CertificateLevel
L, U = Region.Level, ServiceUnit.Level
MARCH = date(2025, 3, 1)
_numbers = count(1)


class City:
    """A city with two districts, each with a town, a community, a station and a post."""

    def __init__(self):
        self.city = make_region("测试市", L.CITY)
        association = make_unit("市社工协会", U.ASSOCIATION, None, self.city)
        self.a, self.b = (
            make_region("甲区", L.DISTRICT, self.city),
            make_region("乙区", L.DISTRICT, self.city),
        )
        self.posts = {}
        for district in (self.a, self.b):
            town = make_region(f"{district.name}镇", L.TOWN, district)
            community = make_region(f"{district.name}社区", L.COMMUNITY, town)
            centre = make_unit(f"{district.name}中心", U.CENTRE, association, district)
            station = make_unit(f"{district.name}站", U.STATION, centre, town)
            room = make_unit(f"{district.name}室", U.ROOM, station, community)
            self.posts[district.pk] = make_unit(f"{district.name}岗", U.POST, room, community)
        self.city_admin = make_user("city", Role.DISTRICT_ADMIN, region=self.city, is_staff=True)
        self.admin_a = make_user("admin_a", Role.DISTRICT_ADMIN, region=self.a, is_staff=True)
        self.admin_b = make_user("admin_b", Role.DISTRICT_ADMIN, region=self.b, is_staff=True)

    def worker(self, district, name: str, level=C.SOCIAL_WORKER) -> SocialWorker:
        unit = self.posts[district.pk]
        number = next(_numbers)
        worker = SocialWorker.objects.create(
            name=name,
            gender="female",
            id_number=f"L{number:017d}",
            employer_unit=unit,
            certificate_level=level,
            certificate_number=f"LC{number:06d}",
            registered_on=date(2020, 1, 1),
        )
        host, _made = HostInstitution.objects.get_or_create(name="民政")
        position = Position.objects.create(
            code=f"LP{number:05d}", title="岗位", unit=unit, host=host, category="grid", setup_mode="contract"
        )
        Appointment.objects.create(worker=worker, position=position, starts_on=date(2020, 1, 1))
        return worker


@pytest.fixture
def city(db):
    return City()


# The one mechanism


def test_a_district_reads_its_own_row_else_the_city_default_in_one_query(city, django_assert_num_queries):
    HoursRequirement.objects.create(region=city.city, year=2025, hours=Decimal(12))
    HoursRequirement.objects.create(region=city.a, year=2025, hours=Decimal(20))
    with django_assert_num_queries(1):
        assert rule_for(HoursRequirement, city.a, year=2025).hours == Decimal(20)
    with django_assert_num_queries(1):
        assert rule_for(HoursRequirement, city.b, year=2025).hours == Decimal(12)
    # a community of the district reads the district's rule (its path starts with the district's)
    community = Region.objects.get(name="乙区社区")
    assert rule_for(HoursRequirement, community, year=2025).hours == Decimal(12)
    assert rule_for(HoursRequirement, city.a, year=2026) is None  # no row: the built-in default


def test_a_second_row_of_a_district_for_the_same_key_is_refused_in_words(city):
    HoursRequirement.objects.create(region=city.a, year=2025, hours=Decimal(20))
    with pytest.raises(ValidationError) as refused:
        HoursRequirement(region=city.a, year=2025, hours=Decimal(30)).full_clean()
    assert refused.value.message_dict == {"year": ["This district already requires hours for this year."]}
    HoursRequirement(region=city.b, year=2025, hours=Decimal(30)).full_clean()  # another district may


# Each rule: a district's own applies to its records, the other follows the city


def test_allowance_each_district_pays_from_its_own_table_else_the_citys(city):
    allowance_policy_create(
        actor=city.city_admin,
        level=C.SOCIAL_WORKER,
        monthly_amount=Decimal(200),
        effective_from=date(2020, 1, 1),
    )
    allowance_policy_create(
        actor=city.admin_a,
        level=C.SOCIAL_WORKER,
        monthly_amount=Decimal(300),
        effective_from=date(2024, 1, 1),
    )
    city.worker(city.a, "甲社工")
    city.worker(city.b, "乙社工")

    roll_a = allowance_roll_generate(actor=city.admin_a, month=MARCH)
    roll_b = allowance_roll_generate(actor=city.city_admin, month=MARCH, region=city.b)

    assert [(line.worker.name, line.amount) for line in roll_a.lines.all()] == [("甲社工", Decimal("300.00"))]
    assert [(line.worker.name, line.amount) for line in roll_b.lines.all()] == [("乙社工", Decimal("200.00"))]
    assert AllowanceRoll.objects.filter(month=MARCH).count() == 2  # a roll is its district's
    # 甲区 took its own table starting from the city's amounts, then added its own
    assert sorted(AllowancePolicy.objects.filter(region=city.a).values_list("monthly_amount", flat=True)) == [
        Decimal("200.00"),
        Decimal("300.00"),
    ]


def test_a_city_administrator_names_the_district_whose_roll_to_generate(city):
    with pytest.raises(ValidationError) as refused:
        allowance_roll_generate(actor=city.city_admin, month=MARCH)
    assert "region" in refused.value.message_dict


def test_a_district_administrator_sees_only_their_districts_rolls(city, as_user):
    allowance_roll_generate(actor=city.admin_a, month=MARCH)
    allowance_roll_generate(actor=city.admin_b, month=MARCH)
    page = as_user(city.admin_a).get(reverse("positions:allowance_rolls"))
    assert [roll.region for roll in page.context["rolls"]] == [city.a]
    page = as_user(city.city_admin).get(reverse("positions:allowance_rolls"))
    assert {roll.region for roll in page.context["rolls"]} == {city.a, city.b}


def test_training_hours_each_worker_owes_their_districts_requirement(city):
    HoursRequirement.objects.create(region=city.city, year=2025, hours=Decimal(12))
    HoursRequirement.objects.create(region=city.a, year=2025, hours=Decimal(20))
    city.worker(city.a, "甲社工")
    city.worker(city.b, "乙社工")
    short = {
        worker.name: worker.required for worker in workers_short_of_hours(user=city.city_admin, year=2025)
    }
    assert short == {"甲社工": Decimal(20), "乙社工": Decimal(12)}


def test_registration_hours_each_worker_owes_their_districts_figure(city):
    RegistrationHoursPolicy.objects.all().delete()
    RegistrationHoursPolicy.objects.create(region=city.city, level=C.ASSISTANT, hours=Decimal(72))
    RegistrationHoursPolicy.objects.create(region=city.a, level=C.ASSISTANT, hours=Decimal(40))
    in_a, in_b = city.worker(city.a, "甲助理", C.ASSISTANT), city.worker(city.b, "乙助理", C.ASSISTANT)
    required = hours_required([in_a.pk, in_b.pk])
    assert required[in_a.pk][C.ASSISTANT] == Decimal(40)
    assert required[in_b.pk][C.ASSISTANT] == Decimal(72)


def test_a_city_changing_its_registration_hours_tells_the_following_district_where_to_look(
    city, django_capture_on_commit_callbacks
):
    """Registration hours are edited in the admin: the notice links to its list there."""
    RegistrationHoursPolicy.objects.all().delete()
    RegistrationHoursPolicy.objects.create(region=city.city, level=C.ASSISTANT, hours=Decimal(72))
    RegistrationHoursPolicy.objects.create(region=city.a, level=C.ASSISTANT, hours=Decimal(40))
    with django_capture_on_commit_callbacks(execute=True):
        told = rule_changed_notify(
            rule=LOCAL_RULES["registration_hours"], region=city.city, level=C.ASSISTANT
        )
    assert told == 1
    notice = Notification.objects.get(kind="local_rule_changed")
    assert notice.user == city.admin_b
    assert notice.url == reverse("admin:positions_registrationhourspolicy_changelist")


# The pages: the state, adopting and taking one's own, the city's overview


def test_a_district_takes_its_own_then_follows_the_city_again_through_the_page(city, as_user):
    HoursRequirement.objects.create(region=city.city, year=2025, hours=Decimal(12))
    client = as_user(city.admin_a)
    page = client.get(reverse("training:hours") + "?year=2025")
    assert "local-rule-follows" in page.text and "local-rule-take" in page.text

    client.post(reverse("local_rule_own", args=["hours_requirement"]), {"year": 2025})
    own = HoursRequirement.objects.get(region=city.a, year=2025)
    assert own.hours == Decimal(12)  # starting from the city's values
    client.post(reverse("training:hours") + "?year=2025", {"hours": "20"})
    assert rule_for(HoursRequirement, city.a, year=2025).hours == Decimal(20)
    page = client.get(reverse("training:hours") + "?year=2025")
    assert "local-rule-own" in page.text and "local-rule-adopt" in page.text

    client.post(reverse("local_rule_adopt", args=["hours_requirement"]), {"year": 2025})
    assert not HoursRequirement.objects.filter(region=city.a).exists()
    assert rule_for(HoursRequirement, city.a, year=2025).hours == Decimal(12)
    actions = list(
        AuditEntry.objects.filter(actor=city.admin_a).values_list("action", flat=True).order_by("pk")
    )
    assert actions == ["local_rule.own", "hours_requirement.set", "local_rule.adopt"]
    adopted = AuditEntry.objects.get(action="local_rule.adopt")
    assert adopted.changes["values"] == [
        [{"year": "2025", "hours": "20.0"}],
        [{"year": "2025", "hours": "12.0"}],
    ]


def test_a_city_sets_its_default_and_the_following_districts_are_told(
    city, as_user, django_capture_on_commit_callbacks
):
    HoursRequirement.objects.create(region=city.city, year=2025, hours=Decimal(12))
    HoursRequirement.objects.create(region=city.a, year=2025, hours=Decimal(20))
    client = as_user(city.city_admin)
    page = client.get(reverse("training:hours") + "?year=2025")
    assert [(s.region.name, s.own) for s in page.context["district_states"]] == [
        ("甲区", True),
        ("乙区", False),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:hours") + "?year=2025", {"hours": "16"})

    assert rule_for(HoursRequirement, city.b, year=2025).hours == Decimal(16)
    assert rule_for(HoursRequirement, city.a, year=2025).hours == Decimal(20)  # its own stays
    entry = AuditEntry.objects.get(action="hours_requirement.set")
    assert (entry.actor, entry.changes) == (city.city_admin, {"hours": ["12.0", "16"]})
    told = Notification.objects.filter(kind="local_rule_changed")
    assert [n.user for n in told] == [city.admin_b]
    assert "测试市" in told.get().title


def test_a_city_sees_each_districts_allowance_state_and_changing_it_tells_followers(
    city, as_user, django_capture_on_commit_callbacks
):
    client = as_user(city.city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("positions:allowance_policies"),
            {"level": C.SOCIAL_WORKER, "monthly_amount": "200", "effective_from": "2020-01-01"},
        )
    assert AllowancePolicy.objects.get().region == city.city
    assert {n.user for n in Notification.objects.filter(kind="local_rule_changed")} == {
        city.admin_a,
        city.admin_b,
    }
    as_user(city.admin_a).post(reverse("local_rule_own", args=["allowance_policy"]))
    page = client.get(reverse("positions:allowance_policies"))
    assert [(s.region.name, s.own) for s in page.context["district_states"]] == [
        ("甲区", True),
        ("乙区", False),
    ]
    assert "local-rule-districts" in page.text


def test_a_district_administrator_cannot_take_a_rule_for_another_place(city, as_user):
    worker_user = make_user("plain", region=city.a)
    assert (
        as_user(worker_user)
        .post(reverse("local_rule_own", args=["hours_requirement"]), {"year": 2025})
        .status_code
        == 403
    )


# The API


def test_adopt_and_own_through_the_api(city, api):
    RegistrationHoursPolicy.objects.create(region=city.city, level=C.ASSISTANT, hours=Decimal(72))
    client = api(city.admin_b)
    state = client.get("/api/v1/local-rules/registration_hours/", {"level": C.ASSISTANT}).json()
    assert (state["own"], state["source"]) == (False, "测试市")

    state = client.post("/api/v1/local-rules/registration_hours/own/", {"level": C.ASSISTANT}).json()
    assert state["own"] is True
    assert RegistrationHoursPolicy.objects.get(region=city.b, level=C.ASSISTANT).hours == Decimal(72)
    again = client.post("/api/v1/local-rules/registration_hours/own/", {"level": C.ASSISTANT})
    assert again.status_code == 400

    state = client.post("/api/v1/local-rules/registration_hours/adopt/", {"level": C.ASSISTANT}).json()
    assert state["own"] is False
    assert not RegistrationHoursPolicy.objects.filter(region=city.b).exists()

    overview = (
        api(city.city_admin).get("/api/v1/local-rules/registration_hours/", {"level": C.ASSISTANT}).json()
    )
    assert [(d["region"], d["own"]) for d in overview["districts"]] == [("甲区", False), ("乙区", False)]


def test_every_declared_rule_names_a_model_with_an_owner():
    assert set(LOCAL_RULES) >= {"allowance_policy", "hours_requirement", "registration_hours"}
    for rule in LOCAL_RULES.values():
        assert rule.model._meta.get_field("region").null


# The admin: a district sees the city's rows, changes only its own


def test_the_admin_lets_a_district_change_only_its_own_rows(city, as_user):
    city_row = HoursRequirement.objects.create(region=city.city, year=2025, hours=Decimal(12))
    own_row = HoursRequirement.objects.create(region=city.a, year=2025, hours=Decimal(20))
    HoursRequirement.objects.create(region=city.b, year=2025, hours=Decimal(30))
    client = as_user(city.admin_a)
    listing = client.get(reverse("admin:training_hoursrequirement_changelist"))
    assert set(listing.context["cl"].queryset) == {city_row, own_row}
    change = "admin:training_hoursrequirement_change"
    assert client.get(reverse(change, args=[own_row.pk])).context["has_change_permission"]
    assert not client.get(reverse(change, args=[city_row.pk])).context["has_change_permission"]


# Query bounds


@pytest.mark.parametrize("districts", [2, 6])
def test_rule_pages_for_a_city_do_not_grow_with_its_districts(
    city, as_user, districts, django_assert_max_num_queries
):
    for n in range(districts - 2):
        district = make_region(f"区{n}", L.DISTRICT, city.city)
        HoursRequirement.objects.create(region=district, year=2025, hours=Decimal(n))
        AllowancePolicy.objects.create(
            region=district, level=C.ASSISTANT, monthly_amount=1, effective_from=MARCH
        )
    client = as_user(city.city_admin)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("training:hours") + "?year=2025").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("positions:allowance_policies")).status_code == 200


def test_rules_for_returns_the_nearest_owners_whole_table(city):
    AllowancePolicy.objects.create(
        region=city.city, level=C.ASSISTANT, monthly_amount=100, effective_from=MARCH
    )
    AllowancePolicy.objects.create(
        region=city.city, level=C.SOCIAL_WORKER, monthly_amount=200, effective_from=MARCH
    )
    AllowancePolicy.objects.create(
        region=city.a, level=C.SOCIAL_WORKER, monthly_amount=250, effective_from=MARCH
    )
    assert [p.monthly_amount for p in rules_for(AllowancePolicy, city.a)] == [Decimal("250.00")]
    assert len(rules_for(AllowancePolicy, city.b)) == 2
