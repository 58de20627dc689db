"""The doors of client merges: the district's duplicates page, the comparison it proposes and
decides on, undo, a station's "send for merging", a merged record's address, the API and the
admin; each door calls casework.services.merges, and the merged record is hidden at every one."""

import pytest
from django.urls import reverse

from casework import services
from casework.models import Client, ClientMerge
from socialwork.models import AuditEntry
from tests.casework.conftest import MERGE_ID_NUMBER as ID_NUMBER
from tests.casework.test_merges import propose

pytestmark = pytest.mark.django_db


def test_the_district_compares_proposes_and_a_second_administrator_approves(
    pair, as_user, district_admin, district_admin2, django_assert_max_num_queries
):
    kept, merged, *_ = pair
    page = as_user(district_admin).get(reverse("casework:merge_list"))
    assert page.status_code == 200
    assert f"kept_id={kept.pk}&amp;merged_id={merged.pk}" in page.content.decode()
    url = reverse("casework:merge_propose")
    compare = as_user(district_admin).get(url, {"kept_id": kept.pk, "merged_id": merged.pk})
    body = compare.content.decode()
    assert compare.status_code == 200 and 'id="comparison"' in body
    assert ID_NUMBER not in body and "13812345678" not in body  # masked
    assert AuditEntry.objects.filter(action="client.merge_view").exists()
    response = as_user(district_admin).post(
        url, {"kept_id": kept.pk, "merged_id": merged.pk, "reason": "同一人", "choice-phone": "merged"}
    )
    merge = ClientMerge.objects.get()
    assert response.status_code == 302 and merge.take_from_merged == ["phone"]
    # The proposer is offered no decision; the second administrator is.
    assert 'id="approve"' not in as_user(district_admin).get(merge.get_absolute_url()).content.decode()
    second = as_user(district_admin2)
    second.get(reverse("casework:merge_list"))
    with django_assert_max_num_queries(26):
        detail = second.get(merge.get_absolute_url())
    assert 'id="approve"' in detail.content.decode()
    as_user(district_admin2).post(reverse("casework:merge_decide", args=[merge.pk]), {"decision": "approve"})
    merge.refresh_from_db()
    assert merge.status == ClientMerge.Status.MERGED
    as_user(district_admin).post(reverse("casework:merge_undo", args=[merge.pk]), {"reason": "误合并"})
    merge.refresh_from_db()
    assert merge.status == ClientMerge.Status.UNDONE


def test_the_merge_pages_are_the_districts_alone(pair, as_user, station_manager, social_worker, auditor):
    for person in (station_manager, social_worker, auditor):
        assert as_user(person).get(reverse("casework:merge_list")).status_code == 403
        assert as_user(person).get(reverse("casework:merge_propose")).status_code == 403


def test_a_merged_records_address_says_where_it_went(pair, as_user, district_admin, district_admin2,
                                                      other_worker, social_worker, colleague):  # fmt: skip
    kept, merged, *_ = pair
    services.merge_decide(actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True)
    for person in (other_worker, social_worker):
        page = as_user(person).get(reverse("casework:client_detail", args=[merged.pk]))
        assert page.status_code == 200 and 'id="merged-notice"' in page.content.decode()
        assert kept.get_absolute_url() in page.content.decode()
        listing = as_user(person).get(reverse("casework:client_list")).content.decode()
        assert merged.get_absolute_url() not in listing
    # Someone who does not see the kept record finds nothing there.
    assert as_user(colleague).get(reverse("casework:client_detail", args=[merged.pk])).status_code == 404
    assert as_user(district_admin).get(reverse("casework:client_detail", args=[merged.pk])).status_code == 404


def test_a_station_manager_sends_their_stations_client(pair, as_user, other_station_manager, station_manager):
    _kept, merged, *_ = pair
    detail = as_user(other_station_manager).get(merged.get_absolute_url()).content.decode()
    assert 'id="send-for-merging"' in detail
    url = reverse("casework:client_merge_send", args=[merged.pk])
    assert as_user(station_manager).get(url).status_code == 404
    response = as_user(other_station_manager).post(url, {"reason": "与甲站登记重复"})
    assert response.status_code == 302
    assert ClientMerge.objects.get().status == ClientMerge.Status.SENT


def test_the_api_proposes_decides_and_undoes(pair, api, district_admin, district_admin2, other_station_manager,
                                             social_worker):  # fmt: skip
    kept, merged, *_ = pair
    sent = api(other_station_manager).post(
        "/api/v1/client-merges/send/", {"client": merged.pk, "reason": "疑似重复"}, format="json"
    )
    assert sent.status_code == 201, sent.content
    assert api(social_worker).get("/api/v1/client-merges/").json()["results"] == []
    created = api(district_admin).post(
        "/api/v1/client-merges/",
        {"kept": kept.pk, "merged": merged.pk, "reason": "同一人", "take_from_merged": ["address"],
         "sent": sent.json()["id"]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    own = api(district_admin).post(f"/api/v1/client-merges/{pk}/decide/", {"approve": True}, format="json")
    assert own.status_code == 400
    done = api(district_admin2).post(f"/api/v1/client-merges/{pk}/decide/", {"approve": True}, format="json")
    assert done.json()["status"] == "merged"
    ids = [row["id"] for row in api(other_station_manager).get("/api/v1/clients/").json()["results"]]
    assert merged.pk not in ids
    assert api(social_worker).get(f"/api/v1/clients/{merged.pk}/").status_code == 404
    undone = api(district_admin).post(
        f"/api/v1/client-merges/{pk}/undo/", {"reason": "误合并"}, format="json"
    )
    assert undone.json()["status"] == "undone"
    assert api(social_worker).post(
        f"/api/v1/client-merges/{pk}/undo/", {"reason": "x"}, format="json"
    ).status_code in (403, 404)


def test_the_admin_shows_merges_read_only_to_the_district(pair, as_user, district_admin, district_admin2,
                                                         station_manager):  # fmt: skip
    kept, merged, *_ = pair
    merge = propose(district_admin, kept, merged)
    listing = as_user(district_admin2).get("/admin/casework/clientmerge/")
    assert listing.status_code == 200 and f"#{merged.pk} → #{kept.pk}" in listing.content.decode()
    page = as_user(district_admin2).get(f"/admin/casework/clientmerge/{merge.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert as_user(station_manager).get("/admin/casework/clientmerge/").status_code in (302, 403)
    assert Client.objects.filter(pk=merged.pk).exists()
