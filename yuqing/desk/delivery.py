"""The delivery worker: every new alert × matching subscription becomes one Delivery, sent
now, after the subscriber's quiet hours, or later when the hourly limit is used up;
a failed attempt is retried with exponential backoff until MAX_ATTEMPTS, then "failed".

Rate limit: the surplus is postponed (not folded into a digest) until the oldest
send of the last hour leaves the window, so every alert still arrives on its own.
Serious alerts go out during quiet hours too; nothing else does.

Each attempt is claimed by a conditional UPDATE (a short lease on next_attempt_at),
so two workers never send the same delivery; the network call runs outside any
database transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.desk.channels import DeliveryFailed, Notice, Sender
from yuqing.desk.subscriptions import Limits
from yuqing.store.db import Database
from yuqing.store.models import Alert, Delivery, Role, Subscription, User, UserRole

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)
LEASE = timedelta(minutes=5)
# Alerts older than this when a subscription first sees them are not sent any more.
FRESH = timedelta(days=2)
DESK_ROLES = {Role.ADMIN.value, Role.ANALYST.value, Role.EDITOR.value, Role.SIGNER.value}


@dataclass
class DeliveryRun:
    planned: int = 0
    sent: int = 0
    failed_attempts: int = 0
    given_up: int = 0
    postponed: int = 0


def audience_allows(detail: dict[str, Any], grants: list[tuple[str, int | None]]) -> bool:
    """Whether a subscriber holding ``grants`` may hear of this alert.

    Admin-configured robots (no user) hear everything they subscribed to; a
    responder only hears of their own department's cases; an alert for the desk
    head goes to signers only; the desk hears every alert meant for the desk."""
    audience = detail.get("audience") or {}
    if audience.get("none"):
        return False
    roles = {role for role, _ in grants}
    if "role" in audience:
        return audience["role"] in roles or Role.ADMIN.value in roles
    if "department_id" in audience:
        departments = {unit for role, unit in grants if role == Role.RESPONDER.value}
        return audience["department_id"] in departments or bool(roles & DESK_ROLES)
    return bool(roles & DESK_ROLES)


def plan(session: Session, now: datetime, fresh: timedelta = FRESH) -> int:
    """Create the missing deliveries for recent alerts (dated within ``fresh`` of now; a
    spike is dated by its hour); one per alert × subscription."""
    pairs = session.execute(
        select(Alert.id, Alert.kind, Alert.detail, Subscription)
        .join(Subscription, Subscription.enabled.is_(True))
        .where(Alert.created_at >= now - fresh, Alert.created_at >= Subscription.created_at)
        .where(
            ~select(Delivery.id)
            .where(Delivery.alert_id == Alert.id, Delivery.subscription_id == Subscription.id)
            .exists()
        )
    ).all()
    if not pairs:
        return 0
    grants = _grants(session, {s.user_id for *_, s in pairs if s.user_id is not None})
    rows = [
        {
            "alert_id": alert_id,
            "subscription_id": sub.id,
            "channel": sub.channel,
            "target": sub.target,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "log": [],
            "created_at": now,
        }
        for alert_id, kind, detail, sub in pairs
        if _wanted(sub, kind, detail or {}, grants)
    ]
    if not rows:
        return 0
    insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    statement = (
        insert(Delivery)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["alert_id", "subscription_id"])
        .returning(Delivery.id)
    )
    return len(session.execute(statement).all())


def _wanted(
    sub: Subscription,
    kind: str,
    detail: dict[str, Any],
    grants: dict[int, list[tuple[str, int | None]]],
) -> bool:
    if sub.kinds and kind not in sub.kinds:
        return False
    if sub.user_id is None:  # a robot or list an administrator configured
        return not (detail.get("audience") or {}).get("none")
    return audience_allows(detail, grants.get(sub.user_id, []))


def _grants(session: Session, user_ids: set[int]) -> dict[int, list[tuple[str, int | None]]]:
    found: dict[int, list[tuple[str, int | None]]] = {}
    rows = session.execute(
        select(UserRole.user_id, UserRole.role, UserRole.unit_id, User.unit_id, User.active)
        .join(User, User.id == UserRole.user_id)
        .where(UserRole.user_id.in_(user_ids))
    ).all()
    for user_id, role, unit, home, active in rows:
        if active:
            found.setdefault(user_id, []).append((role, unit if unit is not None else home))
    return found


def due(session: Session, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(Delivery.id)
            .where(
                Delivery.status == "pending",
                or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            )
            .order_by(Delivery.id)
        )
    )


def _claim(db: Database, delivery_id: int, now: datetime) -> bool:
    with db.transaction() as session:
        result = session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status == "pending",
                or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            )
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Job:
    channel: str
    target: str
    notice: Notice
    options: dict[str, Any]
    limits: Limits
    subscription_id: int | None


def _job(session: Session, delivery: Delivery, settings: Settings) -> _Job:
    alert = session.get(Alert, delivery.alert_id)
    assert alert is not None  # deliveries are deleted with their alert
    subscription = (
        session.get(Subscription, delivery.subscription_id) if delivery.subscription_id else None
    )
    options = dict(subscription.settings) if subscription else {}
    return _Job(
        delivery.channel,
        delivery.target,
        notice_for(alert, settings.public_url),
        options,
        Limits.of(options),
        delivery.subscription_id,
    )


def notice_for(alert: Alert, base_url: str) -> Notice:
    detail = alert.detail or {}
    if "case_id" in detail and alert.kind.startswith("case"):
        link = f"/cases/{detail['case_id']}"
    elif "item_id" in detail:
        link = f"/items/{detail['item_id']}"
    else:
        link = "/alerts"
    body = str(detail.get("body") or "")
    return Notice(
        alert.title, body, f"{base_url}{link}" if base_url else link, alert.kind, alert.severity
    )


def _postpone_until(
    session: Session, job: _Job, severity: str | None, now: datetime, settings: Settings
) -> tuple[datetime, str] | None:
    if severity != "serious" and (until := job.limits.quiet_until(now, settings.tz)):
        return until, "免打扰时段，推迟发送"
    if job.subscription_id is None:
        return None
    window = now - timedelta(hours=1)
    sent, oldest = session.execute(
        select(func.count(), func.min(Delivery.sent_at)).where(
            and_(Delivery.subscription_id == job.subscription_id, Delivery.sent_at > window)
        )
    ).one()
    if sent >= job.limits.per_hour and oldest is not None:
        return oldest + timedelta(hours=1), f"超过每小时 {job.limits.per_hour} 条的限额，推迟发送"
    return None


def attempt(db: Database, sender: Sender, delivery_id: int, now: datetime) -> str:
    """One attempt at one delivery; returns sent, postponed, retry, failed or skipped."""
    if not _claim(db, delivery_id, now):
        return "skipped"
    with db.reading() as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        job = _job(session, delivery, sender.settings)
        later = _postpone_until(session, job, job.notice.severity, now, sender.settings)
    if later is not None:
        return _record(db, delivery_id, now, postponed=later)
    try:
        sender.send(job.channel, job.target, job.notice, job.options)
    except DeliveryFailed as exc:
        return _record(db, delivery_id, now, error=exc.message)
    return _record(db, delivery_id, now)


def _record(
    db: Database,
    delivery_id: int,
    now: datetime,
    *,
    error: str | None = None,
    postponed: tuple[datetime, str] | None = None,
) -> str:
    with db.transaction() as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        entry: dict[str, Any] = {"at": now.isoformat()}
        if postponed is not None:
            delivery.next_attempt_at = postponed[0]
            entry |= {"outcome": "postponed", "reason": postponed[1]}
            outcome = "postponed"
        elif error is None:
            delivery.attempts += 1
            delivery.status, delivery.sent_at, delivery.next_attempt_at = "sent", now, None
            delivery.last_error = None
            entry |= {"outcome": "sent", "attempt": delivery.attempts}
            outcome = "sent"
        else:
            delivery.attempts += 1
            delivery.last_error = error
            entry |= {"outcome": "error", "attempt": delivery.attempts, "error": error}
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = "failed", None
                outcome = "failed"
            else:
                delivery.next_attempt_at = now + BACKOFF * 2 ** (delivery.attempts - 1)
                outcome = "retry"
        delivery.log = [*(delivery.log or []), entry]
        channel = delivery.channel
    level = logging.WARNING if outcome in ("retry", "failed") else logging.INFO
    logger.log(
        level,
        "delivery %d via %s: %s%s",
        delivery_id,
        channel,
        outcome,
        f" ({error})" if error else "",
    )
    return outcome


def deliver(
    db: Database,
    settings: Settings,
    now: datetime,
    sender: Sender | None = None,
    *,
    fresh: timedelta = FRESH,
) -> DeliveryRun:
    """Plan new deliveries and make every attempt that has fallen due; ``fresh`` is how
    far back an alert may be dated and still be sent (the demo replays a past week)."""
    run = DeliveryRun()
    with db.transaction() as session:
        run.planned = plan(session, now, fresh)
    with db.reading() as session:
        ids = due(session, now)
    if not ids:
        return run
    own = sender is None
    sender = sender or Sender(settings)
    try:
        for delivery_id in ids:
            outcome = attempt(db, sender, delivery_id, now)
            run.sent += outcome == "sent"
            run.failed_attempts += outcome in ("retry", "failed")
            run.given_up += outcome == "failed"
            run.postponed += outcome == "postponed"
    finally:
        if own:
            sender.close()
    return run
