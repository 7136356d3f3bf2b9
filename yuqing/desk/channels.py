"""Alert channels: e-mail over SMTP, plain JSON webhooks and the robot webhooks of WeCom,
DingTalk and Feishu, plus a local outbox file for demos. One small function each,
in a registry, so a new channel is one function.

Targets are configured by the desk's administrators, so unlike collection (whose
fetch guard refuses private addresses) an alert may go to an intranet address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from yuqing.config import Settings
from yuqing.errors import YuqingError

TIMEOUT_S = 15.0


class DeliveryFailed(YuqingError):
    """The channel refused or could not be reached; the attempt may be retried."""

    http_status = 502


@dataclass(frozen=True)
class Notice:
    """What one alert says, whatever the channel."""

    title: str
    body: str
    link: str = ""
    kind: str = ""
    severity: str | None = None

    def text(self) -> str:
        return "\n".join(p for p in (self.title, self.body, self.link) if p)

    def markdown(self) -> str:
        link = f"\n\n[查看详情]({self.link})" if self.link else ""
        return f"**{self.title}**\n\n{self.body}{link}"


@dataclass
class Sender:
    """Sends notices; ``transport`` is the seam tests and demos use for HTTP."""

    settings: Settings
    transport: httpx.BaseTransport | None = None
    clock: Callable[[], float] = time.time
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=TIMEOUT_S, transport=self.transport)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def send(self, channel: str, target: str, notice: Notice, options: dict[str, Any]) -> None:
        handler = CHANNELS.get(channel)
        if handler is None:
            raise DeliveryFailed(f"未知的推送渠道：{channel}")
        handler(self, target, notice, options)


def _post_json(
    sender: Sender, url: str, payload: dict[str, Any], params: dict[str, str] | None = None
) -> Any:
    try:
        response = sender.client().post(url, json=payload, params=params)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{url} 无法连接：{exc.__class__.__name__}") from exc
    if response.status_code >= 300:
        raise DeliveryFailed(f"{url} 返回 HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        return None


def _robot_ok(answer: Any, *keys: str) -> None:
    """Robots answer HTTP 200 with an error code in the body when they refuse."""
    if isinstance(answer, dict):
        for key in keys:
            code = answer.get(key)
            if code not in (None, 0):
                message = answer.get("errmsg") or answer.get("msg") or ""
                raise DeliveryFailed(f"机器人拒绝了消息：{key}={code} {message}".strip())


def send_webhook(sender: Sender, target: str, notice: Notice, options: dict[str, Any]) -> None:
    payload = {
        "kind": notice.kind,
        "title": notice.title,
        "body": notice.body,
        "link": notice.link,
        "severity": notice.severity,
    }
    _post_json(sender, target, payload)


def send_wecom(sender: Sender, target: str, notice: Notice, options: dict[str, Any]) -> None:
    payload = {"msgtype": "markdown", "markdown": {"content": notice.markdown()}}
    _robot_ok(_post_json(sender, target, payload), "errcode")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def send_dingtalk(sender: Sender, target: str, notice: Notice, options: dict[str, Any]) -> None:
    payload = {
        "msgtype": "markdown",
        "markdown": {"title": notice.title, "text": notice.markdown()},
    }
    params = None
    if secret := str(options.get("secret", "")):
        timestamp = int(sender.clock() * 1000)
        params = {"timestamp": str(timestamp), "sign": dingtalk_sign(secret, timestamp)}
    _robot_ok(_post_json(sender, target, payload, params), "errcode")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu: base64 HMAC-SHA256 of an empty message keyed by "timestamp\\nsecret"."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def send_feishu(sender: Sender, target: str, notice: Notice, options: dict[str, Any]) -> None:
    payload: dict[str, Any] = {"msg_type": "text", "content": {"text": notice.text()}}
    if secret := str(options.get("secret", "")):
        timestamp = int(sender.clock())
        payload |= {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
    _robot_ok(_post_json(sender, target, payload), "code", "StatusCode")


def send_email(sender: Sender, target: str, notice: Notice, options: dict[str, Any]) -> None:
    settings = sender.settings
    if not settings.smtp_host:
        raise DeliveryFailed("未配置 SMTP 服务器（smtp_host），无法发送邮件")
    message = EmailMessage()
    message["Subject"] = f"[舆情预警] {notice.title}"
    message["From"] = settings.smtp_from
    message["To"] = target
    message.set_content(notice.text())
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"邮件发送到 {target} 失败：{exc}") from exc


def send_outbox(sender: Sender, target: str, notice: Notice, options: dict[str, Any]) -> None:
    """Append the notice to a local JSON-lines file (the demo's stand-in for real channels)."""
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"title": notice.title, "body": notice.body, "link": notice.link}
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


CHANNELS: dict[str, Callable[[Sender, str, Notice, dict[str, Any]], None]] = {
    "email": send_email,
    "webhook": send_webhook,
    "wecom": send_wecom,
    "dingtalk": send_dingtalk,
    "feishu": send_feishu,
    "outbox": send_outbox,
}
CHANNEL_LABELS = {
    "email": "电子邮件",
    "webhook": "Webhook",
    "wecom": "企业微信机器人",
    "dingtalk": "钉钉机器人",
    "feishu": "飞书机器人",
    "outbox": "本地发件箱文件",
}
