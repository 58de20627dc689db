"""A worker's ID number in the admin follows the pages' rule (issue 16, finding 5): in full only to
those with `view_full_id_number` and to the worker, masked to everyone else, who cannot find a
worker by ID number either."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import make_user
from tests.positions.test_workforce import make_worker

ID_NUMBER, MASKED = "11010519491231002X", "110105********002X"


@pytest.fixture
def worker(network):
    worker = make_worker("叶敏", unit=network.station_a)
    worker.id_number = ID_NUMBER
    worker.save(update_fields=["id_number"])
    return worker


def admin_page(client, user, worker) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:positions_socialworker_change", args=[worker.pk]))
    assert response.status_code == 200
    return response.content.decode()


def worker_page(client, user, worker) -> str:
    client.force_login(user)
    return client.get(reverse("positions:worker_detail", args=[worker.pk])).content.decode()


def test_the_auditor_sees_a_workers_id_number_masked_in_the_admin_as_on_the_page(client, auditor, worker):
    for page in (admin_page(client, auditor, worker), worker_page(client, auditor, worker)):
        assert MASKED in page and ID_NUMBER not in page


def test_the_district_administrator_sees_it_in_full_in_both(client, district_admin, worker):
    for page in (admin_page(client, district_admin, worker), worker_page(client, district_admin, worker)):
        assert ID_NUMBER in page


def test_a_worker_with_a_staff_account_sees_their_own_number_in_full(client, network, worker):
    user = make_user("yemin", unit=network.station_a, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_socialworker"))
    worker.user = user
    worker.save(update_fields=["user"])
    assert ID_NUMBER in admin_page(client, user, worker)


@pytest.mark.parametrize("query", [ID_NUMBER, "19491231", "002X"])
def test_the_auditor_cannot_find_who_holds_an_id_number_by_searching_the_admin(
    client, auditor, worker, query
):
    client.force_login(auditor)
    link = reverse("admin:positions_socialworker_change", args=[worker.pk])
    listing = client.get(reverse("admin:positions_socialworker_changelist"), {"q": query})
    assert listing.status_code == 200 and link not in listing.content.decode()
    assert (
        link in client.get(reverse("admin:positions_socialworker_changelist"), {"q": "叶敏"}).content.decode()
    )


def test_the_district_administrator_finds_a_worker_by_id_number(client, district_admin, worker):
    client.force_login(district_admin)
    listing = client.get(reverse("admin:positions_socialworker_changelist"), {"q": ID_NUMBER})
    assert reverse("admin:positions_socialworker_change", args=[worker.pk]) in listing.content.decode()


def test_the_admins_worker_list_takes_a_bounded_number_of_queries(
    client, auditor, network, django_assert_max_num_queries
):
    for number in range(30):
        make_worker(f"社工{number}", unit=network.station_a)
    client.force_login(auditor)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:positions_socialworker_changelist")).status_code == 200
