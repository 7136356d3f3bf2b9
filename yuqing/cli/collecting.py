"""`yuqing source`, `collect`, `import`, `quarantine` and `worker` — collection by hand
and on a schedule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from yuqing.cli.common import console, err_console, open_database, progress_bar, settings
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.health import source_health
from yuqing.collect.ingest import IngestSummary, SourceInfo, ingest
from yuqing.collect.poll import poll_source
from yuqing.collect.shared import shared_robots, shared_throttle
from yuqing.collect.sources import get_source, parse_spec, upsert_source
from yuqing.store.migrate import require_current
from yuqing.store.models import QuarantineEntry, Source

sources_app = typer.Typer(no_args_is_help=True, help="Configure and inspect sources.")
quarantine_app = typer.Typer(no_args_is_help=True, help="Input that was refused, and why.")


def _summary_line(summary: IngestSummary) -> str:
    return (
        f"read {summary.read}, stored {summary.stored}, duplicates {summary.duplicates}, "
        f"quarantined {summary.quarantined}"
    )


@sources_app.command("add")
def source_add(
    name: str,
    kind: Annotated[str, typer.Option(help="rss, web, file, partner, mail or manual")],
    url: Annotated[str | None, typer.Option(help="Feed, listing page or partner file URL.")] = None,
    interval: Annotated[int, typer.Option(help="Minutes between polls.")] = 60,
    config: Annotated[str, typer.Option(help='JSON, e.g. {"link_selector": "ul.news a"}')] = "{}",
    outlet: Annotated[
        bool, typer.Option(help="A registered public outlet (authors kept).")
    ] = False,
    allow_private: Annotated[
        bool, typer.Option(help="Allow-list an intranet address (SSRF guard exemption).")
    ] = False,
) -> None:
    """Create or update a source."""
    try:
        extra = json.loads(config)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"--config is not JSON: {exc}") from exc
    spec = parse_spec(
        {
            "name": name,
            "kind": kind,
            "url": url,
            "interval_minutes": interval,
            "config": extra,
            "is_public_outlet": outlet,
            "allow_private": allow_private,
        }
    )
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        source = upsert_source(session, spec)
    console.print(f"source {source.id} {name} ({kind}) saved")


@sources_app.command("list")
def source_list() -> None:
    """Sources with their health."""
    db = open_database()
    require_current(db)
    table = Table(
        "id", "name", "kind", "state", "last success", "items 24h", "per day", "last error"
    )
    with db.reading() as session:
        for h in source_health(session):
            when = (
                h.last_success_at.astimezone(settings().tz).strftime("%m-%d %H:%M")
                if h.last_success_at
                else "—"
            )
            table.add_row(
                str(h.id),
                h.name,
                h.kind,
                h.label,
                when,
                str(h.items_last_day),
                f"{h.items_per_day:.0f}",
                (h.last_error or "")[:60],
            )
    console.print(table)


def collect(
    source: Annotated[
        str | None, typer.Argument(help="Source name or id; all due ones if left out.")
    ] = None,
) -> None:
    """Poll a source now (or every enabled source), showing progress and a summary."""
    config = settings()
    db = open_database(config)
    require_current(db)
    with db.reading() as session:
        ids = (
            [get_source(session, source).id]
            if source
            else list(
                session.scalars(select(Source.id).where(Source.enabled, Source.kind != "manual"))
            )
        )
    fetcher = Fetcher(
        FetchPolicy(user_agent=config.user_agent, min_interval=config.fetch_interval),
        throttle=shared_throttle(config, db),
        robots_store=shared_robots(db),
    )
    total = IngestSummary()
    busy: list[str] = []
    with fetcher, progress_bar() as bar:
        task = bar.add_task("collecting", total=None)
        for source_id in ids:
            report = poll_source(
                db,
                source_id,
                fetcher=fetcher,
                secret=config.resolved_secret_key(),
                tz=config.tz,
                on_batch=lambda s: bar.advance(task, s.read),
                lease_seconds=config.poll_lease_seconds,
            )
            total.add(report.summary)
            detail = report.error or _summary_line(report.summary)
            bar.console.print(f"{report.source}: {report.status} — {detail}", markup=False)
            if report.status == "busy":
                busy.append(f"{report.source} ({report.error})")
    console.print(_summary_line(total))
    if busy:
        err_console.print(
            "busy, not polled: " + "; ".join(busy) + " — try again when that poll ends",
            markup=False,
        )
        raise typer.Exit(3)


def import_file(
    path: Annotated[
        Path, typer.Argument(help="A .jsonl, .csv or .xlsx export.", exists=True, dir_okay=False)
    ],
    preset: Annotated[
        str, typer.Option(help="Column mapping: weibo, wechat or generic.")
    ] = "generic",
    source: Annotated[str, typer.Option(help="Source to file the items under.")] = "文件导入",
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Show how the first rows map; store nothing.")
    ] = False,
    keep_column: Annotated[
        list[str] | None,
        typer.Option(help="Unmapped column to keep (redacted) in the item's meta; repeatable."),
    ] = None,
) -> None:
    """Import a platform export or a partner's list; re-importing adds nothing."""
    from yuqing.collect.files import count_records, read_records
    from yuqing.collect.files import dry_run as preview
    from yuqing.collect.presets import PRESETS

    if preset not in PRESETS:
        raise typer.BadParameter(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    config = settings()
    if dry_run:
        _print_dry_run(preview(path, PRESETS[preset], tz=config.tz))
        return
    db = open_database(config)
    require_current(db)
    with db.transaction() as session:
        found = session.scalar(select(Source).where(Source.name == source))
        if found is None:
            found = upsert_source(session, parse_spec({"name": source, "kind": "manual"}))
        info = SourceInfo.of(found)
    with progress_bar() as bar:
        task = bar.add_task(f"importing {path.name}", total=count_records(path))
        summary = ingest(
            db,
            info,
            read_records(
                path, PRESETS[preset], tz=config.tz, sheet=sheet, keep_columns=keep_column or ()
            ),
            secret=config.resolved_secret_key(),
            on_batch=lambda s: bar.advance(task, s.read),
        )
    console.print(_summary_line(summary))


def _print_dry_run(result: object) -> None:
    from yuqing.collect.files import DryRun

    assert isinstance(result, DryRun)
    console.print("columns: " + ", ".join(result.columns_found))
    console.print("mapping: " + ", ".join(f"{k} ← {v}" for k, v in result.mapping.items()))
    if result.missing_required:
        console.print(Text("missing required:", style="red"), ", ".join(result.missing_required))
    if result.unmapped_columns:
        console.print("not imported: " + ", ".join(result.unmapped_columns))
    for note in result.notes:
        console.print(note)
    table = Table("position", *result.mapping.keys(), "problem")
    for row in result.rows:
        table.add_row(
            row.position, *(row.mapped.get(k, "")[:40] for k in result.mapping), row.problem or ""
        )
    console.print(table)


@quarantine_app.command("list")
def quarantine_list(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
) -> None:
    """Refused records: where from, which position, why."""
    db = open_database()
    require_current(db)
    table = Table("id", "when", "origin", "position", "reason")
    with db.reading() as session:
        entries = session.scalars(
            select(QuarantineEntry)
            .where(QuarantineEntry.resolved_at.is_(None))
            .order_by(QuarantineEntry.id.desc())
            .limit(limit)
        )
        for e in entries:
            table.add_row(
                str(e.id),
                e.created_at.astimezone(settings().tz).strftime("%m-%d %H:%M"),
                e.origin[-50:],
                e.position or "",
                e.reason[:80],
            )
    console.print(table)


def worker(
    scheduler: Annotated[
        bool,
        typer.Option(
            help="Also enqueue the periodic tasks (polls due, analysis, duties). Start one "
            "scheduler per deployment — or none when `yuqing serve` runs the schedule."
        ),
    ] = False,
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Serve this worker's Prometheus metrics on this port (127.0.0.1)."),
    ] = None,
) -> None:
    """Run queued tasks (no web app); start several on several machines with redis_url."""
    from yuqing.jobs.queue import Jobs

    config = settings()
    db = open_database(config)
    require_current(db)
    jobs = Jobs(config, db)
    where = "Redis" if config.redis_url else f"{config.data_dir / 'jobs.sqlite3'}"
    role = "and the schedule" if scheduler else "(the schedule runs elsewhere)"
    console.print(f"yuqing worker: {config.workers} threads, queue on {where}, {role}")
    if metrics_port is not None:
        from prometheus_client import start_http_server

        from yuqing.jobs.metrics import registry_for

        start_http_server(metrics_port, addr="127.0.0.1", registry=registry_for(db))
        console.print(f"metrics on http://127.0.0.1:{metrics_port}/metrics")
    jobs.consumer(scheduler=scheduler).run()
