"""Duplicate people, merged safely (casework.services.merges): a second district administrator
approves; everything moves to the kept record and comes back exactly on undo; the merged record is
hidden through every door, keeps the stricter label, and is erased under the retention policy."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import merge_selectors, selectors, services
from casework.models import (
    CaseClient,
    CaseworkPolicy,
    Client,
    ClientMerge,
    HouseholdMember,
    LabelChange,
)
from casework.timeline import case_timeline
from socialwork.models import AuditEntry, Notification
from tests.casework.conftest import MERGE_ID_NUMBER as ID_NUMBER

pytestmark = pytest.mark.django_db


def propose(district_admin, kept, merged, take=("phone", "address")):
    return services.merge_propose(
        actor=district_admin, kept_id=kept.pk, merged_id=merged.pk, reason="同一身份证号，两站各登记一次",
        take_from_merged=list(take),
    )  # fmt: skip


def test_a_proposal_waits_and_changes_nothing(pair, district_admin):
    kept, merged, _kept_case, merged_case = pair
    merge = propose(district_admin, kept, merged)
    assert merge.status == ClientMerge.Status.PROPOSED
    assert CaseClient.objects.get(case=merged_case).client_id == merged.pk
    assert Client.objects.get(pk=merged.pk).merged_into_id is None
    assert AuditEntry.objects.filter(action="client.merge_propose").exists()


def test_the_proposer_cannot_approve_their_own_proposal(pair, district_admin):
    kept, merged, *_ = pair
    merge = propose(district_admin, kept, merged)
    with pytest.raises(ValidationError, match="second district administrator"):
        services.merge_decide(actor=district_admin, merge=merge, approve=True)


def test_only_district_administrators_propose_and_decide(
    pair, station_manager, social_worker, district_admin
):
    kept, merged, *_ = pair
    for person in (station_manager, social_worker):
        with pytest.raises(ValidationError):
            propose(person, kept, merged)
    merge = propose(district_admin, kept, merged)
    with pytest.raises(ValidationError):
        services.merge_decide(actor=station_manager, merge=merge, approve=True)


def test_a_rejection_says_why_and_moves_nothing(pair, district_admin, district_admin2):
    kept, merged, *_ = pair
    merge = propose(district_admin, kept, merged)
    with pytest.raises(ValidationError):
        services.merge_decide(actor=district_admin2, merge=merge, approve=False)
    merge = services.merge_decide(actor=district_admin2, merge=merge, approve=False, comment="出生日期不同")
    assert merge.status == ClientMerge.Status.REJECTED
    assert Client.objects.get(pk=merged.pk).merged_into_id is None
    assert Notification.objects.filter(user=district_admin, kind="casework_merge").exists()


def test_approving_moves_everything_and_fills_the_chosen_fields(pair, district_admin, district_admin2):
    kept, merged, kept_case, merged_case = pair
    merge = services.merge_decide(
        actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True
    )
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert merge.status == ClientMerge.Status.MERGED
    assert merged.merged_into_id == kept.pk and merged.merged_at
    assert set(kept.cases.values_list("pk", flat=True)) == {kept_case.pk, merged_case.pk}
    assert set(kept.household.values_list("name", flat=True)) == {"王强", "李梅"}
    assert kept.pairings.count() == 1 and merged.pairings.count() == 0
    assert kept.phone == "13812345678" and kept.address == "乙街道3号"
    assert not merged.case_links.exists() and not merged.household.exists()
    assert merge.moved["case_links"] and merge.moved["household"]
    # Audited, on both records' case timelines, and told.
    assert AuditEntry.objects.filter(action="client.merge").count() == 1
    for case in (kept_case, merged_case):
        titles = [event.title for event in case_timeline(case)]
        assert f"Client record #{merged.pk} merged into #{kept.pk}" in titles


def test_the_people_concerned_are_told(pair, district_admin, district_admin2, social_worker, other_worker,
                                       supervisor, station_manager, other_station_manager):  # fmt: skip
    kept, merged, *_ = pair
    services.merge_decide(actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True)
    merged_told = Notification.objects.filter(kind="casework_merge", key__startswith="casework:merged:")
    told = set(merged_told.values_list("user__username", flat=True))
    assert {social_worker.username, other_worker.username, supervisor.username, station_manager.username,
            other_station_manager.username, district_admin.username} <= told  # fmt: skip
    assert district_admin2.username not in told


def test_undo_puts_everything_back_exactly(pair, district_admin, district_admin2, social_worker):
    kept, merged, kept_case, merged_case = pair
    before_links = set(CaseClient.objects.values_list("pk", "case_id", "client_id", "primary"))
    before_household = set(HouseholdMember.objects.values_list("pk", "client_id"))
    before_categories = set(kept.categories.values_list("pk", flat=True))
    merge = services.merge_decide(
        actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True
    )
    # Work after the merge stays with the kept record.
    services.client_update(actor=social_worker, client=kept, household=None, name="王秀英")
    with pytest.raises(ValidationError):
        services.merge_undo(actor=district_admin, merge=merge, reason="")
    services.merge_undo(actor=district_admin, merge=merge, reason="经核实为两人")
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert set(CaseClient.objects.values_list("pk", "case_id", "client_id", "primary")) == before_links
    assert set(HouseholdMember.objects.values_list("pk", "client_id")) == before_household
    assert set(kept.categories.values_list("pk", flat=True)) == before_categories
    assert kept.phone is None and kept.address is None
    assert merged.merged_into_id is None and merged.pairings.count() == 1
    assert selectors.clients_visible_to(user=merged.created_by).filter(pk=merged.pk).exists()
    merge.refresh_from_db()
    assert merge.status == ClientMerge.Status.UNDONE and merge.undo_reason == "经核实为两人"
    assert AuditEntry.objects.filter(action="client.merge_undo").exists()
    titles = [event.title for event in case_timeline(merged_case)]
    assert f"Merge of client record #{merged.pk} into #{kept.pk} undone" in titles


def test_a_case_of_both_keeps_one_link_and_gets_it_back(pair, district_admin, district_admin2, social_worker):
    kept, merged, kept_case, _merged_case = pair
    CaseClient.objects.filter(case=kept_case).update(primary=False)
    CaseClient.objects.create(case=kept_case, client=merged, primary=True)
    before = set(CaseClient.objects.filter(case=kept_case).values_list("client_id", "primary"))
    merge = services.merge_decide(
        actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True
    )
    assert list(CaseClient.objects.filter(case=kept_case).values_list("client_id", "primary")) == [
        (kept.pk, True)
    ]
    services.merge_undo(actor=district_admin, merge=merge, reason="误合并")
    assert set(CaseClient.objects.filter(case=kept_case).values_list("client_id", "primary")) == before


def test_the_merged_record_is_hidden_everywhere(pair, district_admin, district_admin2, other_worker,
                                                other_station_manager, social_worker):  # fmt: skip
    kept, merged, *_ = pair
    services.merge_decide(actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True)
    for person in (other_worker, other_station_manager, social_worker):
        assert not selectors.clients_visible_to(user=person).filter(pk=merged.pk).exists()
        assert merged.pk not in [c.pk for c in selectors.clients_list(user=person, params={}).qs]
        assert not selectors.clients_matching(selectors.clients_visible_to(user=person), "王").filter(
            pk=merged.pk
        )
    # The worker of the merged record's case still sees the case, now with the kept record.
    assert selectors.clients_visible_to(user=other_worker).filter(pk=kept.pk).exists()
    # Intake no longer counts the merged record as a person on record.
    known = selectors.known_person(user=social_worker, id_number=ID_NUMBER)
    assert [c.pk for c in known.visible] == [kept.pk] and known.elsewhere == 0
    assert merge_selectors.merge_client_in_reach(user=district_admin, pk=merged.pk) is None
    assert not merge_selectors.duplicate_suspects(user=district_admin)


def test_the_kept_record_keeps_the_stricter_label(
    pair, district_admin, district_admin2, other_worker, supervisor
):
    kept, merged, kept_case, merged_case = pair
    services.client_label_set(actor=other_worker, client=merged, reason="domestic_violence")
    merge = services.merge_decide(
        actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True
    )
    kept.refresh_from_db()
    kept_case.refresh_from_db()
    assert kept.sensitive and kept.label_reason == "domestic_violence"
    assert kept_case.sensitive  # the label covers the person's every case
    assert merge.moved["kept_labelled"] and kept_case.pk in merge.moved["cases_labelled"]
    services.merge_undo(actor=district_admin, merge=merge, reason="误合并")
    kept.refresh_from_db()
    kept_case.refresh_from_db()
    merged.refresh_from_db()
    assert not kept.sensitive and not kept_case.sensitive and merged.sensitive
    assert LabelChange.objects.filter(client=merged, sensitive=True).exists()


def test_a_station_sends_its_client_and_the_district_proposes_from_it(
    pair, station_manager, other_station_manager, district_admin, district_admin2
):
    kept, merged, *_ = pair
    with pytest.raises(ValidationError):  # not their station's client
        services.merge_send(actor=station_manager, client=merged, reason="疑似重复")
    sent = services.merge_send(actor=other_station_manager, client=merged, reason="疑似重复")
    assert sent.status == ClientMerge.Status.SENT
    assert Notification.objects.filter(user=district_admin, kind="casework_merge").exists()
    assert [c.pk for c in merge_selectors.merge_candidates(user=district_admin, client=merged)] == [kept.pk]
    merge = services.merge_propose(
        actor=district_admin, kept_id=kept.pk, merged_id=merged.pk, reason="同一人", merge=sent
    )
    assert merge.pk == sent.pk and merge.status == ClientMerge.Status.PROPOSED
    with pytest.raises(ValidationError):
        services.merge_send(actor=other_station_manager, client=merged, reason="again")


def test_intake_flags_a_duplicate_the_worker_may_send(pair, other_worker, social_worker):
    _kept, merged, *_ = pair
    assert merged.known_elsewhere and merged.created_by == other_worker
    assert merge_selectors.merge_may_send(other_worker, merged)
    assert not merge_selectors.merge_may_send(social_worker, merged)


def test_a_merged_record_is_erased_after_the_retention_period(pair, district_admin, district_admin2):
    kept, merged, *_ = pair
    merge = services.merge_decide(
        actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True
    )
    days = CaseworkPolicy.at(None).retention_days
    assert services.clients_purge(day=timezone.localdate() + timedelta(days=days - 1)) == 0
    assert services.clients_purge(day=timezone.localdate() + timedelta(days=days + 1)) == 1
    assert not Client.objects.filter(pk=merged.pk).exists()
    merge.refresh_from_db()
    assert merge.purged_at and merge.merged_id is None and merge.merged_ref == merged.pk
    with pytest.raises(ValidationError, match="erased"):
        services.merge_undo(actor=district_admin, merge=merge, reason="晚了")
    assert services.clients_purge(day=timezone.localdate() + timedelta(days=days + 1)) == 0
    assert Client.objects.filter(pk=kept.pk).exists()


def test_an_undone_merge_is_not_erased(pair, district_admin, district_admin2):
    kept, merged, *_ = pair
    merge = services.merge_decide(
        actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True
    )
    services.merge_undo(actor=district_admin, merge=merge, reason="误合并")
    days = CaseworkPolicy.at(None).retention_days
    assert services.clients_purge(day=timezone.localdate() + timedelta(days=days + 1)) == 0


def test_erasing_a_removed_kept_record_erases_the_records_merged_into_it(
    pair, district_admin, district_admin2, social_worker, other_worker, station_manager
):
    kept, merged, kept_case, merged_case = pair
    services.merge_decide(actor=district_admin2, merge=propose(district_admin, kept, merged), approve=True)
    for case in (kept_case, merged_case):
        case.refresh_from_db()
        case.status = case.Status.CLOSED
        case.save(update_fields=["status"])
    services.client_remove(actor=station_manager, client=kept, reason="本人要求删除")
    days = CaseworkPolicy.at(None).retention_days
    services.clients_purge(day=timezone.localdate() + timedelta(days=days + 1))
    assert not Client.objects.filter(pk__in=[kept.pk, merged.pk]).exists()
