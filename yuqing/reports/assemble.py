"""Assemble a daily or period report from the data: every figure with its key.

Section order follows the desk's hand-typed daily report: the overall picture, key
events and items (舆情要点), rumours and clarifications, cases, field reports, the
communication work, then the editor's 研判, 对策建议 and 下一步工作.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from yuqing.reports import figures as f
from yuqing.reports import network_figures as nf
from yuqing.reports import rumour_figures as rf
from yuqing.reports import scan
from yuqing.reports import view_figures as vf
from yuqing.reports.content import Builder, Cell, fig_cell, link_cell, number_text
from yuqing.reports.stories import StoryLine, key_stories
from yuqing.reports.windows import Window

SENTIMENT_LABELS = {
    "negative": "负面",
    "neutral": "中性",
    "positive": "正面",
    "unanalysed": "未分析",
}
TREND_LABELS = {"up": "上升", "down": "回落", "flat": "平稳"}
LAPSE_LABELS = {"late": "迟报", "missing": "缺报"}


@dataclass(frozen=True)
class Scope:
    """What a report is about: its kind, window, event and its own id (for adoptions)."""

    kind: str
    window: Window
    now: datetime
    report_id: int | None = None
    event_id: int | None = None


def window_json(window: Window) -> dict[str, str]:
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "label": window.label(),
    }


def assemble_overview(session: Session, scope: Scope, title: str) -> dict[str, Any]:
    """The content of a daily, period or bulletin report."""
    b = Builder()
    window = scope.window
    overall(b, session, window, scan.window_items(session, window))
    found = rf.rumours(session, window)
    key_points(b, session, window, found)
    rumour_section(b, found)
    cases(b, session, window)
    network(b, session, scope)
    communication(b, session, window, scan.channels(session, window))
    return b.content(scope.kind, title, window_json(window), None)


def overall(b: Builder, session: Session, window: Window, items: scan.WindowItems) -> None:
    t = items.totals
    s = b.section("overall", "舆情总体情况")
    share = f"{t.epidemic / t.total * 100:.1f}%" if t.total else "0%"
    s.para(
        f"{window.label()}，共监测到相关公开信息",
        b.fig("items", "监测信息总量", t.total),
        "条，其中涉疫信息",
        b.fig("items:epidemic", "涉疫信息", t.epidemic),
        f"条（占{share}），涉及本地信息",
        b.fig("items:local", "涉本地信息", t.local),
        "条。",
    )
    parts: list[Any] = ["从情感倾向看，"]
    for key, label in SENTIMENT_LABELS.items():
        if t.sentiment.get(key):
            parts += [f"{label}", b.fig(f"items:sentiment:{key}", f"{label}信息", t.sentiment[key])]
            parts.append("条，")
    if len(parts) > 1:
        parts[-1] = "条。"
        s.para(*parts)
    b.add_chart("volume", "信息量走势", "line", items.volume)
    s.chart("volume")
    topics = items.topics
    if topics:
        parts = ["从话题看，"]
        for name, n in topics:
            parts += [f"{name}", b.fig(f"items:topic:{name}", f"话题“{name}”", n), "条、"]
        parts[-1] = "条。"
        s.para(*parts)
        b.add_chart("topics", "话题分布", "bar", [(name, n) for name, n in topics])
        s.chart("topics")
    places = f.place_counts(session, window)
    if places:
        parts = ["从地域看，"]
        for code, name, n in places:
            parts += [name, b.fig(f"items:place:{code}", f"涉及{name}", n), "条、"]
        parts[-1] = "条。"
        s.para(*parts)
        if vf.add_map(b, s, vf.place_view(session, window)[0], "地域分布"):
            s.table(
                ["地域", "信息（条）"],
                [[name, fig_cell(n, f"items:place:{code}")] for code, name, n in places],
            )
        elif len(places) > 1:
            b.add_chart("places", "地域分布", "hbar", [(name, n) for _, name, n in places])
            s.chart("places")
    vf.add_terms(b, s, vf.report_terms(session, window), "关键词云")


HEAT_NOTE = (
    "注：热度按互动量计算，即点赞数加转发数、评论数的2倍，再加阅读数的1/50，"
    "取自然对数后加1，乘以来源权重；事件热度为本期该事件各条信息热度之和，"
    "与重点信息的热度同一尺度。"
)
RUMOUR_MARKS = {"confirmed": "已确认", "candidate": "待核实"}


def key_points(b: Builder, session: Session, window: Window, r: rf.Rumours) -> None:
    s = b.section("key_points", "舆情要点")
    events = f.key_events(session, window)
    if events:
        s.subheading("热点事件")
        rows: list[list[Cell]] = []
        for e in events:
            b.fig(f"items:event:{e.id}", f"事件“{e.title}”本期信息", e.in_window)
            mark = "confirmed" if e.id in r.events else "candidate"
            rumour = e.id in r.events or e.id in r.candidate_events
            rows.append(
                [
                    link_cell(e.title, f"/events/{e.id}"),
                    fig_cell(e.in_window, f"items:event:{e.id}"),
                    number_text(e.heat),
                    RUMOUR_MARKS[mark] if rumour else "—",
                    TREND_LABELS.get(e.trend or "", "—"),
                ]
            )
        s.table(["事件", "本期信息", "热度", "涉谣", "趋势"], rows)
    stories = key_stories(session, window)
    if stories:
        s.subheading("重点信息")
        for story in stories:
            s.para(story_para(story, window))
    if events or stories:
        s.note(HEAT_NOTE)
    else:
        s.para("本期未发现需要重点关注的事件。")


def story_para(story: StoryLine, window: Window) -> str:
    """One key story, printed once: its text, then where, when and how far it spread."""
    when = story.published_at.astimezone(window.tz).strftime("%m月%d日%H:%M")
    source = story.source or "来源不详"
    spread = f"热度{number_text(story.heat)}，转载{story.copies}次、转发{story.reposts}次"
    return f"{story.text}（{source}，{when}，{spread}）"


def rumours(b: Builder, session: Session, window: Window, *where: Any) -> rf.Rumours:
    r = rf.rumours(session, window, *where)
    rumour_section(b, r)
    return r


def rumour_section(b: Builder, r: rf.Rumours) -> None:
    s = b.section("rumours", "谣言与辟谣")
    s.para(
        "本期经核实确认涉及已知谣言的信息",
        b.fig("rumour_items", "确认涉谣信息", r.items),
        "条（涉及谣言",
        b.fig("rumours", "确认涉及的谣言", r.claims),
        "条、事件",
        b.fig("rumour_events", "确认涉谣事件", len(r.events), "个"),
        "个）；疑似涉谣、待核实的信息",
        b.fig("rumour_items:candidate", "待核实涉谣信息", r.candidate_items),
        "条（涉及谣言",
        b.fig("rumours:candidate", "待核实涉及的谣言", r.candidate_claims),
        "条、事件",
        b.fig("rumour_events:candidate", "待核实涉谣事件", len(r.candidate_events), "个"),
        "个）；发布辟谣澄清",
        b.fig("clarified", "发布辟谣", len(r.clarified)),
        "条。",
    )
    if r.top:
        rows: list[list[Cell]] = []
        for c in r.top:
            key = f"rumour_items:claim:{c.id}"
            waiting = f"rumour_items:candidate:claim:{c.id}"
            b.fig(key, f"确认涉谣言“{c.text[:20]}”信息", c.confirmed)
            b.fig(waiting, f"待核实涉谣言“{c.text[:20]}”信息", c.candidate)
            rows.append(
                [
                    c.text,
                    VERDICTS.get(c.verdict, c.verdict),
                    fig_cell(c.confirmed, key),
                    fig_cell(c.candidate, waiting),
                ]
            )
        s.table(["谣言", "结论", "确认信息", "待核实信息"], rows)
    for _, text, authority in r.clarified:
        s.para(f"辟谣：{text}" + (f"（{authority}）" if authority else ""))


VERDICTS = {"false": "谣言", "misleading": "误导", "true": "属实", "unverified": "待核实"}


def cases(b: Builder, session: Session, window: Window) -> None:
    c = f.cases(session, window)
    s = b.section("cases", "诉求督办")
    s.para(
        "本期新交办诉求",
        b.fig("cases:opened", "新交办", c.opened, "件"),
        "件，部门回复",
        b.fig("cases:replied", "已回复", c.replied, "件"),
        "件，超期未办结",
        b.fig("cases:overdue", "超期未办结", c.overdue, "件"),
        "件。",
    )
    if c.overdue_list:
        s.table(
            ["超期诉求", "承办部门", "办理时限"],
            [
                [
                    link_cell(title, f"/cases/{i}"),
                    unit,
                    d.astimezone(window.tz).strftime("%m-%d %H:%M"),
                ]
                for i, title, unit, d in c.overdue_list
            ],
        )


def network(b: Builder, session: Session, scope: Scope) -> None:
    window = scope.window
    fr = nf.field_reports(session, window, scope.report_id)
    lapses = nf.lapses(session, window, scope.now)
    late = [x for x in lapses if x.status == "late"]
    missing = [x for x in lapses if x.status == "missing"]
    s = b.section("network", "信息员报送")
    s.para(
        "本期收到信息员报送",
        b.fig("field:received", "收到报送", fr.received),
        "条、零报告",
        b.fig("field:zero", "零报告", fr.zero, "份"),
        "份，本报告采用",
        b.fig("field:adopted", "采用报送", len(fr.adopted)),
        "条；迟报",
        b.fig("units:late", "迟报单位次", len(late), "家次"),
        "家次，缺报",
        b.fig("units:missing", "缺报单位次", len(missing), "家次"),
        "家次。",
    )
    for _, title, unit in fr.adopted:
        s.para(f"【{unit}】{title}")
    if lapses:
        s.table(
            ["单位", "日期", "情况"],
            [[x.name, x.day.isoformat(), LAPSE_LABELS[x.status]] for x in lapses[:30]],
        )


def communication(b: Builder, session: Session, window: Window, channels: scan.Channels) -> None:
    s = b.section("communication", "宣传引导工作")
    lines = nf.tallies(session, window)
    if lines:
        rows: list[list[Cell]] = []
        for t in lines:
            key = f"tally:{t.code}"
            b.fig(key, f"{t.name}（本期）", t.new, t.measure)
            b.fig(f"{key}:total", f"{t.name}（累计）", t.cumulative, t.measure)
            rows.append(
                [t.name, t.measure, fig_cell(t.new, key), fig_cell(t.cumulative, f"{key}:total")]
            )
        s.table(["项目", "单位", "本期新增", "累计"], rows)
    outlets = channels.outlets
    if outlets:
        for name, n in outlets:
            b.fig(f"items:outlet:{name}", f"{name}发稿", n, "篇")
        s.table(
            ["媒体", "发稿（篇）"],
            [[name, fig_cell(n, f"items:outlet:{name}")] for name, n in outlets],
        )
    units = channels.units
    if units:
        for unit_id, name, n in units:
            b.fig(f"items:unit:{unit_id}", f"{name}报送信息", n)
        s.table(
            ["单位", "信息（条）"],
            [[name, fig_cell(n, f"items:unit:{unit_id}")] for unit_id, name, n in units],
        )
    if not (lines or outlets or units):
        s.para("本期暂无宣传工作统计。")
