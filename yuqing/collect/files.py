"""Reading platform exports (JSONL, CSV, XLSX) into ``RawItem``s, and a dry run.

Every reader streams: one record is in memory at a time. A record that cannot
become a ``RawItem`` is yielded as ``Rejected`` naming where it is and why, and
reading goes on; only a problem with the whole file (unreadable, a required
column missing) raises ``BadInput``, and it does so before any record is read.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from yuqing.collect import presets as p
from yuqing.collect.presets import Preset
from yuqing.collect.records import RawItem, Rejected
from yuqing.collect.tables import (
    JSONL_SUFFIXES,
    Row,
    blank,
    count_lines,
    csv_encoding,
    load_workbook,
    open_source,
    table_cells,
    unique_headers,
    worksheet,
)
from yuqing.errors import BadInput

RAW_LIMIT = 500  # characters of the offending record kept in a Rejected
EXTRA_COLUMNS, EXTRA_VALUE_LIMIT = 20, 200  # unmapped values kept in meta["extra"]
MAX_TITLE_ROWS = 3  # non-blank rows above the header tried as its place
BLANK_ROWS_SHOWN = 10


@dataclass(frozen=True)
class DryRunRow:
    position: str
    mapped: dict[str, str]
    problem: str | None


@dataclass(frozen=True)
class DryRun:
    columns_found: list[str]
    mapping: dict[str, str]
    unmapped_columns: list[str]
    missing_required: list[str]
    rows: list[DryRunRow]
    # what else the reader did: the encoding it read a CSV with, a title row
    # passed over above the header, blank rows skipped
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- public API


def read_records(
    path: Path,
    preset: Preset,
    *,
    tz: ZoneInfo,
    sheet: str | None = None,
    reference: datetime | None = None,
    keep_columns: Collection[str] = (),
) -> Iterator[RawItem | Rejected]:
    """The records of an export, each a RawItem or a Rejected, in file order.

    Relative times ("5分钟前", "昨天 09:30") count back from ``reference``, the time
    the export was made (default: the file's modification time). Columns the
    preset does not map are dropped unless named in ``keep_columns`` (then kept,
    redacted, in ``meta["extra"]``). Raises BadInput at once (before iterating)
    for an unreadable file or one that lacks a required column.
    """
    skip, _notes = _title_rows(path, preset, sheet)
    headers, rows = open_source(path, sheet, skip)
    missing = p.missing_required(p.resolve_columns(preset, headers)) if headers is not None else []
    if missing:
        raise BadInput(_missing_message(path, preset, missing, headers or []))
    converter = _Converter(path, preset, tz, reference or _made_at(path), keep_columns)
    return _records(path, rows(), converter)


def _made_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def count_records(path: Path, *, sheet: str | None = None) -> int | None:
    """A cheap estimate of the number of records, for a progress bar; None if unknown."""
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            return count_lines(path)
        if suffix == ".csv":
            return max(0, count_lines(path) - 1)
        if suffix == ".xlsx":
            workbook = load_workbook(path)
            try:
                rows = worksheet(workbook, path, sheet).max_row
            finally:
                workbook.close()
            return max(0, rows - 1) if isinstance(rows, int) else None
    except (OSError, BadInput):
        return None
    return None


def dry_run(
    path: Path,
    preset: Preset,
    *,
    tz: ZoneInfo,
    rows: int = 5,
    sheet: str | None = None,
    reference: datetime | None = None,
) -> DryRun:
    """What importing would do: the column mapping and the first ``rows`` records
    as they would be stored, or why each would be rejected. Never raises for a
    missing column; that is reported in ``missing_required``."""
    skip, notes = _title_rows(path, preset, sheet)
    headers, rows_of = open_source(path, sheet, skip)
    mapping = p.resolve_columns(preset, headers or [])
    converter = _Converter(path, preset, tz, reference or _made_at(path), ())
    shown: list[DryRunRow] = []
    for position, values, problem, _raw in rows_of():
        if len(shown) >= rows:
            break
        if values is None:
            shown.append(DryRunRow(position, {}, problem))
            continue
        fields, problems, plan = converter.convert(values)
        display = {name: _display(fields.get(name, values.get(col))) for name, col in plan.items()}
        display.update({k: _display(v) for k, v in fields.items() if k not in display})
        shown.append(DryRunRow(position, display, "; ".join(problems) or None))
    found = headers or []
    unmapped = [h for h in found if h not in mapping.values()]
    missing = p.missing_required(mapping) if headers is not None else []
    return DryRun(found, mapping, unmapped, missing, shown, _notes(path, sheet, notes))


def _title_rows(path: Path, preset: Preset, sheet: str | None) -> tuple[int, list[str]]:
    """How many non-blank rows above the header are a title, and a note saying so.
    The header is the first of the first rows that names every required column;
    when none does, the first row (and the missing columns are reported)."""
    if path.suffix.lower() not in (".csv", ".xlsx"):
        return 0, []
    first: list[tuple[str, list[Any]]] = []
    for position, cells in table_cells(path, sheet):
        if cells is not None and not all(blank(v) for v in cells):
            first.append((position, cells))
            if len(first) > MAX_TITLE_ROWS:
                break
    for index, (position, cells) in enumerate(first):
        if not p.missing_required(p.resolve_columns(preset, unique_headers(cells))):
            if index == 0:
                return 0, []
            titles = "; ".join(
                f"{pos} 「{_short(' '.join(str(v) for v in row if not blank(v)))}」"
                for pos, row in first[:index]
            )
            return index, [f"title above the header, not imported: {titles}; header: {position}"]
    return 0, []


def _notes(path: Path, sheet: str | None, notes: list[str]) -> list[str]:
    if path.suffix.lower() == ".csv":
        notes = [f"encoding: {csv_encoding(path)}", *notes]
    blanks = _blank_rows(path, sheet)
    if blanks:
        more = " …" if len(blanks) > BLANK_ROWS_SHOWN else ""
        shown = ", ".join(blanks[:BLANK_ROWS_SHOWN]) + more
        notes.append(f"{len(blanks)} blank row(s) skipped: {shown}")
    return notes


def _blank_rows(path: Path, sheet: str | None) -> list[str]:
    """Positions of blank rows between rows with data (a sheet's padding after its
    last row is no blank row)."""
    found: list[str] = []
    pending: list[str] = []
    for position, cells in table_cells(path, sheet):
        if cells is not None and all(blank(v) for v in cells):
            pending.append(position)
        else:
            found.extend(pending)
            pending = []
    return found


# ---------------------------------------------------------------- conversion


class _Converter:
    """Turns one record's values into a RawItem, remembering the column plan per
    set of keys (JSONL lines may differ; CSV/XLSX rows never do)."""

    def __init__(
        self,
        path: Path,
        preset: Preset,
        tz: ZoneInfo,
        reference: datetime,
        keep_columns: Collection[str],
    ) -> None:
        self.origin, self.file = str(path), path.name
        self.preset, self.tz, self.date_formats = preset, tz, preset.date_formats
        self.reference, self.keep = reference, frozenset(keep_columns)
        self._plans: dict[tuple[str, ...], dict[str, str]] = {}

    def plan(self, values: dict[str, Any]) -> dict[str, str]:
        keys = tuple(values)
        plan = self._plans.get(keys)
        if plan is None:
            if len(self._plans) > 256:  # lines with ever-new keys: do not grow forever
                self._plans.clear()
            plan = self._plans[keys] = p.resolve_columns(self.preset, keys)
        return plan

    def convert(self, values: dict[str, Any]) -> tuple[dict[str, Any], list[str], dict[str, str]]:
        """Field values, the problems found, and the plan used."""
        plan = self.plan(values)
        fields: dict[str, Any] = {}
        problems: list[str] = []
        for name, column in plan.items():
            raw = values.get(column)
            value: object
            try:
                if name == "published_at":
                    value = (
                        None
                        if blank(raw)
                        else p.parse_date(raw, self.tz, self.date_formats, self.reference)
                    )
                else:
                    value = p.parse_count(raw) if name in p.COUNT_FIELDS else _text(raw)
            except BadInput as exc:
                problems.append(f"{column} {exc.message}")
                continue
            if value is not None:
                fields[name] = value
        self._required(plan, fields, problems)
        self._derive(fields)
        return fields, problems, plan

    def _required(self, plan: dict[str, str], fields: dict[str, Any], problems: list[str]) -> None:
        def reported(column: str) -> bool:
            return any(problem.startswith(f"{column} ") for problem in problems)

        if not fields.get("body") and not fields.get("title"):
            columns = [plan[n] for n in ("title", "body") if n in plan]
            if not columns:
                problems.append("no 正文 or 标题 (body/title) value")
            elif not any(reported(c) for c in columns):
                problems.append(f"{' and '.join(columns)} empty: the record has no text")
        if "published_at" not in fields:
            column = plan.get("published_at")
            if column is None:
                problems.append("no 发布时间 (published_at) value")
            elif not reported(column):
                problems.append(f"{column} is empty")

    def _derive(self, fields: dict[str, Any]) -> None:
        preset = self.preset
        if "url" not in fields and "platform_id" in fields and preset.url_template:
            fields["url"] = preset.url_template.format(platform_id=fields["platform_id"])
        if "platform_id" not in fields and "url" in fields and preset.platform_id_from_url:
            derived = preset.platform_id_from_url(fields["url"])
            if derived:
                fields["platform_id"] = derived

    def item(self, position: str, values: dict[str, Any], raw: object) -> RawItem | Rejected:
        fields, problems, plan = self.convert(values)
        if problems:
            return Rejected(self.origin, position, "; ".join(problems), _raw_text(raw))
        meta: dict[str, Any] = {"import": {"preset": self.preset.name, "file": self.file}}
        extra = _extra(values, set(plan.values()), self.keep)
        if extra:
            meta["extra"] = extra  # redacted with the text when the item is stored
        fields.setdefault("body", "")  # a title-only record (an article list) has no body
        return RawItem(
            **fields, kind=self.preset.kind, meta=meta, origin=self.origin, position=position
        )


def _records(
    path: Path, rows: Iterator[Row], converter: _Converter
) -> Iterator[RawItem | Rejected]:
    origin = str(path)
    for position, values, problem, raw in rows:
        if values is None:
            yield Rejected(origin, position, problem or "unreadable record", _raw_text(raw))
            continue
        result: RawItem | Rejected
        try:
            result = converter.item(position, values, raw)
        except Exception as exc:  # a safety net: one odd record must not stop the file
            result = Rejected(origin, position, f"unexpected error: {exc!r}", _raw_text(raw))
        yield result


def _text(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # ids read from spreadsheets arrive as 4.9e15-style floats
    if isinstance(raw, int | float):
        return str(raw)
    if isinstance(raw, datetime):
        return raw.isoformat()
    raise BadInput(f"{_short(raw)} is not text")


def _extra(values: dict[str, Any], used: set[str], keep: frozenset[str]) -> dict[str, Any]:
    """Unmapped values of the columns configured to be kept; the others are
    dropped: an export's spare columns hold phone numbers and profile links."""
    extra: dict[str, Any] = {}
    for key, value in values.items():
        if key in keep and key not in used and not blank(value) and len(extra) < EXTRA_COLUMNS:
            as_is = isinstance(value, bool | int | float)  # JSON-safe as they are
            extra[key] = value if as_is else _short(value, EXTRA_VALUE_LIMIT)
    return extra


def _display(value: object) -> str:
    return "" if value is None else _short(value, 10_000)


def _short(value: object, limit: int = 60) -> str:
    """A value as text for display or meta: strings as they are, others as JSON."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, datetime):
        return value.isoformat()
    try:
        return json.dumps(value, ensure_ascii=False, default=str)[:limit]
    except (TypeError, ValueError):
        return repr(value)[:limit]


def _raw_text(raw: object) -> str:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if isinstance(raw, list | tuple):
        raw = ",".join("" if v is None else str(v) for v in raw)
    return str(raw).rstrip("\r\n")[:RAW_LIMIT]


def _missing_message(path: Path, preset: Preset, missing: list[str], found: list[str]) -> str:
    wanted = []
    for name in missing:
        names = ("title", "body") if name == "body" else (name,)
        accepted = [c for n in names for c in preset.columns.get(n, ())]
        wanted.append(f"{p.FIELD_LABELS[name]} ({name}; accepted: {', '.join(accepted)})")
    return (
        f"{path}: no column for {'; '.join(wanted)} with the {preset.name} preset"
        f" ({preset.label}); the file has: {', '.join(found) or 'no columns'}"
    )
