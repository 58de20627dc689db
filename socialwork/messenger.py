"""Notifications by enterprise messenger: WeCom (企业微信, 政务微信) or DingTalk (钉钉, 浙政钉).

The installation chooses one provider (settings.MESSENGER_PROVIDER) and signs in as one app; a
person is reached at their account id on it (User.messenger_id). A message never carries what a
notification says (its title and body may name a client): only the kind's label, the record's
number and the link to the system (`message_text`). The outbox that sends them, once each, is in
socialwork.services (notification_messenger_send, notification_messenger_drain).

The app's access token is kept in the cache until shortly before it expires; an answer saying it
expired (or is not valid any more) fetches a new one and sends again, once.
"""

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .notifications import KINDS

WECOM, DINGTALK = "wecom", "dingtalk"
# A token is dropped this long before the provider says it expires, so none is used as it expires.
TOKEN_MARGIN_SECONDS = 5 * 60
# The longest text a message holds (WeCom: 2,048 bytes; DingTalk more): ours is far shorter.
TEXT_MAX_BYTES = 2000


class MessengerError(Exception):
    """The message was not sent. `reason` is short and names no person: the provider's error code
    or the kind of failure, kept on the notification as its last error."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:100]


@dataclass(frozen=True)
class Provider:
    name: str
    default_url: str
    token_path: str
    send_path: str
    # Answers that mean the token is not (or no longer) valid: fetch a new one and try again.
    token_errors: frozenset[int]

    def token_query(self) -> dict:
        if self.name == WECOM:
            return {"corpid": settings.MESSENGER_CORP_ID, "corpsecret": settings.MESSENGER_APP_SECRET}
        return {"appkey": settings.MESSENGER_APP_KEY, "appsecret": settings.MESSENGER_APP_SECRET}

    def message(self, *, recipients: list[str], text: str) -> dict:
        agent = settings.MESSENGER_AGENT_ID
        agent = int(agent) if str(agent).isdigit() else agent
        if self.name == WECOM:
            return {
                "touser": "|".join(recipients),
                "msgtype": "text",
                "agentid": agent,
                "text": {"content": text},
            }
        return {
            "agent_id": agent,
            "userid_list": ",".join(recipients),
            "msg": {"msgtype": "text", "text": {"content": text}},
        }


PROVIDERS = {
    # https://developer.work.weixin.qq.com/document/path/91039 (gettoken), /90236 (message/send);
    # 40014 invalid token, 42001 token expired.
    WECOM: Provider(
        name=WECOM,
        default_url="https://qyapi.weixin.qq.com",
        token_path="/cgi-bin/gettoken",
        send_path="/cgi-bin/message/send",
        token_errors=frozenset({40014, 42001}),
    ),
    # https://open.dingtalk.com/document/orgapp/obtain-orgapp-token (gettoken),
    # .../asynchronous-sending-of-enterprise-session-messages (asyncsend_v2); 88 is an
    # authentication failure (an invalid or expired token), 40014 and 42001 as WeCom's.
    DINGTALK: Provider(
        name=DINGTALK,
        default_url="https://oapi.dingtalk.com",
        token_path="/gettoken",
        send_path="/topapi/message/corpconversation/asyncsend_v2",
        token_errors=frozenset({88, 40014, 42001}),
    ),
}


def messenger_provider() -> Provider | None:
    """The configured provider, or None when the installation sends nothing by messenger."""
    return PROVIDERS.get(settings.MESSENGER_PROVIDER or "")


def messenger_enabled() -> bool:
    return messenger_provider() is not None


def message_text(notification) -> str:
    """What the messenger shows: the kind of notification, the record's number, the link. In the
    recipient's language. Never the title or the body, which may name a client, nor the link's
    query string."""
    kind = KINDS.get(notification.kind)
    with translation.override(notification.user.language):
        lines = [_("[Social work management] %(kind)s") % {"kind": kind.label if kind else notification.kind}]
        if notification.reference:
            lines.append(_("Record number: %(reference)s") % {"reference": notification.reference})
        # The page's path only: a query string could carry what was searched for.
        path = urllib.parse.urlsplit(notification.url).path
        path = path if path.startswith("/") else reverse("inbox")
        lines.append(_("Open: %(link)s") % {"link": f"{settings.SITE_URL}{path}"})
    return "\n".join(lines)


def _base_url(provider: Provider) -> str:
    return (settings.MESSENGER_API_URL or provider.default_url).rstrip("/")


def _call(url: str, *, data: dict | None = None) -> dict:
    """One request; a failure to reach the provider or an answer it cannot read is a MessengerError."""
    body = None if data is None else json.dumps(data, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=body, method="GET" if data is None else "POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.MESSENGER_TIMEOUT) as response:  # noqa: S310 (the configured https URL)
            answer = json.loads(response.read().decode() or "{}")
    except urllib.error.HTTPError as error:
        raise MessengerError(f"HTTP {error.code}") from None
    except TimeoutError:
        raise MessengerError("timeout") from None
    except urllib.error.URLError as error:
        reason = "timeout" if isinstance(error.reason, TimeoutError) else "unreachable"
        raise MessengerError(reason) from None
    except (OSError, ValueError):
        raise MessengerError("unreadable answer") from None
    if not isinstance(answer, dict):
        raise MessengerError("unreadable answer")
    return answer


def _token_key(provider: Provider) -> str:
    account = settings.MESSENGER_CORP_ID if provider.name == WECOM else settings.MESSENGER_APP_KEY
    digest = hashlib.sha256(
        f"{_base_url(provider)}|{account}|{settings.MESSENGER_AGENT_ID}".encode()
    ).hexdigest()
    return f"messenger:token:{provider.name}:{digest[:16]}"


def access_token(provider: Provider, *, fresh: bool = False) -> str:
    """The app's access token, from the cache unless `fresh` or expired."""
    key = _token_key(provider)
    token = None if fresh else cache.get(key)
    if token:
        return token
    query = urllib.parse.urlencode(provider.token_query())
    answer = _call(f"{_base_url(provider)}{provider.token_path}?{query}")
    token = answer.get("access_token")
    if answer.get("errcode", 0) != 0 or not token:
        raise MessengerError(f"token errcode {answer.get('errcode', '?')}")
    lifetime = int(answer.get("expires_in") or 7200)
    cache.set(key, token, timeout=max(lifetime - TOKEN_MARGIN_SECONDS, 60))
    return token


def message_send(*, recipients: list[str], text: str) -> None:
    """Send `text` to the people at these account ids; raises MessengerError if it was not sent."""
    provider = messenger_provider()
    if provider is None:
        raise MessengerError("no provider")
    text = text.encode()[:TEXT_MAX_BYTES].decode(errors="ignore")
    payload = provider.message(recipients=recipients, text=text)
    for fresh in (False, True):
        token = access_token(provider, fresh=fresh)
        query = urllib.parse.urlencode({"access_token": token})
        answer = _call(f"{_base_url(provider)}{provider.send_path}?{query}", data=payload)
        errcode = answer.get("errcode", -1)
        if errcode == 0 and answer.get("invaliduser"):
            # WeCom takes the message and names the account ids it does not know.
            raise MessengerError("account id unknown to the provider")
        if errcode == 0:
            return
        if errcode not in provider.token_errors or fresh:
            break
        cache.delete(_token_key(provider))
    raise MessengerError(f"errcode {errcode}")
