from datetime import date

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


MERGE_ID_NUMBER = "11010519491231002X"


@pytest.fixture
def pair(social_worker, other_worker, supervisor):
    """The same person registered twice: at station A (with a case, a household member and the
    category of elderly people) and at station B (with a case, another household member, a phone
    the first lacks and a volunteer pairing)."""
    from casework.models import Volunteer, VolunteerPairing
    from tests.casework.factories import category, make_case, make_client

    kept = make_client(
        social_worker, name="王秀英", id_number=MERGE_ID_NUMBER, birth_date=None, categories=[category("elderly_alone")],
        household=[{"name": "王强", "relation": "child"}],
    )  # fmt: skip
    merged = make_client(
        other_worker, name="王秀英", id_number=MERGE_ID_NUMBER, birth_date=None, phone="13812345678",
        address="乙街道3号", household=[{"name": "李梅", "relation": "grandchild"}],
    )  # fmt: skip
    kept_case = make_case(social_worker, client=kept, supervisor=supervisor)
    merged_case = make_case(other_worker, client=merged)
    volunteer = Volunteer.objects.create(
        name="张志愿", station=merged.station, registered_on=date(2025, 1, 1)
    )
    VolunteerPairing.objects.create(
        volunteer=volunteer, client=merged, purpose="陪伴", starts_on=date(2026, 1, 1)
    )
    return kept, merged, kept_case, merged_case
