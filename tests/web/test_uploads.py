"""Hostile uploads, built here: too many rows, a zip bomb posing as a workbook, a body
over the server's limit with and without Content-Length, an oversized attachment."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi import UploadFile
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import login
from yuqing.collect.tables import load_workbook
from yuqing.config import Settings, load_settings
from yuqing.errors import TooLarge
from yuqing.store.db import Database
from yuqing.store.models import QuarantineEntry, Unit
from yuqing.web.app import create_app
from yuqing.web.uploads import read_limited

MAX_ROWS = 40
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def small_limits(tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path, secret_key="t" * 32, import_max_rows=MAX_ROWS, max_request_mb=1
    )


@pytest.fixture
def limited(small_limits: Settings, web_db: Database) -> Iterator[TestClient]:
    app = create_app(small_limits, web_db)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def csv_units(rows: int) -> bytes:
    lines = ["名称,类型,上级"] + [f"第{i}社区,community,昆都仑区" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def xlsx_units(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("units")
    sheet.append(["名称", "类型", "上级"])
    for i in range(rows):
        sheet.append([f"第{i}社区", "community", "昆都仑区"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose first sheet inflates to ``unpacked_mb`` MB: rows of one
    long cell, which deflate packs about a thousand times."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_units(1)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in good.infolist():
            if not info.filename.endswith("sheet1.xml"):
                bomb.writestr(info.filename, good.read(info.filename))
        row = b'<row><c t="inlineStr"><is><t>' + b"x" * (1 << 20) + b"</t></is></c></row>"
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            for _ in range(unpacked_mb):
                member.write(row)
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


def units(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Unit)) or 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_sheet_over_the_row_limit_is_refused_before_import(
    limited: TestClient, web_db: Database, kind: str, dry_run: bool
) -> None:
    login(limited, "admin")
    before = units(web_db)
    body = csv_units(MAX_ROWS + 1) if kind == "csv" else xlsx_units(MAX_ROWS + 1)
    data = {"dry_run": "true"} if dry_run else {}
    refused = limited.post(
        "/network/units/import", files={"sheet": (f"units.{kind}", body, XLSX)}, data=data
    )
    assert refused.status_code == 413 and f"超过 {MAX_ROWS} 行" in refused.text
    assert units(web_db) == before
    fits = csv_units(MAX_ROWS) if kind == "csv" else xlsx_units(MAX_ROWS)
    kept = limited.post("/network/units/import", files={"sheet": (f"units.{kind}", fits, XLSX)})
    assert kept.status_code == 200 and units(web_db) == before + MAX_ROWS


def test_a_zip_bomb_workbook_is_refused_before_openpyxl_opens_it(
    client: TestClient, web_db: Database, tmp_path: Path
) -> None:
    bomb = zip_bomb(120)
    assert len(bomb) < 1 << 18  # a quarter of a megabyte packed, 120 MB unpacked
    login(client, "officer")
    for url in ("/my/unit/tallies/import", "/network/tallies/import"):
        refused = client.post(
            url, files={"sheet": ("统计.xlsx", bomb, XLSX)}, data={"dry_run": "true"}
        )
        assert refused.status_code in (403, 413)
    login(client, "analyst")
    refused = client.post("/network/tallies/import", files={"sheet": ("统计.xlsx", bomb, XLSX)})
    assert refused.status_code == 413 and "解压后" in refused.text
    with web_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(QuarantineEntry)) == 0
    # the command-line readers refuse it too: it packs implausibly tightly
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(TooLarge, match="压缩炸弹"):
        load_workbook(path)


def test_the_server_refuses_a_body_over_its_limit(limited: TestClient) -> None:
    login(limited, "admin")
    big = b"x" * (1 << 20) + b"x"
    declared = limited.post("/network/units/import", files={"sheet": ("u.csv", big, "text/csv")})
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        boundary = b'--b\r\nContent-Disposition: form-data; name="sheet"; filename="u.csv"\r\n\r\n'
        yield boundary
        for _ in range(20):
            yield b"y" * 65536
        yield b"\r\n--b--\r\n"

    streamed = limited.post(
        "/network/units/import",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert streamed.status_code == 413


def test_an_attachment_over_its_limit_is_refused_before_it_is_read() -> None:
    class Unread(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("read although its size was known to be too big")

    upload = UploadFile(Unread(), size=20 * 1024 * 1024 + 1, filename="大.bin")
    with pytest.raises(TooLarge, match=r"大\.bin"):
        read_limited(upload, 20 * 1024 * 1024)
    small = UploadFile(io.BytesIO(b"abc"), size=3, filename="小.txt")
    assert read_limited(small, 20 * 1024 * 1024) == b"abc"
    unknown = UploadFile(io.BytesIO(b"abcd"), size=None, filename="x")
    with pytest.raises(TooLarge):
        read_limited(unknown, 3)
