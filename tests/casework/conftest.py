import pytest

from socialwork.roles import Role
from tests.factories import make_user


@pytest.fixture
def other_worker(network):
    """A social worker at the other station."""
    return make_user("worker_b", Role.SOCIAL_WORKER, unit=network.room_b, full_name="乙社工")


@pytest.fixture
def colleague(network):
    """Another social worker at the same station as `social_worker`, not on the case."""
    return make_user("worker_a2", Role.SOCIAL_WORKER, unit=network.posts_a[0], full_name="同站社工")
