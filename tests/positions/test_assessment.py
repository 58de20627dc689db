"""The annual practice assessment: schemes, scoring, grades and pay, scoping, pages and API."""

from decimal import Decimal
from itertools import count

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from positions.models import Assessment, AssessmentScheme, Grade, HostInstitution, Position, SocialWorker
from positions.services.assessment import assessment_record, assessment_scheme_save
from socialwork.idnumbers import check_character
from socialwork.models import AuditEntry

S = AssessmentScheme.Subject
_serial = count(1)

RULES = [
    (Grade.EXCELLENT, "90", "Merit pay raised one step", "300"),
    (Grade.COMPETENT, "75", "Pay as before", "0"),
    (Grade.BASIC, "60", "Merit pay held", "0"),
    (Grade.INCOMPETENT, "0", "Merit pay cut one step", "-200"),
]
CRITERIA = [("Service hours", "40"), ("Case quality", "30"), ("Professional growth", "30")]


# Local factories -------------------------------------------------------------------------------


def make_worker(name: str, unit=None, **fields) -> SocialWorker:
    first17 = f"420506199001{next(_serial) % 28 + 1:02d}{next(_serial) % 1000:03d}"
    return SocialWorker.objects.create(
        name=name,
        gender=SocialWorker.Gender.FEMALE,
        id_number=first17 + check_character(first17),
        employer_unit=unit,
        **fields,
    )


def make_position(title: str, unit) -> Position:
    host, _created = HostInstitution.objects.get_or_create(name="民政")
    return Position.objects.create(
        code=f"P{next(_serial):05d}",
        title=title,
        unit=unit,
        host=host,
        category=Position.Category.STATION,
        setup_mode=Position.SetupMode.CONTRACT,
    )


def make_scheme(actor, *, year=2025, subject=S.WORKER, criteria=CRITERIA, grade_rules=RULES, title=None):
    return assessment_scheme_save(
        actor=actor,
        year=year,
        subject=subject,
        title=title or f"{year} practice assessment ({subject})",
        criteria=list(criteria),
        grade_rules=list(grade_rules),
    )


def scores_for(scheme, *values) -> dict[int, Decimal]:
    return {c.pk: Decimal(str(v)) for c, v in zip(scheme.criteria.order_by("pk"), values, strict=True)}


@pytest.fixture
def people(network):
    """A worker in each station's room, and one whose record is a social worker's own login."""
    return {
        "a": make_worker("甲社工", network.room_a),
        "b": make_worker("乙社工", network.room_b),
    }


@pytest.fixture
def scheme(district_admin):
    return make_scheme(district_admin)


# The scheme ------------------------------------------------------------------------------------


def test_weights_must_add_up_to_100(district_admin):
    with pytest.raises(ValidationError) as error:
        make_scheme(district_admin, criteria=[("Service hours", "40"), ("Case quality", "50")])
    assert "add up to 90.00%" in error.value.message_dict["criteria"][0]
    assert not AssessmentScheme.objects.exists()


def test_criterion_needs_a_name_and_a_positive_weight_and_appears_once(district_admin):
    for criteria in (
        [("", "100")],
        [("Service hours", "0"), ("Case quality", "100")],
        [("Service hours", "50"), ("Service hours", "50")],
        [],
    ):
        with pytest.raises(ValidationError) as error:
            make_scheme(district_admin, criteria=criteria)
        assert "criteria" in error.value.message_dict


def test_each_grade_at_most_once(district_admin):
    rules = [*RULES, (Grade.EXCELLENT, "95", "", "0")]
    with pytest.raises(ValidationError) as error:
        make_scheme(district_admin, grade_rules=rules)
    assert "more than one rule" in error.value.message_dict["grade_rules"][0]


def test_min_scores_fall_with_the_grade_and_the_lowest_starts_at_zero(district_admin):
    upside_down = [(Grade.EXCELLENT, "70", "", "0"), (Grade.COMPETENT, "80", "", "0"), (Grade.INCOMPETENT, "0", "", "0")]  # fmt: skip
    with pytest.raises(ValidationError) as error:
        make_scheme(district_admin, grade_rules=upside_down)
    assert "higher score" in error.value.message_dict["grade_rules"][0]
    with pytest.raises(ValidationError) as error:
        make_scheme(
            district_admin, grade_rules=[(Grade.EXCELLENT, "90", "", "0"), (Grade.BASIC, "60", "", "0")]
        )
    assert "must start at 0" in error.value.message_dict["grade_rules"][0]
    # Not every grade has to be used.
    scheme = make_scheme(district_admin, grade_rules=[(Grade.COMPETENT, "60", "", "0"), (Grade.INCOMPETENT, "0", "", "0")])  # fmt: skip
    assert scheme.grade_rules.count() == 2


def test_one_scheme_per_year_and_subject(district_admin, scheme):
    with pytest.raises(ValidationError) as error:
        make_scheme(district_admin)
    assert "year" in error.value.message_dict
    assert make_scheme(district_admin, subject=S.INSTITUTION).pk


def test_scheme_save_writes_an_audit_row(district_admin, scheme):
    entry = AuditEntry.objects.get(action="assessment_scheme.create", target_id=str(scheme.pk))
    assert entry.actor == district_admin
    assert entry.changes["criteria"][1] == [["Service hours", "40.00"], ["Case quality", "30.00"], ["Professional growth", "30.00"]]  # fmt: skip


def test_criteria_are_fixed_once_assessments_exist_but_grade_rules_may_change(district_admin, scheme, people):
    assessment_record(
        actor=district_admin, scheme=scheme, subject=people["a"], scores=scores_for(scheme, 90, 90, 90)
    )
    with pytest.raises(ValidationError) as error:
        assessment_scheme_save(
            actor=district_admin, scheme=scheme, year=2025, subject=S.WORKER, title="x",
            criteria=[("Service hours", "50"), ("Case quality", "50")], grade_rules=RULES,
        )  # fmt: skip
    assert "cannot change" in error.value.message_dict["criteria"][0]
    with pytest.raises(ValidationError) as error:
        assessment_scheme_save(
            actor=district_admin, scheme=scheme, year=2025, subject=S.POSITION, title="x",
            criteria=CRITERIA, grade_rules=RULES,
        )  # fmt: skip
    assert "subject" in error.value.message_dict
    saved = assessment_scheme_save(
        actor=district_admin, scheme=scheme, year=2025, subject=S.WORKER, title="Renamed",
        criteria=CRITERIA, grade_rules=[(Grade.EXCELLENT, "95", "", "500"), (Grade.INCOMPETENT, "0", "", "0")],
    )  # fmt: skip
    assert saved.title == "Renamed" and saved.grade_rules.count() == 2


def test_criteria_keep_their_ids_when_a_scheme_without_assessments_is_edited(district_admin, scheme):
    before = list(scheme.criteria.order_by("pk").values_list("pk", flat=True))
    assessment_scheme_save(
        actor=district_admin, scheme=scheme, year=2025, subject=S.WORKER, title="t",
        criteria=[("Service hours", "50"), ("Case quality", "50")], grade_rules=RULES,
    )  # fmt: skip
    assert list(scheme.criteria.order_by("pk").values_list("pk", "weight")) == [
        (before[0], Decimal("50.00")), (before[1], Decimal("50.00")),
    ]  # fmt: skip


# Scoring ---------------------------------------------------------------------------------------


def test_weighted_total_picks_the_grade_and_snapshots_its_pay(district_admin, scheme, people):
    assessment = assessment_record(
        actor=district_admin, scheme=scheme, subject=people["a"], scores=scores_for(scheme, 90, 80, 70),
        comment="Steady year",
    )  # fmt: skip
    # 90×0.4 + 80×0.3 + 70×0.3 = 36 + 24 + 21
    assert assessment.total == Decimal("81.00")
    assert assessment.grade == Grade.COMPETENT
    assert assessment.pay_consequence == "Pay as before" and assessment.pay_adjustment == Decimal("0.00")
    assert assessment.assessor == district_admin and assessment.comment == "Steady year"
    assert AuditEntry.objects.filter(action="assessment.create", target_id=str(assessment.pk)).exists()


def test_total_is_rounded_to_two_places_and_a_boundary_reaches_the_grade(district_admin, people):
    scheme = make_scheme(
        district_admin, criteria=[("a", "33.33"), ("b", "33.33"), ("c", "33.34")],
        grade_rules=[(Grade.EXCELLENT, "90", "Bonus", "300"), (Grade.INCOMPETENT, "0", "Cut", "-200")],
    )  # fmt: skip
    assessment = assessment_record(
        actor=district_admin,
        scheme=scheme,
        subject=people["a"],
        scores=scores_for(scheme, "85.5", 90, "77.25"),
    )
    # 28.49715 + 29.997 + 25.75515 = 84.2493 → 84.25
    assert assessment.total == Decimal("84.25")
    boundary = assessment_record(
        actor=district_admin, scheme=scheme, subject=people["b"], scores=scores_for(scheme, 90, 90, 90)
    )
    assert boundary.total == Decimal("90.00") and boundary.grade == Grade.EXCELLENT
    assert boundary.pay_adjustment == Decimal("300.00")


def test_changing_a_grade_rule_later_leaves_recorded_assessments_as_they_were(district_admin, scheme, people):
    recorded = assessment_record(
        actor=district_admin, scheme=scheme, subject=people["a"], scores=scores_for(scheme, 95, 95, 95)
    )
    assert (recorded.grade, recorded.pay_adjustment) == (Grade.EXCELLENT, Decimal("300.00"))
    assessment_scheme_save(
        actor=district_admin, scheme=scheme, year=2025, subject=S.WORKER, title=scheme.title, criteria=CRITERIA,
        grade_rules=[(Grade.EXCELLENT, "98", "Bonus doubled", "600"), (Grade.COMPETENT, "0", "As before", "0")],
    )  # fmt: skip
    recorded.refresh_from_db()
    assert recorded.grade == Grade.EXCELLENT
    assert recorded.pay_consequence == "Merit pay raised one step" and recorded.pay_adjustment == Decimal(
        "300.00"
    )
    # A new assessment follows the rules of today.
    later = assessment_record(
        actor=district_admin, scheme=scheme, subject=people["b"], scores=scores_for(scheme, 95, 95, 95)
    )
    assert (later.grade, later.pay_consequence) == (Grade.COMPETENT, "As before")


def test_scoring_again_updates_the_same_assessment(district_admin, scheme, people):
    first = assessment_record(
        actor=district_admin, scheme=scheme, subject=people["a"], scores=scores_for(scheme, 50, 50, 50)
    )
    assert first.grade == Grade.INCOMPETENT and first.pay_adjustment == Decimal("-200.00")
    again = assessment_record(
        actor=district_admin, scheme=scheme, subject=people["a"], scores=scores_for(scheme, 92, 92, 92)
    )
    assert again.pk == first.pk and Assessment.objects.count() == 1
    again.refresh_from_db()
    assert (again.total, again.grade, again.pay_adjustment) == (
        Decimal("92.00"),
        Grade.EXCELLENT,
        Decimal("300.00"),
    )
    update = AuditEntry.objects.get(action="assessment.update", target_id=str(first.pk))
    assert update.changes["grade"] == [Grade.INCOMPETENT, Grade.EXCELLENT]


def test_scores_cover_every_criterion_from_0_to_100(district_admin, scheme, people):
    ids = list(scheme.criteria.order_by("pk").values_list("pk", flat=True))
    for scores in (
        {ids[0]: 90, ids[1]: 90},  # one missing
        {ids[0]: 90, ids[1]: 90, ids[2]: 101},
        {ids[0]: 90, ids[1]: 90, ids[2]: -1},
        {ids[0]: 90, ids[1]: 90, ids[2]: 90, 999999: 90},
        {ids[0]: 90, ids[1]: 90, ids[2]: "eighty"},
    ):
        with pytest.raises(ValidationError) as error:
            assessment_record(actor=district_admin, scheme=scheme, subject=people["a"], scores=scores)
        assert "scores" in error.value.message_dict
    assert not Assessment.objects.exists()


def test_an_institution_and_a_post_are_assessed_by_their_own_schemes(district_admin, network, people):
    institutions = make_scheme(district_admin, subject=S.INSTITUTION)
    posts = make_scheme(district_admin, subject=S.POSITION)
    position = make_position("社工岗", network.room_a)
    station = assessment_record(
        actor=district_admin, scheme=institutions, subject=network.station_a, scores=scores_for(institutions, 95, 92, 90)
    )  # fmt: skip
    post = assessment_record(
        actor=district_admin, scheme=posts, subject=position, scores=scores_for(posts, 60, 60, 60)
    )
    assert (station.unit, station.worker, station.grade) == (network.station_a, None, Grade.EXCELLENT)
    assert (post.position, post.unit, post.grade) == (position, None, Grade.BASIC)
    # Each scheme takes only its own kind of subject; a community service post is no institution.
    for wrong_scheme, subject in (
        (institutions, people["a"]),
        (posts, network.room_a),
        (institutions, network.post_b),
    ):
        with pytest.raises(ValidationError) as error:
            assessment_record(
                actor=district_admin,
                scheme=wrong_scheme,
                subject=subject,
                scores=scores_for(wrong_scheme, 1, 1, 1),
            )
        assert "subject" in error.value.message_dict


def test_station_manager_cannot_record_another_stations_worker(
    station_manager, district_admin, scheme, people
):
    with pytest.raises(ValidationError) as error:
        assessment_record(
            actor=station_manager, scheme=scheme, subject=people["b"], scores=scores_for(scheme, 90, 90, 90)
        )
    assert "outside your place" in error.value.message_dict["subject"][0]


# Pages -----------------------------------------------------------------------------------------


def scheme_post_data(*, year=2026, subject=S.WORKER, title="2026 assessment", criteria=CRITERIA, rules=RULES):
    data = {
        "year": year, "subject": subject, "title": title,
        "criteria-TOTAL_FORMS": len(criteria) + 1, "criteria-INITIAL_FORMS": 0,
        "criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for index, (name, weight) in enumerate(criteria):
        data[f"criteria-{index}-name"], data[f"criteria-{index}-weight"] = name, weight
    for grade, min_score, consequence, adjustment in rules:
        data[f"rules-{grade}_min_score"] = min_score
        data[f"rules-{grade}_pay_consequence"] = consequence
        data[f"rules-{grade}_pay_adjustment"] = adjustment
    return data


def test_district_admin_creates_a_scheme_on_the_page(as_user, district_admin):
    response = as_user(district_admin).post(reverse("positions:assessment_scheme_create"), scheme_post_data())
    scheme = AssessmentScheme.objects.get(year=2026)
    assert response.status_code == 302 and response.url == reverse(
        "positions:assessment_scheme_detail", args=[scheme.pk]
    )
    assert [c.name for c in scheme.criteria.order_by("pk")] == [name for name, _w in CRITERIA]
    assert scheme.grade_rules.get(grade=Grade.INCOMPETENT).pay_adjustment == Decimal("-200.00")


def test_scheme_form_shows_the_weights_error_inline(as_user, district_admin):
    data = scheme_post_data(criteria=[("Service hours", "40"), ("Case quality", "40")])
    response = as_user(district_admin).post(reverse("positions:assessment_scheme_create"), data)
    assert response.status_code == 200
    assert response.context["sections"]["criteria"] == ["The weights add up to 80.00%; they must add up to exactly 100%."]  # fmt: skip
    assert 'id="criteria-errors"' in response.content.decode()
    assert not AssessmentScheme.objects.exists()


def test_scheme_form_shows_a_missing_weight_beside_its_row(as_user, district_admin):
    data = scheme_post_data(criteria=[("Service hours", ""), ("Case quality", "100")])
    response = as_user(district_admin).post(reverse("positions:assessment_scheme_create"), data)
    assert response.context["criteria"].forms[0].errors["weight"] == ["Give this criterion a weight."]


def test_editing_a_scheme_with_assessments_keeps_its_criteria(as_user, district_admin, scheme, people):
    assessment_record(
        actor=district_admin, scheme=scheme, subject=people["a"], scores=scores_for(scheme, 90, 90, 90)
    )
    client = as_user(district_admin)
    url = reverse("positions:assessment_scheme_update", args=[scheme.pk])
    page = client.get(url)
    assert page.context["locked"] and len(page.context["criteria"].forms) == 3
    data = scheme_post_data(year=2025, title="Renamed", criteria=[("Changed", "100")])
    data["criteria-TOTAL_FORMS"], data["criteria-INITIAL_FORMS"] = 3, 3
    response = client.post(url, data)
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.title == "Renamed" and scheme.criteria.count() == 3


def test_station_manager_may_not_create_schemes_or_record(as_user, station_manager, scheme):
    client = as_user(station_manager)
    assert client.get(reverse("positions:assessment_scheme_create")).status_code == 403
    assert client.get(reverse("positions:assessment_record", args=[scheme.pk])).status_code == 403


def test_district_admin_records_an_assessment_on_the_page(as_user, district_admin, scheme, people):
    client = as_user(district_admin)
    url = reverse("positions:assessment_record", args=[scheme.pk])
    data = {"subject": people["b"].pk, "comment": "Good", **{f"score_{pk}": v for pk, v in scores_for(scheme, 95, 90, 92).items()}}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors  # failed once in CI's parallel run
    assessment = Assessment.objects.get(worker=people["b"])
    assert (assessment.total, assessment.grade) == (Decimal("92.60"), Grade.EXCELLENT)
    # The form to score again starts from what was recorded.
    again = client.get(f"{url}?subject={people['b'].pk}")
    first = scheme.criteria.order_by("pk").first()
    assert again.context["form"].initial[f"score_{first.pk}"] == "95.00"


def test_record_form_shows_score_errors_inline(as_user, district_admin, scheme, people):
    data = {
        "subject": people["a"].pk,
        **{f"score_{pk}": v for pk, v in scores_for(scheme, 95, 90, 92).items()},
    }
    first = scheme.criteria.order_by("pk").first()
    data[f"score_{first.pk}"] = "120"
    response = as_user(district_admin).post(reverse("positions:assessment_record", args=[scheme.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"score_{first.pk}"]
    assert "has-error" in response.content.decode()
    assert not Assessment.objects.exists()


def test_recorder_outside_the_subjects_station_gets_a_form_error(as_user, station_manager, scheme, people):
    """Even with the permission to record, a station manager cannot choose another station's worker."""
    station_manager.user_permissions.add(
        Permission.objects.get(codename="add_assessment", content_type__app_label="positions")
    )
    data = {
        "subject": people["b"].pk,
        **{f"score_{pk}": v for pk, v in scores_for(scheme, 95, 90, 92).items()},
    }
    response = as_user(station_manager).post(reverse("positions:assessment_record", args=[scheme.pk]), data)
    assert response.status_code == 200 and "subject" in response.context["form"].errors
    assert not Assessment.objects.exists()


@pytest.fixture
def graded(district_admin, scheme, people, network):
    """Assessments of both stations' workers and more people in station A, in every grade."""
    workers = [people["a"], people["b"]] + [make_worker(f"甲{i}", network.room_a) for i in range(6)]
    values = [95, 40, 80, 65, 92, 30, 77, 61]
    for worker, value in zip(workers, values, strict=True):
        assessment_record(
            actor=district_admin,
            scheme=scheme,
            subject=worker,
            scores=scores_for(scheme, value, value, value),
        )
    return workers


def test_scheme_page_lists_counts_filters_and_sorts(as_user, district_admin, scheme, graded, django_assert_max_num_queries):  # fmt: skip
    client = as_user(district_admin)
    url = reverse("positions:assessment_scheme_detail", args=[scheme.pk])
    with django_assert_max_num_queries(16):
        response = client.get(url)
    page = response.context["page"]
    assert page.total == 8
    assert {value: n for value, _label, n in page.grade_counts} == {
        Grade.EXCELLENT: 2, Grade.COMPETENT: 2, Grade.BASIC: 2, Grade.INCOMPETENT: 2,
    }  # fmt: skip
    totals = [a.total for a, _scores in page.rows]
    assert totals == sorted(totals, reverse=True)
    assert page.rows[0][1] == ["95.00", "95.00", "95.00"]
    ascending = client.get(url, {"sort": "total"}).context["page"]
    assert [a.total for a, _s in ascending.rows] == sorted(totals)
    excellent = client.get(url, {"grade": Grade.EXCELLENT}).context["page"]
    assert {a.worker.name for a, _s in excellent.rows} == {"甲社工", "甲2"}
    found = client.get(url, {"q": "乙社"}).context["page"]
    assert [a.worker.name for a, _s in found.rows] == ["乙社工"]
    body = response.content.decode()
    assert "Merit pay cut one step" in body and "甲社工" in body


def test_scheme_page_query_count_does_not_grow_with_assessments(as_user, district_admin, scheme, graded, network, django_assert_max_num_queries):  # fmt: skip
    for i in range(20):
        assessment_record(
            actor=district_admin, scheme=scheme, subject=make_worker(f"加{i}", network.room_b),
            scores=scores_for(scheme, 70, 70, 70),
        )  # fmt: skip
    client = as_user(district_admin)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("positions:assessment_scheme_detail", args=[scheme.pk]))
    assert response.context["page"].total == 28


def test_station_manager_sees_only_their_stations_assessments(as_user, station_manager, scheme, graded):
    page = (
        as_user(station_manager)
        .get(reverse("positions:assessment_scheme_detail", args=[scheme.pk]))
        .context["page"]
    )
    names = {a.worker.name for a, _s in page.rows}
    assert "乙社工" not in names and "甲社工" in names and page.total == 7


def test_social_worker_sees_their_own_assessment(as_user, social_worker, district_admin, scheme, network):
    own = make_worker("胡社工", None, user=social_worker)
    other = make_worker("乙社工", network.room_b)
    for worker in (own, other):
        assessment_record(
            actor=district_admin, scheme=scheme, subject=worker, scores=scores_for(scheme, 80, 80, 80)
        )
    page = (
        as_user(social_worker)
        .get(reverse("positions:assessment_scheme_detail", args=[scheme.pk]))
        .context["page"]
    )
    assert [a.worker for a, _s in page.rows] == [own]


def test_scheme_list_counts_visible_assessments(as_user, station_manager, district_admin, scheme, graded, django_assert_max_num_queries):  # fmt: skip
    make_scheme(district_admin, subject=S.POSITION)
    client = as_user(station_manager)
    # 13: the worker scope of a station reads its units and post holders first
    with django_assert_max_num_queries(13):
        response = client.get(reverse("positions:assessment_schemes"))
    rows = response.context["rows"]
    assert {row.scheme.subject: row.count for row in rows} == {S.WORKER: 7, S.POSITION: 0}
    assert scheme.title in response.content.decode()


def test_unknown_scheme_is_404(as_user, district_admin):
    assert (
        as_user(district_admin).get(reverse("positions:assessment_scheme_detail", args=[999])).status_code
        == 404
    )


# API -------------------------------------------------------------------------------------------


def test_api_lists_assessments_scoped_and_filtered(api, station_manager, district_admin, scheme, graded, django_assert_max_num_queries):  # fmt: skip
    make_scheme(district_admin, year=2024)
    client = api(district_admin)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/assessments/?page_size=100")
    assert response.json()["count"] == 8
    item = response.json()["results"][0]
    assert item["subject_name"] == "甲社工" and item["total"] == "95.00" and item["grade"] == Grade.EXCELLENT
    assert item["pay_adjustment"] == "300.00" and item["year"] == 2025
    client = api(district_admin)
    assert client.get("/api/v1/assessments/?grade=incompetent").json()["count"] == 2
    assert client.get("/api/v1/assessments/?year=2024").json()["count"] == 0
    assert client.get(f"/api/v1/assessments/?scheme={scheme.pk}").json()["count"] == 8
    own_station = api(station_manager).get("/api/v1/assessments/").json()
    assert own_station["count"] == 7 and "乙社工" not in {i["subject_name"] for i in own_station["results"]}


def test_api_hides_another_stations_assessment(api, station_manager, scheme, graded):
    other = Assessment.objects.get(worker__name="乙社工")
    own = Assessment.objects.get(worker__name="甲社工")
    assert api(station_manager).get(f"/api/v1/assessments/{other.pk}/").status_code == 404
    assert api(station_manager).get(f"/api/v1/assessments/{own.pk}/").status_code == 200


def test_api_records_and_rerecords_an_assessment(api, district_admin, scheme, people):
    ids = list(scheme.criteria.order_by("pk").values_list("pk", flat=True))
    body = {
        "scheme": scheme.pk,
        "worker": people["a"].pk,
        "scores": {str(i): "88" for i in ids},
        "comment": "ok",
    }
    client = api(district_admin)
    created = client.post("/api/v1/assessments/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["total"] == "88.00" and created.json()["grade"] == Grade.COMPETENT
    body["scores"] = {str(i): "91" for i in ids}
    updated = client.post("/api/v1/assessments/", body, format="json")
    assert updated.status_code == 200 and updated.json()["id"] == created.json()["id"]
    assert updated.json()["grade"] == Grade.EXCELLENT


def test_api_answers_400_with_field_errors(api, district_admin, scheme, people, network):
    ids = list(scheme.criteria.order_by("pk").values_list("pk", flat=True))
    client = api(district_admin)
    too_high = client.post(
        "/api/v1/assessments/",
        {"scheme": scheme.pk, "worker": people["a"].pk, "scores": {str(i): "101" for i in ids}},
        format="json",
    )
    assert too_high.status_code == 400 and "scores" in too_high.json()
    missing = client.post(
        "/api/v1/assessments/", {"scheme": scheme.pk, "worker": people["a"].pk, "scores": {str(ids[0]): "90"}}, format="json"
    )  # fmt: skip
    assert missing.status_code == 400 and list(missing.json()) == ["scores"]
    wrong_kind = client.post(
        "/api/v1/assessments/", {"scheme": scheme.pk, "unit": network.room_a.pk, "scores": {str(ids[0]): "90"}}, format="json"
    )  # fmt: skip
    assert wrong_kind.status_code == 400 and "worker" in wrong_kind.json()
    assert not Assessment.objects.exists()


def test_api_refuses_recording_to_a_station_manager_and_outside_the_place(
    api, station_manager, scheme, people
):
    ids = list(scheme.criteria.order_by("pk").values_list("pk", flat=True))
    body = {"scheme": scheme.pk, "worker": people["b"].pk, "scores": {str(i): "90" for i in ids}}
    assert api(station_manager).post("/api/v1/assessments/", body, format="json").status_code == 403
    station_manager.user_permissions.add(
        Permission.objects.get(codename="add_assessment", content_type__app_label="positions")
    )
    station_manager = type(station_manager).objects.get(pk=station_manager.pk)  # fresh permission cache
    response = api(station_manager).post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 400 and "worker" in response.json()


def test_api_social_worker_sees_their_own(api, social_worker, district_admin, scheme, network):
    own = make_worker("胡社工", None, user=social_worker)
    assessment_record(actor=district_admin, scheme=scheme, subject=own, scores=scores_for(scheme, 80, 80, 80))
    assessment_record(
        actor=district_admin, scheme=scheme, subject=make_worker("乙社工", network.room_b), scores=scores_for(scheme, 80, 80, 80)
    )  # fmt: skip
    results = api(social_worker).get("/api/v1/assessments/").json()["results"]
    assert [item["subject_name"] for item in results] == ["胡社工"]


def test_api_reads_schemes_with_criteria_and_grade_rules(api, station_manager, district_admin, scheme, django_assert_max_num_queries):  # fmt: skip
    make_scheme(district_admin, year=2024)
    client = api(station_manager)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/assessment-schemes/?year=2025").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert [c["weight"] for c in item["criteria"]] == ["40.00", "30.00", "30.00"]
    assert [r["grade"] for r in item["grade_rules"]] == [
        Grade.EXCELLENT,
        Grade.COMPETENT,
        Grade.BASIC,
        Grade.INCOMPETENT,
    ]
    assert client.post("/api/v1/assessment-schemes/", {}, format="json").status_code in (403, 405)
