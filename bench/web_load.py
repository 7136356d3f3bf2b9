"""Web load: N logged-in clients against a running `yuqing serve`, idle and during
an import, with p50/p95/errors per page.

Builds a demo desk (``yuqing demo --no-serve``) in --data-dir unless one is there,
starts ``yuqing serve --no-schedule --workers W`` on it, logs in --clients analysts
and lets each walk the items list, a search, the overview, triage, an event page
and the reports list for --seconds, with --writes of its requests a lock/unlock
pair on an item. With --during-import it runs the same load again while
``yuqing import`` stores --import-lines new items (and, with --analyse, while
``yuqing analyse`` runs over the import's day beside it). --database-url points
the server at a desk already built there (e.g. by bench.big_desk on PostgreSQL);
--data-dir then holds only its secret key. Targets (issue 12): p95 <
200 ms idle with 20 clients, < 500 ms during ingest, 0 timeouts. By default each client
asks again as soon as it has its answer (a closed loop: the server's saturation, which
on two cores is set by CPU per request); --think gives each a mean reading time
between clicks, as a desk's analysts have.

    .venv/bin/python -m bench.web_load --items 1000 --clients 20 --seconds 30 --during-import
    .venv/bin/python -m bench.web_load --data-dir /tmp/big --database-url postgresql+psycopg://… \
        --seconds 40 --during-import --analyse
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
from rich.console import Console

from bench.common import percentile

console = Console(width=200)

PASSWORD = "bench-web-load-password"
TIMEOUT = 60.0
IMPORT_DAY = ("2026-11-16", "2026-11-17")  # the imported rows' day, which --analyse runs over
DATABASE_URL = ""  # set from --database-url


def yuqing(data_dir: Path, *args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUQING_")}
    env.update(YUQING_DATA_DIR=str(data_dir), YUQING_COOKIE_SECURE="false")
    env.update(YUQING_LOG_LEVEL="WARNING")
    if DATABASE_URL:
        env.update(YUQING_DATABASE_URL=DATABASE_URL)
    command = [sys.executable, "-c", "from yuqing.cli.main import main; main()", *args]
    process: subprocess.Popen[bytes] = subprocess.Popen(  # type: ignore[call-overload]
        command, cwd=data_dir, env=env, **kwargs
    )
    return process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_demo(data_dir: Path, items: int) -> None:
    if (data_dir / "yuqing.db").exists() or DATABASE_URL:
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"building a demo desk of {items} items in {data_dir} …")
    built = yuqing(
        data_dir,
        "demo",
        "--items",
        str(items),
        "--data-dir",
        str(data_dir),
        "--password",
        PASSWORD,
        "--no-serve",
        stdout=subprocess.DEVNULL,
    )
    if built.wait() != 0:
        raise SystemExit("yuqing demo failed")


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not come up")


def login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=TIMEOUT, headers={"Origin": base})
    response = client.post("/login", data={"username": "analyst", "password": PASSWORD})
    if response.status_code != 303:
        raise SystemExit(f"login failed: HTTP {response.status_code}")
    return client


def targets(client: httpx.Client) -> dict[str, str]:
    events = re.findall(r'href="(/events/\d+)"', client.get("/events").text)
    items = re.findall(r'href="/items/(\d+)"', client.get("/items").text)
    pages = {
        "items": "/items",
        "search": "/items?q=核酸",
        "overview": "/overview",
        "triage": "/triage",
        "reports": "/reports",
    }
    if events:
        pages["event"] = events[0]
    if items:
        pages["write"] = items[0]
    return pages


def walk(
    client: httpx.Client,
    pages: dict[str, str],
    until: float,
    writes: float,
    rng: random.Random,
    samples: dict[str, list[float]],
    errors: dict[str, int],
    lock: threading.Lock,
    think: float = 0.0,
) -> None:
    names = [n for n in pages if n != "write"]
    while time.monotonic() < until:
        if think:  # a person reads the page before the next click
            time.sleep(rng.expovariate(1.0 / think))
        name = "write" if "write" in pages and rng.random() < writes else rng.choice(names)
        started = time.perf_counter()
        try:
            if name == "write":
                item = pages["write"]
                ok = all(
                    client.post(f"/items/{item}/{step}").status_code < 400
                    for step in ("lock", "unlock")
                )
            else:
                ok = client.get(pages[name]).status_code == 200
        except httpx.HTTPError:
            ok = False
        elapsed = time.perf_counter() - started
        with lock:
            samples[name].append(elapsed)
            errors[name] += not ok


def load(
    base: str, clients: int, seconds: float, writes: float, think: float = 0.0
) -> dict[str, object]:
    sessions = [login(base) for _ in range(clients)]
    pages = targets(sessions[0])
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=walk,
            args=(c, pages, until, writes, random.Random(i), samples, errors, lock, think),
        )
        for i, c in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in sessions:
        client.close()
    return {"samples": dict(samples), "errors": dict(errors), "seconds": seconds}


def report(title: str, result: dict[str, object]) -> None:
    samples: dict[str, list[float]] = result["samples"]  # type: ignore[assignment]
    errors: dict[str, int] = result["errors"]  # type: ignore[assignment]
    total = sum(len(s) for s in samples.values())
    seconds = float(result["seconds"])  # type: ignore[arg-type]
    console.print(f"\n[bold]{title}[/bold]: {total} requests, {total / seconds:.1f}/s")
    for name, times in sorted(samples.items()):
        ms = [t * 1000 for t in times]
        slow = sum(t >= TIMEOUT for t in times)
        console.print(
            f"  {name:<9} n={len(ms):>5}  p50 {percentile(ms, 50):8.1f} ms  "
            f"p95 {percentile(ms, 95):8.1f} ms  max {max(ms):8.1f} ms  "
            f"errors {errors.get(name, 0)}  timeouts {slow}"
        )
    every = [t * 1000 for times in samples.values() for t in times]
    console.print(
        f"  {'all':<9} p50 {percentile(every, 50):.1f} ms  p95 {percentile(every, 95):.1f} ms"
    )


def import_file(path: Path, lines: int, run: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(lines):
            row = {
                "微博id": f"load{run}-{i}",
                "微博正文": f"第{i}条：社区核酸检测排队情况，市民反映",
                "发布时间": "2026-11-16 10:00",
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=Path("bench/out/web_load"))
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    parser.add_argument("--writes", type=float, default=0.05, help="share of requests that write")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a client reads a page before the next (0: ask again at once)",
    )
    parser.add_argument("--during-import", action="store_true")
    parser.add_argument("--import-lines", type=int, default=50_000)
    parser.add_argument("--analyse", action="store_true", help="analyse beside the import")
    parser.add_argument("--database-url", default="", help="default: data-dir's yuqing.db")
    args = parser.parse_args()
    global DATABASE_URL
    DATABASE_URL = args.database_url
    data_dir = args.data_dir.resolve()
    ensure_demo(data_dir, args.items)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = yuqing(
        data_dir,
        "serve",
        "--no-schedule",
        "--workers",
        str(args.workers),
        "--port",
        str(port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base)
        console.print(
            f"{args.clients} clients, {args.workers} web processes, {args.seconds:.0f} s, "
            f"think time {args.think:g} s"
        )
        report("idle", load(base, args.clients, args.seconds, args.writes, args.think))
        if args.during_import:
            export = data_dir / "web_load_import.jsonl"
            import_file(export, args.import_lines, str(port))
            importer = yuqing(
                data_dir,
                "import",
                str(export),
                "--preset",
                "weibo",
                "--source",
                f"压测导入{port}",
                stdout=subprocess.DEVNULL,
            )
            workers = [("import", importer)]
            if args.analyse:
                since, until = IMPORT_DAY
                analyse = ("analyse", "--since", since, "--until", until)
                workers.append(("analyse", yuqing(data_dir, *analyse, stdout=subprocess.DEVNULL)))
            try:
                title = "during import" + (" and analysis" if args.analyse else "")
                report(title, load(base, args.clients, args.seconds, args.writes, args.think))
            finally:
                for name, worker in workers:
                    console.print(f"  {name} still running: {worker.poll() is None}")
                    worker.terminate()
                    worker.wait()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
