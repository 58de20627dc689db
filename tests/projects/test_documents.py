"""A project's documents are downloaded through a view that checks the person sees the record on
the project's page, audits the download, and never lets a browser keep or sniff the file; the
page and the admin link to that view, never to the storage."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.factories import make_user
from tests.projects.factories import make_contract, make_project

PLAN = b"%PDF-1.4 plan"


def document_url(kind, pk):
    return reverse("projects:project_document", args=[kind, pk])


@pytest.fixture
def documented(call, network, district_admin, organization):
    """A project of community A with a planning document, a signed contract, a progress report's
    attachment and an evaluation report, each stored under a Chinese name."""
    project = make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization,
        status=Project.Status.IN_PROGRESS, approved="40000",
        plan_document=ContentFile(PLAN, name="项目计划书.pdf"),
    )  # fmt: skip
    contract = make_contract(project, organization)
    contract.signed_file.save("合同.pdf", ContentFile(b"%PDF-1.4 contract"))
    report = project.progress_reports.create(
        period="第一季度", content="开展活动6次", submitted_by=district_admin,
        attachment=ContentFile(b"%PDF-1.4 report", name="进度报告.pdf"),
    )  # fmt: skip
    acceptance = project.acceptances.create(
        evaluated_on=timezone.localdate() - timedelta(days=1), evaluator="第三方评估机构", score=Decimal("90"),
        conclusion="excellent", report=ContentFile(b"%PDF-1.4 acceptance", name="评估报告.pdf"),
    )  # fmt: skip
    return {"plan": project, "contract": contract, "progress-report": report, "acceptance": acceptance}


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_project_page_links_every_document_to_the_checked_download(as_user, district_admin, documented):
    page = as_user(district_admin).get(reverse("projects:project_detail", args=[documented["plan"].pk]))
    html = page.content.decode()
    assert "/media/" not in html
    for kind, record in documented.items():
        assert f'href="{document_url(kind, record.pk)}"' in html


def test_whoever_sees_the_project_downloads_its_documents_as_attachments(
    as_user, district_admin, station_manager, org_staff, organization, documented
):
    org_staff.organization = organization
    org_staff.save()
    for user in (district_admin, station_manager, org_staff):
        client = as_user(user)
        for kind, record in documented.items():
            response = client.get(document_url(kind, record.pk))
            assert response.status_code == 200, (user, kind)
            assert body_of(response).startswith(b"%PDF-1.4")
            assert "no-store" in response["Cache-Control"]
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "application/pdf"
            disposition = response["Content-Disposition"]
            assert disposition.startswith("attachment; ") and "filename*=UTF-8''%E" in disposition


def test_a_plan_document_downloads_under_its_chinese_name(as_user, district_admin, documented):
    response = as_user(district_admin).get(document_url("plan", documented["plan"].pk))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    # The storage may add a suffix to a name already taken.
    assert "filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E8%AE%A1%E5%88%92%E4%B9%A6" in disposition
    assert disposition.endswith(".pdf")


def test_nobody_else_reaches_a_document(
    as_user, other_station_manager, social_worker, other_organization, documented
):
    outsider = make_user("outsider", Role.ORG_STAFF, organization=other_organization)
    for user in (other_station_manager, social_worker, outsider):
        client = as_user(user)
        for kind, record in documented.items():
            assert client.get(document_url(kind, record.pk)).status_code == 404, (user, kind)
    assert not AuditEntry.objects.filter(action="project.document_download").exists()


def test_organization_staff_of_another_organization_do_not_get_a_contract_not_theirs(
    as_user, call, network, district_admin, organization, other_organization, org_staff
):
    """The project is the organization's own application, but the contract went to another."""
    org_staff.organization = organization
    org_staff.save()
    project = make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization,
        status=Project.Status.IN_PROGRESS, approved="40000",
    )  # fmt: skip
    contract = make_contract(project, other_organization)
    contract.signed_file.save("合同.pdf", ContentFile(b"%PDF-1.4 contract"))
    client = as_user(org_staff)
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert document_url("contract", contract.pk) not in page
    assert client.get(document_url("contract", contract.pk)).status_code == 404


def test_every_download_is_audited_by_record_and_kind_without_the_files_name(
    as_user, district_admin, documented
):
    for kind, record in documented.items():
        as_user(district_admin).get(document_url(kind, record.pk))
    entries = AuditEntry.objects.filter(action="project.document_download", actor=district_admin)
    assert {(entry.target_type, entry.summary) for entry in entries} == {
        ("projects.project", "plan"),
        ("projects.contract", "contract"),
        ("projects.progressreport", "progress-report"),
        ("projects.acceptance", "acceptance"),
    }
    assert not any("计划书" in entry.summary + str(entry.changes) for entry in entries)


def test_a_record_without_its_document_is_404(as_user, district_admin, call, network):
    project = make_project(call=call, community=network.community_a, created_by=district_admin)
    assert as_user(district_admin).get(document_url("plan", project.pk)).status_code == 404


def test_media_files_are_never_served_by_their_path(as_user, district_admin, documented):
    name = documented["plan"].plan_document.name
    assert as_user(district_admin).get(f"/media/{name}").status_code == 404


def test_the_admin_links_documents_to_the_checked_download_and_takes_no_upload(
    as_user, documented, district_admin
):
    client = as_user(district_admin)
    for kind, name in (("plan", "project"), ("contract", "contract"), ("progress-report", "progressreport")):
        record = documented[kind]
        response = client.get(reverse(f"admin:projects_{name}_change", args=[record.pk]))
        assert response.status_code == 200, kind
        html = response.content.decode()
        assert document_url(kind, record.pk) in html, kind
        assert "/media/" not in html and 'type="file"' not in html, kind


def test_organizations_see_their_own_contract_linked(as_user, organization, org_staff, documented):
    org_staff.organization = organization
    org_staff.save()
    page = as_user(org_staff).get(reverse("projects:project_detail", args=[documented["plan"].pk]))
    assert document_url("contract", documented["contract"].pk) in page.content.decode()


def test_no_template_links_to_a_stored_files_url():
    """A FileField's `.url` points into MEDIA_URL, which nothing serves: every template links to a
    view that checks who asks."""
    import re
    from pathlib import Path

    from django.apps import apps
    from django.db.models import FileField

    names = {
        field.name
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, FileField)
    }
    pattern = re.compile(r"\.(" + "|".join(names) + r")\.url\b")
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and pattern.search(path.read_text())
    ]
    assert names and not offenders
