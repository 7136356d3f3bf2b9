"""Platform export files and partner offices' daily lists (JSONL, CSV, XLSX).

``file`` sources read a file or a folder of files from disk (config ``path``,
``pattern`` for folders, ``preset``, ``sheet``); ``partner`` sources download one
from a URL (config ``format`` when the URL does not end in the suffix). A file whose
size and time have not changed since the last poll is not read again. Columns the
preset does not map are dropped unless listed in config ``keep_columns`` (kept
redacted). Relative times count back from the file's time (for a download, the
time it was fetched).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from yuqing.collect.connectors.base import PollContext, fetch_if_changed
from yuqing.collect.files import read_records
from yuqing.collect.ingest import SourceInfo
from yuqing.collect.presets import PRESETS, Preset
from yuqing.collect.records import Record
from yuqing.errors import BadInput

SUFFIXES = (".jsonl", ".ndjson", ".csv", ".xlsx")


def preset_for(source: SourceInfo) -> Preset:
    name = str(source.config.get("preset", "generic"))
    if name not in PRESETS:
        raise BadInput(
            f"source {source.name!r}: unknown preset {name!r} (known: {', '.join(PRESETS)})"
        )
    return PRESETS[name]


class FileConnector:
    kind = "file"

    def poll(self, source: SourceInfo, ctx: PollContext) -> Iterator[Record]:
        files = export_files(
            Path(str(source.config["path"])), str(source.config.get("pattern", "*"))
        )
        fingerprint = _fingerprint(files)
        if fingerprint == ctx.etag:
            ctx.not_modified = True
            return
        ctx.etag = fingerprint
        preset = preset_for(source)
        for path in files:
            yield from _records(path, preset, source, ctx)


class PartnerConnector:
    kind = "partner"

    def poll(self, source: SourceInfo, ctx: PollContext) -> Iterator[Record]:
        result = fetch_if_changed(source, ctx)
        if result is None:
            return
        suffix = "." + str(source.config.get("format", "")).lstrip(".").lower()
        if suffix not in SUFFIXES:
            suffix = PurePosixPath(urlsplit(result.url).path).suffix.lower()
        if suffix not in SUFFIXES:
            raise BadInput(f"partner feed {source.url}: set config.format to jsonl, csv or xlsx")
        preset = preset_for(source)
        with tempfile.TemporaryDirectory(prefix="yuqing-partner-") as folder:
            path = Path(folder) / f"download{suffix}"
            path.write_bytes(result.content)
            for record in _records(path, preset, source, ctx, reference=ctx.now):
                if record.origin == str(path):
                    record = _relabel(record, source.url or result.url)
                yield record


def export_files(path: Path, pattern: str) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.glob(pattern) if p.suffix.lower() in SUFFIXES)
    if path.is_file():
        return [path]
    raise BadInput(f"export path {path} does not exist")


def _records(
    path: Path,
    preset: Preset,
    source: SourceInfo,
    ctx: PollContext,
    reference: datetime | None = None,
) -> Iterator[Record]:
    sheet = source.config.get("sheet")
    keep = source.config.get("keep_columns") or ()
    yield from read_records(
        path,
        preset,
        tz=ctx.tz,
        sheet=str(sheet) if sheet else None,
        reference=reference,
        keep_columns=[str(c) for c in keep] if isinstance(keep, list | tuple) else [str(keep)],
    )


def _fingerprint(files: list[Path]) -> str:
    parts = [f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files]
    return "files:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _relabel(record: Record, origin: str) -> Record:
    """Name the partner URL, not the temporary download, as where a record came from."""
    import dataclasses

    return dataclasses.replace(record, origin=origin)
