"""Saving and loading the desk's trained models, whatever their kind, with their cards.

Each task has one file under the models folder (``topics.joblib``, ``polarity.joblib``,
``emotion.joblib``, ``misinfo.joblib``) and its card beside it. The multi-label topic
model and the polarity model are joblib pickles with a format marker; emotion and
misinformation risk are ``TextModel`` files. Pickles can run code when loaded: load
only model files this desk made.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]

from yuqing.analyse.cards import ModelCard, save_card
from yuqing.analyse.models import TextModel
from yuqing.analyse.polarity import PolarityModel
from yuqing.analyse.topic_model import TopicModel
from yuqing.errors import BadInput

FORMATS = {"topics": "yuqing.topicmodel", "polarity": "yuqing.polaritymodel"}
FORMAT_VERSION = 1
TASKS = ("topics", "polarity", "emotion", "misinfo")

AnyModel = TopicModel | PolarityModel | TextModel


def model_file(models_dir: Path, task: str) -> Path:
    return models_dir / f"{task}.joblib"


def save_model(model: AnyModel, path: Path, card: ModelCard | None = None) -> Path:
    """Write the model atomically, then its card; returns the model's path."""
    if isinstance(model, TextModel):
        model.save(path)
    else:
        payload = {"format": FORMATS[model.task], "format_version": FORMAT_VERSION, "model": model}
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        try:
            joblib.dump(payload, tmp, compress=3)
            Path(tmp).replace(path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    if card is not None:
        save_card(card, path)
    return path


def load_model(path: Path) -> AnyModel:
    """A model file of any kind; BadInput when it is missing, foreign or damaged."""
    if not path.is_file():
        raise BadInput(f"no model file at {path}")
    payload = _payload(path)
    if isinstance(payload, dict) and payload.get("format") in FORMATS.values():
        if payload.get("format_version") != FORMAT_VERSION:
            raise BadInput(f"{path} is of another format version; train the model again")
        model = payload.get("model")
        if not isinstance(model, TopicModel | PolarityModel):
            raise BadInput(f"{path} holds a damaged model")
        return model
    return TextModel.load(path)


def load_task(models_dir: Path | None, task: str) -> AnyModel | None:
    """The task's trained model when the desk has one, else None."""
    if models_dir is None:
        return None
    path = model_file(models_dir, task)
    return load_model(path) if path.exists() else None


def _payload(path: Path) -> Any:
    try:
        return joblib.load(path)
    except Exception as exc:  # a foreign or damaged file fails in many ways
        raise BadInput(f"{path} is not a yuqing model ({type(exc).__name__})") from exc
