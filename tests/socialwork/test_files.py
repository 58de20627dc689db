"""The one answer of every stored file: an attachment under a safe name, never kept by a browser
or proxy, never sniffed; sent by nginx when FILES_ACCEL_REDIRECT_PREFIX is set."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

from socialwork.files import attachment, file_response


def test_a_chinese_name_is_sent_as_rfc_5987_with_an_ascii_fallback():
    assert attachment("2026年度报告.xlsx") == (
        "attachment; filename=\"2026.xlsx\"; filename*=UTF-8''2026%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.xlsx"
    )
    assert attachment("计划书.pdf").startswith('attachment; filename="download.pdf"; ')


@pytest.mark.parametrize(
    "name",
    ['a"; filename="evil.html', "a\r\nSet-Cookie: x=1.pdf", "../../etc/passwd", "a\\b;c.pdf", "\x00.pdf"],
)
def test_no_quote_line_break_or_path_reaches_the_header(name):
    header = attachment(name)
    assert "\r" not in header and "\n" not in header and "\x00" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert all(char.isalnum() or char in "._-" for char in fallback)
    assert header.count('"') == 2 and header.count(";") == 2
    assert "/" not in header.split("filename*=UTF-8''", 1)[1]


def test_django_streams_the_file_when_no_web_server_sends_it(db, settings):
    settings.FILES_ACCEL_REDIRECT_PREFIX = ""
    name = default_storage.save("projects/plans/plan.pdf", ContentFile(b"%PDF-1.4 x"))
    response = file_response(name, filename="plan.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in response


def test_nginx_is_told_which_file_to_send_with_the_name_escaped(db, settings):
    settings.FILES_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    name = default_storage.save("projects/plans/计划 书.pdf", ContentFile(b"%PDF-1.4 x"))
    response = file_response(name, filename="计划 书.pdf")
    assert (
        response["X-Accel-Redirect"]
        == "/protected-media/" + "projects/plans/%E8%AE%A1%E5%88%92%20%E4%B9%A6.pdf"
    )
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment; ")


def test_a_file_no_longer_stored_is_404(db):
    with pytest.raises(Http404):
        file_response("projects/plans/gone.pdf", filename="gone.pdf")
