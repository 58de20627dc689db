"""The district opens a demo project, asks for its evaluation dossier, waits for it and downloads
the PDF (in Chinese)."""

import pytest
from django.core.management import call_command

from casework.models import Case
from reports.models import Dossier
from tests.pdfs import pdf_text, squeezed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_builds_a_projects_dossier_and_downloads_the_pdf(
    live_server, page, log_in, screenshot, tmp_path, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    call_command("seed_demo", verbosity=0)  # a transactional test starts after a flush
    project = Case.objects.filter(project__isnull=False).select_related("project").first().project

    log_in("district", "demo-2026")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    button = page.locator("form.dossier-request button")
    assert button.inner_text().strip() in ("生成评估台账", "Build the evaluation dossier")
    screenshot("1-project")
    button.click()
    page.wait_for_url("**/reports/dossiers/?dossier=*")
    pdf_link = page.locator("#dossier-followed a.dossier-pdf")
    pdf_link.wait_for()  # the status polls until the files are ready
    screenshot("2-dossier-ready")
    dossier = Dossier.objects.get()
    assert dossier.status == Dossier.Status.DONE and dossier.project == project

    with page.expect_download() as download:
        pdf_link.click()
    path = tmp_path / "dossier.pdf"
    download.value.save_as(path)
    text = squeezed(pdf_text(path.read_bytes()))
    assert squeezed(project.title) in text and "第1页" in text
    cases = Case.objects.filter(project=project, removed_at__isnull=True).count()
    figures = {f["key"]: f["value"] for s in dossier.figures for f in s["figures"]}
    assert figures["cases.total"] == cases > 0
