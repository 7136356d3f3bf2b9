"""Labelled texts from files, in whatever shape a public or in-house set comes in.

Any labelled set can train or score a model, so the reader accepts:

* TSV ``text<TAB>label`` with no header (THUCNews style; the label is what follows
  the last tab), or with a header line naming the columns (``text\\tlabel``);
* JSONL, one object per line, text in ``text``/``content``/``title``, label in ``label``;
* a JSON array of such objects (SMP2020-EWECT style);
* CSV with a header line.

Labels may be ints or strings. With ``names`` (e.g. THUCNews' class names, one per
line, line index = int label) integer labels become those names. A record that
cannot be read — no label, empty text, malformed JSON, a label outside ``names`` —
is skipped and counted; the first few positions are kept for the report. Reading
never fails on a bad record, only on a file that is unreadable as a whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yuqing.errors import BadInput

TEXT_FIELDS = ("text", "content", "title")
LABEL_FIELD = "label"
FORMATS = ("tsv", "jsonl", "json", "csv")
MAX_REPORTED = 10  # positions of bad records kept for the report

_EXTENSIONS = {
    ".tsv": "tsv",
    ".txt": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
}


@dataclass
class LabelledSet:
    """Texts with their labels; ``skipped`` records were unreadable."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    skipped: int = 0
    skipped_at: list[int] = field(default_factory=list)  # 1-based line (or record) numbers
    source: str = ""

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, text: str, label: str) -> None:
        self.texts.append(text)
        self.labels.append(label)

    def skip(self, position: int) -> None:
        self.skipped += 1
        if len(self.skipped_at) < MAX_REPORTED:
            self.skipped_at.append(position)

    def report(self) -> str:
        """One line for a person: how much was read and where the bad records are."""
        line = f"{self.source or 'input'}: {len(self)} labelled texts"
        if self.skipped:
            where = ", ".join(str(p) for p in self.skipped_at)
            more = ", …" if self.skipped > len(self.skipped_at) else ""
            line += f"; skipped {self.skipped} bad record(s) at {where}{more}"
        return line


def read_names(path: Path | str) -> list[str]:
    """Label names, one per line; line index = the integer label. Blank lines are ignored."""
    return [line.strip() for line in _read_text(Path(path)).split("\n") if line.strip()]


def read_labelled(
    path: Path | str,
    *,
    text_field: str | None = None,
    label_field: str | None = None,
    names: Sequence[str] | None = None,
    fmt: str | None = None,
) -> LabelledSet:
    """Read a labelled file; the format comes from ``fmt``, the extension or the content."""
    path = Path(path)
    content = _read_text(path)
    fmt = fmt or detect_format(path, content)
    if fmt not in FORMATS:
        raise BadInput(f"unknown labelled-data format {fmt!r}; expected one of {FORMATS}")
    reader = _Labeller(text_field, label_field, names)
    out = LabelledSet(source=str(path))
    if fmt == "tsv":
        _read_tsv(content, reader, out)
    elif fmt == "csv":
        _read_csv(content, reader, out)
    elif fmt == "jsonl":
        _read_records(_jsonl_records(content), reader, out)
    else:
        _read_records(_json_array_records(content, path), reader, out)
    return out


def detect_format(path: Path, content: str) -> str:
    """By extension when it is a known one, else by the first characters."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    start = content.lstrip()[:1]
    if by_extension == "json" and start == "{":
        return "jsonl"  # a .json file holding one object per line
    if by_extension:
        return by_extension
    if start == "[":
        return "json"
    if start == "{":
        return "jsonl"
    first_line = content.split("\n", 1)[0]
    return "csv" if "\t" not in first_line and "," in first_line else "tsv"


def _read_text(path: Path) -> str:
    """The file decoded: UTF-8 (with or without BOM), else GB18030, else UTF-8 with
    replacement characters, so one stray byte costs a record, not the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


class _Labeller:
    """Turns raw field values into (text, label) or None when the record is bad."""

    def __init__(
        self, text_field: str | None, label_field: str | None, names: Sequence[str] | None
    ) -> None:
        self.text_fields = (text_field,) if text_field else TEXT_FIELDS
        self.label_field = label_field or LABEL_FIELD
        self.names = list(names) if names is not None else None
        self.known = set(self.names or ())

    def from_record(self, record: Mapping[str, Any]) -> tuple[str, str] | None:
        text = next(
            (v for f in self.text_fields if isinstance(v := record.get(f), str) and v.strip()),
            None,
        )
        if text is None or self.label_field not in record:
            return None
        label = self.label(record[self.label_field])
        return None if label is None else (text.strip(), label)

    def from_strings(self, text: str, label: str) -> tuple[str, str] | None:
        text = text.strip()
        return (text, lab) if text and (lab := self.label(label)) is not None else None

    def label(self, value: object) -> str | None:
        """The label as a string, mapped through ``names`` when given; None when bad."""
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            return None
        value = value.strip()
        if self.names is None:
            return value
        if value in self.known:
            return value
        try:
            index = int(value)
        except ValueError:
            return None
        return self.names[index] if 0 <= index < len(self.names) else None


def _lines(content: str) -> Iterator[tuple[int, str]]:
    # Split on \n only: str.splitlines() would also break records at \x0b, \x1c,
    # \u2028 and other separators that turn up inside scraped posts.
    for number, line in enumerate(content.split("\n"), start=1):
        yield number, line.removesuffix("\r")


def _header_columns(header: list[str], reader: _Labeller) -> tuple[int, int] | None:
    """(text column, label column) when the cells are a header naming both, else None."""
    cells = [c.strip().lower() for c in header]
    label_field = reader.label_field.lower()
    if label_field not in cells:
        return None
    for name in reader.text_fields:
        if name.lower() in cells:
            return cells.index(name.lower()), cells.index(label_field)
    return None


def _read_tsv(content: str, reader: _Labeller, out: LabelledSet) -> None:
    columns: tuple[int, int] | None = None
    width = 0
    seen_first = False
    for number, line in _lines(content):
        if not line.strip():
            continue
        if not seen_first:
            seen_first = True
            columns = _header_columns(line.split("\t"), reader)
            width = line.count("\t") + 1
            if columns is not None:
                continue
        if columns is None:
            # No header: the label is after the last tab, so a stray tab in a title
            # stays part of the text.
            parts = line.rsplit("\t", 1)
            pair = reader.from_strings(parts[0], parts[1]) if len(parts) == 2 else None
        else:
            cells = line.split("\t")
            pair = (
                reader.from_strings(cells[columns[0]], cells[columns[1]])
                if len(cells) == width
                else None
            )
        _keep(pair, number, out)


def _read_csv(content: str, reader: _Labeller, out: LabelledSet) -> None:
    rows = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        return
    columns = _header_columns(header, reader)
    if columns is None or len(header) != len({c.strip().lower() for c in header}):
        raise BadInput(
            f"CSV header {header!r} must name a text column ({'/'.join(reader.text_fields)}) "
            f"and a {reader.label_field!r} column, once each"
        )
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error:  # e.g. a field over the csv module's size limit
            out.skip(rows.line_num)
            continue
        if not any(c.strip() for c in cells):
            continue
        pair = (
            reader.from_strings(cells[columns[0]], cells[columns[1]])
            if len(cells) == len(header)
            else None
        )
        _keep(pair, rows.line_num, out)


def _jsonl_records(content: str) -> Iterator[tuple[int, object]]:
    for number, line in _lines(content):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except (ValueError, RecursionError):  # bad JSON, or nesting too deep to parse
            yield number, None


def _json_array_records(content: str, path: Path) -> Iterator[tuple[int, object]]:
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"{path} is not a JSON array of records: {exc}") from exc
    if isinstance(data, dict):
        # Some dumps wrap the array: {"data": [...]}.
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise BadInput(f"{path} holds no JSON array of records")
    yield from enumerate(data, start=1)


def _read_records(
    records: Iterable[tuple[int, object]], reader: _Labeller, out: LabelledSet
) -> None:
    for position, record in records:
        pair = reader.from_record(record) if isinstance(record, dict) else None
        _keep(pair, position, out)


def _keep(pair: tuple[str, str] | None, position: int, out: LabelledSet) -> None:
    if pair is None:
        out.skip(position)
    else:
        out.add(*pair)
