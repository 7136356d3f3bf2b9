"""Every desk list as CSV or XLSX with its filters applied; every export is audited.

Cells that a spreadsheet would read as a formula (=, +, -, @ at the start) are
prefixed with an apostrophe, so an exported post cannot run anything on the
reader's machine.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.desk.audit import audit
from yuqing.desk.cases import KIND_LABELS, STATUS_LABELS, CaseViewer, list_cases
from yuqing.desk.factchecks import VERDICTS, list_claims
from yuqing.errors import BadInput
from yuqing.store.models import (
    ITEM_STATUS_LABELS,
    SEVERITY_LABELS,
    Alert,
    Delivery,
    Event,
    Item,
    Source,
    Unit,
)
from yuqing.store.search import ItemQuery, search_item_ids

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS = 100_000
PAGE = 1000  # the search's largest page
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
STATUSES = {str(k): v for k, v in ITEM_STATUS_LABELS.items()}
SEVERITIES = {str(k): v for k, v in SEVERITY_LABELS.items()}


@dataclass(frozen=True)
class Table:
    name: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    data: bytes


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows([_cell(v) for v in row] for row in table.rows)
    # A byte-order mark lets spreadsheet programs read the UTF-8 Chinese correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# Characters XML 1.0 cannot carry (C0 controls but tab and line ends, lone
# surrogates, U+FFFE/U+FFFF): one of them in a post made the whole workbook fail.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xlsx_cell(value: Any) -> Any:
    value = _cell(value)
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def to_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_NOT_XML.sub("", table.name)[:31])
    sheet.append([_xlsx_cell(c) for c in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(
    session: Session,
    user_id: int,
    table: Table,
    fmt: str,
    filters: dict[str, Any],
    now: datetime,
) -> ExportFile:
    """Render the table and record who exported what, with which filters."""
    if fmt not in FORMATS:
        raise BadInput(f"不支持的导出格式：{fmt}（可选 csv、xlsx）")
    data = to_csv(table) if fmt == "csv" else to_xlsx(table)
    audit(
        session,
        user_id,
        "export",
        table.name,
        None,
        format=fmt,
        rows=len(table.rows),
        filters=filters,
    )
    return ExportFile(f"{table.name}-{now:%Y%m%d-%H%M%S}.{fmt}", FORMATS[fmt], data)


def _local(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def items_table(session: Session, query: ItemQuery, tz: ZoneInfo) -> Table:
    ids: list[int] = []
    # Every page from the top, whichever page of the list the export was asked from.
    whole = replace(query, after=None, before=None)
    while len(ids) < MAX_ROWS:
        page = search_item_ids(session, replace(whole, limit=PAGE, offset=len(ids)))
        ids.extend(page)
        if len(page) < PAGE:
            break
    rows: dict[int, Sequence[Any]] = {}
    for chunk in _chunks(ids, 500):
        for item, source in session.execute(
            select(Item, Source.name)
            .outerjoin(Source, Source.id == Item.source_id)
            .where(Item.id.in_(chunk))
        ):
            rows[item.id] = (
                item.id,
                _local(item.published_at, tz),
                source or "手工录入",
                item.title or "",
                item.text_original,
                item.author or "",
                item.topic or "",
                item.sentiment or "",
                STATUSES.get(item.status, item.status),
                SEVERITIES.get(item.severity or "", ""),
                "、".join(item.tags or []),
                item.url or "",
            )
    columns = (
        "编号",
        "发布时间",
        "来源",
        "标题",
        "正文",
        "作者（化名）",
        "主题",
        "情感",
        "状态",
        "严重程度",
        "标签",
        "链接",
    )
    return Table("items", columns, [rows[i] for i in ids if i in rows])


def events_table(session: Session, since: datetime, until: datetime, tz: ZoneInfo) -> Table:
    events = session.scalars(
        select(Event)
        .where(Event.merged_into_id.is_(None), Event.first_seen < until, Event.last_seen >= since)
        .order_by(Event.heat.desc(), Event.id.desc())
        .limit(MAX_ROWS)
    )
    columns = (
        "编号",
        "标题",
        "首次出现",
        "最近出现",
        "条数",
        "来源数",
        "热度",
        "主题",
        "状态",
        "严重程度",
    )
    rows = [
        (
            e.id,
            e.title,
            _local(e.first_seen, tz),
            _local(e.last_seen, tz),
            e.item_count,
            e.source_count,
            round(e.heat, 2),
            "、".join(e.topics or []),
            STATUSES.get(e.status, e.status),
            SEVERITIES.get(e.severity or "", ""),
        )
        for e in events
    ]
    return Table("events", columns, rows)


def cases_table(
    session: Session, viewer: CaseViewer, status: str, department: int | None, tz: ZoneInfo
) -> Table:
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    columns = (
        "编号",
        "标题",
        "类型",
        "承办部门",
        "办理期限",
        "状态",
        "催办级别",
        "办理结果",
        "办结时间",
    )
    rows = [
        (
            c.id,
            c.title,
            KIND_LABELS.get(c.kind, c.kind),
            names.get(c.department_id, "平台隐私保护渠道")
            if c.department_id
            else "平台隐私保护渠道",
            _local(c.deadline, tz),
            STATUS_LABELS.get(c.status, c.status),
            c.escalation_level,
            c.outcome or "",
            _local(c.closed_at, tz),
        )
        for c in list_cases(session, viewer, status=status, department=department)
    ]
    return Table("cases", columns, rows)


def claims_table(
    session: Session, verdict: str, published: bool | None, q: str, tz: ZoneInfo
) -> Table:
    columns = (
        "编号",
        "说法",
        "结论",
        "澄清内容",
        "权威来源",
        "来源链接",
        "已发布",
        "发布时间",
        "确认匹配条数",
    )
    rows = [
        (
            c.id,
            c.text,
            VERDICTS.get(c.verdict, c.verdict),
            c.clarification or "",
            c.authority or "",
            c.source_url or "",
            "是" if c.published else "否",
            _local(c.published_at, tz),
            n,
        )
        for c, n in list_claims(session, verdict=verdict, published=published, q=q)
    ]
    return Table("factchecks", columns, rows)


def deliveries_table(session: Session, status: str, channel: str, tz: ZoneInfo) -> Table:
    stmt = select(Delivery, Alert.title).join(Alert, Alert.id == Delivery.alert_id)
    if status:
        stmt = stmt.where(Delivery.status == status)
    if channel:
        stmt = stmt.where(Delivery.channel == channel)
    columns = (
        "编号",
        "预警",
        "渠道",
        "接收方",
        "状态",
        "尝试次数",
        "发送时间",
        "最近错误",
        "创建时间",
    )
    rows = [
        (
            d.id,
            title,
            d.channel,
            d.target,
            d.status,
            d.attempts,
            _local(d.sent_at, tz),
            d.last_error or "",
            _local(d.created_at, tz),
        )
        for d, title in session.execute(stmt.order_by(Delivery.id.desc()).limit(MAX_ROWS))
    ]
    return Table("deliveries", columns, rows)


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
