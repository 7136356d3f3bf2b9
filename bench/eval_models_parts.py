"""The figures of ``bench.eval_models``, one function per family (see its docstring)."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from yuqing.analyse.desk_sentiment import DeskSentiment
from yuqing.analyse.labelled import LabelledSet, read_labelled, read_names
from yuqing.analyse.models import TextModel, cross_validate, evaluate, score
from yuqing.analyse.polarity import (
    EMOTION_POLARITY,
    PolarityModel,
    cross_validate_polarity,
    score_polarity,
)
from yuqing.analyse.sentiment import LexiconSentiment
from yuqing.analyse.topic_model import TopicModel, cross_validate_topics, score_topics, topic_matrix
from yuqing.analyse.topics import Taxonomy, TopicTagger
from yuqing.analyse.training_data import read_training
from yuqing.text import matching_form

DESK = "topics/epidemic_topics_dev.jsonl"
THUCNEWS = "topics/thucnews_titles_dev.tsv"
THUCNEWS_NAMES = "topics/thucnews_classes.txt"
EMOTION_TRAIN = "emotion/smp2020_ewect_virus_train.json"
EMOTION_EVAL = "emotion/smp2020_ewect_virus_eval.json"
MISINFO_TRAIN = "misinfo/weibo21_train.jsonl"
MISINFO_VAL = "misinfo/weibo21_val.jsonl"
MISINFO_NAMES = ("real", "fake")  # Weibo21: label 0 = real, 1 = fake
REPLIES = "news/weibo_replies_202002.jsonl.gz"
NEWS_ORIGIN = "dxy_news"
_POLARITY = {"positive": "正面", "negative": "负面", "neutral": "中性"}


@dataclass(frozen=True)
class Figure:
    key: str
    value: float
    seconds: float
    detail: str = ""


@dataclass(frozen=True)
class DeskSet:
    texts: list[str]
    topics: list[list[str]]
    polarity: list[str]
    groups: list[str]  # "news" or "posts"


def desk_set(data_dir: Path) -> DeskSet:
    rows = [json.loads(line) for line in (data_dir / DESK).read_text("utf-8").splitlines() if line]
    return DeskSet(
        texts=[r["text"] for r in rows],
        topics=[list(r["topics"]) for r in rows],
        polarity=[r["polarity"] for r in rows],
        groups=["news" if r["origin"] == NEWS_ORIGIN else "posts" for r in rows],
    )


def _read(data_dir: Path, name: str, names: Sequence[str] | None = None) -> LabelledSet:
    labelled = read_labelled(data_dir / name, names=names)
    if labelled.skipped:
        print(f"  note: {labelled.report()}")
    return labelled


def _clock(work: Callable[[], list[Figure]]) -> list[Figure]:
    """Runs ``work``; its figures' ``seconds`` are the whole run's, split evenly."""
    started = time.perf_counter()
    figures = work()
    share = (time.perf_counter() - started) / max(len(figures), 1)
    return [Figure(f.key, f.value, share, f.detail) for f in figures]


def topic_figures(data_dir: Path, folds: int) -> list[Figure]:
    def work() -> list[Figure]:
        desk = desk_set(data_dir)
        taxonomy = Taxonomy.default()
        gold = topic_matrix(desk.topics, taxonomy.names)
        seeded = TopicTagger(taxonomy).tag_many(desk.texts)
        predicted = np.zeros_like(gold)
        for row, hits in enumerate(seeded):
            for hit in hits:
                predicted[row, taxonomy.names.index(hit.topic)] = 1
        seeds = score_topics(gold, predicted, taxonomy.names)
        cv = cross_validate_topics(desk.texts, desk.topics, taxonomy, folds=folds)
        weakest = sorted(cv.per_topic_f1.items(), key=lambda kv: kv[1])[:3]
        return [
            Figure("desk_topics_seeds_micro_f1", seeds.micro_f1, 0, f"{len(desk.texts)} items"),
            Figure("desk_topics_seeds_macro_f1", seeds.macro_f1, 0, "14 topics, seeds alone"),
            Figure("desk_topics_cv_micro_f1", cv.micro_f1, 0, f"model, {folds}-fold CV"),
            Figure(
                "desk_topics_cv_macro_f1",
                cv.macro_f1,
                0,
                "weakest " + ", ".join(f"{k} {v:.2f}" for k, v in weakest),
            ),
        ]

    return _clock(work)


def polarity_figures(data_dir: Path, folds: int) -> list[Figure]:
    def work() -> list[Figure]:
        desk = desk_set(data_dir)
        lexicon = LexiconSentiment()
        guessed = [_POLARITY[s.label] for s in lexicon.analyse_many(desk.texts)]
        lex = score_polarity(desk.polarity, guessed, desk.groups)
        extra = read_training("polarity", [data_dir / DESK, data_dir / EMOTION_TRAIN])
        cv = cross_validate_polarity(
            desk.texts,
            desk.polarity,
            groups=desk.groups,
            extra_texts=extra.extra_texts,
            extra_labels=extra.extra_labels,
            folds=folds,
        )
        posts, news = cv.by_group["posts"], cv.by_group["news"]
        return [
            Figure(
                "desk_polarity_lexicon_macro_f1",
                lex.macro_f1,
                0,
                f"posts {lex.by_group['posts'][0]:.3f}, news {lex.by_group['news'][0]:.3f} "
                f"(acc {lex.by_group['news'][1]:.3f})",
            ),
            Figure(
                "desk_polarity_cv_macro_f1",
                cv.macro_f1,
                0,
                f"{folds}-fold, +{len(extra.extra_texts)} SMP2020 texts as polarity",
            ),
            Figure("desk_polarity_cv_posts_macro_f1", posts[0], 0, f"acc {posts[1]:.3f}"),
            Figure("desk_polarity_cv_news_macro_f1", news[0], 0, f"acc {news[1]:.3f}"),
            Figure("desk_polarity_cv_posts_accuracy", posts[1], 0, f"{posts[2]} posts"),
            Figure("desk_polarity_cv_news_accuracy", news[1], 0, f"{news[2]} news items"),
        ]

    return _clock(work)


def emotion_figures(data_dir: Path) -> list[Figure]:
    def work() -> list[Figure]:
        train = _read(data_dir, EMOTION_TRAIN)
        test = _read(data_dir, EMOTION_EVAL)
        model = TextModel.train(train.texts, train.labels, task="emotion")
        metrics = evaluate(model, test.texts, test.labels)
        lexicon = score(
            test.labels, [s.emotion for s in LexiconSentiment().analyse_many(test.texts)]
        )
        return [
            Figure(
                "smp2020_emotion_macro_f1",
                metrics.macro_f1,
                0,
                f"train {len(train)}, eval {len(test)}, acc {metrics.accuracy:.3f}",
            ),
            Figure("smp2020_lexicon_macro_f1", lexicon.macro_f1, 0, "no training"),
            _cross_domain(data_dir, model),
        ]

    return _clock(work)


def _cross_domain(data_dir: Path, model: TextModel) -> Figure:
    """The emotion model's polarity on the desk set's news items (none are in SMP2020)."""
    desk = desk_set(data_dir)
    idx = [i for i, g in enumerate(desk.groups) if g == "news"]
    predicted = [
        EMOTION_POLARITY.get(e, "中性") for e in model.predict([desk.texts[i] for i in idx])
    ]
    gold = [desk.polarity[i] for i in idx]
    accuracy = float(np.mean([g == p for g, p in zip(gold, predicted, strict=True)]))
    return Figure("smp2020_emotion_cross_domain_accuracy", accuracy, 0, f"{len(idx)} news items")


def emotion_baseline(data_dir: Path) -> Figure:
    """The five-minute baseline the issue names: char 1–3 TF-IDF + calibrated LinearSVC."""
    from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.pipeline import make_pipeline  # type: ignore[import-untyped]
    from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

    def work() -> list[Figure]:
        train = _read(data_dir, EMOTION_TRAIN)
        test = _read(data_dir, EMOTION_EVAL)
        pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2),
            CalibratedClassifierCV(LinearSVC(C=1.0, random_state=0), cv=3, method="sigmoid"),
        )
        pipeline.fit([matching_form(t) for t in train.texts], train.labels)
        predicted = list(pipeline.predict([matching_form(t) for t in test.texts]))
        return [
            Figure("smp2020_emotion_baseline_macro_f1", score(test.labels, predicted).macro_f1, 0)
        ]

    return _clock(work)[0]


def misinfo_figure(data_dir: Path) -> Figure:
    def work() -> list[Figure]:
        train = _read(data_dir, MISINFO_TRAIN, MISINFO_NAMES)
        test = _read(data_dir, MISINFO_VAL, MISINFO_NAMES)
        model = TextModel.train(train.texts, train.labels, task="misinfo")
        metrics = evaluate(model, test.texts, test.labels)
        detail = f"train {len(train)}, val {len(test)}, acc {metrics.accuracy:.3f}"
        return [Figure("weibo21_misinfo_macro_f1", metrics.macro_f1, 0, detail)]

    return _clock(work)[0]


def thucnews_figure(data_dir: Path, folds: int) -> Figure:
    def work() -> list[Figure]:
        names = read_names(data_dir / THUCNEWS_NAMES)
        data = _read(data_dir, THUCNEWS, names)
        metrics = cross_validate(data.texts, data.labels, folds=folds, seed=0)
        detail = f"{len(data)} titles, {folds}-fold, acc {metrics.accuracy:.3f}"
        return [Figure("thucnews_topics_cv_macro_f1", metrics.macro_f1, 0, detail)]

    return _clock(work)[0]


def replies_sample(data_dir: Path, size: int = 20_000) -> list[str]:
    texts: list[str] = []
    with gzip.open(data_dir / REPLIES, "rt", encoding="utf-8") as stream:
        for line in stream:
            texts.append(json.loads(line)["text"])
            if len(texts) >= size:
                break
    return texts


def _rate(work: Callable[[], object], size: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return size / best


def throughput_lines(data_dir: Path) -> list[str]:
    """Texts/s of each model on real replies (20,000 from the stream, ~40 chars)."""
    desk = desk_set(data_dir)
    taxonomy = Taxonomy.default()
    texts = replies_sample(data_dir)
    norm = [matching_form(t) for t in texts]
    topics = TopicModel.train(desk.texts, desk.topics, taxonomy)
    polarity = PolarityModel.train(desk.texts, desk.polarity)
    emotion_set = _read(data_dir, EMOTION_TRAIN)
    emotion = TextModel.train(emotion_set.texts, emotion_set.labels, task="emotion")
    tagger = TopicTagger(taxonomy, topics)
    lexicon = LexiconSentiment()
    desk_sentiment = DeskSentiment(polarity=polarity, emotion=emotion)
    n = len(texts)
    return [
        f"{n:,} real replies (mean {np.mean([len(t) for t in texts]):.0f} chars):",
        f"  seeds alone (Taxonomy.tag):       {_rate(lambda: [taxonomy.tag(t) for t in norm], n):>9,.0f} texts/s",
        f"  topic tagger with model:          {_rate(lambda: tagger.tag_many(texts), n):>9,.0f} texts/s",
        f"  lexicon sentiment:                {_rate(lambda: lexicon.analyse_many(texts), n):>9,.0f} texts/s",
        f"  polarity model (with lexicon):    {_rate(lambda: polarity.predict(texts), n):>9,.0f} texts/s",
        f"  emotion model:                    {_rate(lambda: emotion.predict(texts), n):>9,.0f} texts/s",
        f"  desk sentiment (polarity+emotion): {_rate(lambda: desk_sentiment.analyse_normalised_many(norm), n):>8,.0f} texts/s",
    ]
