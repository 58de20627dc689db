"""Issue 17, point 6: the audit log holds what a level-3 (等保三级) audit asks for.

Refused attempts on records (who, what, when, from where), logins, failed logins and logouts,
account creation and changes of role and place; each action shown by its label in the reader's
language; every time in the installation's time zone."""

import ast
import re
from datetime import UTC
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from socialwork.accounts import services as account_services
from socialwork.audit_actions import action_label
from socialwork.models import AuditEntry
from socialwork.roles import Role
from socialwork.services import audit_record
from tests.casework.factories import make_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Pass-word-2026x"
ROOT = Path(__file__).resolve().parents[2]


def refusals():
    return AuditEntry.objects.filter(action__startswith="access.")


@pytest.fixture
def case(social_worker, supervisor):
    return make_case(social_worker, supervisor=supervisor)


# Refused attempts on records


def test_a_station_manager_opening_another_stations_case_is_on_the_record(
    as_user, other_station_manager, case
):
    response = as_user(other_station_manager).get(case.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 404
    entry = refusals().get()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        other_station_manager,
        "access.not_found",
        "casework.case",
        str(case.pk),
    )
    assert entry.address == "10.1.2.3" and entry.at is not None
    assert entry.changes["path"] == case.get_absolute_url() and entry.changes["status"] == 404


def test_the_same_refusal_through_the_api_is_on_the_record_once(api, other_station_manager, case):
    response = api(other_station_manager).get(f"/api/v1/cases/{case.pk}/", REMOTE_ADDR="10.1.2.4")
    assert response.status_code == 404
    entry = refusals().get()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id, entry.address) == (
        other_station_manager,
        "access.not_found",
        "casework.case",
        str(case.pk),
        "10.1.2.4",
    )


def test_a_forbidden_step_on_a_page_is_on_the_record(as_user, district_admin, network, case):
    colleague = make_user("worker_a2", Role.SOCIAL_WORKER, unit=network.posts_a[0])
    from datetime import timedelta

    from django.utils import timezone

    from tests.casework.factories import grant_access

    grant_access(
        actor=district_admin,
        case_number=case.number,
        user=colleague,
        reason="代班",
        expires_on=timezone.localdate() + timedelta(days=1),
    )
    path = reverse("casework:note_add", args=[case.pk])
    assert as_user(colleague).post(path, {"note-body": "x"}).status_code == 403
    entry = refusals().get()
    assert (entry.actor, entry.action, entry.target_id) == (colleague, "access.denied", str(case.pk))
    assert entry.changes["method"] == "POST" and entry.changes["path"] == path


def test_a_forbidden_write_through_the_api_is_on_the_record(api, station_manager, network):
    unit = network.room_a
    response = api(station_manager).patch(f"/api/v1/units/{unit.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    entry = refusals().get()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        station_manager,
        "access.denied",
        "positions.serviceunit",
        str(unit.pk),
    )


def test_probes_that_say_nothing_about_records_do_not_flood_the_log(as_user, station_manager, case):
    anonymous = Client()
    assert anonymous.get(f"/api/v1/cases/{case.pk}/").status_code in (401, 403)
    anonymous.get(case.get_absolute_url())  # to the login page
    signed_in = as_user(station_manager)
    assert signed_in.get("/no/such/page/").status_code == 404
    assert signed_in.get("/static/no-such-file.css").status_code == 404
    assert not refusals().exists()


def test_the_address_is_the_one_the_trusted_proxy_saw(as_user, other_station_manager, case, settings):
    settings.TRUSTED_PROXIES = 1
    as_user(other_station_manager).get(
        case.get_absolute_url(), HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="172.18.0.2"
    )
    assert refusals().get().address == "203.0.113.9"


def test_every_row_written_during_a_request_keeps_its_address(as_user, social_worker, case):
    as_user(social_worker).get(case.get_absolute_url(), REMOTE_ADDR="10.7.7.7")
    assert AuditEntry.objects.get(action="case.view").address == "10.7.7.7"


def test_rows_written_outside_a_request_have_no_address(district_admin):
    entry = audit_record(actor=district_admin, action="account.unlock", target=district_admin)
    assert entry.address is None


# Logins, failed logins, logouts


def test_a_login_on_the_page_a_failed_one_and_a_logout_are_on_the_record(network):
    person = make_user("li_si", Role.SOCIAL_WORKER, unit=network.room_a, password=PASSWORD)
    browser = Client(REMOTE_ADDR="10.3.3.3")
    browser.post(reverse("login"), {"username": "li_si", "password": "wrong"})
    browser.post(reverse("login"), {"username": "nobody_here", "password": "wrong"})
    assert browser.post(reverse("login"), {"username": "li_si", "password": PASSWORD}).status_code == 302
    browser.post(reverse("logout"))
    rows = list(AuditEntry.objects.order_by("id"))
    assert [(row.action, row.actor, row.target_id, row.summary) for row in rows] == [
        ("login.failure", None, str(person.pk), "li_si"),
        ("login.failure", None, "", "nobody_here"),
        ("login.success", person, str(person.pk), "li_si"),
        ("logout", person, str(person.pk), "li_si"),
    ]
    assert {row.address for row in rows} == {"10.3.3.3"}
    assert rows[1].changes["username"] == "nobody_here" and "wrong" not in str(rows[1].changes)


def test_taking_an_api_token_is_a_login_and_a_wrong_password_a_failed_one(network):
    person = make_user("wang_wu", Role.SOCIAL_WORKER, unit=network.room_a, password=PASSWORD)
    client = APIClient(REMOTE_ADDR="10.4.4.4")
    url = "/api/v1/auth/token/"
    assert client.post(url, {"username": "wang_wu", "password": "nope"}, format="json").status_code == 400
    assert client.post(url, {"username": "wang_wu", "password": PASSWORD}, format="json").status_code == 200
    failed, logged_in = (AuditEntry.objects.get(action=name) for name in ("login.failure", "login.success"))
    assert failed.changes["via"] == logged_in.changes["via"] == "api"
    assert logged_in.actor == person and logged_in.address == failed.address == "10.4.4.4"


def test_account_creation_and_changes_of_role_and_place_are_on_the_record(network):
    sysadmin = make_user("sys", Role.SYSTEM_ADMIN, region=network.district, is_staff=True)
    secadmin = make_user("sec", Role.SECURITY_ADMIN, region=network.district, is_staff=True)
    account = account_services.user_create(
        actor=sysadmin, username="zhao_liu", password=PASSWORD, unit=network.room_a
    )
    account_services.user_place(actor=sysadmin, account=account, unit=network.room_b)
    account_services.user_roles_set(actor=secadmin, account=account, roles=[Role.ORG_STAFF])
    rows = AuditEntry.objects.filter(target_id=str(account.pk)).order_by("id")
    assert [(row.action, row.actor) for row in rows] == [
        ("account.create", sysadmin),
        ("account.place", sysadmin),
        ("account.roles_set", secadmin),
    ]
    assert rows[2].changes["roles"] == [[], [Role.ORG_STAFF]]


# Labels in the reader's language


def _written_actions() -> dict[str, str]:
    """Every action literal the project's source writes (an `action=` or `audit_action=` argument,
    or a name assigned a literal and passed as one), with where it is written."""
    pattern = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
    found = {}
    for app in ("socialwork", "casework", "projects", "positions", "training", "reports"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            assigned: dict[str, set] = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        pairs = (
                            zip(target.elts, node.value.elts, strict=False)
                            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                            else [(target, node.value)]
                        )
                        for name, value in pairs:
                            if isinstance(name, ast.Name):
                                assigned.setdefault(name.id, set()).update(
                                    n.value
                                    for n in ast.walk(value)
                                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                                )
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    if keyword.arg not in ("action", "audit_action"):
                        continue
                    for part in ast.walk(keyword.value):
                        values = set()
                        if isinstance(part, ast.Constant) and isinstance(part.value, str):
                            values = {part.value}
                        elif isinstance(part, ast.Name):
                            values = assigned.get(part.id, set())
                        for value in values:
                            if pattern.match(value):
                                found.setdefault(value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_action_written_anywhere_has_a_label():
    written = _written_actions()
    assert {"case.view", "account.create", "case.export"} <= set(written)
    missing = {action: where for action, where in sorted(written.items()) if action_label(action) is None}
    assert not missing, (
        "These audit actions have no label; declare each in socialwork/audit_actions.py "
        '(audit_action("<action>", _("<what the auditor reads>"))):\n'
        + "\n".join(f"  {action}  (written at {where})" for action, where in missing.items())
    )


def test_an_action_without_a_label_is_refused_while_labels_are_required(district_admin, settings):
    with pytest.raises(ImproperlyConfigured, match="no label"):
        audit_record(actor=district_admin, action="thing.frobnicate", target=district_admin)
    settings.AUDIT_REQUIRE_LABELS = False  # production: written all the same, with its code shown
    entry = audit_record(actor=district_admin, action="thing.frobnicate", target=district_admin)
    assert entry.action_label == "thing.frobnicate"


def test_the_admins_reference_data_and_exports_are_labelled_by_rule():
    assert str(action_label("hostinstitution.update")) == "host institution: changed"
    assert str(action_label("training-hours.export")) == "List exported"
    assert action_label("nosuchmodel.update") is None


@pytest.fixture
def auditor_client(auditor):
    client = Client()
    client.force_login(auditor)
    return client


def test_the_audit_log_shows_actions_by_their_labels(auditor_client, network):
    entry = audit_record(actor=None, action="case.view", target=network.room_a)
    listing = auditor_client.get("/admin/socialwork/auditentry/").content.decode()
    assert "Case viewed" in listing and ">case.view<" not in listing
    assert ">service unit<" in listing and ">positions.serviceunit<" not in listing  # the record's kind
    detail = auditor_client.get(f"/admin/socialwork/auditentry/{entry.pk}/change/").content.decode()
    assert "Case viewed" in detail
    filters = auditor_client.get("/admin/socialwork/auditentry/?action=case.view").content.decode()
    assert "Case viewed" in filters


def test_the_audit_log_shows_the_actions_label_in_the_readers_language(auditor_client, network, monkeypatch):
    from django.utils.translation import gettext_lazy

    from socialwork.audit_actions import ACTIONS

    # A label whose Chinese is already in the compiled catalogue ("Reopen": 重新开案), as the new
    # labels' Chinese is compiled only when the translations are merged.
    monkeypatch.setitem(ACTIONS, "case.reopen", gettext_lazy("Reopen"))
    audit_record(actor=None, action="case.reopen", target=network.room_a)
    auditor_client.cookies["django_language"] = "en"
    assert "Reopen" in auditor_client.get("/admin/socialwork/auditentry/").content.decode()
    auditor_client.cookies["django_language"] = "zh-hans"
    page = auditor_client.get("/admin/socialwork/auditentry/").content.decode()
    assert "重新开案" in page and ">case.reopen<" not in page


def test_an_audit_entry_names_each_of_its_rows_once(auditor_client, network):
    """The label and the code of the action (and of the record type) were two rows both called
    "action" ("record type"), and the account's number read "Actor id" in every language."""
    entry = audit_record(actor=None, action="case.view", target=network.room_a)
    detail = auditor_client.get(f"/admin/socialwork/auditentry/{entry.pk}/change/").content.decode()
    labels = [" ".join(label.split()) for label in re.findall(r"<label>(.*?)</label>", detail, re.S)]
    # Twelve of the row and four of its seal (socialwork.audit_chain).
    assert len(labels) == 16 and len(set(labels)) == len(labels), labels
    assert "Actor id:" not in labels


def test_the_admin_speaks_of_closing_a_page_not_a_case_in_chinese(auditor_client, network):
    entry = audit_record(actor=None, action="case.view", target=network.room_a)
    auditor_client.cookies["django_language"] = "zh-hans"
    detail = auditor_client.get(f"/admin/socialwork/auditentry/{entry.pk}/change/").content.decode()
    # Django's own words on a read-only record's page: 关闭 (close the page) and 历史 (its history).
    assert 'class="closelink">关闭</a>' in detail and 'class="historylink">历史</a>' in detail


# Times in the installation's time zone


def test_the_audit_log_shows_times_in_the_installations_time_zone(auditor_client, network, settings):
    from django.utils import timezone

    entry = AuditEntry.objects.get(pk=audit_record(actor=None, action="case.view", target=network.room_a).pk)
    local = f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}"  # Asia/Shanghai, 8 hours ahead
    utc = f"{entry.at.astimezone(UTC):%Y-%m-%d %H:%M}"
    assert settings.TIME_ZONE == "Asia/Shanghai" and not local.startswith(utc)
    listing = auditor_client.get("/admin/socialwork/auditentry/").content.decode()
    detail = auditor_client.get(f"/admin/socialwork/auditentry/{entry.pk}/change/").content.decode()
    assert local in listing and local in detail
    assert utc not in detail  # the page's title and breadcrumbs too
    assert str(entry).startswith(local)


def test_the_actions_written_by_rule_have_labels_too():
    """The actions the scan above cannot read: workflow steps (`case.<move>`, `project.<move>`,
    `plan.<decision>`), the admin's reference data and the exports."""
    from django.contrib import admin

    from casework import workflow as case_workflow
    from casework.models.common import Approval
    from projects import workflow as project_workflow
    from reports.exports import REGISTRY
    from socialwork.admin_base import AuditedAdmin

    written = {f"case.{move}" for move in case_workflow.MOVES}
    written |= {f"project.{move}" for move in project_workflow.MOVES}
    written |= {f"plan.{status}" for status in (Approval.APPROVED, Approval.RETURNED)}
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, AuditedAdmin):
            prefix = model_admin.audit_name or model._meta.model_name
            written |= {f"{prefix}.{verb}" for verb in ("create", "update", "delete")}
            for inline in model_admin.inlines:
                written |= {
                    f"{inline.model._meta.model_name}.{verb}" for verb in ("create", "update", "delete")
                }
    written |= {export.audit_action or f"{export.key}.export" for export in REGISTRY.values()}
    missing = sorted(action for action in written if action_label(action) is None)
    assert not missing, "Declare these audit actions in socialwork/audit_actions.py: " + ", ".join(missing)


def test_a_refusal_answered_without_an_exception_is_on_the_record_once(social_worker, case):
    browser = Client(enforce_csrf_checks=True)  # Django's CSRF check answers 403 itself
    browser.force_login(social_worker)
    path = reverse("casework:note_add", args=[case.pk])
    assert browser.post(path, {"note-body": "x"}).status_code == 403
    entry = refusals().get()
    assert (entry.actor, entry.action, entry.target_id, entry.changes["path"]) == (
        social_worker,
        "access.denied",
        str(case.pk),
        path,
    )


def test_times_kept_in_an_entrys_changes_are_in_the_installations_time_zone(social_worker):
    from socialwork import tokens

    tokens.api_token_create(user=social_worker, name="phone")
    assert AuditEntry.objects.get(action="api_token.create").changes["expiry"].endswith("+08:00")
