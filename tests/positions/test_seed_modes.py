"""seed_demo on an empty database outside demo mode, and on one seeded before the demo city."""

from django.core.management import call_command

from positions.models import Region, ServiceUnit
from socialwork.models import User

U, L = ServiceUnit.Level, Region.Level


def test_no_demo_accounts_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    call_command("seed_demo", verbosity=0)
    # Only the author of the demo records, who cannot log in.
    assert list(User.objects.values_list("username", "is_active")) == [("demo-data", False)]
    assert not User.objects.get().has_usable_password()
    assert ServiceUnit.objects.filter(level=U.STATION).count() == 16 + 4  # Yiling's and 点军区's


def test_seed_demo_moves_a_district_seeded_before_the_city_under_it(db):
    """A database seeded when the district was the tree's root: the next seed puts it, with its
    towns and communities, under the city, and builds the rest around it."""
    from positions.demo import seed_network
    from positions.models import tree_insert

    yiling = tree_insert(Region(name="夷陵区", code="420506", level=L.DISTRICT), None)
    town = tree_insert(Region(name="三斗坪镇", code="420506104", level=L.TOWN), yiling)
    tree_insert(Region(name="三斗坪社区", code="420506104001", level=L.COMMUNITY), town)
    assert Region.objects.get(code="420506").depth == 1  # the root, as before the city

    seed_network()

    yiling, town = Region.objects.get(code="420506"), Region.objects.get(code="420506104")
    assert Region.objects.get_parent(yiling).code == "420500" and Region.objects.get_parent(town) == yiling
    assert Region.objects.get_parent(Region.objects.get(code="420506104001")) == town
    assert [r.code for r in Region.objects.get_root_nodes()] == ["420000"]
    assert Region.objects.filter(code__startswith="420506", level__in=Region.TOWN_LEVELS).count() == 12
    assert ServiceUnit.objects.get(code="RM-420506104001").region.path.startswith(yiling.path)
