"""The alerts page: recent alerts, subscriptions (admins manage them) and the delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from yuqing.desk.alert_list import (
    DELIVERY_OUTCOMES,
    DELIVERY_STATUS,
    STATES,
    AlertFilters,
    alert_page,
    group_labels,
)
from yuqing.desk.audit import audit
from yuqing.desk.channels import CHANNEL_LABELS
from yuqing.desk.subscriptions import ALERT_KINDS, list_subscriptions, set_enabled, subscribe
from yuqing.errors import NotFound
from yuqing.store.models import Alert, Delivery
from yuqing.store.types import utcnow
from yuqing.web.deps import AdminUser, DeskUser, ReadSession, TemplatesDep, WriteSession
from yuqing.web.params import MAX_PAGE, Id, parse_int

router = APIRouter()
SHOWN = 200


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    templates: TemplatesDep,
    status: str = "",
    channel: str = "",
    kind: str = "",
    dimension: str = "",
    state: str = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    filters = AlertFilters(kind, dimension, state, page)
    deliveries = select(Delivery, Alert.title).join(Alert, Alert.id == Delivery.alert_id)
    if status:
        deliveries = deliveries.where(Delivery.status == status)
    if channel:
        deliveries = deliveries.where(Delivery.channel == channel)
    context = {
        "user": user,
        "filters": filters,
        "found": alert_page(session, filters),
        "groups": group_labels(),
        "states": STATES,
        "delivery_status": DELIVERY_STATUS,
        "outcomes": DELIVERY_OUTCOMES,
        "deliveries": session.execute(deliveries.order_by(Delivery.id.desc()).limit(SHOWN)).all(),
        "subscriptions": list_subscriptions(session),
        "kinds": ALERT_KINDS,
        "channels": CHANNEL_LABELS,
        "status": status,
        "channel": channel,
        "query": str(request.query_params),
    }
    return templates.TemplateResponse(request, "desk/alerts.html", context)


@router.post("/alerts/{alert_id}/ack")
def alert_ack(
    alert_id: Id, user: DeskUser, session: WriteSession, query: Annotated[str, Form()] = ""
) -> Response:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"预警 {alert_id} 不存在")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = utcnow(), user.user_id
        audit(session, user.user_id, "alert.ack", "alert", alert_id)
    return RedirectResponse(f"/alerts?{query}" if query else "/alerts", status_code=303)


@router.post("/alerts/subscriptions")
def subscription_add(
    user: AdminUser,
    session: WriteSession,
    channel: Annotated[str, Form()],
    target: Annotated[str, Form()],
    user_id: Annotated[str, Form()] = "",
    kinds: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI reads the default only
    quiet_start: Annotated[str, Form()] = "",
    quiet_end: Annotated[str, Form()] = "",
    per_hour: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
) -> Response:
    options = {
        k: v
        for k, v in {
            "quiet_start": quiet_start,
            "quiet_end": quiet_end,
            "per_hour": parse_int(per_hour),
            "secret": secret,
        }.items()
        if v
    }
    subscribe(
        session,
        user.user_id,
        user_id=parse_int(user_id),
        channel=channel,
        target=target,
        kinds=kinds,
        settings=options,
    )
    return RedirectResponse("/alerts", status_code=303)


@router.post("/alerts/subscriptions/{subscription_id}/toggle")
def subscription_toggle(
    subscription_id: Id, user: AdminUser, session: WriteSession, enabled: Annotated[str, Form()]
) -> Response:
    set_enabled(session, user.user_id, subscription_id, enabled == "1")
    return RedirectResponse("/alerts", status_code=303)
