"""Each district's own year budget (issue 23, point 2): a contract is paid from the budget of the
district its project lies in, never another district's nor the city's; a district's figures are
its own budget, a city's add up its own and its districts', which it sees side by side; the
admin sets a budget for the person's own place and keeps the change on the record."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from positions.models import Region
from projects import services
from projects.imports import ProjectRegister
from projects.models import Payment, Project, YearBudget
from projects.selectors import budget_for, budgets_side_by_side, year_money
from socialwork.models import AuditEntry
from tests.factories import make_region, make_user
from tests.projects.factories import make_budget, make_call, make_contract, make_organization, make_project
from tests.socialwork.test_local_rules import City

L = Region.Level
YEAR = timezone.localdate().year


@pytest.fixture
def city(db):
    return City()


@pytest.fixture
def organization(db):
    return make_organization()


def community_of(district) -> Region:
    return Region.objects.get(name=f"{district.name}社区")


def approved_project(city, district, organization, amount="20000") -> Project:
    return make_project(
        call=make_call(ceiling="500000"),
        community=community_of(district),
        created_by=city.admin_a,
        organization=organization,
        status=Project.Status.APPROVED,
        requested=amount,
        approved=amount,
    )


def sign(actor, project, organization, amount):
    today = timezone.localdate()
    return services.contract_sign(
        actor=actor,
        project=project,
        number=f"HT-{project.pk}",
        organization=organization,
        amount=amount,
        starts_on=today,
        ends_on=today.replace(year=today.year + 1),
        signed_on=today,
    )


def test_a_contract_is_paid_from_its_districts_own_budget(city, organization):
    make_budget(YEAR, "30000", region=city.a)
    make_budget(YEAR, "100000", region=city.b)
    make_budget(YEAR, "1000000", region=city.city)  # the city's own money pays no district's contract
    # 乙区 has committed 90,000 of its own: that leaves 甲区's 30,000 untouched.
    make_contract(approved_project(city, city.b, organization, "90000"), organization, amount="90000")
    sign(city.admin_a, approved_project(city, city.a, organization), organization, "20000")
    with pytest.raises(ValidationError) as refused:
        sign(city.admin_a, approved_project(city, city.a, organization), organization, "20000")
    assert refused.value.message_dict == {
        "amount": [f"Only ¥10,000.00 of the {YEAR} budget is left uncommitted."]
    }
    with pytest.raises(ValidationError) as refused:
        sign(city.admin_b, approved_project(city, city.b, organization), organization, "20000")
    assert "Only ¥10,000.00" in refused.value.message_dict["amount"][0]


def test_a_district_without_a_budget_of_its_own_cannot_commit_the_citys(city, organization):
    make_budget(YEAR, "1000000", region=city.city)
    with pytest.raises(ValidationError) as refused:
        sign(city.admin_b, approved_project(city, city.b, organization), organization, "20000")
    assert refused.value.messages == [f"There is no budget for {YEAR} yet; set it first."]
    assert budget_for(year=YEAR, community=community_of(city.b)) is None


def test_the_figures_are_the_districts_own_and_the_city_adds_them_up(city, organization):
    make_budget(YEAR, "30000", region=city.a)
    make_budget(YEAR, "100000", region=city.b)
    make_budget(YEAR, "5000", region=city.city)
    contract = make_contract(
        approved_project(city, city.b, organization, "90000"), organization, amount="90000"
    )
    Payment.objects.create(
        contract=contract, amount=Decimal("40000"), paid_on=timezone.localdate(), recorded_by=city.admin_b
    )
    assert year_money(year=YEAR, place=city.a) == {
        "budget": Decimal("30000"),
        "committed": Decimal(0),
        "spent": Decimal(0),
        "uncommitted": Decimal("30000"),
    }
    assert year_money(year=YEAR, place=city.b)["uncommitted"] == Decimal("10000")
    assert year_money(year=YEAR, place=city.city)["budget"] == Decimal("135000")
    rows = [
        (r.label, r.budget, r.committed, r.spent, r.uncommitted, r.own)
        for r in budgets_side_by_side(year=YEAR, place=city.city)
    ]
    assert rows == [
        ("甲区", Decimal("30000"), Decimal(0), Decimal(0), Decimal("30000"), False),
        ("乙区", Decimal("100000"), Decimal("90000"), Decimal("40000"), Decimal("10000"), False),
        ("测试市", Decimal("5000"), Decimal(0), Decimal(0), Decimal("5000"), True),
    ]
    assert budgets_side_by_side(year=YEAR, place=city.a) == []


def test_the_overview_shows_a_district_its_budget_and_a_city_each_districts(city, as_user):
    make_budget(YEAR, "30000", region=city.a)
    make_budget(YEAR, "100000", region=city.b)
    page = as_user(city.admin_a).get(reverse("projects:overview"), {"year": YEAR})
    assert page.context["money"]["budget"] == Decimal("30000")
    assert 'id="budgets"' not in page.content.decode()
    page = as_user(city.city_admin).get(reverse("projects:overview"), {"year": YEAR})
    assert page.context["money"]["budget"] == Decimal("130000")
    html = page.content.decode()
    assert 'id="budgets"' in html and "乙区" in html and "测试市 (own budget)" in html


@pytest.mark.parametrize("districts", [2, 6])
def test_the_citys_overview_does_not_grow_with_its_districts(
    city, as_user, districts, django_assert_max_num_queries
):
    for n in range(districts - 2):
        make_budget(YEAR, "1000", region=make_region(f"区{n}", L.DISTRICT, city.city))
    client = as_user(city.city_admin)
    with django_assert_max_num_queries(37):
        page = client.get(reverse("projects:overview"), {"year": YEAR})
    assert len(page.context["budgets"]) == districts + 1


def test_the_admin_sets_the_persons_own_districts_budget_on_the_record(city, as_user):
    client = as_user(city.admin_a)
    answer = client.post(reverse("admin:projects_yearbudget_add"), {"year": YEAR, "amount": "300000"})
    assert answer.status_code == 302
    own = YearBudget.objects.get(year=YEAR)
    assert own.region == city.a
    entry = AuditEntry.objects.get(action="yearbudget.create")
    assert entry.actor == city.admin_a
    # A second for the same year is refused in words; another district sets its own.
    again = client.post(reverse("admin:projects_yearbudget_add"), {"year": YEAR, "amount": "1"})
    assert "This district already has a budget for this year." in again.content.decode()
    as_user(city.admin_b).post(reverse("admin:projects_yearbudget_add"), {"year": YEAR, "amount": "5"})
    theirs = YearBudget.objects.get(region=city.b)
    # 甲区 sees only its own; the city sees both, and changes neither (each district's money).
    listing = client.get(reverse("admin:projects_yearbudget_changelist"))
    assert set(listing.context["cl"].queryset) == {own}
    city_client = as_user(city.city_admin)
    listing = city_client.get(reverse("admin:projects_yearbudget_changelist"))
    assert set(listing.context["cl"].queryset) == {own, theirs}
    change = reverse("admin:projects_yearbudget_change", args=[own.pk])
    assert not city_client.get(change).context["has_change_permission"]
    assert client.get(change).context["has_change_permission"]


def test_an_import_checks_each_row_against_its_districts_budget(city, organization):
    make_budget(YEAR, "30000", region=city.a)
    make_budget(YEAR, "100000", region=city.b)
    importer = ProjectRegister(actor=city.city_admin)
    importer.prepare([])
    errors = {}
    assert importer._budget(YEAR, Decimal("25000"), community_of(city.a), errors)
    importer.in_file[importer._budget_key(YEAR, community_of(city.a))] += Decimal("25000")
    assert not importer._budget(YEAR, Decimal("25000"), community_of(city.a), errors)
    assert errors["amount"] == [f"Only ¥5,000.00 of the {YEAR} budget is left uncommitted."]
    assert importer._budget(YEAR, Decimal("25000"), community_of(city.b), {})


def test_the_api_gives_a_district_its_budget_and_a_city_each_districts(city, api):
    make_budget(YEAR, "30000", region=city.a)
    make_budget(YEAR, "100000", region=city.b)
    answer = api(city.admin_a).get("/api/v1/budgets/", {"year": YEAR}).json()
    assert (answer["region"], answer["budget"], answer["districts"]) == ("甲区", "30000.00", [])
    answer = api(city.city_admin).get("/api/v1/budgets/", {"year": YEAR}).json()
    assert answer["budget"] == "130000.00"
    assert [(row["region"], row["budget"], row["own"]) for row in answer["districts"]] == [
        ("甲区", "30000.00", False),
        ("乙区", "100000.00", False),
        ("测试市", "0.00", True),
    ]
    worker = make_user("worker_a", region=city.a)
    assert api(worker).get("/api/v1/budgets/").status_code == 403
