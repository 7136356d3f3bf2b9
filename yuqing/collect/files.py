"""Reading platform exports (JSONL, CSV, XLSX) into ``RawItem``s, and a dry run.

Every reader streams: one record is in memory at a time. A record that cannot
become a ``RawItem`` is yielded as ``Rejected`` naming where it is and why, and
reading goes on; only a problem with the whole file (unreadable, a required
column missing) raises ``BadInput``, and it does so before any record is read.
"""

from __future__ import annotations

import codecs
import csv
import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.utils import get_column_letter

from yuqing.collect import presets as p
from yuqing.collect.presets import Preset
from yuqing.collect.records import RawItem, Rejected
from yuqing.errors import BadInput

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
RAW_LIMIT = 500  # characters of the offending record kept in a Rejected
EXTRA_COLUMNS, EXTRA_VALUE_LIMIT = 20, 200  # unmapped values kept in meta["extra"]
SAMPLE_LINES = 50  # JSONL lines read up front to learn the columns
MAX_RECORD_LINES = 500  # a CSV record spanning more lines is an unclosed quote
_MAX_FLATTEN_DEPTH = 5


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


# What a reader hands on for each record: position, values by column (None when the
# record is unreadable), the reason it is unreadable, and the raw record.
_Row = tuple[str, dict[str, Any] | None, str | None, object]
# A file's header (None when none could be learnt: empty or wholly broken) and a
# function that opens the file afresh and streams its rows.
_Source = tuple[list[str] | None, Callable[[], Iterator[_Row]]]


# ---------------------------------------------------------------- public API


def read_records(
    path: Path, preset: Preset, *, tz: ZoneInfo, sheet: str | None = None
) -> Iterator[RawItem | Rejected]:
    """The records of an export, each a RawItem or a Rejected, in file order.

    Raises BadInput at once (before iterating) for an unreadable file or one that
    lacks a required column.
    """
    headers, rows = _open_source(path, sheet)
    missing = p.missing_required(p.resolve_columns(preset, headers)) if headers is not None else []
    if missing:
        raise BadInput(_missing_message(path, preset, missing, headers or []))
    return _records(path, rows(), _Converter(path, preset, tz))


def count_records(path: Path, *, sheet: str | None = None) -> int | None:
    """A cheap estimate of the number of records, for a progress bar; None if unknown."""
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            return _count_lines(path)
        if suffix == ".csv":
            return max(0, _count_lines(path) - 1)
        if suffix == ".xlsx":
            workbook = _load_workbook(path)
            try:
                rows = _worksheet(workbook, path, sheet).max_row
            finally:
                workbook.close()
            return max(0, rows - 1) if isinstance(rows, int) else None
    except (OSError, BadInput):
        return None
    return None


def dry_run(
    path: Path, preset: Preset, *, tz: ZoneInfo, rows: int = 5, sheet: str | None = None
) -> DryRun:
    """What importing would do: the column mapping and the first ``rows`` records
    as they would be stored, or why each would be rejected. Never raises for a
    missing column; that is reported in ``missing_required``."""
    headers, rows_of = _open_source(path, sheet)
    mapping = p.resolve_columns(preset, headers or [])
    converter = _Converter(path, preset, tz)
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
    return DryRun(found, mapping, unmapped, missing, shown)


# ---------------------------------------------------------------- conversion


class _Converter:
    """Turns one record's values into a RawItem, remembering the column plan per
    set of keys (JSONL lines may differ; CSV/XLSX rows never do)."""

    def __init__(self, path: Path, preset: Preset, tz: ZoneInfo) -> None:
        self.origin, self.file = str(path), path.name
        self.preset, self.tz, self.date_formats = preset, tz, preset.date_formats
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
                    value = None if _blank(raw) else p.parse_date(raw, self.tz, self.date_formats)
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
        extra = _extra(values, set(plan.values()))
        if extra:
            meta["extra"] = extra
        fields.setdefault("body", "")  # a title-only record (an article list) has no body
        return RawItem(
            **fields, kind=self.preset.kind, meta=meta, origin=self.origin, position=position
        )


def _records(
    path: Path, rows: Iterator[_Row], converter: _Converter
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


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _extra(values: dict[str, Any], used: set[str]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key, value in values.items():
        if key not in used and not _blank(value) and len(extra) < EXTRA_COLUMNS:
            keep = isinstance(value, bool | int | float)  # JSON-safe as they are
            extra[key] = value if keep else _short(value, EXTRA_VALUE_LIMIT)
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


# ---------------------------------------------------------------- file formats


def _open_source(path: Path, sheet: str | None) -> _Source:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    if suffix in JSONL_SUFFIXES:
        return _jsonl_source(path)
    if suffix == ".csv":
        return _csv_source(path)
    if suffix == ".xlsx":
        return _xlsx_source(path, sheet)
    raise BadInput(f"{path}: unsupported file type {suffix or '(none)'}; use .jsonl, .csv or .xlsx")


def _jsonl_source(path: Path) -> _Source:
    headers: dict[str, None] = {}  # an ordered set of the keys seen
    known = False
    for n, (_pos, values, _problem, _raw) in enumerate(_jsonl_rows(path)):
        if n >= SAMPLE_LINES:
            break
        if values is not None:
            headers.update(dict.fromkeys(values))
            known = True
    return (list(headers) if known else None), lambda: _jsonl_rows(path)


def _jsonl_rows(path: Path) -> Iterator[_Row]:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if line.strip():
                yield _jsonl_row(f"line {number}", line)


def _jsonl_row(position: str, line: bytes) -> _Row:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return position, None, "not valid UTF-8 text", line
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as exc:
        cut = "" if line.endswith(b"\n") else " (the last line looks cut off)"
        return position, None, f"malformed JSON{cut}: {exc}", text
    if not isinstance(obj, dict):
        return position, None, f"not a JSON object but {type(obj).__name__}", text
    return position, _flatten(obj), None, text


def _flatten(obj: dict[str, Any]) -> dict[str, Any]:
    """Nested objects become dotted keys ("user.screen_name"), as presets name them."""
    if not any(isinstance(v, dict) for v in obj.values()):
        return obj
    flat: dict[str, Any] = {}
    _flatten_into(obj, "", flat, 0)
    return flat


def _flatten_into(obj: dict[str, Any], prefix: str, out: dict[str, Any], depth: int) -> None:
    for key, value in obj.items():
        if isinstance(value, dict) and value and depth < _MAX_FLATTEN_DEPTH:
            _flatten_into(value, f"{prefix}{key}.", out, depth + 1)
        else:
            out[f"{prefix}{key}"] = value


def _csv_source(path: Path) -> _Source:
    encoding, delimiter = _sniff_csv(path)
    header = _table_header(_csv_cells(path, encoding, delimiter))
    return header, lambda: _csv_rows(path)


def _csv_rows(path: Path) -> Iterator[_Row]:
    return _table_rows(_csv_cells(path, *_sniff_csv(path)), strict_width=True)


def _sniff_csv(path: Path) -> tuple[str, str]:
    """Encoding (UTF-8 with or without BOM, else GB18030 as Chinese Excel writes)
    and delimiter (tab-separated "CSV" is common from Excel's Unicode export)."""
    with path.open("rb") as fh:
        sample = fh.read(1 << 16)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        # GBK read as UTF-8 fails on nearly every character; a UTF-8 file with a
        # stray bad byte fails rarely, and that row alone is rejected later
        text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=False)
        bad = text.count("\ufffd")
        good = sum(1 for ch in text if ch > "\x7f") - bad
        encoding = "utf-8-sig" if good >= 2 * bad else "gb18030"
    first = sample.decode(encoding, "replace").split("\n", 1)[0]
    return encoding, "\t" if first.count("\t") > first.count(",") else ","


# A table row before mapping: position, cells (None when unreadable), the problem.
_Cells = tuple[str, list[Any] | tuple[Any, ...] | None, str | None]


def _csv_cells(path: Path, encoding: str, delimiter: str) -> Iterator[_Cells]:
    # surrogateescape: a stray undecodable byte rejects its row, not the file
    with path.open(encoding=encoding, errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        number, last_line = 0, 0
        while True:
            number, first_line = number + 1, last_line + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield f"row {number}", None, f"unreadable CSV record: {exc}"
            else:
                yield f"row {number}", row, _csv_problem(row, reader.line_num - first_line + 1)
            last_line = reader.line_num


def _csv_problem(row: list[str], lines: int) -> str | None:
    if lines > MAX_RECORD_LINES:
        return f"record spans {lines} lines: probably an unclosed quote"
    if any(not c.isascii() and any("\udc80" <= ch <= "\udcff" for ch in c) for c in row):
        return "row contains bytes that are not valid text"
    return None


def _table_header(cells: Iterator[_Cells]) -> list[str] | None:
    for _position, row, _problem in cells:
        if row is not None and not all(_blank(v) for v in row):
            return _unique_headers(row)
    return None


def _table_rows(cells: Iterator[_Cells], *, strict_width: bool) -> Iterator[_Row]:
    """Rows as values by header. Cells beyond the header mean a misaligned CSV
    record (rejected) but a note typed beside a sheet (kept, by column letter)."""
    headers: list[str] | None = None
    for position, row, problem in cells:
        if row is not None and all(_blank(v) for v in row):
            continue
        if headers is None and row is not None and problem is None:
            headers = _unique_headers(row)
        elif row is None or problem is not None or headers is None:
            yield position, None, problem or "unreadable row before the header", row or ""
        elif strict_width and any(not _blank(v) for v in row[len(headers) :]):
            width = f"row has {len(row)} cells but the header {len(headers)}"
            yield position, None, width, row
        else:
            values = dict(zip(headers, row, strict=False))
            for index in range(len(headers), len(row)):
                if not _blank(row[index]):
                    values[get_column_letter(index + 1)] = row[index]
            yield position, values, None, row


def _unique_headers(row: list[Any] | tuple[Any, ...]) -> list[str]:
    """Header names as strings, blank ones named by position, repeats numbered;
    trailing blanks dropped (read-only sheets pad every row to the widest)."""
    cells = list(row)
    while cells and _blank(cells[-1]):
        cells.pop()
    seen: dict[str, int] = {}
    result = []
    for index, cell in enumerate(cells, 1):
        name = str(cell).strip().removeprefix("\ufeff") if cell is not None else ""
        name = name or f"column {index}"
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def _load_workbook(path: Path) -> Any:
    try:
        with warnings.catch_warnings():
            # real exports carry odd styles openpyxl warns about; they do not matter here
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors alike
        raise BadInput(f"{path}: not a readable .xlsx workbook ({exc})") from exc


def _worksheet(workbook: Any, path: Path, sheet: str | None) -> Any:
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            names = ", ".join(workbook.sheetnames)
            raise BadInput(f"{path}: no sheet named {sheet!r}; the workbook has: {names}")
        return workbook[sheet]
    if not workbook.worksheets:
        raise BadInput(f"{path}: the workbook has no worksheet")
    # the first worksheet, not the active one: the active sheet is wherever the
    # exporter's user last clicked, and chart sheets have no rows
    return workbook.worksheets[0]


def _xlsx_source(path: Path, sheet: str | None) -> _Source:
    workbook = _load_workbook(path)
    try:
        name = _worksheet(workbook, path, sheet).title
    finally:
        workbook.close()
    header = _table_header(_xlsx_cells(path, name))
    return header, lambda: _table_rows(_xlsx_cells(path, name), strict_width=False)


def _xlsx_cells(path: Path, sheet: str) -> Iterator[_Cells]:
    workbook = _load_workbook(path)
    try:
        rows = _worksheet(workbook, path, sheet).iter_rows(values_only=True)
        for number, row in enumerate(rows, 1):
            yield f"sheet {sheet} row {number}", row, None
    finally:
        workbook.close()


def _count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")
