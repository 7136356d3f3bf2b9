"""Measure yuqing's classifiers on real public data and print the figures with timings.

    python -m bench.eval_models [--data DIR] [--folds 5]

Data comes from ``../shared/data`` beside the repository (or ``--data``) and is only
read, never copied into the repository:

* topics: THUCNews headlines, stratified k-fold cross-validation → macro-F1;
* emotion: SMP2020-EWECT (epidemic Weibo), train on train, score on eval → macro-F1,
  and the training-free lexicon scored on the same eval set;
* misinformation: Weibo21, train on train, score on val → macro-F1 (fake vs real).

``evaluate_all(data_dir)`` returns the four figures for tests/analyse/test_models.py,
which holds them to the floors in tests/analyse/floors_models.json.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from yuqing.analyse.labelled import LabelledSet, read_labelled, read_names
from yuqing.analyse.models import TextModel, cross_validate, evaluate, score
from yuqing.analyse.sentiment import LexiconSentiment

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"

TOPICS = "topics/thucnews_titles_dev.tsv"
TOPIC_NAMES = "topics/thucnews_classes.txt"
EMOTION_TRAIN = "emotion/smp2020_ewect_virus_train.json"
EMOTION_EVAL = "emotion/smp2020_ewect_virus_eval.json"
MISINFO_TRAIN = "misinfo/weibo21_train.jsonl"
MISINFO_VAL = "misinfo/weibo21_val.jsonl"
MISINFO_NAMES = ("real", "fake")  # Weibo21: label 0 = real, 1 = fake


@dataclass(frozen=True)
class Figure:
    key: str
    value: float
    seconds: float
    detail: str = ""


def _timed(work: Callable[[], tuple[float, str]], key: str) -> Figure:
    started = time.perf_counter()
    value, detail = work()
    return Figure(key, value, time.perf_counter() - started, detail)


def _read(data_dir: Path, name: str, names: Sequence[str] | None = None) -> LabelledSet:
    labelled = read_labelled(data_dir / name, names=names)
    if labelled.skipped:
        print(f"  note: {labelled.report()}")
    return labelled


def topics_cv(data_dir: Path, folds: int = 5) -> Figure:
    def work() -> tuple[float, str]:
        names = read_names(data_dir / TOPIC_NAMES)
        data = _read(data_dir, TOPICS, names)
        metrics = cross_validate(data.texts, data.labels, folds=folds, seed=0)
        return metrics.macro_f1, f"{len(data)} titles, {folds}-fold, acc {metrics.accuracy:.3f}"

    return _timed(work, "thucnews_topics_cv_macro_f1")


def emotion_model(data_dir: Path) -> tuple[Figure, TextModel]:
    trained: list[TextModel] = []

    def work() -> tuple[float, str]:
        train = _read(data_dir, EMOTION_TRAIN)
        test = _read(data_dir, EMOTION_EVAL)
        model = TextModel.train(train.texts, train.labels, task="emotion")
        trained.append(model)
        metrics = evaluate(model, test.texts, test.labels)
        return metrics.macro_f1, f"train {len(train)}, eval {len(test)}, acc {metrics.accuracy:.3f}"

    figure = _timed(work, "smp2020_emotion_macro_f1")
    return figure, trained[0]


def emotion_lexicon(data_dir: Path) -> Figure:
    def work() -> tuple[float, str]:
        test = _read(data_dir, EMOTION_EVAL)
        lexicon = LexiconSentiment()
        predicted = [s.emotion for s in lexicon.analyse_many(test.texts)]
        metrics = score(test.labels, predicted)
        return metrics.macro_f1, f"eval {len(test)}, no training, acc {metrics.accuracy:.3f}"

    return _timed(work, "smp2020_lexicon_macro_f1")


def misinfo_model(data_dir: Path) -> Figure:
    def work() -> tuple[float, str]:
        train = _read(data_dir, MISINFO_TRAIN, MISINFO_NAMES)
        test = _read(data_dir, MISINFO_VAL, MISINFO_NAMES)
        model = TextModel.train(train.texts, train.labels, task="misinfo")
        metrics = evaluate(model, test.texts, test.labels)
        return metrics.macro_f1, f"train {len(train)}, val {len(test)}, acc {metrics.accuracy:.3f}"

    return _timed(work, "weibo21_misinfo_macro_f1")


def throughput(model: TextModel, texts: Sequence[str], repeat: int = 3) -> float:
    """Texts per second through ``predict`` (normalisation included); best of ``repeat``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        model.predict(texts)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def run_all(data_dir: Path, folds: int = 5) -> tuple[list[Figure], TextModel]:
    emotion, model = emotion_model(data_dir)
    figures = [topics_cv(data_dir, folds), emotion, emotion_lexicon(data_dir)]
    figures.append(misinfo_model(data_dir))
    return figures, model


def evaluate_all(data_dir: Path | str = DEFAULT_DATA, folds: int = 5) -> dict[str, float]:
    """The four figures by key (see tests/analyse/floors_models.json)."""
    figures, _ = run_all(Path(data_dir), folds)
    return {f.key: f.value for f in figures}


def _print_table(figures: Sequence[Figure]) -> None:
    print(f"{'figure':34} {'value':>7} {'seconds':>8}  detail")
    for f in figures:
        print(f"{f.key:34} {f.value:7.4f} {f.seconds:8.2f}  {f.detail}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="evaluation data folder")
    parser.add_argument("--folds", type=int, default=5, help="folds for the topic CV")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no evaluation data at {args.data}")
        return 2
    figures, model = run_all(args.data, args.folds)
    _print_table(figures)
    emotion_eval = read_labelled(args.data / EMOTION_EVAL).texts
    titles = read_labelled(args.data / TOPICS).texts
    print("\npredict throughput (emotion model, best of 3, normalisation included):")
    print(
        f"  SMP2020 eval posts ({len(emotion_eval)}, ~55 chars): "
        f"{throughput(model, emotion_eval):,.0f} texts/s"
    )
    print(f"  THUCNews titles ({len(titles)}, ~20 chars): {throughput(model, titles):,.0f} texts/s")
    lexicon = LexiconSentiment()
    started = time.perf_counter()
    lexicon.analyse_many(emotion_eval)
    rate = len(emotion_eval) / (time.perf_counter() - started)
    print(f"  lexicon sentiment on SMP2020 eval posts: {rate:,.0f} texts/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
