"""Security controls of issue 8: CSP, passwords, separated administrators, audit retention,
uploads, escaping and the export of a client's data on request."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from casework import services as casework_services
from projects.forms import validate_upload as project_upload
from projects.models import Project
from socialwork.management.commands.audit_prune import earliest_allowed_cutoff
from socialwork.models import AuditEntry, User
from socialwork.passwords import ComplexityValidator, password_expired
from socialwork.roles import ROLE_PERMISSIONS, Role
from socialwork.services import audit_record, notification_send
from socialwork.uploads import content_matches, validate_upload
from tests.casework.factories import case_in_intervention, make_client
from tests.factories import make_user
from tests.projects.factories import make_call, make_project

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def office_file(name: str, folder: str) -> SimpleUploadedFile:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return SimpleUploadedFile(name, output.getvalue())


# Content Security Policy


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1]
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_every_page_sends_a_strict_content_security_policy(as_user, district_admin):
    directives = policy(as_user(district_admin).get(reverse("home")))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in " ".join(directives.values())


def test_the_login_page_has_the_policy_too(client):
    assert policy(client.get(reverse("login")))["script-src"] == "'self'"


def test_pages_carry_no_inline_script_or_style(as_user, district_admin):
    html = as_user(district_admin).get(reverse("home")).content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert '<script src="/static/' in html  # htmx, from this site


def test_api_docs_load_their_script_from_this_site_not_inline(as_user, district_admin):
    client = as_user(district_admin)
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in html
    assert 'src="http' not in html and 'href="http' not in html
    directives = policy(response)
    assert directives["script-src"] == "'self'" and "'unsafe-inline'" in directives["style-src"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


# Passwords


@pytest.mark.parametrize(
    "password", ["Short1!", "alllowercase12", "ALLUPPERCASE!!", "abcdefghijKLMN", "1234567890!@"]
)
def test_passwords_without_length_and_three_kinds_of_character_are_refused(password):
    with pytest.raises(ValidationError):
        ComplexityValidator().validate(password)


@pytest.mark.parametrize("password", ["Shequ-2025-gz", "lower123symbol!", "UPPER lower 99", "社工Shequ2025"])
def test_long_passwords_mixing_three_kinds_are_accepted(password):
    ComplexityValidator().validate(password)


def test_the_password_change_form_applies_the_complexity_rule(as_user, social_worker):
    client = as_user(social_worker)
    weak = {"old_password": "pass-word-42", "new_password1": "weakpassword", "new_password2": "weakpassword"}
    assert client.post(reverse("password_change"), weak).status_code == 200
    strong = {
        "old_password": "pass-word-42",
        "new_password1": "Strong-Pass-2026",
        "new_password2": "Strong-Pass-2026",
    }
    assert client.post(reverse("password_change"), strong).status_code == 302


def test_setting_a_password_records_when(network):
    user = make_user("fresh")
    user.password_changed_at = timezone.now() - timedelta(days=400)
    user.set_password("Another-Pass-1")
    assert timezone.now() - user.password_changed_at < timedelta(minutes=1)


def age_password(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_older_than_the_limit_sends_its_owner_to_the_change_page(as_user, social_worker):
    age_password(social_worker, 91)
    social_worker.refresh_from_db()
    assert password_expired(social_worker)
    client = as_user(social_worker)
    response = client.get(reverse("casework:client_list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    change = {
        "old_password": "pass-word-42",
        "new_password1": "Renewed-Pass-26",
        "new_password2": "Renewed-Pass-26",
    }
    assert client.post(reverse("password_change"), change).status_code == 302
    assert client.get(reverse("casework:client_list")).status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_recent_password_is_left_alone_and_an_old_one_may_still_log_out(as_user, social_worker):
    age_password(social_worker, 89)
    assert as_user(social_worker).get(reverse("casework:client_list")).status_code == 200
    age_password(social_worker, 200)
    social_worker.refresh_from_db()
    assert as_user(social_worker).post(reverse("logout")).status_code == 302


def expired_refusal(response) -> bool:
    return response.status_code == 403 and "password" in response.json()["detail"].lower()


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_the_api_refuses_a_session_whose_password_is_too_old(as_user, social_worker):
    client = as_user(social_worker)
    assert client.get("/api/v1/clients/").status_code == 200
    age_password(social_worker, 91)
    for url in ("/api/v1/clients/", "/api/v1/inbox/", "/api/v1/exports/"):
        assert expired_refusal(client.get(url)), url
    assert expired_refusal(client.post("/api/v1/clients/", {}, content_type="application/json"))


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_the_api_refuses_a_token_whose_owner_has_a_password_too_old(social_worker):
    from rest_framework.test import APIClient

    obtained = APIClient().post(reverse("api-token"), {"username": "worker_a", "password": "pass-word-42"})
    token = obtained.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/clients/").status_code == 200
    age_password(social_worker, 91)
    assert expired_refusal(client.get("/api/v1/clients/"))
    assert expired_refusal(client.get("/api/v1/inbox/"))


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_the_token_endpoint_gives_no_token_for_a_password_too_old(social_worker):
    from rest_framework.test import APIClient

    age_password(social_worker, 91)
    response = APIClient().post(reverse("api-token"), {"username": "worker_a", "password": "pass-word-42"})
    assert expired_refusal(response) and "token" not in response.json()
    assert not AuditEntry.objects.filter(action="api_token.create").exists()


# Responses with personal data are not kept by browsers or proxies (finding 11)


def not_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_a_case_page_and_a_client_api_response_are_not_stored(as_user, api, social_worker, supervisor):
    from rest_framework.test import APIClient

    case = case_in_intervention(social_worker, supervisor)
    browser = as_user(social_worker)
    assert not_stored(browser.get(reverse("casework:case_detail", args=[case.pk])))
    session_api = APIClient()
    session_api.force_login(social_worker)
    client_id = case.clients.first().pk
    assert not_stored(session_api.get(f"/api/v1/clients/{client_id}/"))
    obtained = APIClient().post(reverse("api-token"), {"username": "worker_a", "password": "pass-word-42"})
    assert not_stored(obtained)  # the token itself
    token_api = APIClient()
    token_api.credentials(HTTP_AUTHORIZATION=f"Token {obtained.json()['token']}")
    assert not_stored(token_api.get(f"/api/v1/clients/{client_id}/"))


def test_a_csv_export_and_a_pdf_download_are_not_stored(as_user, social_worker, district_admin, network):
    from tests.training.test_services import make_series, make_session
    from training import services as training_services

    make_client(social_worker, name="叶先生")
    export = as_user(social_worker).get(reverse("reports:export", kwargs={"key": "clients", "fmt": "csv"}))
    assert export.status_code == 200 and not_stored(export)
    series = make_series(network, completion_share=50)
    session = make_session(series, capacity=3)
    enrolment = training_services.enrolment_create(actor=district_admin, session=session, outside_name="王五")
    training_services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    [certificate] = training_services.certificates_issue(actor=district_admin, series=series)
    pdf = as_user(district_admin).get(reverse("training:certificate_pdf", args=[certificate.pk]))
    assert pdf.content.startswith(b"%PDF") and not_stored(pdf)


def test_static_files_and_the_health_check_keep_their_own_caching(client, as_user, district_admin):
    browser = as_user(district_admin)
    static = browser.get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")
    assert browser.get(reverse("healthz")).get("Cache-Control") == client.get(reverse("healthz")).get(
        "Cache-Control"
    )


# Separated administrators


def test_every_role_has_its_group_and_the_three_administrators_are_separate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    readers = {
        role for role, rules in ROLE_PERMISSIONS.items() if ("socialwork", "auditentry", ("view",)) in rules
    }
    assert readers == {Role.AUDITOR}
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        assert not any(app == "casework" for app, _model, _actions in ROLE_PERMISSIONS[role])


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_system_administrator_runs_accounts_and_schedules_but_not_the_audit_log(network):
    user = make_user("sysadmin", Role.SYSTEM_ADMIN, is_staff=True)
    client = admin_client(user)
    assert client.get("/admin/socialwork/user/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 200
    assert client.get("/admin/socialwork/auditentry/").status_code == 403
    assert client.get("/admin/casework/client/").status_code == 403
    assert "auditentry" not in client.get("/admin/").content.decode()


def test_security_administrator_runs_lockouts_but_not_the_audit_log(network):
    user = make_user("secadmin", Role.SECURITY_ADMIN, is_staff=True)
    client = admin_client(user)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/socialwork/auditentry/").status_code == 403
    assert client.get("/admin/casework/case/").status_code == 403


def test_only_the_auditor_reads_the_audit_log_not_even_a_superuser(network, auditor, district_admin):
    audit_record(actor=district_admin, action="account.unlock", target=district_admin, summary="x")
    root = User.objects.create_superuser("root", password="Root-Pass-2026x")
    assert admin_client(root).get("/admin/socialwork/auditentry/").status_code == 403
    assert admin_client(district_admin).get("/admin/socialwork/auditentry/").status_code == 403
    assert admin_client(auditor).get("/admin/socialwork/auditentry/").status_code == 200
    assert "auditentry" in admin_client(auditor).get("/admin/").content.decode()


# Audit retention


def test_audit_prune_refuses_a_cutoff_inside_six_months(db):
    recent = timezone.localdate() - timedelta(days=179)
    with pytest.raises(CommandError, match="180 days"):
        call_command("audit_prune", "--before", recent.isoformat())


def test_audit_prune_never_deletes_and_explains_the_database_path(network, district_admin):
    audit_record(actor=district_admin, action="account.unlock", target=district_admin, summary="x")
    output = io.StringIO()
    call_command("audit_prune", "--before", earliest_allowed_cutoff().isoformat(), stdout=output)
    assert "DISABLE TRIGGER" in output.getvalue()
    assert AuditEntry.objects.filter(action="account.unlock").exists()


# Uploads


@pytest.mark.parametrize(
    ("upload", "extension", "ok"),
    [
        (SimpleUploadedFile("a.pdf", b"%PDF-1.7 body"), "pdf", True),
        (SimpleUploadedFile("a.pdf", b"<html><script>"), "pdf", False),
        (SimpleUploadedFile("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "doc", True),
        (SimpleUploadedFile("a.doc", b"MZ\x90\x00"), "doc", False),
        (office_file("a.docx", "word"), "docx", True),
        (office_file("a.xlsx", "word"), "xlsx", False),
        (office_file("a.xlsx", "xl"), "xlsx", True),
        (SimpleUploadedFile("a.xlsx", b"PK\x03\x04 not a zip"), "xlsx", False),
        (SimpleUploadedFile("a.csv", "姓名,电话\n".encode()), "csv", True),
        (SimpleUploadedFile("a.csv", b"MZ\x00\x00"), "csv", False),
    ],
)
def test_an_uploads_content_must_match_its_extension(upload, extension, ok):
    assert content_matches(upload, extension) is ok


def test_upload_validation_checks_size_extension_and_content():
    validate_upload(SimpleUploadedFile("plan.pdf", b"%PDF-1.4"), ["pdf"])
    for upload in (
        SimpleUploadedFile("plan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
        SimpleUploadedFile("plan.html", b"<html>"),
        SimpleUploadedFile("plan.pdf", b"<html>"),
    ):
        with pytest.raises(ValidationError):
            validate_upload(upload, ["pdf"])


def test_project_documents_are_checked_by_content():
    project_upload(SimpleUploadedFile("plan.pdf", b"%PDF-1.4"))
    project_upload(office_file("report.docx", "word"))
    with pytest.raises(ValidationError):
        project_upload(SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 an executable"))


def test_the_import_page_refuses_a_renamed_file(as_user, district_admin):
    fake = SimpleUploadedFile("workers.xlsx", b"MZ\x90\x00 an executable")
    response = as_user(district_admin).post(reverse("positions:import"), {"kind": "positions", "file": fake})
    assert "file" in response.context["form"].errors


def test_request_bodies_are_capped(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 10 * 1024 * 1024
    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024


# Escaping


def assert_escaped(html: str) -> None:
    assert XSS not in html
    assert ESCAPED in html


def test_user_text_is_escaped_in_case_client_project_and_notification_pages(
    as_user, network, social_worker, supervisor, district_admin
):
    client_record = make_client(social_worker, name=XSS)
    case = case_in_intervention(social_worker, supervisor, client=client_record, presenting_problem=XSS)
    worker = as_user(social_worker)
    assert_escaped(worker.get(reverse("casework:client_list")).content.decode())
    assert_escaped(worker.get(reverse("casework:case_detail", args=[case.pk])).content.decode())
    assert_escaped(worker.get(reverse("casework:client_detail", args=[client_record.pk])).content.decode())

    project = make_project(
        call=make_call(), community=network.community_a, created_by=district_admin, title=XSS
    )
    assert_escaped(
        as_user(district_admin).get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    )
    assert Project.objects.filter(title=XSS).exists()

    notification_send(user=social_worker, kind="test", key="xss", title=XSS)
    assert_escaped(worker.get(reverse("inbox")).content.decode())
    assert_escaped(worker.get(reverse("home")).content.decode())


# Export of a client's data on request


def test_a_client_can_have_everything_held_about_them_exported(as_user, social_worker, supervisor):
    person = make_client(social_worker, name="张三", phone="13800138000", address="甲社区1号")
    casework_services.client_update(
        actor=social_worker,
        client=person,
        household=[{"name": "李四", "relation": "spouse", "situation": "务工"}],
    )
    case = case_in_intervention(social_worker, supervisor, client=person)
    casework_services.note_add(
        actor=social_worker,
        case=case,
        noted_on=timezone.localdate(),
        method="home_visit",
        minutes=30,
        content="入户走访",
    )
    response = as_user(social_worker).post(reverse("casework:client_subject_export", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="client-')
    data = json.loads(response.content)
    assert data["client"]["name"] == "张三" and data["client"]["phone"] == "13800138000"
    assert "id_number_digest" not in data["client"]
    assert [member["name"] for member in data["household"]] == ["李四"]
    [exported] = data["cases"]
    assert exported["number"] == case.number
    assert exported["assessments"] and exported["plans"][0]["goals"]
    assert any(note["content"] == "入户走访" for note in exported["notes"])
    entry = AuditEntry.objects.get(action="client.subject_export")
    assert entry.target_id == str(person.pk) and "张三" not in entry.summary
    assert entry.changes == {"cases": [case.pk]}


def test_only_people_who_see_the_client_may_export_it_and_only_by_post(
    as_user, social_worker, other_station_manager
):
    person = make_client(social_worker)
    url = reverse("casework:client_subject_export", args=[person.pk])
    assert as_user(social_worker).get(url).status_code == 405
    assert as_user(other_station_manager).post(url).status_code == 404
    assert not AuditEntry.objects.filter(action="client.subject_export").exists()
