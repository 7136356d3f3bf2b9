"""Privacy-leak leads: a request to the platform's privacy team to protect the people listed.

The request carries the item's public link and nothing else. It never asks a
platform to remove speech, block anyone or say who posted; it only asks that the
personal data of the people the post exposes be protected under the platform's rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.desk.audit import audit
from yuqing.errors import BadInput, NotFound
from yuqing.store.alerts import raise_alert
from yuqing.store.models import Alert, Case, Delivery, Item
from yuqing.store.types import utcnow

PRIVACY_KIND = "privacy_protection"
REQUEST_TEXT = (
    "您好：以下公开链接中的内容公开了他人的个人信息（如姓名、电话、住址、证件号等）。"
    "请贵平台依据个人信息保护相关规定和平台规则，保护其中所列人员的个人信息。"
    "本请求不要求删除或屏蔽任何言论，也不要求提供发布者或任何人的身份信息。\n链接：{url}"
)


def privacy_channel(target: str) -> str:
    """E-mail or webhook, from the shape of the configured target."""
    return "webhook" if target.startswith(("http://", "https://")) else "email"


def open_privacy_case(
    session: Session, settings: Settings, user_id: int, item_id: int, now: datetime | None = None
) -> Case:
    """Open the request as a case and queue its delivery to the platform privacy channel."""
    now = now or utcnow()
    target = settings.privacy_channel.strip()
    if not target:
        raise BadInput("未配置平台隐私保护渠道（privacy_channel），无法发送保护请求")
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"条目 {item_id} 不存在")
    if not item.privacy_lead:
        raise BadInput(f"条目 {item_id} 不是个人信息泄露线索")
    if not item.url:
        raise BadInput(f"条目 {item_id} 没有公开链接，无法请求平台保护")
    body = REQUEST_TEXT.format(url=item.url)
    case = Case(
        title="个人信息保护请求",
        kind=PRIVACY_KIND,
        description=body,
        item_id=item.id,
        department_id=None,
        target=target,
        deadline=now + timedelta(days=3),
        created_by_id=user_id,
    )
    session.add(case)
    session.flush()
    key = f"privacy_request:{case.id}"
    raise_alert(
        session,
        kind="privacy_request",
        title=case.title,
        dedupe_key=key,
        detail={"case_id": case.id, "body": body, "audience": {"none": True}},
    )
    alert_id = session.query(Alert.id).filter(Alert.dedupe_key == key).scalar()
    session.add(
        Delivery(
            alert_id=alert_id,
            subscription_id=None,
            channel=privacy_channel(target),
            target=target,
            status="pending",
            next_attempt_at=now,
        )
    )
    audit(session, user_id, "case.privacy_request", "case", case.id, item_id=item.id, target=target)
    return case
