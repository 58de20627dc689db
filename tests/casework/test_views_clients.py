"""The client pages: the list and export with ID numbers and phones masked, a client's whole
record for those who see them, its edit and removal."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.masking import mask_id_number, mask_phone
from casework.models import Case, Client
from socialwork.idnumbers import check_character
from socialwork.models import AuditEntry
from tests.casework.factories import category, make_case, make_client
from tests.factories import AUDIT_CHAIN

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def id_number(first17: str = "42050619800101123") -> str:
    return first17 + check_character(first17)


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.fixture
def client_record(social_worker, supervisor):
    """叶先生 with an ID number, phone, household and a case."""
    client = make_client(
        social_worker, name="叶先生", id_number=id_number(), birth_date=None, phone="13812345678",
        address="甲社区3幢", categories=[category("low_income")],
        household=[{"name": "叶小妹", "relation": "child", "situation": "小学三年级"}],
    )  # fmt: skip
    make_case(social_worker, supervisor=supervisor, client=client)
    return client


# Masking


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("138 1234 5678", "138****5678"), ("0717-6543210", "071****3210"),
     ("12345", "*****"), ("", ""), (None, "")],
)  # fmt: skip
def test_phones_are_masked_to_their_first_three_and_last_four(value, masked):
    assert mask_phone(value) == masked


def test_id_numbers_are_masked_to_area_and_last_four():
    assert mask_id_number(id_number()) == f"420506********{id_number()[-4:]}"
    assert mask_id_number(None) == ""


# The list and the export


def test_client_list_masks_id_numbers_and_phones_and_is_audited(as_user, social_worker, client_record):
    response = as_user(social_worker).get(url("client_list"))
    assert response.status_code == 200
    page = text(response)
    assert "叶先生" in page
    assert mask_id_number(id_number()) in page and "138****5678" in page
    assert id_number() not in page and "13812345678" not in page
    entry = AuditEntry.objects.get(actor=social_worker, action="client.list")
    assert entry.changes == {"ids": [client_record.pk]} and "叶" not in entry.summary


def test_client_list_searches_by_name_and_by_a_whole_id_number(as_user, social_worker, client_record):
    make_client(social_worker, name="王女士")
    browser = as_user(social_worker)
    by_name = text(browser.get(url("client_list"), {"q": "叶"}))
    assert "叶先生" in by_name and "王女士" not in by_name
    by_number = text(browser.get(url("client_list"), {"q": id_number().lower()}))
    assert "叶先生" in by_number and "王女士" not in by_number
    by_part = text(browser.get(url("client_list"), {"q": id_number()[:10]}))
    assert "叶先生" not in by_part


def test_a_workers_client_list_counts_their_caseload_and_a_search_counts_what_it_finds(
    as_user, social_worker, other_worker, client_record
):
    wang = make_client(social_worker, name="王女士")
    make_client(other_worker, name="王先生")
    browser = as_user(social_worker)

    def count(**query):
        return browser.get(url("client_list"), query).context["page"].paginator.count

    assert (count(), count(q="王"), count(q="赵")) == (2, 1, 0)
    services.client_remove(actor=social_worker, client=wang, reason="重复登记")
    assert (count(), count(q="王")) == (1, 0)


def test_client_list_shows_only_visible_clients(as_user, other_station_manager, colleague, client_record):
    for user in (other_station_manager, colleague):
        page = text(as_user(user).get(url("client_list")))
        assert "叶先生" not in page
    assert not AuditEntry.objects.filter(action="client.list").exists()


def test_the_client_list_counts_only_the_cases_each_person_sees(as_user, station_manager, social_worker):
    """The count beside a client is of the cases the person sees (their scope checked on the
    client's own case links): the manager of the station does not see a case labelled sensitive,
    the worker who holds it does."""
    client = make_client(social_worker)
    make_case(social_worker, client=client)
    labelled = make_case(social_worker, client=client)
    Case.objects.filter(pk=labelled.pk).update(sensitive=True, label_reason="domestic_violence")

    def count_for(user):
        page = as_user(user).get(url("client_list")).context["page"]
        return next(row.case_count for row in page if row.pk == client.pk)

    assert (count_for(social_worker), count_for(station_manager)) == (2, 1)


def test_client_list_stays_within_a_bounded_number_of_queries(
    as_user, station_manager, social_worker, django_assert_max_num_queries
):
    for n in range(20):
        client = make_client(social_worker, phone=f"1380000{n:04d}", categories=[category()])
        make_case(social_worker, client=client)
    browser = as_user(station_manager)
    with django_assert_max_num_queries(
        18 + AUDIT_CHAIN
    ):  # one of them reads the few clients not of the station
        response = browser.get(url("client_list"))
    assert text(response).count("138****") == 20
    assert all(client.case_count == 1 for client in response.context["page"])


def test_the_client_lists_export_is_masked_visible_only_and_audited(
    as_user, social_worker, other_worker, client_record, django_assert_max_num_queries
):
    """The client list exports through reports.exports (its old CSV path in casework is gone)."""
    make_client(other_worker, name="乙站案主")
    browser = as_user(social_worker)
    assert "/reports/export/clients.csv" in text(browser.get(url("client_list")))
    with django_assert_max_num_queries(
        12 + AUDIT_CHAIN
    ):  # one counts the rows: a long list goes to the background
        response = browser.get(reverse("reports:export", kwargs={"key": "clients", "fmt": "csv"}))
        raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    content = raw.decode("utf-8-sig")
    assert "叶先生" in content and "乙站案主" not in content
    assert "138****5678" in content and mask_id_number(id_number()) in content
    assert "13812345678" not in content and id_number() not in content
    assert "Low-income households" in content
    entry = AuditEntry.objects.get(actor=social_worker, action="client.export")
    assert entry.changes["ids"] == [client_record.pk]


# A client's record


@pytest.mark.parametrize("who", ["social_worker", "supervisor", "station_manager"])
def test_client_page_shows_the_whole_record_to_those_who_see_the_client(request, as_user, who, client_record):
    user = request.getfixturevalue(who)
    response = as_user(user).get(client_record.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert id_number() in page and "13812345678" in page and "甲社区3幢" in page
    assert "叶小妹" in page and "Low-income households" in page
    assert Case.objects.get().number in page
    assert AuditEntry.objects.filter(
        actor=user, action="client.view", target_id=str(client_record.pk), summary=f"#{client_record.pk}"
    ).exists()


@pytest.mark.parametrize(
    "who", ["colleague", "other_worker", "other_station_manager", "district_admin", "org_staff"]
)
def test_client_pages_do_not_exist_for_others(request, as_user, who, client_record):
    browser = as_user(request.getfixturevalue(who))
    for name in ("client_detail", "client_update", "client_remove"):
        assert browser.get(url(name, client_record.pk)).status_code == 404, name
    assert browser.post(url("client_remove", client_record.pk), {"reason": "x"}).status_code == 404
    assert not Client.objects.get().removed_at


def test_the_client_page_lists_only_the_cases_the_person_sees(
    as_user, social_worker, supervisor, station_manager, colleague, client_record
):
    mine = Case.objects.get()
    theirs = make_case(station_manager, client=client_record, worker=colleague)
    page = text(as_user(supervisor).get(client_record.get_absolute_url()))
    assert mine.number in page and theirs.number not in page
    page = text(as_user(station_manager).get(client_record.get_absolute_url()))
    assert mine.number in page and theirs.number in page


def client_data(client, **overrides):
    data = {
        "client-name": client.name, "client-gender": client.gender, "client-birth_date": "",
        "client-id_number": client.id_number or "", "client-phone": "13900002222", "client-address": "新地址",
        "client-community": client.community_id, "client-categories": [category("disabled").pk],
        "client-consents_to_services": "on", "client-consents_to_data_processing": "on",
        "client-consent_recorded_on": TODAY.isoformat(),
        "household-TOTAL_FORMS": "2", "household-INITIAL_FORMS": "0",
        "household-0-name": "叶小妹", "household-0-relation": "child", "household-0-situation": "初中",
        "household-1-name": "", "household-1-relation": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_worker_edits_the_client_and_household(as_user, social_worker, client_record):
    browser = as_user(social_worker)
    form_page = browser.get(url("client_update", client_record.pk))
    assert form_page.status_code == 200
    assert form_page.context["household"].forms[0]["name"].value() == "叶小妹"
    response = browser.post(url("client_update", client_record.pk), client_data(client_record))
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.phone == "13900002222" and client_record.address == "新地址"
    assert list(client_record.categories.values_list("code", flat=True)) == ["disabled"]
    assert [(m.name, m.situation) for m in client_record.household.all()] == [("叶小妹", "初中")]
    entry = AuditEntry.objects.filter(action="client.update").latest("at")
    assert "13900002222" not in str(entry.changes)


def test_a_bad_id_number_on_edit_lands_on_its_field(as_user, social_worker, client_record):
    response = as_user(social_worker).post(
        url("client_update", client_record.pk), client_data(client_record, **{"client-id_number": "123"})
    )
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"] == [
        "An ID number has 17 digits and a final digit or X."
    ]


# Removal


def test_the_station_manager_removes_a_client_without_open_cases(as_user, station_manager, social_worker):
    client = make_client(social_worker, name="已结案主")
    case = make_case(social_worker, client=client)
    browser = as_user(station_manager)
    response = browser.post(url("client_remove", client.pk), {"reason": "重复登记"})
    assert response.status_code == 400
    assert "Close the client's open cases before removing them." in html.unescape(text(response))
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert browser.get(url("client_remove", client.pk)).status_code == 200
    response = browser.post(url("client_remove", client.pk), {"reason": "重复登记"})
    assert response.status_code == 302 and response["Location"] == url("client_list")
    client.refresh_from_db()
    assert client.removed_at and client.removal_reason == "重复登记"
    assert browser.get(client.get_absolute_url()).status_code == 404


def test_removal_needs_a_reason_and_the_right_person(as_user, social_worker, supervisor, client_record):
    browser = as_user(supervisor)
    response = browser.post(url("client_remove", client_record.pk), {"reason": ""})
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    response = browser.post(url("client_remove", client_record.pk), {"reason": "重复"})
    assert response.status_code == 400
    assert "Only the station manager of the station that registered the client can remove them." in text(
        response
    )
    assert not Client.objects.get().removed_at
