"""Hostile uploads against the web app: how long a refusal takes and how much memory
it costs, for a sheet of many rows and a zip-bomb workbook.

    .venv/bin/python -m bench.upload_limits [--rows 200000] [--bomb-mb 2000]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient

from bench.common import console, peak_rss_mb
from yuqing.config import load_settings
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Role
from yuqing.web.app import create_app

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "bench long passphrase"


def many_rows(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("units")
    sheet.append(["名称", "类型", "上级"])
    for i in range(rows):
        sheet.append([f"第{i}社区", "community", "东城区"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb(unpacked_mb: int) -> bytes:
    good = zipfile.ZipFile(io.BytesIO(many_rows(1)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in good.infolist():
            if not info.filename.endswith("sheet1.xml"):
                packed.writestr(info.filename, good.read(info.filename))
        row = b'<row><c t="inlineStr"><is><t>' + b"x" * (1 << 20) + b"</t></is></c></row>"
        with packed.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b"<worksheet><sheetData>")
            for _ in range(unpacked_mb):
                member.write(row)
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--bomb-mb", type=int, default=2000)
    args = parser.parse_args()
    sheet, packed = many_rows(args.rows), bomb(args.bomb_mb)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(db)
        with db.transaction() as session:
            city = add_unit(session, "青岚市", "city")
            add_unit(session, "东城区", "district", parent=city)
            add_user(session, "head", PASSWORD, grants=[Grant(Role.ADMIN)])
        settings = load_settings(data_dir=Path(folder), secret_key="b" * 32)
        with TestClient(create_app(settings, db), base_url="https://bench") as client:
            client.post("/login", data={"username": "head", "password": PASSWORD})
            for label, body in (
                (f"{args.rows} rows, {len(sheet) / 1e6:.1f} MB", sheet),
                (f"zip bomb {len(packed) / 1e6:.1f} MB → {args.bomb_mb} MB", packed),
            ):
                started, cpu = time.perf_counter(), time.process_time()
                answer = client.post(
                    "/network/units/import",
                    files={"sheet": ("units.xlsx", body, XLSX)},
                    data={"dry_run": "true"},
                )
                took, cpu = time.perf_counter() - started, time.process_time() - cpu
                console.print(
                    f"{label:32} → {answer.status_code} in {took:6.2f} s ({cpu:.2f} CPU-s), "
                    f"peak RSS {peak_rss_mb():.0f} MB",
                    soft_wrap=True,
                )
        db.dispose()


if __name__ == "__main__":
    main()
