import importlib
from dataclasses import dataclass

import pytest
from celery._state import _set_task_join_will_block
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.test import APIClient

from positions.models import Region, ServiceUnit
from socialwork.notifications import notification_kind
from socialwork.roles import Role
from tests.factories import make_region, make_unit, make_user

L, U = Region.Level, ServiceUnit.Level

# The kind the notification engine's own tests send.
notification_kind("test", label="Test notices")


@dataclass
class Network:
    """A small district: town A and street B have stations; town C has none; one village of
    town A has no service room."""

    district: Region
    town_a: Region
    town_b: Region
    town_c: Region
    community_a: Region
    village_a: Region
    community_b: Region
    association: ServiceUnit
    centre: ServiceUnit
    station_a: ServiceUnit
    station_b: ServiceUnit
    room_a: ServiceUnit
    room_b: ServiceUnit
    posts_a: list[ServiceUnit]
    post_b: ServiceUnit


# The rows the data migrations make: the reference data every test starts with. A transactional
# test (transaction=True, live_server) ends by emptying every table (post_migrate then makes the
# role groups and permissions again, not these). pytest-django runs those tests last for that
# reason; `make test`'s parallel processes each take whole files, so a process may go on with
# another file after one: these rows are made again after each such test, so that whatever runs
# next starts as on a freshly migrated database.
REFERENCE_DATA = (
    ("socialwork.migrations.0002_role_groups", "create_groups"),
    ("socialwork.migrations.0008_api_tokens", "create_policy"),
    ("socialwork.migrations.0015_i19_twofactor_policy", "create_policy"),
    ("positions.migrations.0003_default_host_institutions", "create"),
    ("positions.migrations.0013_i21_registration_seed", "forwards"),
    ("casework.migrations.0002_builtin_categories_and_policy", "create"),
)


def _transactional(item) -> bool:
    """As pytest-django orders tests (pytest_django.plugin.pytest_collection_modifyitems)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # Celery's "inside a task" flag is one per process: an eager task sets it while it runs and
    # puts back what it found (celery.result.denied_join_result). Two threads running eager tasks
    # at once (the tests of concurrent senders) can leave it set, and the next `.get()` anywhere in
    # the process would be refused as "called within a task".
    _set_task_join_will_block(False)
    if nextitem is not None and _transactional(item):  # after the last test the test database is gone
        from django.apps import apps
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for module, function in REFERENCE_DATA:
                getattr(importlib.import_module(module), function)(apps, None)
    return result


@pytest.fixture(scope="session", autouse=True)
def force_login_passes_the_second_factor():
    """A session the test client opens without a door (force_login, login) counts as having passed
    the second factor too, as django-otp's `otp_login` marks a session: the suite's tests are about
    what people do once signed in. The second factor itself is enforced everywhere and tested
    through its real pages, API and admin (tests/socialwork/test_second_factor.py, which opens
    unverified sessions with `unverified_session`, and the browser journeys, which type a code)."""
    login = Client._login

    def login_with_second_factor(self, user, backend=None):
        login(self, user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = "test.force_login/0"
        session.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "_login", login_with_second_factor)
        yield


@pytest.fixture
def network(db) -> Network:
    district = make_region("测试区", L.DISTRICT)
    town_a = make_region("甲镇", L.TOWN, district)
    town_b = make_region("乙街道", L.STREET, district)
    town_c = make_region("丙乡", L.TOWN, district)
    community_a = make_region("甲社区", L.COMMUNITY, town_a)
    village_a = make_region("甲一村", L.VILLAGE, town_a)
    community_b = make_region("乙社区", L.COMMUNITY, town_b)
    make_region("丙村", L.VILLAGE, town_c)
    association = make_unit("区社工协会", U.ASSOCIATION, None, district)
    centre = make_unit("区社工服务中心", U.CENTRE, association, district)
    station_a = make_unit("甲镇服务站", U.STATION, centre, town_a)
    station_b = make_unit("乙街道服务站", U.STATION, centre, town_b)
    room_a = make_unit("甲社区服务室", U.ROOM, station_a, community_a, is_model=True)
    room_b = make_unit("乙社区服务室", U.ROOM, station_b, community_b)
    posts_a = [make_unit(f"甲社区岗位{i}", U.POST, room_a, community_a) for i in range(3)]
    post_b = make_unit("乙社区岗位", U.POST, room_b, community_b)
    return Network(
        district, town_a, town_b, town_c, community_a, village_a, community_b,
        association, centre, station_a, station_b, room_a, room_b, posts_a, post_b,
    )  # fmt: skip


@pytest.fixture
def district_admin(network):
    return make_user(
        "district", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district, is_staff=True
    )


@pytest.fixture
def district_admin2(network):
    """A second district administrator: approves what `district_admin` asks for."""
    return make_user(
        "district2", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district, is_staff=True
    )


@pytest.fixture
def auditor(network):
    return make_user("auditor", Role.AUDITOR, region=network.district, is_staff=True)


@pytest.fixture
def station_manager(network):
    return make_user("manager_a", Role.STATION_MANAGER, unit=network.station_a, email="a@example.com")


@pytest.fixture
def other_station_manager(network):
    return make_user("manager_b", Role.STATION_MANAGER, unit=network.station_b)


@pytest.fixture
def social_worker(network):
    return make_user("worker_a", Role.SOCIAL_WORKER, unit=network.room_a, full_name="胡社工")


@pytest.fixture
def supervisor(network):
    return make_user("supervisor", Role.SUPERVISOR, unit=network.centre)


@pytest.fixture
def org_staff(network):
    return make_user("org", Role.ORG_STAFF, region=network.district)


@pytest.fixture
def as_user():
    """A logged-in test client for a user: `as_user(station_manager).get(...)`."""

    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api():
    """An API client authenticated as a user: `api(station_manager).get("/api/v1/...")`."""

    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for
