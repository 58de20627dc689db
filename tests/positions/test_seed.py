import pytest
from django.core.management import call_command

from positions.models import Region, ServiceUnit
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
    for role in Role:
        assert User.objects.filter(groups__name=role).count() == 1, role
    station = User.objects.get(username="station")
    assert station.unit.code == "ST-420506104" and station.check_password("demo-2026")


def test_no_demo_accounts_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()
    assert ServiceUnit.objects.filter(level=U.STATION).count() == 16
