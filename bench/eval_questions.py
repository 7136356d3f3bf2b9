"""Information voids, measured on our own labelled questions (bench/data/questions_labelled.jsonl):
precision and recall of "is a question", and the purity and completeness of the groups.

    python -m bench.eval_questions [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from yuqing.analyse.questions import Question, group_questions, question_sentences

LABELLED = Path(__file__).parent / "data" / "questions_labelled.jsonl"


@dataclass(frozen=True)
class QuestionScores:
    examples: int
    precision: float
    recall: float
    purity: float  # share of questions in a group whose majority label they carry
    completeness: float  # share of questions in the largest group of their label
    groups: int
    labels: int


def evaluate(path: Path = LABELLED) -> QuestionScores:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    found = [bool(question_sentences(r["text"])) for r in rows]
    gold = [bool(r["question"]) for r in rows]
    tp = sum(f and g for f, g in zip(found, gold, strict=True))
    precision = tp / max(1, sum(found))
    recall = tp / max(1, sum(gold))
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    asked = [
        Question(i, r["text"], t0 + timedelta(minutes=i))
        for i, r in enumerate(rows)
        if r["question"] and found[i]
    ]
    label_of = {i: rows[i]["group"] for i in range(len(rows))}
    groups = group_questions(asked)
    majority = sum(
        Counter(label_of[q.item_id] for q in g.questions).most_common(1)[0][1] for g in groups
    )
    purity = majority / max(1, len(asked))
    best: Counter[str] = Counter()
    for g in groups:
        for label, n in Counter(label_of[q.item_id] for q in g.questions).items():
            best[label] = max(best[label], n)
    completeness = sum(best.values()) / max(1, len(asked))
    return QuestionScores(
        examples=len(rows),
        precision=round(precision, 3),
        recall=round(recall, 3),
        purity=round(purity, 3),
        completeness=round(completeness, 3),
        groups=len(groups),
        labels=len({label_of[q.item_id] for q in asked}),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scores = evaluate()
    if args.json:
        print(json.dumps(asdict(scores), ensure_ascii=False))
        return
    print(f"labelled sentences: {scores.examples}")
    print(f"is a question: precision {scores.precision:.3f}, recall {scores.recall:.3f}")
    print(
        f"groups: {scores.groups} for {scores.labels} questions; purity {scores.purity:.3f}, "
        f"completeness {scores.completeness:.3f}"
    )


if __name__ == "__main__":
    main()
