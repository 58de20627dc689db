"""Assessment schemes are each district's, or its city's default (issue 23, point 2): a worker is
assessed under the scheme of their district; a district takes its own copy (criteria and grade
rules copied) or goes back to the city's, by page and API; the district beside never sees or edits
it; every step audited, the districts following a changed city scheme told; bounded queries."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from positions.models import AssessmentScheme, Region
from positions.selectors.assessment import scheme_applying_to
from positions.services.assessment import assessment_record, assessment_scheme_save
from socialwork.models import AuditEntry, Notification
from tests.factories import make_region
from tests.positions.test_assessment import CRITERIA, RULES, make_scheme, scheme_post_data
from tests.socialwork.test_local_rules import City

S = AssessmentScheme.Subject


@pytest.fixture
def city(db):
    return City()


@pytest.fixture
def default(city):
    """The city's 2025 scheme for social workers, which both districts follow."""
    return make_scheme(city.city_admin, year=2025, title="市级2025年度考核")


def scores(scheme, *values):
    return {str(c.pk): str(v) for c, v in zip(scheme.criteria.order_by("pk"), values, strict=True)}


def take_own(client, year=2025, subject=S.WORKER):
    return client.post(
        reverse("local_rule_own", args=["assessment_scheme"]), {"year": year, "subject": subject}
    )


def test_a_new_scheme_is_its_authors_place_and_existing_ones_the_roots(city, default):
    assert default.region == city.city
    own = make_scheme(city.admin_a, year=2025, title="甲区2025年度考核")
    assert own.region == city.a  # a second scheme for the same year and kind, the district's own


def test_each_worker_is_assessed_under_their_districts_scheme(
    city, default, as_user, django_assert_num_queries
):
    take_own(as_user(city.admin_a))
    own = AssessmentScheme.objects.get(region=city.a, year=2025)
    # The copy has the city's criteria and grade rules, as rows of its own.
    assert [(c.name, c.weight) for c in own.criteria.order_by("pk")] == [
        (c.name, c.weight) for c in default.criteria.order_by("pk")
    ]
    assert own.grade_rules.count() == len(RULES)
    assert not set(own.criteria.values_list("pk", flat=True)) & set(
        default.criteria.values_list("pk", flat=True)
    )
    in_a, in_b = city.worker(city.a, "甲区社工"), city.worker(city.b, "乙区社工")
    with django_assert_num_queries(1):
        assert scheme_applying_to(subject=in_a, year=2025, kind=S.WORKER) == own
    assert scheme_applying_to(subject=in_b, year=2025, kind=S.WORKER) == default

    assessment_record(actor=city.admin_a, scheme=own, subject=in_a, scores=scores(own, 90, 90, 90))
    assessment_record(actor=city.admin_b, scheme=default, subject=in_b, scores=scores(default, 80, 80, 80))
    # Under the other district's scheme, or the city's where the district keeps its own: refused.
    with pytest.raises(ValidationError) as error:
        assessment_record(
            actor=city.city_admin, scheme=default, subject=in_a, scores=scores(default, 1, 1, 1)
        )
    assert (
        "甲区2025" not in str(error.value)
        and "applies in its district" in error.value.message_dict["subject"][0]
    )
    with pytest.raises(ValidationError):
        assessment_record(actor=city.city_admin, scheme=own, subject=in_b, scores=scores(own, 1, 1, 1))
    # The recording page offers only the workers the scheme applies to.
    page = as_user(city.city_admin).get(reverse("positions:assessment_record", args=[default.pk]))
    names = {str(worker) for worker in page.context["form"].fields["subject"].queryset}
    assert "乙区社工" in "".join(names) and "甲区社工" not in "".join(names)


def test_the_district_beside_never_sees_or_edits_a_districts_own_scheme(city, default, as_user, api):
    take_own(as_user(city.admin_a))
    own = AssessmentScheme.objects.get(region=city.a)
    b = as_user(city.admin_b)
    assert b.get(reverse("positions:assessment_scheme_detail", args=[own.pk])).status_code == 404
    assert b.get(reverse("positions:assessment_scheme_update", args=[own.pk])).status_code == 404
    assert b.post(reverse("positions:assessment_scheme_update", args=[own.pk]), scheme_post_data(year=2025)).status_code == 404  # fmt: skip
    listing = b.get(reverse("positions:assessment_schemes"))
    assert [row.scheme for row in listing.context["rows"]] == [default]
    assert "甲区" not in listing.content.decode()
    assert {s["id"] for s in api(city.admin_b).get("/api/v1/assessment-schemes/").json()["results"]} == {
        default.pk
    }
    admin_list = b.get(reverse("admin:positions_assessmentscheme_changelist"))
    assert list(admin_list.context["cl"].queryset) == [default]
    # A district reads the city's default but does not change it: only its own copy.
    assert b.get(reverse("positions:assessment_scheme_update", args=[default.pk])).status_code == 404
    with pytest.raises(Exception, match="take your own copy"):
        assessment_scheme_save(
            actor=city.admin_b, scheme=default, year=2025, subject=S.WORKER, title="x",
            criteria=CRITERIA, grade_rules=RULES,
        )  # fmt: skip
    # The city sees both, each district's state beside its own.
    city_list = as_user(city.city_admin).get(reverse("positions:assessment_schemes"))
    (row,) = city_list.context["rows"]
    assert row.scheme == default and row.own
    assert [(d.name, s) for d, s in row.districts] == [("甲区", own), ("乙区", None)]
    assert {s["id"] for s in api(city.city_admin).get("/api/v1/assessment-schemes/").json()["results"]} == {
        default.pk,
        own.pk,
    }


def test_own_and_back_to_the_city_through_the_page_audited(city, default, as_user):
    client = as_user(city.admin_a)
    page = client.get(reverse("positions:assessment_scheme_detail", args=[default.pk]))
    assert "local-rule-follows" in page.content.decode() and "local-rule-take" in page.content.decode()
    assert not page.context["can_edit"]
    response = take_own(client)
    assert response.status_code == 302 and response.url == reverse("positions:assessment_schemes")
    own = AssessmentScheme.objects.get(region=city.a)
    listing = client.get(reverse("positions:assessment_schemes"))
    (row,) = listing.context["rows"]
    assert row.scheme == own and row.own
    # Its own copy is edited like any scheme, audited old → new.
    data = scheme_post_data(
        year=2025, title="甲区2025年度考核", criteria=[("Service hours", "60"), ("Case quality", "40")]
    )
    assert client.post(reverse("positions:assessment_scheme_update", args=[own.pk]), data).status_code == 302
    entry = AuditEntry.objects.get(action="assessment_scheme.update", target_id=str(own.pk))
    assert entry.changes["title"] == [default.title, "甲区2025年度考核"]
    assert entry.changes["criteria"][1] == [["Service hours", "60.00"], ["Case quality", "40.00"]]
    default.refresh_from_db()
    assert default.criteria.count() == 3  # the city's untouched

    client.post(reverse("local_rule_adopt", args=["assessment_scheme"]), {"year": 2025, "subject": S.WORKER})
    assert not AssessmentScheme.objects.filter(region=city.a).exists()
    actions = list(
        AuditEntry.objects.filter(actor=city.admin_a).values_list("action", flat=True).order_by("pk")
    )
    assert actions == ["local_rule.own", "assessment_scheme.update", "local_rule.adopt"]
    adopted = AuditEntry.objects.get(action="local_rule.adopt")
    assert adopted.changes["subject"] == [None, S.WORKER]
    assert adopted.changes["values"][0][0]["title"] == "甲区2025年度考核"
    assert adopted.changes["values"][1][0]["title"] == default.title


def test_a_district_with_assessments_under_its_own_cannot_drop_it(city, default, as_user):
    client = as_user(city.admin_a)
    take_own(client)
    own = AssessmentScheme.objects.get(region=city.a)
    assessment_record(
        actor=city.admin_a, scheme=own, subject=city.worker(city.a, "甲"), scores=scores(own, 9, 9, 9)
    )
    response = client.post(
        reverse("local_rule_adopt", args=["assessment_scheme"]),
        {"year": 2025, "subject": S.WORKER},
        follow=True,
    )
    assert "cannot be dropped" in response.content.decode()
    assert AssessmentScheme.objects.filter(region=city.a).exists()


def test_own_and_adopt_through_the_api(city, default, api):
    client = api(city.admin_b)
    key = {"year": 2025, "subject": S.WORKER}
    state = client.get("/api/v1/local-rules/assessment_scheme/", key).json()
    assert state["own"] is False and state["source"] == "测试市"
    state = client.post("/api/v1/local-rules/assessment_scheme/own/", key).json()
    assert state["own"] is True
    own = AssessmentScheme.objects.get(region=city.b)
    assert own.criteria.count() == 3 and own.title == default.title
    listed = client.get("/api/v1/assessment-schemes/").json()["results"]
    assert {(s["id"], s["region"]) for s in listed} >= {(own.pk, "乙区")}
    assert client.post("/api/v1/local-rules/assessment_scheme/own/", key).status_code == 400
    # The district beside cannot score under 乙区's own scheme through the API.
    refused = api(city.admin_a).post(
        "/api/v1/assessments/",
        {"scheme": own.pk, "worker": city.worker(city.a, "甲").pk, "scores": {"1": "1"}},
        format="json",
    )
    assert refused.status_code == 400 and "scheme" in refused.json()
    state = client.post("/api/v1/local-rules/assessment_scheme/adopt/", key).json()
    assert state["own"] is False
    city_state = api(city.city_admin).get("/api/v1/local-rules/assessment_scheme/", key).json()
    assert [(d["region"], d["own"]) for d in city_state["districts"]] == [("甲区", False), ("乙区", False)]


def test_a_city_changing_its_scheme_tells_the_districts_following_it(
    city, default, as_user, django_capture_on_commit_callbacks
):
    take_own(as_user(city.admin_a))
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(city.city_admin).post(
            reverse("positions:assessment_scheme_update", args=[default.pk]),
            scheme_post_data(
                year=2025,
                title="市级2025年度考核（修订）",
                criteria=[("Service hours", "50"), ("Case quality", "50")],
            ),
        )
    assert response.status_code == 302, (response.context["form"].errors, response.context["sections"])
    told = Notification.objects.filter(kind="local_rule_changed")
    assert {n.user for n in told} == {city.admin_b}  # 甲区 keeps its own: not told
    entry = AuditEntry.objects.get(action="assessment_scheme.update", target_id=str(default.pk))
    assert entry.actor == city.city_admin and entry.changes["title"] == [
        "市级2025年度考核",
        "市级2025年度考核（修订）",
    ]
    # A district's change of its own tells nobody.
    own = AssessmentScheme.objects.get(region=city.a)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(city.admin_a).post(
            reverse("positions:assessment_scheme_update", args=[own.pk]),
            scheme_post_data(year=2025, title="甲区"),
        )
    assert told.count() == 1


@pytest.mark.parametrize("districts", [0, 4])
def test_scheme_pages_do_not_grow_with_the_districts(
    city, default, as_user, districts, django_assert_max_num_queries
):
    for n in range(districts):
        district = make_region(f"丙{n}区", Region.Level.DISTRICT, city.city)
        AssessmentScheme.objects.create(region=district, year=2025, subject=S.WORKER, title=f"丙{n}区方案")
    for year in (2023, 2024):
        make_scheme(city.city_admin, year=year)
    client = as_user(city.city_admin)
    client.get(reverse("positions:assessment_schemes"))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("positions:assessment_schemes"))
    assert page.status_code == 200 and len(page.context["rows"][0].districts) == 2 + districts
    with django_assert_max_num_queries(22):
        assert client.get(reverse("positions:assessment_scheme_detail", args=[default.pk])).status_code == 200
    district = as_user(city.admin_a)
    district.get(reverse("positions:assessment_schemes"))  # the person's first page fills their menu's cache
    with django_assert_max_num_queries(12):
        assert district.get(reverse("positions:assessment_schemes")).status_code == 200
