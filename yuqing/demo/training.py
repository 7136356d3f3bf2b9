"""The demo's own models, trained at build time from the scenario's generated labels.

Nothing trained on outside data is ever shipped: the demo desk's topic model learns
the generated items' themes (``truth["topic"]``) and its misinformation-risk hint the
generated rumours (``truth["rumour"]``), like a real desk training on its own labels.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from yuqing.analyse.cards import TrainingFile
from yuqing.analyse.training import train_and_save
from yuqing.analyse.training_data import TrainingSet
from yuqing.demo.scenario import Scenario

MAX_TRAINING = 3000  # enough for the templated demo; keeps the build quick
FOLDS = 3


def train_demo_models(scenario: Scenario, models_dir: Path) -> list[Path]:
    """Topic and misinformation-risk models from the scenario's labels; their paths."""
    originals = (i for i in scenario.items() if i.truth.get("copy_of") is None)
    items = list(islice(originals, MAX_TRAINING))
    texts = [f"{i.title or ''} {i.body}".strip() for i in items]
    source = [TrainingFile("demo scenario (generated labels)", len(items))]
    topics = TrainingSet(texts=texts, topics=[[str(i.truth["topic"])] for i in items], files=source)
    paths = [train_and_save("topics", topics, models_dir, folds=FOLDS)[0]]
    risk = ["fake" if i.truth.get("rumour") is not None else "real" for i in items]
    if risk.count("fake") >= 10:
        misinfo = TrainingSet(texts=texts, labels=risk, files=source)
        paths.append(train_and_save("misinfo", misinfo, models_dir, folds=FOLDS)[0])
    return paths
