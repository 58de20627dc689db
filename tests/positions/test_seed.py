import pytest
from django.core.management import call_command

from positions.models import CertificateLevel, Region, ServiceUnit
from socialwork.models import User
from socialwork.roles import Role

U, L = ServiceUnit.Level, Region.Level


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


def level_counts(model):
    return {level: model.objects.filter(level=level).count() for level in model.Level.values}


def test_demo_district_has_the_shape_of_seed_000(seeded):
    assert level_counts(ServiceUnit) == {
        U.ASSOCIATION: 2, U.CENTRE: 1, U.STATION: 16, U.ROOM: 179, U.POST: 1417,
    }  # fmt: skip
    assert ServiceUnit.objects.filter(level=U.ROOM, is_model=True).count() == 5
    regions = level_counts(Region)
    assert regions[L.DISTRICT] == 1 and regions[L.TOWN] + regions[L.STREET] == 12
    assert regions[L.COMMUNITY] + regions[L.VILLAGE] == 194
    # Every post sits in a room, every room under a station.
    for post in ServiceUnit.objects.filter(level=U.POST)[:50]:
        assert ServiceUnit.objects.get_parent(post).level == U.ROOM


def test_seed_demo_is_idempotent(seeded):
    before = (Region.objects.count(), ServiceUnit.objects.count(), User.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Region.objects.count(), ServiceUnit.objects.count(), User.objects.count()) == before


def test_one_demo_account_per_role_in_demo_mode(seeded):
    # Two district administrators: an access grant one asks for, the other approves.
    for role in Role:
        assert User.objects.filter(groups__name=role).count() == (2 if role == Role.DISTRICT_ADMIN else 1), (
            role
        )
    station = User.objects.get(username="station")
    assert station.unit.code == "ST-420506104" and station.check_password("demo-2026")


def test_no_demo_accounts_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    call_command("seed_demo", verbosity=0)
    # Only the author of the demo records, who cannot log in.
    assert list(User.objects.values_list("username", "is_active")) == [("demo-data", False)]
    assert not User.objects.get().has_usable_password()
    assert ServiceUnit.objects.filter(level=U.STATION).count() == 16


def test_demo_statistics_show_the_figures_of_the_seeds(seeded, client):
    from positions.models import Position

    client.force_login(User.objects.get(username="district"))
    context = client.get("/statistics/").context
    posts = {row.label: row.set for row in context["by_category"]}
    assert posts == {
        str(Position.Category.STANDARDIZED.label): 57, str(Position.Category.GRID.label): 1367,
        str(Position.Category.ASSISTANT.label): 22, str(Position.Category.CORRECTION.label): 20,
        str(Position.Category.ANTI_DRUG.label): 8,
    }  # fmt: skip
    certified = {str(label): n for label, n in context["certified"]}
    assert context["certified_total"] == 3263
    assert certified[str(CertificateLevel.SOCIAL_WORKER.label)] == 1094
    assert certified[str(CertificateLevel.ASSISTANT.label)] == 2169
    exams = {f.year: (f.candidates, f.passes, f.candidates_change, f.passes_change) for f in context["exams"]}
    assert exams[2015] == (1715, 659, 56.5, 40.5)


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

    from projects.models import Call, Contract, ServiceTeam, SocialOrganization
    from projects.selectors import year_money

    assert SocialOrganization.objects.filter(registration="registered").count() == 289
    assert SocialOrganization.objects.filter(registration="filed").count() == 459
    assert ServiceTeam.objects.count() == 16
    micro = Contract.objects.filter(project__call__kind=Call.Kind.MICRO, year=2015)
    assert micro.count() == 19 and sum(c.amount for c in micro) == Decimal("500000")
    money = year_money(year=2015)
    assert (money["budget"], money["spent"]) == (Decimal("1290000"), Decimal("660000"))
    assert money["committed"] <= money["budget"]
    assert User.objects.get(username="org").organization is not None


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
