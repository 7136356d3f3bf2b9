"""Each desk page's time and its slowest SQL statements, on one logged-in client.

Opens the app in-process over --database-url (a desk ``yuqing demo`` or
``bench.big_desk`` built, with the demo's accounts), asks each page --repeat times
and prints the median page time and, per page, the statements that took longest
(median over the repeats), so that a query that grows with the data shows by name.
With --explain it prints each slow statement's query plan.

    .venv/bin/python -m bench.page_queries --data-dir /tmp/big --repeat 3 --explain
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import event, text

from bench.web_load import PASSWORD
from yuqing.config import load_settings
from yuqing.store.db import Database
from yuqing.web.app import create_app

console = Console(width=200)

PAGES = {
    "items": "/items",
    "items p20": "/items?page=20",
    "items p2000": "/items?page=2000",  # a numbered page: OFFSET 99,950
    "search": "/items?q=核酸",
    "search p20": "/items?q=核酸&page=20",
    "overview": "/overview",
    "triage": "/triage",
    "triage p20": "/triage?page=20",
    "triage p2000": "/triage?page=2000",
    "events": "/events",
    "reports": "/reports",
}


class Recorder:
    """Times every statement the engine runs while a page is being asked for."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.params: dict[str, Any] = {}
        self._started: list[float] = []

    def before(self, conn: Any, cursor: Any, sql: str, params: Any, *_: Any) -> None:
        self._started.append(time.perf_counter())

    def after(self, conn: Any, cursor: Any, sql: str, params: Any, *_: Any) -> None:
        elapsed = time.perf_counter() - self._started.pop()
        self.times[sql].append(elapsed)
        self.params[sql] = params


def explain(db: Database, sql: str, params: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    with db.engine.connect() as conn:
        cursor = conn.connection.cursor()
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    return "\n".join("    " + " ".join(str(c) for c in row[-1:]) for row in rows)


def next_link(client: TestClient, url: str) -> str | None:
    """The page's 下一页 link (a page by position where the list has them)."""
    found = re.search(r'<a href="([^"]+)"[^>]*>下一页</a>', client.get(url).text)
    return html.unescape(found.group(1)) if found else None


def event_page(client: TestClient) -> str | None:
    found = re.findall(r'href="(/events/\d+)"', client.get("/events").text)
    return found[0] if found else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default="", help="default: data-dir's yuqing.db")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=3, help="slow statements shown per page")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    settings = load_settings(
        data_dir=args.data_dir, database_url=args.database_url, cookie_secure=False
    )
    db = Database(settings.resolved_database_url())
    recorder = Recorder()
    event.listen(db.engine, "before_cursor_execute", recorder.before)
    event.listen(db.engine, "after_cursor_execute", recorder.after)
    with db.engine.connect() as conn:
        items = conn.scalar(text("SELECT count(*) FROM items"))
    console.print(f"{items:,} items in {db.engine.url.render_as_string()}")
    with TestClient(create_app(settings, db), follow_redirects=False) as client:
        client.post("/login", data={"username": "analyst", "password": PASSWORD})
        pages = dict(PAGES)
        if found := event_page(client):
            pages["event"] = found
        for name in ("items", "search", "triage"):
            if link := next_link(client, PAGES[name]):
                pages[f"{name} next"] = link
        wanted = set(filter(None, args.only.split(",")))
        for name, url in pages.items():
            if wanted and name not in wanted:
                continue
            recorder.times.clear()
            took = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                status = client.get(url).status_code
                took.append(time.perf_counter() - started)
            slow = sorted(recorder.times.items(), key=lambda kv: -statistics.median(kv[1]))[
                : args.top
            ]
            console.print(
                f"\n[bold]{name}[/bold] {url}  HTTP {status}  median "
                f"{statistics.median(took) * 1000:.0f} ms, {len(recorder.times)} statements"
            )
            for sql, times in slow:
                one_line = " ".join(sql.split())
                console.print(f"  {statistics.median(times) * 1000:8.1f} ms  {one_line[:300]}")
                if args.explain:
                    console.print(explain(db, sql, recorder.params[sql]), markup=False)


if __name__ == "__main__":
    main()
