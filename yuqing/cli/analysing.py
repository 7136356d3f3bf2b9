"""`yuqing analyse`, `model` and `rule` — the analysis stages, trainable models, watch rules."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select

from yuqing.analyse.labelled import LabelledSet
from yuqing.cli.common import console, open_database, progress_bar, settings
from yuqing.errors import BadInput
from yuqing.store.migrate import require_current
from yuqing.store.models import Item, WatchRule

if TYPE_CHECKING:
    from yuqing.analyse.cards import ModelCard
    from yuqing.analyse.topics import Taxonomy

model_app = typer.Typer(no_args_is_help=True, help="Train and score the trainable models.")
rule_app = typer.Typer(no_args_is_help=True, help="Watch rules: try, add, list.")
TASKS = ("topics", "polarity", "emotion", "misinfo")


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(
            f"not a date or time: {value!r} (use 2026-11-16 or 2026-11-16T09:00)"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=settings().tz)


def analyse(
    since: Annotated[str | None, typer.Option(help="Start (inclusive), e.g. 2026-11-16.")] = None,
    until: Annotated[str | None, typer.Option(help="End (exclusive).")] = None,
    workers: Annotated[int, typer.Option(help="Processes: 2 tags texts beside the rest.")] = 2,
) -> None:
    """Run every analysis stage over a period (all items when no period is given)."""
    from yuqing.analyse.bursts import raise_burst_alerts, replay_bursts
    from yuqing.analyse.context import build_context
    from yuqing.analyse.pipeline import analyse as run
    from yuqing.analyse.term_background import refresh_background
    from yuqing.analyse.topics import Taxonomy
    from yuqing.store.types import utcnow

    config = settings()
    db = open_database(config)
    require_current(db)
    start, end = _when(since), _when(until)
    with db.reading() as session:
        query = select(func.count()).select_from(Item)
        if start:
            query = query.where(Item.published_at >= start)
        if end:
            query = query.where(Item.published_at < end)
        total = session.scalar(query) or 0
        context = build_context(
            session,
            jurisdiction=config.jurisdiction,
            models_dir=config.data_dir / "models",
            taxonomy=Taxonomy.from_mapping(config.topics) if config.topics else None,
        )
    with progress_bar() as bar:
        task = bar.add_task("analysing", total=total)
        summary = run(
            db,
            context,
            since=start,
            until=end,
            workers=workers,
            on_batch=lambda n: bar.advance(task, n),
        )
    with db.transaction() as session:
        if start and end:
            spikes = replay_bursts(session, start, end, config.tz)
        else:
            spikes = raise_burst_alerts(session, utcnow(), config.tz)
    refresh_background(db, utcnow(), max_age=0)  # the key terms' background, now
    console.print(
        f"analysed {summary.items} items: {summary.copies} copies folded, {summary.local} about "
        f"our area, {summary.rule_hits} rule hits, {summary.claim_candidates} claim candidates, "
        f"{len(spikes)} spikes"
    )


def _labelled(task: str, data: Path, names: Path | None) -> LabelledSet:
    """The labelled file for a known task, with a one-line report of what was skipped."""
    from yuqing.analyse.labelled import read_labelled, read_names

    if task not in ("emotion", "misinfo"):
        raise BadInput(
            f"`model eval` scores emotion or misinfo models; the {task} model's card holds "
            "its cross-validated scores (`yuqing model list`)"
        )
    labelled = read_labelled(data, names=read_names(names) if names else None)
    console.print(labelled.report())
    return labelled


@model_app.command("train")
def model_train(
    task: Annotated[str, typer.Argument(help="topics, polarity, emotion or misinfo")],
    data: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, help="Labelled TSV/JSONL/JSON/CSV files."),
    ],
    names: Annotated[
        Path | None, typer.Option(help="Label names, one per line (int labels).")
    ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds for the card (0: none).")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the model card as JSON.")] = False,
) -> None:
    """Train a model on one or more labelled files and keep it, with its card, for analysis."""
    from yuqing.analyse.labelled import read_names
    from yuqing.analyse.training import train_and_save
    from yuqing.analyse.training_data import read_training

    if task not in TASKS:
        raise BadInput(f"unknown task {task!r}: use {', '.join(TASKS)}")
    config = settings()
    training = read_training(task, data, names=read_names(names) if names else None)
    if not as_json:
        console.print(training.report())
    path, card = train_and_save(
        task, training, config.data_dir / "models", taxonomy=_taxonomy(), folds=folds
    )
    _print_trained(task, path, card, as_json)


@model_app.command("retrain")
def model_retrain(
    folds: Annotated[int, typer.Option(help="Cross-validation folds for the card (0: none).")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the model card as JSON.")] = False,
) -> None:
    """Retrain the topic model from the analysts' own topic tags on items."""
    from yuqing.analyse.training import train_and_save
    from yuqing.desk.corrections import analyst_topics

    config = settings()
    db = open_database(config)
    require_current(db)
    with db.reading() as session:
        training = analyst_topics(session)
    path, card = train_and_save(
        "topics", training, config.data_dir / "models", taxonomy=_taxonomy(), folds=folds
    )
    _print_trained("topics", path, card, as_json)


@model_app.command("list")
def model_list() -> None:
    """The trained models and their cards."""
    from yuqing.analyse.cards import list_cards

    table = Table("task", "trained", "texts", "scores (cross-validated)")
    for card in list_cards(settings().data_dir / "models"):
        scores = " ".join(f"{k} {v:.3f}" for k, v in card.scores.items()) or "—"
        table.add_row(card.task, card.trained_at, str(card.training_size), scores)
    console.print(table)


def _taxonomy() -> Taxonomy | None:
    from yuqing.analyse.topics import Taxonomy

    config = settings()
    return Taxonomy.from_mapping(config.topics) if config.topics else None


def _print_trained(task: str, path: Path, card: ModelCard, as_json: bool) -> None:
    from yuqing.analyse.cards import card_path

    if as_json:
        payload = {"path": str(path), "card_path": str(card_path(path)), "card": card.as_dict()}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    scores = ", ".join(f"{k} {v:.4f}" for k, v in card.scores.items()) or "not cross-validated"
    console.print(f"trained {task}: {card.training_size} texts ({scores})")
    console.print(f"saved → {path}")
    console.print(f"card  → {card_path(path)}")


@model_app.command("eval")
def model_eval(
    task: Annotated[str, typer.Argument(help="emotion or misinfo")],
    data: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Labelled file to score on.")
    ],
    names: Annotated[
        Path | None, typer.Option(help="Label names, one per line (int labels).")
    ] = None,
    folds: Annotated[
        int, typer.Option(help="Cross-validate on DATA instead (0: use the trained model).")
    ] = 0,
) -> None:
    """Score the trained model on a labelled file (or cross-validate on it); prints macro-F1."""
    from yuqing.analyse.context import model_path
    from yuqing.analyse.models import TextModel, cross_validate, evaluate

    labelled = _labelled(task, data, names)
    if folds:
        metrics = cross_validate(labelled.texts, labelled.labels, folds=folds)
    else:
        path = model_path(settings().data_dir / "models", task)
        if not path.exists():
            raise BadInput(
                f"no trained {task} model at {path}: run `yuqing model train {task} FILE`"
            )
        metrics = evaluate(TextModel.load(path), labelled.texts, labelled.labels)
    table = Table("label", "F1", "support")
    for label, f1 in sorted(metrics.per_class_f1.items()):
        table.add_row(label, f"{f1:.3f}", str(metrics.support.get(label, "")))
    console.print(table)
    console.print(
        f"macro-F1 {metrics.macro_f1:.4f}  accuracy {metrics.accuracy:.4f}  ({metrics.count} texts)"
    )


@rule_app.command("try")
def rule_try(query: str) -> None:
    """Try a rule against the stored items before saving it."""
    from yuqing.analyse.rules import RuleDocument, try_rule

    db = open_database()
    require_current(db)
    with db.reading() as session:
        rows = session.execute(select(Item.id, Item.text_norm, Item.title)).all()
    trial = try_rule(
        query, (RuleDocument(text=t, title=(title or "").lower()) for _i, t, title in rows)
    )
    console.print(f"{trial.matched} of {trial.checked} items match")
    for index in trial.examples[:10]:
        console.print(f"  {rows[index][0]:>8}  {rows[index][1][:70]}")


@rule_app.command("add")
def rule_add(name: str, query: str) -> None:
    """Save a watch rule (it is parsed first; errors point at the position)."""
    from yuqing.analyse.rules import Rule

    Rule.parse(query)
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        rule = session.scalar(select(WatchRule).where(WatchRule.name == name)) or WatchRule(
            name=name
        )
        rule.query = query
        session.add(rule)
    console.print(f"rule {name!r} saved")


@rule_app.command("list")
def rule_list() -> None:
    db = open_database()
    require_current(db)
    table = Table("id", "name", "query", "enabled")
    with db.reading() as session:
        for rule in session.scalars(select(WatchRule).order_by(WatchRule.name)):
            table.add_row(str(rule.id), rule.name, rule.query, "yes" if rule.enabled else "no")
    console.print(table)
