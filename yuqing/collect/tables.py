"""The file formats of platform exports, as rows of values by column: JSONL (nested
objects flattened to dotted names), CSV (any encoding the project's decoder
recognises — UTF-8, GB18030, Big5, Latin-1… — comma or tab; LF, CRLF or CR-only
line ends) and XLSX.

Every reader streams and never raises for one bad row: it hands the row on with the
reason it is unreadable, and ``yuqing.collect.files`` turns that into a Rejected.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from yuqing.collect.encoding import detect
from yuqing.collect.zipcheck import check_zip_sizes
from yuqing.errors import BadInput

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SAMPLE_LINES = 50  # JSONL lines read up front to learn the columns
MAX_XLSX_UNPACKED = 2 << 30  # a zip bomb stops here, before openpyxl
MAX_RECORD_LINES = 500  # a CSV record spanning more lines is an unclosed quote
_MAX_FLATTEN_DEPTH = 5

# What a reader hands on for each record: position, values by column (None when the
# record is unreadable), the reason it is unreadable, and the raw record.
Row = tuple[str, dict[str, Any] | None, str | None, object]
# A file's header (None when none could be learnt: empty or wholly broken) and a
# function that opens the file afresh and streams its rows.
Source = tuple[list[str] | None, Callable[[], Iterator[Row]]]


def blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def open_source(path: Path, sheet: str | None, header_skip: int = 0) -> Source:
    """The file's header and rows. In a table, ``header_skip`` non-blank rows above
    the header (a title such as "XX市舆情导出 11月") are passed over."""
    _check_type(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return _jsonl_source(path)
    if suffix == ".csv":
        return _csv_source(path, header_skip)
    return _xlsx_source(path, sheet, header_skip)


def _check_type(path: Path) -> None:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    if suffix not in JSONL_SUFFIXES and suffix not in (".csv", ".xlsx"):
        kind = suffix or "(none)"
        raise BadInput(f"{path}: unsupported file type {kind}; use .jsonl, .csv or .xlsx")


def table_cells(path: Path, sheet: str | None) -> Iterator[tuple[str, list[Any] | None]]:
    """A CSV's or sheet's rows as they are, blank ones included (nothing for JSONL):
    what a dry run looks at to find title and blank rows."""
    _check_type(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        cells = _csv_cells(path, *_sniff_csv(path))
    elif suffix == ".xlsx":
        cells = _xlsx_cells(path, _sheet_name(path, sheet))
    else:
        return
    for position, row, _problem in cells:
        yield position, None if row is None else list(row)


def csv_encoding(path: Path) -> str:
    """The codec a CSV file is read with."""
    return _sniff_csv(path)[0]


def _jsonl_source(path: Path) -> Source:
    headers: dict[str, None] = {}  # an ordered set of the keys seen
    known = False
    for n, (_pos, values, _problem, _raw) in enumerate(_jsonl_rows(path)):
        if n >= SAMPLE_LINES:
            break
        if values is not None:
            headers.update(dict.fromkeys(values))
            known = True
    return (list(headers) if known else None), lambda: _jsonl_rows(path)


def _jsonl_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if line.strip():
                yield _jsonl_row(f"line {number}", line)


def _jsonl_row(position: str, line: bytes) -> Row:
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


def _csv_source(path: Path, skip: int) -> Source:
    encoding, delimiter = _sniff_csv(path)
    header = _table_header(_csv_cells(path, encoding, delimiter), skip)
    return header, lambda: _csv_rows(path, skip)


def _csv_rows(path: Path, skip: int) -> Iterator[Row]:
    return _table_rows(_csv_cells(path, *_sniff_csv(path)), strict_width=True, skip=skip)


def _sniff_csv(path: Path) -> tuple[str, str]:
    """Encoding (by the project's one decoder: BOM, UTF-8, GB18030 or Big5 by
    scoring, charset-normalizer for other languages) and delimiter (tab-separated
    "CSV" is common from Excel's Unicode export)."""
    with path.open("rb") as fh:
        sample = fh.read(1 << 16)
    # a UTF-8 file with a stray bad byte is still UTF-8: that row alone is rejected
    if not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _mostly_utf8(sample):
        encoding = "utf-8-sig"
    else:
        encoding = detect(sample)
    first = re.split("\r\n|\r|\n", sample.decode(encoding, "replace"), maxsplit=1)[0]
    return encoding, "\t" if first.count("\t") > first.count(",") else ","


def _mostly_utf8(sample: bytes) -> bool:
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=False)
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good >= 2 * bad  # GBK or Latin-1 read as UTF-8 fails on nearly every character


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


def _table_header(cells: Iterator[_Cells], skip: int = 0) -> list[str] | None:
    for _position, row, _problem in cells:
        if row is not None and not all(blank(v) for v in row):
            if skip <= 0:
                return unique_headers(row)
            skip -= 1
    return None


def _table_rows(cells: Iterator[_Cells], *, strict_width: bool, skip: int = 0) -> Iterator[Row]:
    """Rows as values by header. Cells beyond the header mean a misaligned CSV
    record (rejected) but a note typed beside a sheet (kept, by column letter).
    ``skip`` non-blank rows above the header are title rows, passed over."""
    headers: list[str] | None = None
    for position, row, problem in cells:
        if row is not None and all(blank(v) for v in row):
            continue
        if headers is None and skip > 0:
            skip -= 1
            continue
        if headers is None and row is not None and problem is None:
            headers = unique_headers(row)
        elif row is None or problem is not None or headers is None:
            yield position, None, problem or "unreadable row before the header", row or ""
        elif strict_width and any(not blank(v) for v in row[len(headers) :]):
            width = f"row has {len(row)} cells but the header {len(headers)}"
            yield position, None, width, row
        else:
            values = dict(zip(headers, row, strict=False))
            for index in range(len(headers), len(row)):
                if not blank(row[index]):
                    values[get_column_letter(index + 1)] = row[index]
            yield position, values, None, row


def unique_headers(row: list[Any] | tuple[Any, ...]) -> list[str]:
    """Header names as strings, blank ones named by position, repeats numbered;
    trailing blanks dropped (read-only sheets pad every row to the widest)."""
    cells = list(row)
    while cells and blank(cells[-1]):
        cells.pop()
    seen: dict[str, int] = {}
    result = []
    for index, cell in enumerate(cells, 1):
        name = str(cell).strip().removeprefix("\ufeff") if cell is not None else ""
        name = name or f"column {index}"
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def load_workbook(path: Path) -> Any:
    check_zip_sizes(path, MAX_XLSX_UNPACKED)
    try:
        with warnings.catch_warnings():
            # real exports carry odd styles openpyxl warns about; they do not matter here
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors alike
        raise BadInput(f"{path}: not a readable .xlsx workbook ({exc})") from exc


def worksheet(workbook: Any, path: Path, sheet: str | None) -> Any:
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


def _sheet_name(path: Path, sheet: str | None) -> str:
    workbook = load_workbook(path)
    try:
        return str(worksheet(workbook, path, sheet).title)
    finally:
        workbook.close()


def _xlsx_source(path: Path, sheet: str | None, skip: int) -> Source:
    name = _sheet_name(path, sheet)
    header = _table_header(_xlsx_cells(path, name), skip)
    return header, lambda: _table_rows(_xlsx_cells(path, name), strict_width=False, skip=skip)


def _xlsx_cells(path: Path, sheet: str) -> Iterator[_Cells]:
    workbook = load_workbook(path)
    try:
        rows = worksheet(workbook, path, sheet).iter_rows(values_only=True)
        for number, row in enumerate(rows, 1):
            yield f"sheet {sheet} row {number}", row, None
    finally:
        workbook.close()


def count_lines(path: Path) -> int:
    """Lines ended by LF, CRLF or a lone CR (old Mac exports), and a last one unended."""
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            if last == b"\r" and chunk.startswith(b"\n"):
                lines -= 1  # a CRLF split across two chunks is one line end
            lines += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            last = chunk[-1:]
    return lines + (last not in (b"\n", b"\r"))
