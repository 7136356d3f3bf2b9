"""Uploaded files: copied to disk in chunks with a byte limit, sheets checked for
size, unpacked size and rows before any importer parses them.

Starlette already spools a multipart file part to a temporary file; nothing here
holds a whole upload in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from fastapi import UploadFile

from yuqing.collect.tables import open_source
from yuqing.collect.zipcheck import check_zip_sizes
from yuqing.errors import BadInput, TooLarge
from yuqing.network.imports import ImportResult

CHUNK = 1 << 20
MAX_SHEET_BYTES = 20 * 1024 * 1024
MAX_SHEET_UNPACKED = 100 * 1024 * 1024
SHEET_SUFFIXES = (".csv", ".xlsx")


def copy_limited(source: BinaryIO, target: BinaryIO, limit: int, name: str) -> int:
    """Copy in chunks; TooLarge as soon as more than ``limit`` bytes came."""
    copied = 0
    while chunk := source.read(CHUNK):
        copied += len(chunk)
        if copied > limit:
            raise TooLarge(f"文件 {name} 超过 {limit // (1 << 20)} MB")
        target.write(chunk)
    return copied


def read_limited(upload: UploadFile, limit: int) -> bytes:
    """An upload's bytes, refused by its known size before reading when it is too big."""
    name = upload.filename or "附件"
    if upload.size is not None and upload.size > limit:
        raise TooLarge(f"附件 {name} 超过 {limit // (1 << 20)} MB")
    upload.file.seek(0)
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"附件 {name} 超过 {limit // (1 << 20)} MB")
    return data


def check_sheet(path: Path, max_rows: int) -> None:
    """Refuse a sheet that unpacks too far or has more than ``max_rows`` rows; counting
    stops at the first row past the limit."""
    if path.suffix.lower() == ".xlsx":
        check_zip_sizes(path, MAX_SHEET_UNPACKED)
    _header, rows = open_source(path, None)
    counted = sum(1 for _ in islice(rows(), max_rows + 1))
    if counted > max_rows:
        raise TooLarge(f"{path.name}: 超过 {max_rows} 行，请分批导入")


@contextmanager
def saved_sheet(sheet: UploadFile, max_rows: int) -> Iterator[Path]:
    """The upload as a checked file in a private temporary folder, removed after."""
    name = Path(sheet.filename or "").name
    if Path(name).suffix.lower() not in SHEET_SUFFIXES:
        raise BadInput(f"文件 {name or '（未命名）'} 应为 .csv 或 .xlsx")
    if sheet.size is not None and sheet.size > MAX_SHEET_BYTES:
        raise TooLarge(f"文件 {name} 超过 {MAX_SHEET_BYTES // (1 << 20)} MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        sheet.file.seek(0)
        with path.open("wb") as out:
            copy_limited(sheet.file, out, MAX_SHEET_BYTES, name)
        check_sheet(path, max_rows)
        yield path


def imported_sheet(
    sheet: UploadFile, max_rows: int, run: Callable[[Path], ImportResult]
) -> ImportResult:
    """Save, check and import an uploaded CSV/XLSX (call from a sync route: it blocks)."""
    with saved_sheet(sheet, max_rows) as path:
        return run(path)
