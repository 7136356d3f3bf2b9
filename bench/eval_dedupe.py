"""Duplicate folding on variants of real posts: cut reposts, edits beside figures,
regional wording — and changed figures, which must stay apart.

    .venv/bin/python -m bench.eval_dedupe [--data DIR] [--show N]

The originals are distinct real Weibo posts (misinfo/weibo21_*.jsonl, 30-300
characters). Each kind of variant is made from the original text and folded in its
own run, after all originals, so kinds cannot help each other:

* cut: Weibo's truncation, the first 30-90 % of the post (at least MIN_CUT
  characters) then "…全文", "...展开全文"
  (with the scraped icon letter or a link); for posts that state a figure, half the
  cuts fall inside a number ("累计41例" → "累计4…全文");
* figure_edit: the character right beside a number replaced by another;
* taiwan / hongkong: the post in Taiwan (OpenCC s2twp) or Hong Kong (s2hkp) wording;
* changed_figure (negative): one digit of one number changed. It must not fold onto
  its original: for the desk a different figure is news.

A fold is right when it lands on the original's cluster root. Precision counts every
fold of every variant, the negatives' included; recall the positive kinds'.
Key parity is the share of regional copies whose exact duplicate key is the
original's (before the regional form, 4 in 10 Taiwan copies of real posts differed).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import opencc

from yuqing.analyse.dedupe import NearDuplicateIndex, content_key
from yuqing.text import matching_form

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
POSTS = ("misinfo/weibo21_train.jsonl", "misinfo/weibo21_val.jsonl")
SAMPLE = 2000
# Weibo cuts at about 140 characters; a cut shorter than this says too little to
# tell which of several posts opening the same way (a hashtag, a headline) it is.
MIN_CUT = 20
MARKS = (
    "…全文",
    "...全文",
    "...展开全文",
    "...展开全文c",
    " 展开全文c",
    "…全文： http://t.cn/A6x1b2Qz",
)
POSITIVE = ("cut", "figure_edit", "taiwan", "hongkong")
_NUMBER = re.compile(r"\d+")
_HAN = (
    "的了是在有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
)


def load_posts(data: Path) -> list[str]:
    """Distinct original posts, 30-300 characters, file order: reposts (whose own
    comment folding ignores) and posts with a near copy among the others are left
    out, so that a variant has one right original."""
    seen: set[str] = set()
    posts: list[str] = []
    for name in POSTS:
        path = data / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line)["content"].strip()
                key = content_key(matching_form(text))
                if 30 <= len(text) <= 300 and key not in seen and "//@" not in text:
                    seen.add(key)
                    posts.append(text)
    index = NearDuplicateIndex(figures_must_agree=False)  # any near copy, whatever its figures
    copied: set[int] = set()
    for doc_id, post in enumerate(posts):
        match = index.add_match(doc_id, matching_form(post))
        if match is not None:
            copied.update((doc_id, match.matched_id, match.original_id))
    return [post for doc_id, post in enumerate(posts) if doc_id not in copied]


def _cut(post: str, rng: random.Random) -> str | None:
    numbers = [m for m in _NUMBER.finditer(post) if len(m.group()) >= 2]
    if numbers and rng.random() < 0.5:
        end = rng.choice(numbers).start() + 1  # inside the number
    else:
        end = int(len(post) * rng.uniform(0.3, 0.9))
    if end < MIN_CUT:
        return None
    return post[:end] + rng.choice(MARKS)


def _figure_edit(post: str, rng: random.Random) -> str | None:
    spots = []
    for match in _NUMBER.finditer(post):
        for spot in (match.start() - 1, match.end()):
            if 0 <= spot < len(post) and "\u4e00" <= post[spot] <= "\u9fff":
                spots.append(spot)
    if not spots:
        return None
    spot = rng.choice(spots)
    other = rng.choice([ch for ch in _HAN if ch != post[spot]])
    return post[:spot] + other + post[spot + 1 :]


def _changed_figure(post: str, rng: random.Random) -> str | None:
    numbers = list(_NUMBER.finditer(post))
    if not numbers:
        return None
    match = rng.choice(numbers)
    digits = list(match.group())
    place = rng.randrange(len(digits))
    old = unicodedata.digit(digits[place])  # full-width ７ is 7 once NFKC-folded
    digits[place] = rng.choice([d for d in "0123456789" if int(d) != old])
    return post[: match.start()] + "".join(digits) + post[match.end() :]


def _converter(config: str) -> Callable[[str, random.Random], str]:
    convert = opencc.OpenCC(config).convert
    return lambda post, _rng: str(convert(post))


MAKERS: dict[str, Callable[[str, random.Random], str | None]] = {
    "cut": _cut,
    "figure_edit": _figure_edit,
    "taiwan": _converter("s2twp"),
    "hongkong": _converter("s2hkp"),
    "changed_figure": _changed_figure,
}


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    original: int
    variant: str
    folded_to: int | None  # cluster root the variant folded onto
    right_root: int


def fold_kind(posts: Sequence[str], kind: str, seed: int = 11) -> list[Outcome]:
    """Fold every original, then this kind's variants; where each variant went."""
    rng = random.Random(f"{seed}-{kind}")
    index = NearDuplicateIndex()
    roots = []
    for doc_id, post in enumerate(posts):
        original = index.add(doc_id, matching_form(post))
        roots.append(doc_id if original is None else original)
    outcomes = []
    for n, post in enumerate(posts):
        variant = MAKERS[kind](post, rng)
        if variant is None or variant == post:
            continue
        got = index.add(len(posts) + n, matching_form(variant))
        outcomes.append(Outcome(kind, n, variant, got, roots[n]))
    return outcomes


def key_parity(posts: Sequence[str], config: str) -> float:
    convert = opencc.OpenCC(config).convert
    same = sum(
        content_key(matching_form(post)) == content_key(matching_form(convert(post)))
        for post in posts
    )
    return same / max(len(posts), 1)


def evaluate_variants(data: Path | str, sample: int = SAMPLE) -> dict[str, float]:
    """The figures by key; tests/analyse/floors_dedupe.json keeps their floors at the
    default sample (tests/analyse/test_dedupe_variants.py)."""
    posts = load_posts(Path(data))
    picked = random.Random(5).sample(posts, min(sample, len(posts)))
    by_kind = {kind: fold_kind(picked, kind) for kind in MAKERS}
    figures: dict[str, float] = {}
    for kind, outcomes in by_kind.items():
        right = sum(o.folded_to == o.right_root for o in outcomes)
        if kind in POSITIVE:
            figures[f"dedupe_{kind}_recall"] = right / max(len(outcomes), 1)
        else:
            figures[f"dedupe_{kind}_apart"] = 1 - right / max(len(outcomes), 1)
        figures[f"dedupe_{kind}_variants"] = float(len(outcomes))
    positives = [o for kind in POSITIVE for o in by_kind[kind]]
    folds = [o for outcomes in by_kind.values() for o in outcomes if o.folded_to is not None]
    right_folds = [o for o in folds if o.kind in POSITIVE and o.folded_to == o.right_root]
    figures["dedupe_variant_recall"] = sum(o.folded_to == o.right_root for o in positives) / max(
        len(positives), 1
    )
    figures["dedupe_variant_precision"] = len(right_folds) / max(len(folds), 1)
    figures["script_taiwan_key_parity"] = key_parity(picked, "s2twp")
    figures["script_hongkong_key_parity"] = key_parity(picked, "s2hkp")
    return figures


def show_misses(data: Path, count: int) -> None:
    posts = load_posts(data)
    picked = random.Random(5).sample(posts, min(SAMPLE, len(posts)))
    for kind in MAKERS:
        wrong = [
            o
            for o in fold_kind(picked, kind)
            if (o.folded_to == o.right_root) != (kind in POSITIVE)
        ]
        for o in wrong[:count]:
            print(f"[{kind}] {picked[o.original]}\n   → {o.variant}\n   folded to {o.folded_to}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", type=int, default=0, help="print N misses of each kind")
    args = parser.parse_args()
    if not (args.data / POSTS[0]).exists():
        raise SystemExit(f"no data at {args.data / POSTS[0]}; pass --data DIR")
    if args.show:
        show_misses(args.data, args.show)
    for key, value in sorted(evaluate_variants(args.data).items()):
        print(f"{key:34s} {value:10.4f}")


if __name__ == "__main__":
    main()
