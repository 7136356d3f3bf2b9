"""The alerts an analyst reads: grouped by what they are about (rule, topic, place,
event, or their kind), each naming its hours and linked to the records behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from yuqing.analyse.bursts import DIMENSION_LABELS
from yuqing.desk.subscriptions import ALERT_KINDS
from yuqing.errors import BadInput
from yuqing.store.models import SEVERITY_LABELS, Alert

PER_PAGE = 50
SEVERITIES = {str(k): v for k, v in SEVERITY_LABELS.items()}
STATES = {"open": "未确认", "acked": "已确认"}
# Which item-list filter a spike's dimension is.
ITEM_FILTER = {"rule": "rule", "topic": "topic", "place": "place", "event": "event"}
DELIVERY_STATUS = {"pending": "待发送", "sent": "已发送", "failed": "失败", "held": "暂缓"}
DELIVERY_OUTCOMES = {
    "sent": "已发送",
    "failed": "发送失败",
    "retry": "稍后重试",
    "error": "发送出错",
    "postponed": "推迟（免打扰或超出每小时上限）",
    "quiet": "免打扰时段，推迟",
    "limited": "超出每小时上限，推迟",
    "skipped": "跳过",
}


@dataclass(frozen=True)
class AlertFilters:
    kind: str = ""
    dimension: str = ""  # of spikes: rule, topic, place, event
    state: str = ""  # open, acked
    page: int = 1

    def __post_init__(self) -> None:
        if self.kind and self.kind not in ALERT_KINDS and self.kind != "privacy_request":
            raise BadInput(f"未知的预警类型：{self.kind}")
        if self.dimension and self.dimension not in DIMENSION_LABELS:
            raise BadInput(f"未知的预警维度：{self.dimension}")
        if self.state and self.state not in STATES:
            raise BadInput(f"未知的确认状态：{self.state}")

    def query(self, **changes: Any) -> str:
        values = {"kind": self.kind, "dimension": self.dimension, "state": self.state} | changes
        return urlencode({k: v for k, v in values.items() if v})


@dataclass(frozen=True)
class AlertRow:
    alert: Alert
    kind: str  # in Chinese
    about: str  # 监测规则 / 话题 / 地区 / 事件, or the kind again
    severity: str
    link: str  # the records behind it, "" when there are none to show


@dataclass(frozen=True)
class AlertPage:
    rows: list[AlertRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]  # per group (dimension of spikes, or kind), all states


def _where(filters: AlertFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.dimension:
        prefix = f"spike:{filters.dimension}:"
        where.append(Alert.dedupe_key.startswith(prefix, autoescape=True))
    elif filters.kind:
        where.append(Alert.kind == filters.kind)
    if filters.state == "open":
        where.append(Alert.acknowledged_at.is_(None))
    elif filters.state == "acked":
        where.append(Alert.acknowledged_at.is_not(None))
    return where


def alert_page(session: Session, filters: AlertFilters) -> AlertPage:
    where = _where(filters)
    total = session.scalar(select(func.count()).select_from(Alert).where(*where)) or 0
    alerts = session.scalars(
        select(Alert)
        .where(*where)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(PER_PAGE)
        .offset((max(filters.page, 1) - 1) * PER_PAGE)
    ).all()
    return AlertPage(
        [_row(a) for a in alerts],
        total,
        filters.page,
        max(1, -(-total // PER_PAGE)),
        _group_counts(session),
    )


def _group_counts(session: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind, key in session.execute(select(Alert.kind, Alert.dedupe_key)):
        group = key.split(":")[1] if kind == "spike" and key.count(":") >= 2 else kind
        counts[group] = counts.get(group, 0) + 1
    return counts


def _row(alert: Alert) -> AlertRow:
    detail = alert.detail or {}
    dimension = str(detail.get("dimension", ""))
    about = DIMENSION_LABELS.get(dimension, "") if alert.kind == "spike" else ""
    return AlertRow(
        alert,
        ALERT_KINDS.get(alert.kind, "个人信息保护" if alert.kind == "privacy_request" else "其他"),
        about or ALERT_KINDS.get(alert.kind, ""),
        SEVERITIES.get(alert.severity or "", ""),
        _link(alert.kind, detail),
    )


def _link(kind: str, detail: dict[str, Any]) -> str:
    """Where the records behind an alert are listed."""
    if kind == "spike" and detail.get("dimension") in ITEM_FILTER:
        params = {ITEM_FILTER[detail["dimension"]]: detail.get("key", "")}
        if "window_start" in detail:
            params |= {"after": detail["window_start"], "before": detail["window_end"]}
        return f"/items?{urlencode(params)}"
    if kind == "claim_match" and detail.get("claim_id"):
        return f"/items?claim={detail['claim_id']}"
    if kind == "rule_hit" and detail.get("rule_id"):
        return f"/items?rule={detail['rule_id']}"
    if detail.get("case_id"):
        return f"/cases/{detail['case_id']}"
    if detail.get("item_id"):
        return f"/items/{detail['item_id']}"
    if detail.get("source_id"):
        return "/sources"
    if kind in ("report_reminder", "directive_reminder"):
        return "/network"
    return ""


def group_labels() -> dict[str, str]:
    """The page's tabs: spikes per dimension, then the other kinds."""
    labels = {f"dimension={d}": f"热度突增·{label}" for d, label in DIMENSION_LABELS.items()}
    labels |= {f"kind={k}": label for k, label in ALERT_KINDS.items() if k != "spike"}
    return labels
