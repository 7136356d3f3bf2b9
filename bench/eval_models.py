"""Measure yuqing's classifiers on real public data and print the figures with timings.

    python -m bench.eval_models [--data DIR] [--folds 5] [--no-baseline]

Data comes from ``../shared/data`` beside the repository (or ``--data``) and is only
read, never copied into the repository:

* desk topics (``topics/epidemic_topics_dev.jsonl``, 800 items, 14 topics): the seeds
  alone, and the multi-label topic model 5-fold cross-validated → micro- and macro-F1;
* desk polarity (same items, 负面/中性/正面): the lexicon, and the polarity model
  5-fold cross-validated (SMP2020 train mapped to polarity as extra training texts,
  minus the texts of the dev set) → macro-F1, and per half (posts, news);
* emotion: SMP2020-EWECT virus, train on train, score on eval → macro-F1; the
  training-free lexicon on the same eval set; cross-domain: the emotion model's
  polarity (happy → 正面, neutral → 中性, others → 负面) on the dev set's news items;
* misinformation risk: Weibo21, train on train, score on val → macro-F1;
* THUCNews headlines, k-fold → macro-F1 (the general single-label model);
* predict throughput of each model, normalisation included.

``evaluate_all(data_dir)`` returns the figures by key for tests/analyse/test_models.py,
which holds them to the floors in tests/analyse/floors_models.json. The figures are
cached (``cache``) under a key of the analysis code and the data files, so the test
costs one run per change of either.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path

from bench.eval_models_parts import (
    Figure,
    emotion_baseline,
    emotion_figures,
    misinfo_figure,
    polarity_figures,
    throughput_lines,
    thucnews_figure,
    topic_figures,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
CACHE_VERSION = 1


def run_all(data_dir: Path, folds: int = 5) -> list[Figure]:
    figures = topic_figures(data_dir, folds)
    figures += polarity_figures(data_dir, folds)
    figures += emotion_figures(data_dir)
    figures.append(misinfo_figure(data_dir))
    figures.append(thucnews_figure(data_dir, folds))
    return figures


def evaluate_all(
    data_dir: Path | str = DEFAULT_DATA, folds: int = 5, cache: Path | None = None
) -> dict[str, float]:
    """Every figure by key (see tests/analyse/floors_models.json)."""
    data_dir = Path(data_dir)
    key = _cache_key(data_dir, folds)
    if cache is not None and cache.is_file():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return {k: float(v) for k, v in stored["figures"].items()}
    figures = {f.key: f.value for f in run_all(data_dir, folds)}
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"key": key, "figures": figures}), encoding="utf-8")
    return figures


def _cache_key(data_dir: Path, folds: int) -> str:
    """The analysis code, this bench and the data files' sizes and times, hashed."""
    digest = hashlib.sha256(f"{CACHE_VERSION}:{folds}".encode())
    sources = sorted((REPO_ROOT / "yuqing" / "analyse").glob("*.py"))
    sources += sorted((REPO_ROOT / "yuqing" / "text").glob("*.py"))
    sources += sorted((REPO_ROOT / "bench").glob("eval_models*.py"))
    for path in sources:
        digest.update(path.read_bytes())
    for path in sorted(data_dir.glob("*/*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _print_table(figures: Sequence[Figure]) -> None:
    print(f"{'figure':44} {'value':>7} {'seconds':>8}  detail")
    for f in figures:
        print(f"{f.key:44} {f.value:7.4f} {f.seconds:8.2f}  {f.detail}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="evaluation data folder")
    parser.add_argument("--folds", type=int, default=5, help="folds for cross-validation")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the char TF-IDF + SVM emotion baseline"
    )
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no evaluation data at {args.data}")
        return 2
    started = time.perf_counter()
    figures = run_all(args.data, args.folds)
    if not args.no_baseline:
        figures.append(emotion_baseline(args.data))
    _print_table(figures)
    print(f"\n(all figures in {time.perf_counter() - started:.0f} s)")
    print("\npredict throughput (best of 3, normalisation included; this machine, 1 process):")
    for line in throughput_lines(args.data):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
