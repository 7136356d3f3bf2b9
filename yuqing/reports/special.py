"""Assemble a special report (专报) on one event: what happened, how it spread, where,
what people said (pseudonymised public posts) and what has been done so far."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from yuqing.errors import NotFound
from yuqing.reports import figures as f
from yuqing.reports import network_figures as nf
from yuqing.reports import rumour_figures as rf
from yuqing.reports import scan
from yuqing.reports import view_figures as vf
from yuqing.reports.assemble import (
    HEAT_NOTE,
    SENTIMENT_LABELS,
    TREND_LABELS,
    Scope,
    rumour_section,
    story_para,
    window_json,
)
from yuqing.reports.content import Builder, fig_cell, link_cell, number_text
from yuqing.reports.stories import key_stories
from yuqing.reports.timeline import Response, timeline
from yuqing.reports.windows import Window
from yuqing.store.models import Case, CaseReply, Event, Item, Unit

CASE_STATUS = {"open": "办理中", "replied": "已回复", "escalated": "已升级", "closed": "已办结"}


def event_window(session: Session, event_id: int, tz: Any) -> tuple[Event, Window]:
    """The event and the whole hours from its first to just after its last item."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"事件 {event_id} 不存在")
    start = event.first_seen.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    end = event.last_seen.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return event, Window(start, end + timedelta(hours=1), tz)


def assemble_special(session: Session, scope: Scope, title: str) -> dict[str, Any]:
    if scope.event_id is None:
        raise NotFound("专报需要指定事件")
    event = session.get(Event, scope.event_id)
    if event is None:
        raise NotFound(f"事件 {scope.event_id} 不存在")
    b = Builder()
    of_event = Item.event_id == event.id
    window = scope.window
    items = scan.window_items(session, window, of_event)
    heat = session.scalar(select(func.sum(Item.heat)).where(*scan.in_window(window), of_event))
    summary(b, window, event, items.totals, float(heat or 0))
    found = rf.rumours(session, window, of_event)
    development(b, session, window, found, of_event)
    sources(b, scan.channels(session, window, of_event).sources)
    places(b, session, window, of_event)
    posts(b, session, window, of_event)
    key_terms(b, session, window, of_event)
    rumour_section(b, found)
    clarifications(b, found)
    responses(b, session, event)
    adopted(b, session, scope)
    return b.content("special", title, window_json(window), None)


def development(
    b: Builder, session: Session, window: Window, found: rf.Rumours, *where: Any
) -> None:
    """The volume by hour, then the distinct key posts in time order."""
    s = b.section("timeline", "发展脉络")
    b.add_chart("volume", "信息量走势（按小时）", "line", hourly_volume(session, window, *where))
    s.chart("volume")
    said = tuple(
        Response(c.published_at, c.authority or "辟谣平台", f"发布辟谣：{c.clarification}")
        for c in found.top
        if c.published and c.published_at and c.clarification
    )
    nodes = timeline(session, window, *where, responses=said)
    if not nodes:
        s.para("暂无可列出的关键信息。")
        return
    s.table(
        ["时间", "节点", "来源", "信息"],
        [
            [
                n.post.at.astimezone(window.tz).strftime("%m-%d %H:%M"),
                n.kind,
                n.post.source or "来源不详",
                link_cell(n.text, f"/items/{n.post.id}") if n.post.id else n.text,
            ]
            for n in nodes
        ],
    )


def hourly_volume(session: Session, window: Window, *where: Any) -> list[tuple[str, int]]:
    """Items per local hour over the whole event, however long it ran."""
    rows = scan.hour_counts(session, window.start, window.end, *where)
    by_hour: dict[datetime, int] = {}
    for row in rows:
        by_hour[row.hour] = by_hour.get(row.hour, 0) + row.items
    out = []
    cursor = window.start
    while cursor < window.end:
        label = cursor.astimezone(window.tz).strftime("%d日%H时")
        out.append((label, by_hour.get(cursor, 0)))
        cursor += timedelta(hours=1)
    return out


def summary(b: Builder, window: Window, event: Event, t: scan.Totals, heat: float) -> None:
    s = b.section("summary", "事件概况")
    s.para(
        f"“{event.title}”最早见于{event.first_seen.astimezone(window.tz):%m月%d日%H时%M分}，"
        f"最近一条信息发布于{event.last_seen.astimezone(window.tz):%m月%d日%H时%M分}。"
        "截至目前共监测到相关信息",
        b.fig("items", "事件信息总量", t.total),
        "条，其中涉及本地",
        b.fig("items:local", "涉本地信息", t.local),
        f"条；事件热度{number_text(round(heat, 1))}，"
        f"趋势{TREND_LABELS.get(event.trend or '', '不明')}。",
    )
    parts: list[Any] = ["从情感倾向看，"]
    for key, label in SENTIMENT_LABELS.items():
        if t.sentiment.get(key):
            parts += [
                label,
                b.fig(f"items:sentiment:{key}", f"{label}信息", t.sentiment[key]),
                "条，",
            ]
    if len(parts) > 1:
        parts[-1] = "条。"
        s.para(*parts)
    s.note(HEAT_NOTE)


def sources(b: Builder, rows: list[tuple[int, str, int]]) -> None:
    s = b.section("sources", "传播来源")
    if not rows:
        s.para("暂无来源统计。")
        return
    for source_id, name, n in rows:
        b.fig(f"items:source:{source_id}", f"来自{name}", n)
    if len(rows) > 1:
        b.add_chart("sources", "来源分布", "hbar", [(name, n) for _, name, n in rows])
        s.chart("sources")
    s.table(
        ["来源", "信息（条）"],
        [[name, fig_cell(n, f"items:source:{sid}")] for sid, name, n in rows],
    )


def places(b: Builder, session: Session, window: Window, *where: Any) -> None:
    rows = f.place_counts(session, window, *where)
    s = b.section("places", "涉及地域")
    if not rows:
        s.para("信息未涉及具体地域。")
        return
    drawn = vf.add_map(b, s, vf.place_view(session, window, *where)[0], "地域分布")
    if not drawn and len(rows) > 1:
        b.add_chart("places", "地域分布", "hbar", [(name, n) for _, name, n in rows])
        s.chart("places")
    for code, name, n in rows:
        b.fig(f"items:place:{code}", f"涉及{name}", n)
    s.table(
        ["地域", "信息（条）"],
        [[name, fig_cell(n, f"items:place:{code}")] for code, name, n in rows],
    )


def key_terms(b: Builder, session: Session, window: Window, *where: Any) -> None:
    """What the event's posts say most, against the whole stream (its copies counted)."""
    s = b.section("terms", "关注焦点")
    terms = vf.report_terms(session, window, *where, originals_only=False)
    if not terms:
        s.para("相关信息较少，暂无突出的关键词。")
        return
    vf.add_terms(b, s, terms, "关键词云")


def posts(b: Builder, session: Session, window: Window, *where: Any) -> None:
    """Representative public posts, one per story; authors are the pseudonyms stored at
    ingest."""
    s = b.section("posts", "代表性言论")
    lines = key_stories(session, window, *where, limit=6)
    if not lines:
        s.para("暂无代表性言论。")
    for story in lines:
        s.para(f"{story.author or '网民'}：{story_para(story, window)}")


def clarifications(b: Builder, found: rf.Rumours) -> None:
    """What fact-checkers said of the claims the event's items carry or may carry."""
    said = [c for c in found.top if c.clarification]
    if not said:
        return
    s = b.section("clarifications", "相关辟谣")
    for c in said:
        state = "已发布" if c.published else "待发布"
        who = f"（{c.authority}，{state}）" if c.authority else f"（{state}）"
        s.para(f"关于“{c.text}”：{c.clarification}{who}")


def responses(b: Builder, session: Session, event: Event) -> None:
    """Cases opened on the event or on one of its items."""
    s = b.section("responses", "处置情况")
    replies = (
        select(func.count()).where(CaseReply.case_id == Case.id).correlate(Case).scalar_subquery()
    )
    rows = session.execute(
        select(Case.id, Case.title, Unit.name, Case.status, replies)
        .join(Unit, Unit.id == Case.department_id)
        .where(
            or_(
                Case.event_id == event.id,
                Case.item_id.in_(select(Item.id).where(Item.event_id == event.id)),
            )
        )
        .order_by(Case.created_at, Case.id)
    ).all()
    if rows:
        s.table(
            ["诉求", "承办部门", "状态", "回复"],
            [
                [link_cell(t, f"/cases/{i}"), u, CASE_STATUS.get(st, st), str(n)]
                for i, t, u, st, n in rows
            ],
        )
    else:
        s.para("尚未交办相关诉求。")


def adopted(b: Builder, session: Session, scope: Scope) -> None:
    """The field reports the editor adopted (chosen from those related to the event)."""
    fr = nf.field_reports(session, scope.window, scope.report_id)
    s = b.section("network", "基层报送")
    s.para("本专报采用信息员报送", b.fig("field:adopted", "采用报送", len(fr.adopted)), "条。")
    for _, title, unit in fr.adopted:
        s.para(f"【{unit}】{title}")
