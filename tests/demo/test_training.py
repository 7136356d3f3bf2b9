"""The demo trains its own models from the scenario's generated labels."""

from __future__ import annotations

from pathlib import Path

from yuqing.analyse.cards import list_cards
from yuqing.analyse.model_files import load_task
from yuqing.analyse.topic_model import TopicModel
from yuqing.demo.scenario import build_scenario
from yuqing.demo.training import train_demo_models


def test_demo_models_come_from_generated_labels(tmp_path: Path) -> None:
    scenario = build_scenario(seed=7, items=400)
    paths = train_demo_models(scenario, tmp_path / "models")
    assert paths[0].name == "topics.joblib"
    model = load_task(tmp_path / "models", "topics")
    assert isinstance(model, TopicModel) and len(model.modelled) >= 8
    cards = {c.task: c for c in list_cards(tmp_path / "models")}
    assert cards["topics"].files[0].path.startswith("demo scenario")
    assert cards["topics"].scores["micro_f1"] > 0.7
