"""Who hears about which alerts: subscriptions, their quiet hours and rate limits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.desk.audit import audit
from yuqing.desk.channels import CHANNELS
from yuqing.errors import BadInput, NotFound
from yuqing.store.models import Subscription, User

DEFAULT_PER_HOUR = 20
ALERT_KINDS = {
    "rule_hit": "规则命中",
    "spike": "热度突增",
    "source_silent": "信息源沉默",
    "source_failing": "信息源故障",
    "case_overdue": "督办逾期",
    "case_escalated": "督办升级",
    "claim_match": "谣言再现",
    "report_reminder": "报送提醒",
    "analysis_problem": "分析异常",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Limits:
    """A subscription's quiet hours (local clock times) and hourly rate limit."""

    quiet_start: time | None
    quiet_end: time | None
    per_hour: int

    @classmethod
    def of(cls, settings: dict[str, Any]) -> Limits:
        return cls(
            _clock(settings.get("quiet_start")),
            _clock(settings.get("quiet_end")),
            int(settings.get("per_hour") or DEFAULT_PER_HOUR),
        )

    def quiet_until(self, now: datetime, tz: ZoneInfo) -> datetime | None:
        """The end of the quiet hours ``now`` falls in, or None when it is not quiet."""
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return None
        local = now.astimezone(tz)
        clock = local.time().replace(tzinfo=None)
        start, end = self.quiet_start, self.quiet_end
        overnight = start > end
        quiet = (clock >= start or clock < end) if overnight else start <= clock < end
        if not quiet:
            return None
        end_day = local.date() + timedelta(days=1) if overnight and clock >= start else local.date()
        return datetime.combine(end_day, end, tz)


def _clock(value: object) -> time | None:
    if not value:
        return None
    match = _CLOCK.match(str(value))
    if match is None:
        raise BadInput(f"时间应为 HH:MM：{value}")
    return time(int(match.group(1)), int(match.group(2)))


def check_target(channel: str, target: str) -> None:
    if channel not in CHANNELS:
        raise BadInput(f"未知的推送渠道：{channel}")
    if channel == "email" and not _EMAIL.match(target):
        raise BadInput(f"邮箱地址无效：{target}")
    if channel in ("webhook", "wecom", "dingtalk", "feishu") and not target.startswith(
        ("http://", "https://")
    ):
        raise BadInput(f"Webhook 地址应以 http:// 或 https:// 开头：{target}")
    if channel == "outbox" and not target.strip():
        raise BadInput("本地发件箱需要文件路径")


def subscribe(
    session: Session,
    actor_id: int | None,
    *,
    user_id: int | None,
    channel: str,
    target: str,
    kinds: Sequence[str] = (),
    settings: dict[str, Any] | None = None,
) -> Subscription:
    target = target.strip()
    check_target(channel, target)
    unknown = [k for k in kinds if k not in ALERT_KINDS]
    if unknown:
        raise BadInput(f"未知的预警类型：{'、'.join(unknown)}")
    options = dict(settings or {})
    Limits.of(options)  # refuses malformed quiet hours now rather than at delivery time
    if user_id is not None and session.get(User, user_id) is None:
        raise NotFound(f"用户 {user_id} 不存在")
    subscription = Subscription(
        user_id=user_id, channel=channel, target=target, kinds=list(kinds), settings=options
    )
    session.add(subscription)
    session.flush()
    audit(
        session,
        actor_id,
        "subscription.create",
        "subscription",
        subscription.id,
        channel=channel,
        kinds=list(kinds),
    )
    return subscription


def set_enabled(session: Session, actor_id: int, subscription_id: int, enabled: bool) -> None:
    subscription = session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound(f"订阅 {subscription_id} 不存在")
    subscription.enabled = enabled
    audit(
        session,
        actor_id,
        "subscription.enable" if enabled else "subscription.disable",
        "subscription",
        subscription_id,
    )


def list_subscriptions(session: Session) -> Sequence[tuple[Subscription, str | None]]:
    return session.execute(
        select(Subscription, User.display_name)
        .outerjoin(User, User.id == Subscription.user_id)
        .order_by(Subscription.id)
    ).all()
