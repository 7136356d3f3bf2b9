"""Feed-polling throughput against a local server.

Serves F RSS feeds of E entries each (from the demo scenario) on 127.0.0.1 and polls
every feed once with the real fetcher and RSS connector into a fresh SQLite
database (first poll: every entry new), then again (conditional GET: nothing new).
Prints feeds/s and items/s for both rounds.

    .venv/bin/python -m bench.poll_throughput --feeds 200 --entries 100
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from zoneinfo import ZoneInfo

from bench.common import console, peak_rss_mb
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.poll import poll_source
from yuqing.collect.sources import parse_spec, upsert_source
from yuqing.demo.feed_server import rss
from yuqing.demo.scenario import DemoItem, build_scenario
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade

TZ = ZoneInfo("Asia/Shanghai")


def build_feeds(feeds: int, entries: int) -> dict[str, bytes]:
    items = list(build_scenario(seed=9, items=feeds * entries).items())
    pages = {"/robots.txt": b"User-agent: *\n"}
    for number in range(feeds):
        chunk = [
            item if item.url else _with_url(item, number, i)
            for i, item in enumerate(items[number * entries : (number + 1) * entries])
        ]
        pages[f"/feeds/{number}.xml"] = rss(f"feed {number}", chunk)
    return pages


def _with_url(item: DemoItem, feed: int, index: int) -> DemoItem:
    return dataclasses.replace(item, url=f"https://posts.example/{feed}/{index}", title=None)


def serve(pages: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=100)
    parser.add_argument("--db", type=Path, default=Path("bench/out/poll.db"))
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{args.db}")
    upgrade(db)
    server, base = serve(build_feeds(args.feeds, args.entries))
    with db.transaction() as session:
        ids = [
            upsert_source(
                session,
                parse_spec(
                    {
                        "name": f"feed {n}",
                        "kind": "rss",
                        "url": f"{base}/feeds/{n}.xml",
                        "allow_private": True,
                    }
                ),
            ).id
            for n in range(args.feeds)
        ]
    # One host serves every feed here; politeness is off so that the figure is the
    # pipeline's own, not the 5-second courtesy interval.
    with Fetcher(FetchPolicy(min_interval=0.0, retries=0)) as fetcher:
        for label in ("first poll (all new)", "second poll (304 Not Modified)"):
            started = time.perf_counter()
            stored = 0
            for source_id in ids:
                report = poll_source(db, source_id, fetcher=fetcher, secret="p" * 32, tz=TZ)
                assert report.status in ("ok", "not_modified"), report.error
                stored += report.summary.stored
            elapsed = time.perf_counter() - started
            console.print(
                f"{label}: {len(ids)} feeds in {elapsed:.1f} s → [bold]{len(ids) / elapsed:,.1f} feeds/s[/bold], "
                f"{stored:,} items stored ({stored / elapsed:,.0f} items/s)"
            )
    server.shutdown()
    server.server_close()
    console.print(f"peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
