"""Context-cue redaction (ID numbers with a wrong check digit after "身份证", QQ
numbers, WeChat ids, home addresses) measured on labelled examples.

    .venv/bin/python -m bench.eval_pii [--show]

The examples are in bench/pii_labelled.py: positives name the value that must be
removed, negatives are texts in which nothing of the kind may be. Recall is the
share of positives whose value is gone (and counted as that kind); precision
counts a negative from which that kind was taken as a false alarm.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bench.pii_labelled import NEGATIVES, POSITIVES
from yuqing.text.pii import redact


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate(show: bool = False) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for text, kind, value in POSITIVES:
        score = scores.setdefault(kind, Score())
        result = redact(text)
        if value not in result.text and result.counts.get(kind, 0) > 0:
            score.tp += 1
        else:
            score.fn += 1
            if show:
                print(f"missed  {kind:8} {text!r} -> {result.text!r}")
    for text, kind in NEGATIVES:
        score = scores.setdefault(kind, Score())
        result = redact(text)
        if result.counts.get(kind, 0) > 0:
            score.fp += 1
            if show:
                print(f"false   {kind:8} {text!r} -> {result.text!r}")
        else:
            score.tn += 1
    total = Score()
    for score in scores.values():
        total.tp, total.fn = total.tp + score.tp, total.fn + score.fn
        total.fp, total.tn = total.fp + score.fp, total.tn + score.tn
    return {**scores, "all": total}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    scores = evaluate(args.show)
    print(f"{len(POSITIVES)} positive and {len(NEGATIVES)} negative labelled examples")
    print(f"{'kind':<10}{'precision':>10}{'recall':>8}{'tp':>5}{'fn':>5}{'fp':>5}{'tn':>5}")
    for kind, s in scores.items():
        print(f"{kind:<10}{s.precision:>10.3f}{s.recall:>8.3f}{s.tp:>5}{s.fn:>5}{s.fp:>5}{s.tn:>5}")


if __name__ == "__main__":
    main()
