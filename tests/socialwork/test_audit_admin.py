"""The auditor's door to the audit log: the search by person, record and time, the export of what
it found (itself audited), the chain's state and the retention policy (socialwork.audit_admin)."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from socialwork.audit_actions import ACTIONS, action_label
from socialwork.audit_chain import chain_verify
from socialwork.models import AuditEntry, AuditPolicy
from socialwork.roles import Role
from socialwork.services import audit_record
from tests.factories import make_user

pytestmark = pytest.mark.django_db
LIST = "/admin/socialwork/auditentry/"


@pytest.fixture
def auditor_client(auditor):
    client = Client()
    client.force_login(auditor)
    return client


@pytest.fixture
def rows(district_admin, district_admin2):
    district_admin.full_name, district_admin2.full_name = "甲主任", "乙主任"
    district_admin.save()
    district_admin2.save()
    return {
        "mine": audit_record(
            actor=district_admin, action="account.unlock", target=district_admin, summary="甲"
        ),
        "theirs": audit_record(
            actor=district_admin2, action="account.unlock", target=district_admin2, summary="乙"
        ),
        "other": audit_record(
            actor=district_admin,
            action="account.deactivate",
            target_type="casework.case",
            target_id="777",
            summary="丙",
        ),
    }


def _ids(response) -> set[int]:
    return set(response.context["cl"].result_list.values_list("pk", flat=True))


def test_the_auditor_filters_by_person(auditor_client, rows, district_admin):
    response = auditor_client.get(LIST, {"actor": district_admin.username})
    assert response.status_code == 200
    assert {rows["mine"].pk, rows["other"].pk} <= _ids(response)
    assert rows["theirs"].pk not in _ids(response)
    by_name = auditor_client.get(LIST, {"actor": district_admin.full_name})
    assert rows["theirs"].pk not in _ids(by_name) and rows["mine"].pk in _ids(by_name)


def test_the_auditor_filters_by_record_type_and_id(auditor_client, rows):
    response = auditor_client.get(LIST, {"target_type": "casework.case", "target_id": "777"})
    assert _ids(response) == {rows["other"].pk}


def test_the_auditor_filters_by_time_range(auditor_client, rows):
    from django.utils import timezone

    today = timezone.localdate()
    assert rows["mine"].pk in _ids(
        auditor_client.get(LIST, {"at_from": today.isoformat(), "at_to": today.isoformat()})
    )
    yesterday = (today - timezone.timedelta(days=1)).isoformat()
    assert not _ids(auditor_client.get(LIST, {"at_to": yesterday}))
    # A date that is no date is the admin's "wrong parameters" page, not an error.
    assert auditor_client.get(LIST, {"at_from": "soon"}).status_code in (200, 302)


def test_the_search_form_keeps_the_other_filters(auditor_client, rows):
    page = auditor_client.get(LIST, {"target_type": "casework.case"}).content.decode()
    assert 'type="hidden" name="target_type" value="casework.case"' in page
    assert 'type="date"' in page


def test_the_export_holds_the_filtered_rows_and_is_audited(auditor_client, auditor, rows, district_admin):
    response = auditor_client.get(LIST + "export/", {"actor": district_admin.username, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    summaries = {line[7] for line in lines[1:]}
    assert {"甲", "丙"} <= summaries and "乙" not in summaries
    export = AuditEntry.objects.get(action="audit.export")
    assert export.actor_id == auditor.pk
    assert export.changes["filters"] == {"actor": district_admin.username}
    assert export.changes["count"] == len(lines) - 1


def test_the_export_as_a_workbook(auditor_client, rows):
    response = auditor_client.get(LIST + "export/", {"target_id": "777", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 2 and values[1][7] == "丙"


def test_only_the_auditor_exports_the_log(client, district_admin, network, rows):
    security_admin = make_user("security", Role.SECURITY_ADMIN, region=network.district, is_staff=True)
    for user in (district_admin, security_admin):
        client.force_login(user)
        assert client.get(LIST + "export/", {"format": "csv"}).status_code in (302, 403)
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_the_list_shows_the_chains_state(auditor_client, rows):
    page = auditor_client.get(LIST).content.decode()
    assert "Not verified yet" in page
    chain_verify()
    page = auditor_client.get(LIST).content.decode()
    assert "intact" in page and "kept at least 180 days" in page


def test_the_audit_list_reads_in_a_bounded_number_of_queries(
    auditor_client, district_admin, django_assert_max_num_queries
):
    for n in range(30):
        audit_record(actor=district_admin, action="account.unlock", target=district_admin, summary=str(n))
    chain_verify()
    # The session and account (3), permissions (2), the chain's state, archive and policy (3), the
    # filters' choices (2), the count, the rows, the date hierarchy (2), the inbox badge, the
    # session's save (3): none grows with the rows.
    with django_assert_max_num_queries(18):
        response = auditor_client.get(LIST, {"actor": district_admin.username})
    assert response.status_code == 200


def test_the_auditor_sets_the_retention_policy_never_under_180_days(auditor_client, client, network):
    security_admin = make_user("security", Role.SECURITY_ADMIN, region=network.district, is_staff=True)
    url = "/admin/socialwork/auditpolicy/1/change/"
    assert auditor_client.post(url, {"retention_days": 179}).status_code == 200  # the form's error
    assert AuditPolicy.current().retention_days == 180
    response = auditor_client.post(url, {"retention_days": 365})
    assert response.status_code == 302
    assert AuditPolicy.current().retention_days == 365
    entry = AuditEntry.objects.get(action="audit.policy")
    assert entry.changes == {"retention_days": [180, 365]}
    client.force_login(security_admin)
    assert client.post(url, {"retention_days": 200}).status_code in (302, 403)
    assert AuditPolicy.current().retention_days == 365


def test_every_declared_action_has_a_chinese_label():
    from django.utils import translation

    untranslated = []
    for code, label in ACTIONS.items():
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            if str(label) == english:
                untranslated.append(code)
    # The catalogue is compiled by the lead at merge; the new labels of this issue appear here until then.
    assert set(untranslated) <= {"audit.archive", "audit.export", "audit.policy"} | _new_elsewhere(), (
        untranslated
    )
    assert action_label("audit.export") is not None


def _new_elsewhere() -> set[str]:
    return set()
