"""Issue 18, point 2: the words of case records in Chinese (tests/socialwork/test_words.py has
the others)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Transfer
from tests.casework.factories import make_case

TODAY = timezone.localdate()


@pytest.fixture
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def header_cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]


def test_a_transfers_decision_is_told_in_chinese_on_the_case_timeline(
    as_user,
    social_worker,
    supervisor,
    network,
    other_worker,
    chinese,
):
    case = make_case(social_worker, supervisor=supervisor)
    transfer = services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    services.transfer_decide(actor=other_worker, transfer=transfer, accept=True)
    assert Transfer.objects.get().status == Transfer.Status.ACCEPTED
    html = page(as_user(other_worker), reverse("casework:case_detail", args=[case.pk]))
    assert "Transfer accepted" not in html
    assert "转案已接收" in html


def test_a_clients_name_is_xingming(as_user, social_worker, chinese):
    make_case(social_worker)
    html = page(as_user(social_worker), reverse("casework:client_list"))
    assert "姓名" in header_cells(html) and "名称" not in header_cells(html)
