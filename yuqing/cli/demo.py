"""`yuqing demo` — a fresh demo desk on embedded SQLite, collected and served."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from yuqing.cli.common import console, progress_bar
from yuqing.config import Settings, load_settings
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade


def demo(
    items: Annotated[
        int, typer.Option(min=1, help="How many items the scenario generates.")
    ] = 5000,
    seed: Annotated[
        int, typer.Option(help="Scenario seed; the same seed gives the same week.")
    ] = 2026,
    data_dir: Annotated[Path, typer.Option(help="Folder for the demo database.")] = Path(
        "yuqing-data/demo"
    ),
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    password: Annotated[
        str | None, typer.Option(help="Password for every demo account (default: random).")
    ] = None,
    serve: Annotated[bool, typer.Option(help="Serve the web app once loaded.")] = True,
) -> None:
    """Build the demo desk (a fictional city's epidemic week) and serve it.

    The week's news and posts are published by a local feed server (RSS feeds, a news
    site, a partner list, export files, officers' e-mails) and collected from it by
    the real connectors, as a desk would collect them."""
    from yuqing.analyse.boundaries import use_desk_boundaries
    from yuqing.collect.poll import PollReport
    from yuqing.demo.boundaries import write_demo_boundaries
    from yuqing.demo.live import analyse_demo, load_live
    from yuqing.demo.scenario import build_scenario

    if data_dir.exists():
        shutil.rmtree(data_dir)
    config = demo_settings(data_dir)
    assert config.map_boundaries_dir is not None
    # The fictional city's own map boundaries, as a desk supplies its subdivisions'.
    write_demo_boundaries(config.map_boundaries_dir)
    use_desk_boundaries(config.map_boundaries_dir)
    db = Database(config.resolved_database_url())
    upgrade(db)
    password = password or secrets.token_urlsafe(9)
    scenario = build_scenario(seed=seed, items=items)
    with progress_bar() as bar:
        task = bar.add_task("collecting the demo week", total=items)
        loaded, feeds = load_live(
            db,
            scenario,
            folder=data_dir,
            secret=config.resolved_secret_key(),
            password=password,
            tz=config.tz,
            on_progress=lambda _name, n: bar.advance(task, n),
        )
    for poll in [*loaded.polls, PollReport("12345热线人工录入", "ok", loaded.manual)]:
        s = poll.summary
        detail = poll.error or (
            f"read {s.read}, stored {s.stored}, duplicates {s.duplicates}, "
            f"quarantined {s.quarantined}"
        )
        console.print(f"  {poll.source}: {poll.status} — {detail}")
    items_in = loaded.items
    console.print(
        f"collected {items_in.stored} items ({items_in.duplicates} duplicates, "
        f"{items_in.quarantined} quarantined), {loaded.field_reports} e-mailed field reports, "
        f"{loaded.units} units, {loaded.users} users, {loaded.tallies} tally entries "
        f"into {config.resolved_database_url()}"
    )
    with progress_bar() as bar:
        task = bar.add_task("analysing", total=items)
        found = analyse_demo(
            db,
            scenario,
            config.jurisdiction,
            lambda n: bar.advance(task, n),
            models_dir=config.data_dir / "models",
        )
    console.print(
        f"analysed: {found.copies} copies folded, {found.local} items about the city, "
        f"{found.rule_hits} rule hits, {found.claim_candidates} fact-check candidates, "
        f"{found.spikes} spike alerts"
    )
    from yuqing.demo import daily_report, desk_loop, network_week

    for part in (network_week, desk_loop, daily_report):
        for line in part.play(db, config, scenario):
            console.print(line)
    _print_accounts(password)
    if not serve:
        feeds.shutdown()
        feeds.server_close()
        return
    import uvicorn

    from yuqing.jobs.queue import Jobs
    from yuqing.web.app import create_app

    consumer = Jobs(config, db).consumer()
    consumer.start()
    console.print(f"\ndemo desk: http://{host}:{port}/", style="bold", end="")
    console.print("   (Ctrl-C to stop)")
    try:
        uvicorn.run(create_app(config, db), host=host, port=port, log_config=None, access_log=True)
    finally:
        consumer.stop(graceful=True)
        feeds.shutdown()
        feeds.server_close()


def demo_settings(data_dir: Path, **overrides: Any) -> Settings:
    """The demo desk's settings: its fictional city on embedded SQLite in ``data_dir``,
    its generated map boundaries in ``data_dir/boundaries``."""
    from yuqing.demo.boundaries import FOLDER
    from yuqing.demo.live import DEMO_CITY_CODE

    return load_settings(
        data_dir=data_dir,
        database_url="",
        map_boundaries_dir=data_dir / FOLDER,
        city_name="青岚市（演示）",
        jurisdiction=[DEMO_CITY_CODE],
        report_issuing_unit="青岚市疫情防控舆情工作专班",
        report_copy_to=["市疫情防控指挥部办公室", "市委宣传部", "市卫生健康委员会"],
        **overrides,
    )


def _print_accounts(password: str) -> None:
    from yuqing.demo.load import DESK_ACCOUNTS

    table = Table(title="demo accounts", show_lines=False)
    table.add_column("login")
    table.add_column("who")
    table.add_column("password")
    for username, name, _roles in DESK_ACCOUNTS:
        table.add_row(username, name, password)
    table.add_row("officer_* / responder_*", "信息员、部门回复人（见用户列表）", password)
    console.print(table)
