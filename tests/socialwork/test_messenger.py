"""Issue 22, point 6: notifications by enterprise messenger (WeCom, DingTalk), against a local fake
of each provider's API that the tests start: the token kept and refreshed, failures tried again
after growing pauses until the limit, each notification sent once, and nothing about a client in
a message."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from socialwork.messenger import message_text
from socialwork.models import Notification, NotificationPreference
from socialwork.roles import Role
from socialwork.services import (
    messenger_retry_delay,
    notification_messenger_drain,
    notification_preferences_save,
    notification_send,
)
from tests.factories import make_user

TOKEN_PATHS = {"wecom": "/cgi-bin/gettoken", "dingtalk": "/gettoken"}
SEND_PATHS = {"wecom": "/cgi-bin/message/send", "dingtalk": "/topapi/message/corpconversation/asyncsend_v2"}
EXPIRED = {"wecom": 42001, "dingtalk": 88}


class FakeProvider:
    """A provider's API on 127.0.0.1: answers a token, then each send with the next planned answer
    ("ok", "expired", "rate", "5xx", "timeout"; "ok" once the plan is spent), and records the
    requests it was sent."""

    def __init__(self, name: str):
        self.name = name
        self.plan: list[str] = []
        self.requests: list[dict] = []
        self.tokens_issued = 0
        self.token_expired = False
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, payload: dict):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlsplit(self.path)
                with fake.lock:
                    fake.requests.append({"path": url.path, "query": parse_qs(url.query)})
                    # As both providers do: asked again while its token is valid, the same token;
                    # a new one once it has expired.
                    if fake.tokens_issued == 0 or fake.token_expired:
                        fake.tokens_issued += 1
                        fake.token_expired = False
                    token = f"token-{fake.tokens_issued}"
                if url.path != TOKEN_PATHS[fake.name]:
                    return self._answer(404, {"errcode": 404})
                self._answer(200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})

            def do_POST(self):
                url = urlsplit(self.path)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode())
                with fake.lock:
                    fake.requests.append({"path": url.path, "query": parse_qs(url.query), "body": body})
                    answer = fake.plan.pop(0) if fake.plan else "ok"
                    current = f"token-{fake.tokens_issued}"
                if url.path != SEND_PATHS[fake.name]:
                    return self._answer(404, {"errcode": 404})
                if answer == "5xx":
                    return self._answer(502, {})
                if answer == "timeout":
                    time.sleep(1.5)
                    return self._answer(200, {"errcode": 0})
                if answer == "expired" or parse_qs(url.query)["access_token"] != [current]:
                    with fake.lock:
                        fake.token_expired = fake.token_expired or answer == "expired"
                    return self._answer(
                        200, {"errcode": EXPIRED[fake.name], "errmsg": "access_token expired"}
                    )
                if answer == "rate":
                    return self._answer(200, {"errcode": 45009, "errmsg": "api freq out of limit"})
                self._answer(200, {"errcode": 0, "errmsg": "ok", "task_id": 1})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def sends(self) -> list[dict]:
        return [r for r in self.requests if r["path"] == SEND_PATHS[self.name]]

    def token_fetches(self) -> list[dict]:
        return [r for r in self.requests if r["path"] == TOKEN_PATHS[self.name]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(params=["wecom", "dingtalk"])
def provider(request, settings):
    fake = FakeProvider(request.param)
    settings.MESSENGER_PROVIDER = request.param
    settings.MESSENGER_API_URL = fake.url
    settings.MESSENGER_CORP_ID = "corp-1"
    settings.MESSENGER_APP_KEY = "key-1"
    settings.MESSENGER_APP_SECRET = "secret-1"
    settings.MESSENGER_AGENT_ID = "1000002"
    settings.MESSENGER_MAX_ATTEMPTS = 4
    settings.MESSENGER_TIMEOUT = 0.5
    settings.SITE_URL = "https://sw.example.gov.cn"
    cache.clear()
    yield fake
    fake.close()
    cache.clear()


@pytest.fixture
def person(db):
    return make_user("lin", messenger_id="linxiao", language="en")


def send(person, key, *, title="A notice", reference="", url="/casework/cases/7/"):
    return notification_send(user=person, kind="test", key=key, title=title, url=url, reference=reference)


def later(minutes: float):
    """Move every notification's next attempt back, as if `minutes` had passed."""
    for notification in Notification.objects.exclude(messenger_next_at=None):
        notification.messenger_next_at -= timedelta(minutes=minutes)
        notification.save(update_fields=["messenger_next_at"])


def test_a_notification_is_sent_once_on_commit_with_the_providers_message(
    provider, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(person, "k1", reference="C-2026-0007")
    notification.refresh_from_db()
    assert notification.messenger_sent_at is not None and notification.messenger_attempts == 1
    [sent] = provider.sends()
    text = (
        "[Social work management] Test notices\nRecord number: C-2026-0007\n"
        "Open: https://sw.example.gov.cn/casework/cases/7/"
    )
    if provider.name == "wecom":
        assert sent["body"] == {
            "touser": "linxiao",
            "msgtype": "text",
            "agentid": 1000002,
            "text": {"content": text},
        }
        assert provider.token_fetches()[0]["query"] == {"corpid": ["corp-1"], "corpsecret": ["secret-1"]}
    else:
        assert sent["body"] == {
            "agent_id": 1000002,
            "userid_list": "linxiao",
            "msg": {"msgtype": "text", "text": {"content": text}},
        }
        assert provider.token_fetches()[0]["query"] == {"appkey": ["key-1"], "appsecret": ["secret-1"]}
    assert notification_messenger_drain() == 0, "sent once, however often the drain runs"
    assert len(provider.sends()) == 1


def test_nothing_of_the_title_or_body_is_in_the_message(provider, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            user=person,
            kind="test",
            key="k-name",
            title="张三丰 (ID 110101198001010011) was referred to you",
            body="张三丰 lives at 甲社区 3-201",
            url="/search/?q=张三丰",
            reference="C-2026-0009",
        )
    [sent] = provider.sends()
    text = json.dumps(sent["body"], ensure_ascii=False)
    assert "C-2026-0009" in text and "/search/" in text
    for word in ("张三丰", "110101198001010011", "甲社区", "referred"):
        assert word not in text


def test_the_message_is_in_the_recipients_language(
    provider, db, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "zh-hans"
    person = make_user("wang", messenger_id="wang", language="zh-hans")
    notification = Notification(user=person, kind="test", key="x", title="t", reference="C-1", url="/inbox/")
    assert message_text(notification).splitlines() == [
        "【社会工作管理系统】Test notices",
        "编号：C-1",
        "打开：https://sw.example.gov.cn/inbox/",
    ]


def test_the_token_is_fetched_once_and_reused(provider, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            send(person, f"k{n}")
    assert len(provider.sends()) == 3 and len(provider.token_fetches()) == 1
    assert {tuple(r["query"]["access_token"]) for r in provider.sends()} == {("token-1",)}


def test_an_expired_token_is_fetched_again_and_the_message_sent(
    provider, person, django_capture_on_commit_callbacks
):
    provider.plan = ["ok", "expired"]
    with django_capture_on_commit_callbacks(execute=True):
        send(person, "k1")
        second = send(person, "k2")
    second.refresh_from_db()
    assert second.messenger_sent_at is not None and second.messenger_attempts == 1
    assert len(provider.token_fetches()) == 2 and len(provider.sends()) == 3
    assert provider.sends()[-1]["query"]["access_token"] == ["token-2"]


@pytest.mark.parametrize("failure", ["5xx", "timeout", "rate"])
def test_a_failure_is_tried_again_after_a_growing_pause(
    provider, person, failure, django_capture_on_commit_callbacks
):
    provider.plan = [failure, failure]
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(person, "k1")
    notification.refresh_from_db()
    assert notification.messenger_sent_at is None and notification.messenger_attempts == 1
    assert (
        notification.messenger_error
        == {"5xx": "HTTP 502", "timeout": "timeout", "rate": "errcode 45009"}[failure]
    )
    first_pause = notification.messenger_next_at - timezone.now()
    assert timedelta(seconds=50) < first_pause <= timedelta(minutes=1)

    assert notification_messenger_drain() == 0, "not due yet"
    assert len(provider.sends()) == 1
    later(1)
    assert notification_messenger_drain() == 0, "the second attempt fails too"
    notification.refresh_from_db()
    assert notification.messenger_attempts == 2
    assert timedelta(seconds=110) < notification.messenger_next_at - timezone.now() <= timedelta(minutes=2)
    later(2)
    assert notification_messenger_drain() == 1
    notification.refresh_from_db()
    assert notification.messenger_sent_at is not None and notification.messenger_error == ""
    assert notification.messenger_attempts == 3


def test_the_pauses_double(db):
    assert [messenger_retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 5)] == [1, 2, 4, 8, 16]
    assert messenger_retry_delay(30) == timedelta(days=1)


def test_the_outbox_gives_up_after_the_limit_and_keeps_the_error(
    provider, person, django_capture_on_commit_callbacks
):
    provider.plan = ["5xx"] * 10
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(person, "k1")
    for _attempt in range(5):
        later(60)
        notification_messenger_drain()
    notification.refresh_from_db()
    assert notification.messenger_attempts == 4 and notification.messenger_sent_at is None
    assert notification.messenger_error == "HTTP 502" and notification.messenger_next_at is None
    assert len(provider.sends()) == 4, "no attempt after the fourth (MESSENGER_MAX_ATTEMPTS)"


def test_sent_only_to_people_with_an_account_who_want_it(provider, db, django_capture_on_commit_callbacks):
    with_account = make_user("a", messenger_id="a-id")
    without_account = make_user("b")
    declined = make_user("c", messenger_id="c-id")
    notification_preferences_save(user=declined, choices={"test": (True, True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        for user in (with_account, without_account, declined):
            send(user, f"k-{user.username}")
    assert [r["body"].get("touser") or r["body"].get("userid_list") for r in provider.sends()] == ["a-id"]
    assert list(
        Notification.objects.filter(messenger_wanted=True).values_list("user__username", flat=True)
    ) == ["a"]


def test_nothing_is_sent_without_a_provider(db, settings, person, django_capture_on_commit_callbacks):
    settings.MESSENGER_PROVIDER = ""
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(person, "k1")
    assert notification.messenger_wanted is False
    assert notification_messenger_drain() == 0


def test_two_drains_at_once_send_each_notification_once(provider, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks that skip are PostgreSQL's; SQLite runs one writer at a time")
    person = make_user("person", messenger_id="p-id")
    for number in range(20):
        Notification.objects.create(
            user=person, kind="test", key=f"k{number}", title="T", messenger_wanted=True
        )
    barrier = threading.Barrier(2)
    counts = []

    def drain():
        barrier.wait()
        try:
            counts.append(notification_messenger_drain())
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 20 and len(provider.sends()) == 20
    assert not Notification.objects.filter(messenger_sent_at__isnull=True).exists()


def test_the_drain_runs_every_minute_from_the_database_schedule(db):
    task = PeriodicTask.objects.get(task="socialwork.tasks.notification_messenger_drain")
    assert task.enabled and task.crontab.minute == "*"


def test_a_case_notice_names_the_case_by_its_number(
    provider, social_worker, supervisor, django_capture_on_commit_callbacks
):
    from tests.casework.factories import make_case

    supervisor.messenger_id = "sup-id"
    supervisor.save(update_fields=["messenger_id"])
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(social_worker, supervisor=supervisor)
    notification = Notification.objects.get(user=supervisor, key__startswith="casework:supervise:")
    assert notification.reference == case.number
    [sent] = [r for r in provider.sends() if "sup-id" in json.dumps(r["body"])]
    text = json.dumps(sent["body"], ensure_ascii=False)
    assert case.number in text and case.clients.first().name not in text


def test_the_preferences_page_shows_the_messenger_in_chinese(provider, as_user, settings, db):
    settings.LANGUAGE_CODE = "zh-hans"
    person = make_user("zhou", messenger_id="zhouyi", language="zh-hans")
    page = as_user(person).get(reverse("notification_preferences"), headers={"accept-language": "zh-hans"})
    html = page.content.decode()
    assert "企业微信/钉钉" in html and "zhouyi" in html
    response = as_user(person).post(
        reverse("notification_preferences"), {"test__in_app": "on", "test__email": "on"}
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=person, kind="test")
    assert (preference.in_app, preference.email, preference.messenger) == (True, True, False)


def test_the_preferences_page_has_no_messenger_column_without_a_provider(as_user, settings, db):
    settings.MESSENGER_PROVIDER = ""
    settings.LANGUAGE_CODE = "zh-hans"
    person = make_user("zhou", messenger_id="zhouyi", language="zh-hans")
    html = as_user(person).get(reverse("notification_preferences")).content.decode()
    assert "企业微信/钉钉" not in html and "zhouyi" not in html
    as_user(person).post(reverse("notification_preferences"), {"test__in_app": "on"})
    preference = NotificationPreference.objects.get(user=person, kind="test")
    assert (preference.in_app, preference.email, preference.messenger) == (True, False, True)


def test_the_system_administrator_records_a_persons_messenger_account(network, social_worker, as_user):
    from socialwork.models import AuditEntry

    sysadmin = make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True)
    response = as_user(sysadmin).post(
        reverse("admin:socialwork_user_change", args=[social_worker.pk]),
        {
            "full_name": social_worker.full_name,
            "email": social_worker.email,
            "messenger_id": " wangwu ",
            "region": social_worker.region_id or "",
            "unit": social_worker.unit_id or "",
            "organization": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    social_worker.refresh_from_db()
    assert social_worker.messenger_id == "wangwu"
    entry = AuditEntry.objects.filter(action="account.place").latest("pk")
    assert entry.changes["messenger_id"] == ["", "wangwu"]


def test_production_refuses_an_unknown_provider_or_one_without_its_sign_in():
    from tests.socialwork.test_settings import CHAIN_KEYS, KEYS, SECRET, run

    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "x.example",
        "AUDIT_CHAIN_KEYS": CHAIN_KEYS,
        **KEYS,
    }
    result = run("manage.py", "check", **production, MESSENGER_PROVIDER="wechat")
    assert result.returncode != 0 and "MESSENGER_PROVIDER must be" in result.stderr
    result = run("manage.py", "check", **production, MESSENGER_PROVIDER="dingtalk", MESSENGER_CORP_ID="c")
    assert result.returncode != 0 and "MESSENGER_APP_KEY for dingtalk" in result.stderr
    signed_in = {"MESSENGER_APP_KEY": "k", "MESSENGER_APP_SECRET": "s", "MESSENGER_AGENT_ID": "1"}
    result = run("manage.py", "check", **production, MESSENGER_PROVIDER="dingtalk", **signed_in)
    assert result.returncode == 0, result.stderr
