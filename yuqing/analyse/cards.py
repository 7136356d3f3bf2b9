"""Model cards: what a saved model was trained on, how big it is, and how well it scored.

A card is a small JSON file saved beside its model (``topics.joblib`` →
``topics.card.json``) so a desk can read it without loading the model: the
settings page lists the cards, the item page shows the model's scores beside its
tags. Cross-validated scores are measured on the training data itself at training
time (k-fold, pooled out-of-fold predictions), so a card never claims figures that
were not measured on this model's own data.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from yuqing.errors import BadInput

CARD_SUFFIX = ".card.json"
TASK_NAMES = {
    "topics": "话题（多标签）",
    "polarity": "舆情倾向（负面/中性/正面）",
    "emotion": "情绪（六类）",
    "misinfo": "不实信息风险提示",
}


@dataclass(frozen=True)
class TrainingFile:
    """One file a model was trained on: where, how many records, and its checksum."""

    path: str
    records: int
    skipped: int = 0
    sha256: str = ""


@dataclass(frozen=True)
class ModelCard:
    task: str
    kind: str  # the model family, e.g. "multilabel-logreg"
    trained_at: str  # ISO 8601, UTC
    training_size: int
    label_counts: dict[str, int]
    files: list[TrainingFile] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # cross-validated, on the training data
    folds: int = 0
    model_bytes: int = 0
    notes: str = ""

    @property
    def title(self) -> str:
        return TASK_NAMES.get(self.task, self.task)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_size(self, model_path: Path) -> ModelCard:
        data = self.as_dict()
        data["model_bytes"] = model_path.stat().st_size if model_path.exists() else 0
        return _from_dict(data)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def card_path(model_path: Path) -> Path:
    return model_path.with_name(model_path.name.removesuffix(".joblib") + CARD_SUFFIX)


def file_entry(path: Path, records: int, skipped: int = 0) -> TrainingFile:
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return TrainingFile(str(path), records, skipped, digest)


def save_card(card: ModelCard, model_path: Path) -> Path:
    """Write the card beside its model (atomically, after the model was written)."""
    path = card_path(model_path)
    text = json.dumps(card.with_size(model_path).as_dict(), ensure_ascii=False, indent=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    Path(tmp).replace(path)
    return path


def load_card(model_path: Path) -> ModelCard | None:
    """The card of a model file, None when it has none; BadInput when it is damaged."""
    path = card_path(model_path)
    if not path.is_file():
        return None
    try:
        return _from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError, KeyError) as exc:
        raise BadInput(f"{path} is not a readable model card ({exc})") from exc


def list_cards(models_dir: Path) -> list[ModelCard]:
    """Every readable card under the models folder, by task; damaged cards are left out."""
    if not models_dir.is_dir():
        return []
    cards: list[ModelCard] = []
    for path in sorted(models_dir.glob(f"*{CARD_SUFFIX}")):
        model = path.with_name(path.name.removesuffix(CARD_SUFFIX) + ".joblib")
        try:
            card = load_card(model)
        except BadInput:
            continue
        if card is not None:
            cards.append(card)
    return cards


def _from_dict(data: dict[str, Any]) -> ModelCard:
    data = dict(data)
    data["files"] = [TrainingFile(**f) for f in data.get("files", [])]
    return ModelCard(**data)
