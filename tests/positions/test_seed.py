import pytest
from django.core.management import call_command
from django.db import transaction

from positions.models import CertificateLevel, Region, ServiceUnit
from projects.demo_evaluations import EVALUATION_ORGANIZATION
from socialwork.models import User
from socialwork.roles import Role

U, L = ServiceUnit.Level, Region.Level


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module (its tests only read it, or seed again to show
    nothing changes) and rolled back at its end. The seeds of an empty database are in
    test_seed_modes.py."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        try:
            yield
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, db):
    pass


def level_counts(model):
    return {level: model.objects.filter(level=level).count() for level in model.Level.values}


def in_region(model, code, via="region__"):
    return model.objects.filter(**{f"{via}path__startswith": Region.objects.get(code=code).path})


def test_demo_district_has_the_shape_of_seed_000(seeded):
    yiling = in_region(ServiceUnit, "420506")
    assert {level: yiling.filter(level=level).count() for level in U.values} == {
        U.ASSOCIATION: 2, U.CENTRE: 1, U.STATION: 16, U.ROOM: 179, U.POST: 1417,
    }  # fmt: skip
    assert yiling.filter(level=U.ROOM, is_model=True).count() == 5
    regions = in_region(Region, "420506", via="")
    assert regions.filter(level=L.DISTRICT).count() == 1
    assert regions.filter(level__in=Region.TOWN_LEVELS).count() == 12
    assert regions.filter(level__in=Region.COMMUNITY_LEVELS).count() == 194
    # Every post sits in a room, every room under a station.
    for post in yiling.filter(level=U.POST)[:50]:
        assert ServiceUnit.objects.get_parent(post).level == U.ROOM


def test_demo_city_holds_yiling_and_a_smaller_district(seeded):
    city = Region.objects.get(code="420500")
    assert (city.level, Region.objects.get_parent(city).code) == (L.CITY, "420000")
    districts = Region.objects.get_children(city)
    assert [(d.code, d.level) for d in districts] == [("420506", L.DISTRICT), ("420504", L.DISTRICT)]
    dianjun = in_region(ServiceUnit, "420504")
    assert {level: dianjun.filter(level=level).count() for level in U.values} == {
        U.ASSOCIATION: 1, U.CENTRE: 1, U.STATION: 4, U.ROOM: 16, U.POST: 16,
    }  # fmt: skip
    # The city's own association and centre, where its administrator sits.
    assert list(ServiceUnit.objects.filter(region=city).values_list("code", flat=True)) == [
        "AS-420500",
        "CT-420500",
    ]


def test_seed_demo_is_idempotent(seeded):
    from positions.models import Appointment, Award, Position, SocialWorker
    from projects.models import Contract, Project

    models = [Region, ServiceUnit, User, Position, SocialWorker, Appointment, Award, Project, Contract]
    before = [model.objects.count() for model in models]
    call_command("seed_demo", verbosity=0)
    assert [model.objects.count() for model in models] == before


def test_one_demo_account_per_role_in_demo_mode(seeded):
    # Two district administrators: an access grant one asks for, the other approves.
    # Accounts one logs in with (the demo panel's other two reviewers are on paper only).
    # The demo city adds its administrator, 点军区's and a station manager there.
    accounts = User.objects.exclude(password__startswith="!")
    twice = {Role.STATION_MANAGER: 2, Role.DISTRICT_ADMIN: 4}
    for role in Role:
        assert accounts.filter(groups__name=role).count() == twice.get(role, 1), role
    assert User.objects.get(username="city").region.code == "420500"
    assert User.objects.get(username="dianjun_station").unit.code == "ST-420504100"
    station = User.objects.get(username="station")
    assert station.unit.code == "ST-420506104" and station.check_password("demo-2026")


def test_demo_statistics_show_the_figures_of_the_seeds(seeded, client):
    """Yiling's administrator: seed 000's posts (and Yiling's 88 of the city's 110 town assistance
    posts), Yiling's 3,000 of the city's certified workers. The city's, seed 001's own, are in
    tests/reports/test_demo_city.py."""
    from positions.models import Position

    client.force_login(User.objects.get(username="district"))
    context = client.get("/statistics/").context
    posts = {row.label: row.set for row in context["by_category"]}
    assert posts == {
        str(Position.Category.STANDARDIZED.label): 57, str(Position.Category.GRID.label): 1367,
        str(Position.Category.ASSISTANT.label): 22, str(Position.Category.CORRECTION.label): 20,
        str(Position.Category.ANTI_DRUG.label): 8, str(Position.Category.ASSISTANCE.label): 88,
    }  # fmt: skip
    certified = {str(label): n for label, n in context["certified"]}
    assert context["certified_total"] == 3000
    assert certified[str(CertificateLevel.SOCIAL_WORKER.label)] == 1000
    assert certified[str(CertificateLevel.ASSISTANT.label)] == 2000
    exams = {f.year: (f.candidates, f.passes) for f in context["exams"]}
    assert exams[2014] == (1015, 431) and exams[2015] == (1596, 608)


def test_demo_studios_and_the_social_workers_own_profile(seeded, client):
    from positions.models import Studio

    assert Studio.objects.count() == 3
    worker = User.objects.get(username="worker")
    client.force_login(worker)
    assert client.get(worker.worker.get_absolute_url()).status_code == 200


def test_demo_training_has_the_figures_of_seed_000(seeded):
    from training.models import TrainingSeries
    from training.selectors import training_figures

    district = User.objects.get(username="district")
    by_category = {f.label: f for f in training_figures(user=district, group_by="category")}
    C = TrainingSeries.Category
    assert TrainingSeries.objects.filter(category=C.PRACTICAL_SKILLS).count() == 30
    assert TrainingSeries.objects.filter(category=C.INTERVIEW_SKILLS).count() == 12
    assert TrainingSeries.objects.filter(category=C.VOLUNTEER_LECTURE).count() == 10
    early = [by_category[str(c.label)] for c in (C.PRACTICAL_SKILLS, C.INTERVIEW_SKILLS, C.VOLUNTEER_LECTURE)]
    assert sum(f.participants for f in early) > 2800
    expert = by_category[str(C.EXPERT_LECTURE.label)]
    assert expert.sessions == 13 and expert.person_times > 1100 and expert.participants < expert.person_times


def test_demo_projects_have_the_figures_of_seed_000(seeded):
    from decimal import Decimal

    from projects.models import Call, Contract, Project, ServiceTeam, SocialOrganization
    from projects.selectors import year_money

    # Yiling's own organizations; the city's evaluation centre (the demo evaluator's) aside.
    yiling = in_region(SocialOrganization, "420506")
    assert yiling.filter(registration="registered").exclude(name=EVALUATION_ORGANIZATION).count() == 289
    assert yiling.filter(registration="filed").count() == 459
    assert ServiceTeam.objects.count() == 16
    micro = Contract.objects.filter(project__call__kind=Call.Kind.MICRO, year=2015)
    in_yiling = micro.filter(project__community__path__startswith=Region.objects.get(code="420506").path)
    assert in_yiling.count() == micro.count() == 19 and sum(c.amount for c in micro) == Decimal("500000")
    # The city's call approved 点军区's six besides (no contract yet): seed 001's 25.
    funded = Project.objects.filter(call__kind=Call.Kind.MICRO, year=2015, approved_amount__gt=0)
    assert funded.count() == 25
    money = year_money(year=2015)
    assert (money["budget"], money["spent"]) == (Decimal("1290000"), Decimal("660000"))
    assert money["committed"] <= money["budget"]
    assert User.objects.get(username="org").organization is not None


def test_demo_evaluation_is_assigned_to_the_demo_evaluator(seeded):
    from projects.models import Evaluation
    from projects.selectors import projects_visible_to

    evaluator = User.objects.get(username="evaluator")
    assert evaluator.organization.name == EVALUATION_ORGANIZATION
    evaluation = Evaluation.objects.get()
    assert (evaluation.stage, evaluation.status) == ("final", "assigned")
    assert list(evaluation.evaluators.all()) == [evaluator]
    assert [d.weight for d in evaluation.scheme.domains.all()] == [20, 25, 30, 15, 10]
    assert all(2 <= d.indicators.count() <= 3 for d in evaluation.scheme.domains.all())
    assert list(projects_visible_to(user=evaluator)) == [evaluation.project]
    assert evaluation.project.organization == User.objects.get(username="org").organization
    call_command("seed_demo", verbosity=0)  # idempotent
    assert Evaluation.objects.count() == 1


def test_demo_exam_passes_split_plausibly_by_level(seeded):
    """Fewer pass the social worker level (中级) than the assistant level (初级), at a lower rate;
    the senior level (高级) is rare. Each year's passes are the workers certified that year at that
    level."""
    from django.db.models import Count, Q

    from positions.models import Exam, SocialWorker

    L = CertificateLevel
    rows = (
        Exam.objects.filter(year=2015)
        .values("level")
        .annotate(n=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    )
    sat = {row["level"]: (row["n"], row["passed"]) for row in rows}
    assert sum(n for n, _p in sat.values()) == 1715 and sum(p for _n, p in sat.values()) == 659
    (assistant, assistant_passed), (social, social_passed) = sat[L.ASSISTANT], sat[L.SOCIAL_WORKER]
    assert assistant_passed > social_passed > sat.get(L.SENIOR, (0, 0))[1]
    assert assistant_passed / assistant > social_passed / social
    assert sat.get(L.SENIOR, (0, 0))[0] <= 0.02 * 1715
    for exam in Exam.objects.filter(passed=True).select_related("worker")[:300]:
        assert (exam.worker.certificate_level, exam.worker.certificate_year) == (exam.level, exam.year)
    assert SocialWorker.objects.filter(certificate_year=2015).count() == 659


def test_the_demo_has_an_expert_panel_with_a_conflict_and_a_changed_score(seeded):
    from projects.models import ConflictDeclaration, ReviewPanel, ReviewRevision

    panel = ReviewPanel.objects.get()
    assert set(panel.members.values_list("username", flat=True)) == {"expert", "expert2", "expert3"}
    assert panel.applications.filter(status="under_review").count() == 4
    assert ConflictDeclaration.objects.filter(has_conflict=True).count() == 1
    assert ReviewRevision.objects.count() == 1
    call_command("seed_demo", verbosity=0)
    assert ReviewPanel.objects.count() == 1
