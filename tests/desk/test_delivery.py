"""Alert delivery against local servers: robot formats, signatures, a failing endpoint and its
retries, SMTP, quiet hours, rate limits, de-duplication and who may hear what."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from tests.desk.conftest import World
from yuqing.config import Settings, load_settings
from yuqing.desk.channels import Sender, dingtalk_sign, feishu_sign
from yuqing.desk.delivery import MAX_ATTEMPTS, deliver
from yuqing.desk.subscriptions import subscribe
from yuqing.store.alerts import raise_alert
from yuqing.store.models import Delivery

# 10:00 in Shanghai
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
CLOCK = 1_790_000_000.0


def settings_for(tmp_path: Path, **more: Any) -> Settings:
    return load_settings(
        data_dir=tmp_path, secret_key="t" * 32, public_url="https://desk.example", **more
    )


def alert(world: World, key: str, **detail: Any) -> None:
    with world.db.transaction() as session:
        raise_alert(
            session,
            kind="rule_hit",
            title=f"规则命中：{key}",
            dedupe_key=key,
            detail={"body": "口罩涨价", **detail},
        )


def sub(world: World, channel: str, target: str, user: int | None = None, **options: Any) -> int:
    with world.db.transaction() as session:
        made = subscribe(
            session, None, user_id=user, channel=channel, target=target, settings=options
        )
        made.created_at = NOW - timedelta(days=1)
        return made.id


def deliveries(world: World) -> list[Delivery]:
    with world.db.reading() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def sender(tmp_path: Path, **more: Any) -> Sender:
    return Sender(settings_for(tmp_path, **more), clock=lambda: CLOCK)


def test_robot_formats_and_signatures(world: World, httpserver: HTTPServer, tmp_path: Path) -> None:
    for path in ("/wecom", "/dingtalk"):
        httpserver.expect_request(path, method="POST").respond_with_json({"errcode": 0})
    httpserver.expect_request("/feishu", method="POST").respond_with_json({"code": 0})
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    sub(world, "wecom", httpserver.url_for("/wecom"))
    sub(world, "dingtalk", httpserver.url_for("/dingtalk"), secret="SECdt")
    sub(world, "feishu", httpserver.url_for("/feishu"), secret="fs")
    sub(world, "webhook", httpserver.url_for("/hook"))
    alert(world, "a1")
    run = deliver(world.db, settings_for(tmp_path), NOW, sender(tmp_path))
    assert (run.planned, run.sent) == (4, 4)
    bodies = {req.path: (json.loads(req.data), req.query_string) for req, _ in httpserver.log}
    wecom, _ = bodies["/wecom"]
    assert wecom["msgtype"] == "markdown" and "规则命中：a1" in wecom["markdown"]["content"]
    assert "https://desk.example/alerts" in wecom["markdown"]["content"]
    ding, query = bodies["/dingtalk"]
    assert ding["msgtype"] == "markdown" and ding["markdown"]["title"] == "规则命中：a1"
    params = parse_qs(query.decode())
    assert params["timestamp"] == [str(int(CLOCK * 1000))]
    assert params["sign"] == [dingtalk_sign("SECdt", int(CLOCK * 1000))]
    feishu, _ = bodies["/feishu"]
    assert feishu["msg_type"] == "text" and "口罩涨价" in feishu["content"]["text"]
    assert feishu["timestamp"] == str(int(CLOCK)) and feishu["sign"] == feishu_sign(
        "fs", int(CLOCK)
    )
    assert bodies["/hook"][0]["title"] == "规则命中：a1"
    assert deliver(world.db, settings_for(tmp_path), NOW, sender(tmp_path)).planned == 0


def test_a_failing_endpoint_is_retried_with_backoff_then_given_up(
    world: World, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/down").respond_with_data("boom", status=500)
    sub(world, "webhook", httpserver.url_for("/down"))
    alert(world, "a1")
    when = NOW
    for attempt in range(1, MAX_ATTEMPTS + 1):
        deliver(world.db, settings_for(tmp_path), when, sender(tmp_path))
        (delivery,) = deliveries(world)
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert delivery.status == "pending" and delivery.next_attempt_at is not None
            wait = delivery.next_attempt_at - when
            assert wait == timedelta(minutes=2 ** (attempt - 1))
            assert deliver(world.db, settings_for(tmp_path), when, sender(tmp_path)).sent == 0
            when = delivery.next_attempt_at
    assert delivery.status == "failed" and "HTTP 500" in (delivery.last_error or "")
    assert [e["outcome"] for e in delivery.log] == ["error"] * MAX_ATTEMPTS
    assert len(httpserver.log) == MAX_ATTEMPTS


def test_a_robot_that_refuses_in_its_body_is_a_failure(
    world: World, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/wecom").respond_with_json({"errcode": 93000, "errmsg": "invalid"})
    sub(world, "wecom", httpserver.url_for("/wecom"))
    alert(world, "a1")
    deliver(world.db, settings_for(tmp_path), NOW, sender(tmp_path))
    (delivery,) = deliveries(world)
    assert delivery.status == "pending" and "93000" in (delivery.last_error or "")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_email_goes_through_smtp(world: World, smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    sub(world, "email", "head@gov.example", user=world.signer)
    alert(world, "a1")
    more = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "yuqing@gov.example"}
    run = deliver(world.db, settings_for(tmp_path, **more), NOW, sender(tmp_path, **more))
    assert run.sent == 1
    ((to, raw),) = inbox.messages
    message = message_from_bytes(raw)
    assert to == ["head@gov.example"]
    assert "规则命中：a1" in str(make_header(decode_header(message["Subject"])))


def test_email_without_a_server_fails_clearly(world: World, tmp_path: Path) -> None:
    sub(world, "email", "head@gov.example", user=world.signer)
    alert(world, "a1")
    deliver(world.db, settings_for(tmp_path), NOW, sender(tmp_path))
    assert "smtp_host" in (deliveries(world)[0].last_error or "")


def test_quiet_hours_postpone_to_their_end(world: World, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    sub(world, "outbox", str(outbox), quiet_start="09:00", quiet_end="18:00")
    alert(world, "a1")
    run = deliver(world.db, settings_for(tmp_path), NOW, sender(tmp_path))
    assert (run.sent, run.postponed) == (0, 1)
    end = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 18:00 Shanghai
    assert deliveries(world)[0].next_attempt_at == end
    assert deliver(world.db, settings_for(tmp_path), end, sender(tmp_path)).sent == 1
    assert json.loads(outbox.read_text(encoding="utf-8"))["title"] == "规则命中：a1"


def test_the_rate_limit_postpones_the_surplus(world: World, tmp_path: Path) -> None:
    sub(world, "outbox", str(tmp_path / "o.jsonl"), per_hour=2)
    for key in ("a1", "a2", "a3"):
        alert(world, key)
    run = deliver(world.db, settings_for(tmp_path), NOW, sender(tmp_path))
    assert (run.sent, run.postponed) == (2, 1)
    later = deliveries(world)[2].next_attempt_at
    assert later == NOW + timedelta(hours=1)
    assert deliver(world.db, settings_for(tmp_path), later, sender(tmp_path)).sent == 1


def test_responders_hear_only_of_their_own_departments_cases(world: World, tmp_path: Path) -> None:
    sub(world, "outbox", str(tmp_path / "h.jsonl"), user=world.responder_health)
    sub(world, "outbox", str(tmp_path / "m.jsonl"), user=world.responder_market)
    sub(world, "outbox", str(tmp_path / "s.jsonl"), user=world.signer)
    alert(world, "overdue", audience={"department_id": world.health})
    alert(world, "desk-only")
    deliver(world.db, settings_for(tmp_path), NOW, sender(tmp_path))
    assert (tmp_path / "h.jsonl").read_text(encoding="utf-8").count("\n") == 1
    assert not (tmp_path / "m.jsonl").exists()
    assert (tmp_path / "s.jsonl").read_text(encoding="utf-8").count("\n") == 2
