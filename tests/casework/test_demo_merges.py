"""The demo's duplicate: one person registered at two stations, sent for merging at intake, with
a merge proposed by `district` waiting for `district2`; seeding twice adds nothing."""

import pytest

from casework.demo_merges import NAME, seed_merges
from casework.models import Client, ClientMerge
from socialwork.roles import Role
from tests.factories import make_user


@pytest.fixture
def demo_accounts(network):
    return {
        "worker": make_user("worker", Role.SOCIAL_WORKER, unit=network.room_a),
        "supervisor": make_user("supervisor", Role.SUPERVISOR, unit=network.centre),
        "district": make_user("district", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district),
        "district2": make_user(
            "district2", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district
        ),
    }


def test_the_demo_has_a_duplicate_waiting_for_the_second_administrator(demo_accounts, network):
    assert seed_merges() == 1
    merge = ClientMerge.objects.get()
    assert merge.status == ClientMerge.Status.PROPOSED and merge.proposed_by == demo_accounts["district"]
    assert merge.kept.station == network.station_a and merge.merged.station == network.station_b
    assert merge.merged.known_elsewhere and merge.sent_by.username == "demo-intake"
    assert not merge.sent_by.has_usable_password()
    assert merge.kept.case_links.exists() and merge.take_from_merged == ["phone"]
    assert seed_merges() == 0
    assert Client.objects.filter(name=NAME).count() == 2 and ClientMerge.objects.count() == 1


def test_nothing_without_the_demo_accounts(network):
    assert seed_merges() == 0 and not ClientMerge.objects.exists()
