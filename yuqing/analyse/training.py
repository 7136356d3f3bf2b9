"""Train a task's model from a training set and write its card, cross-validated scores
included — what `yuqing model train`, the retraining command and the demo build share."""

from __future__ import annotations

from pathlib import Path

from yuqing.analyse.cards import ModelCard, now
from yuqing.analyse.model_files import AnyModel, model_file, save_model
from yuqing.analyse.models import TextModel, cross_validate
from yuqing.analyse.polarity import PolarityModel, cross_validate_polarity
from yuqing.analyse.topic_model import TopicModel, cross_validate_topics
from yuqing.analyse.topics import Taxonomy
from yuqing.analyse.training_data import TrainingSet
from yuqing.errors import BadInput

MIN_PER_FOLD = 10
KINDS = {
    "topics": "多标签线性 SVM（字 1–3 元 + 英文词 + 关键词特征，逐话题校准与阈值）",
    "polarity": "逻辑回归（字 1–3 元 + 情感词典特征）",
    "emotion": "线性 SVM（字 1–3 元，类别均衡，sigmoid 校准）",
    "misinfo": "线性 SVM + NB-SVM 平均（字 1–3 元，类别均衡，温度校准）",
}


def train_task(
    task: str, data: TrainingSet, *, taxonomy: Taxonomy | None = None, folds: int = 5
) -> tuple[AnyModel, ModelCard]:
    """The fitted model and its card; ``folds`` 0 skips cross-validation."""
    taxonomy = taxonomy or Taxonomy.default()
    if len(data.texts) < MIN_PER_FOLD * folds:
        folds = 0  # too few texts to say anything by cross-validation
    scores: dict[str, float] = {}
    model: AnyModel
    if task == "topics":
        model = TopicModel.train(data.texts, data.topics, taxonomy)
        counts = {n: sum(n in t for t in data.topics) for n in taxonomy.names}
        if folds:
            cv = cross_validate_topics(data.texts, data.topics, taxonomy, folds=folds)
            scores = {"micro_f1": round(cv.micro_f1, 4), "macro_f1": round(cv.macro_f1, 4)}
    elif task == "polarity":
        model = PolarityModel.train(
            data.texts, data.labels, extra_texts=data.extra_texts, extra_labels=data.extra_labels
        )
        counts = {p: data.labels.count(p) for p in sorted(set(data.labels))}
        if folds:
            pv = cross_validate_polarity(
                data.texts,
                data.labels,
                extra_texts=data.extra_texts,
                extra_labels=data.extra_labels,
                folds=folds,
            )
            scores = {"macro_f1": round(pv.macro_f1, 4), "accuracy": round(pv.accuracy, 4)}
    elif task in ("emotion", "misinfo"):
        model = TextModel.train(data.texts, data.labels, task=task)
        counts = dict(model.info.label_counts)
        if folds:
            mv = cross_validate(data.texts, data.labels, folds=folds, task=task)
            scores = {"macro_f1": round(mv.macro_f1, 4), "accuracy": round(mv.accuracy, 4)}
    else:
        raise BadInput(f"unknown task {task!r}: use topics, polarity, emotion or misinfo")
    card = ModelCard(
        task=task,
        kind=KINDS[task],
        trained_at=now(),
        training_size=len(data.texts) + len(data.extra_texts),
        label_counts=counts,
        files=list(data.files),
        scores=scores,
        folds=folds,
        notes=_notes(task, data, model),
    )
    return model, card


def train_and_save(
    task: str,
    data: TrainingSet,
    models_dir: Path,
    *,
    taxonomy: Taxonomy | None = None,
    folds: int = 5,
) -> tuple[Path, ModelCard]:
    model, card = train_task(task, data, taxonomy=taxonomy, folds=folds)
    path = save_model(model, model_file(models_dir, task), card)
    return path, card.with_size(path)


def _notes(task: str, data: TrainingSet, model: AnyModel) -> str:
    if task == "topics" and isinstance(model, TopicModel) and model.fallback:
        return "样本不足、仍按关键词判断的话题：" + "、".join(model.fallback)
    if task == "polarity" and data.extra_texts:
        return f"另有 {len(data.extra_texts)} 条按情绪标签换算的样本（权重较低）参与训练"
    if task == "misinfo":
        return "仅作研判提示，不作真伪结论"
    return ""
