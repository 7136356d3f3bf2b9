"""`yuqing` — init, demo, serve, search, backup, restore, user."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text
from sqlalchemy.exc import DBAPIError, OperationalError

from yuqing.cli import analysing, collecting, desk, network, reports, retention, users
from yuqing.cli import demo as demo_command
from yuqing.cli.common import console, err_console, open_database, progress_bar, settings
from yuqing.collect.sources import parse_spec, upsert_source
from yuqing.errors import YuqingError
from yuqing.store import backup as backups
from yuqing.store.migrate import current_revision, head_revision, require_current, upgrade

app = typer.Typer(
    help="舆情信息工作平台 yuqing: the communication desk's public-opinion platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(users.app, name="user", help="Manage user accounts.")
app.add_typer(collecting.sources_app, name="source")
app.add_typer(collecting.quarantine_app, name="quarantine")
app.command("demo")(demo_command.demo)
app.command("collect")(collecting.collect)
app.command("import")(collecting.import_file)
app.command("worker")(collecting.worker)
app.command("analyse")(analysing.analyse)
app.add_typer(analysing.model_app, name="model")
app.add_typer(analysing.rule_app, name="rule")
app.add_typer(network.app, name="network", help="Units, field reports, tallies, scores.")
app.add_typer(desk.app, name="desk", help="Triage, cases, fact-checks, alert delivery.")
app.add_typer(reports.app, name="report", help="Daily and special reports.")
app.command("purge")(retention.purge_command)
app.command("pseudonymise")(retention.pseudonymise_command)


LONG_RUNNING = {"serve", "worker", "demo"}


@app.callback()
def _configure_logging(ctx: typer.Context) -> None:
    """Logging once per process: the configured level for the long-running commands,
    warnings and worse for the others (their console output says the rest)."""
    from yuqing.logs import configure

    config = settings()
    quiet = ctx.invoked_subcommand not in LONG_RUNNING and config.log_level in ("DEBUG", "INFO")
    configure(config, level="WARNING" if quiet else None)


@app.command()
def init() -> None:
    """Create the database, or upgrade it to this version's schema keeping every row;
    save the sources listed in the configuration."""
    config = settings()
    db = open_database(config)
    before = current_revision(db)
    upgrade(db)
    after = current_revision(db)
    if before == after:
        console.print(f"database already at schema {after}: {db}")
    else:
        state = "created" if before is None else "upgraded"
        console.print(f"database {state}: {before or 'empty'} → {after} ({db})")
    if config.sources:
        specs = [parse_spec(raw) for raw in config.sources]
        with db.transaction() as session:
            for spec in specs:
                upsert_source(session, spec)
        console.print(f"{len(specs)} sources from the configuration saved")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    schedule: Annotated[
        bool,
        typer.Option(
            help="Also run the task queue and the schedule in this process "
            "(the deployment's one scheduler)."
        ),
    ] = True,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Web processes (each with its own pool).")
    ] = 1,
) -> None:
    """Serve the web app and, in the same process, the collection schedule."""
    import uvicorn

    from yuqing.jobs.queue import Jobs
    from yuqing.web.app import create_app

    config = settings()
    db = open_database(config)
    require_current(db)
    config.resolved_secret_key()
    bind_host, bind_port = host or config.host, port or config.port
    consumer = Jobs(config, db).consumer(scheduler=True) if schedule else None
    if consumer is not None:
        consumer.start()
    console.print(
        f"yuqing serving on http://{bind_host}:{bind_port}/ with {workers} web process(es)"
        + (", the task queue and the schedule" if consumer else "")
    )
    options: dict[str, Any] = {
        "host": bind_host,
        "port": bind_port,
        "log_config": None,
        "access_log": True,
    }
    try:
        if workers > 1:
            uvicorn.run(
                "yuqing.web.app:app_from_settings", factory=True, workers=workers, **options
            )
        else:
            uvicorn.run(create_app(config, db), **options)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find, in either script.")],
    limit: Annotated[int, typer.Option(help="How many to show.")] = 20,
) -> None:
    """Search items from the command line, newest first."""
    from yuqing.store.models import Item
    from yuqing.store.search import ItemQuery, count_items, search_item_ids
    from yuqing.text import matching_form

    db = open_database()
    require_current(db)
    with db.reading() as session:
        item_query = ItemQuery(text=matching_form(query), limit=limit)
        ids = search_item_ids(session, item_query)
        total = count_items(session, item_query)
        for item_id in ids:
            item = session.get(Item, item_id)
            assert item is not None
            when = item.published_at.astimezone(settings().tz).strftime("%m-%d %H:%M")
            console.print(f"{item.id:>8}  {when}  {(item.title or item.text_original)[:60]}")
    console.print(f"{total} items match")


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="File to write (gzip'd JSON lines).")],
    with_secrets: Annotated[
        bool,
        typer.Option(help="Keep password hashes, logins and source passwords (guard the file)."),
    ] = False,
) -> None:
    """Write the whole database to a portable backup file, without secrets by default."""
    db = open_database()
    with progress_bar() as bar:
        task = bar.add_task("backing up", total=None)
        counts = backups.backup(
            db, path, lambda _t, n: bar.advance(task, n), include_secrets=with_secrets
        )
    console.print(f"backed up {sum(counts.values())} rows of {len(counts)} tables to {path}")
    if not with_secrets:
        console.print("secrets left out: after a restore, set passwords with `yuqing user passwd`")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `yuqing backup`.")],
) -> None:
    """Load a backup into an empty database (created if needed)."""
    if not path.exists():
        raise YuqingError(f"no such backup file: {path}")
    db = open_database()
    with progress_bar() as bar:
        task = bar.add_task("restoring", total=None)
        counts = backups.restore(db, path, lambda _t, n: bar.advance(task, n))
    console.print(f"restored {sum(counts.values())} rows into {db} (schema {head_revision()})")
    locked = backups.accounts_without_password(db)
    if locked:
        console.print(
            f"{len(locked)} account(s) have no password yet: yuqing user passwd NAME "
            f"({', '.join(locked[:10])}{' …' if len(locked) > 10 else ''})",
            markup=False,
        )


def main() -> None:
    """Entry point: errors are one readable line, never a traceback."""
    try:
        app()
    except YuqingError as exc:
        err_console.print(Text("错误", style="red"), exc.message, highlight=False, soft_wrap=True)
        sys.exit(1)
    except (OperationalError, DBAPIError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        err_console.print(Text("错误", style="red"), f"database: {reason}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, with the way to see more
        if os.environ.get("YUQING_DEBUG"):
            raise
        err_console.print(
            Text("内部错误", style="red"),
            f"{type(exc).__name__}: {exc} (YUQING_DEBUG=1 shows the traceback)",
            highlight=False,
        )
        sys.exit(2)
