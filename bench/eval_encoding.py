"""Charset detection measured: the own Chinese scoring, charset-normalizer and the
project's combined decoder, on undeclared bytes.

    .venv/bin/python -m bench.eval_encoding [--data DIR] [--per-set N] [--by-language]

The corpus is generated: real Chinese texts from ``../shared/data`` (DXY news
titles and summaries, THUCNews headlines, SMP2020 Weibo posts) encoded as UTF-8,
GB18030, GBK, GB2312 and — converted to traditional script — Big5 and cp950;
and the benchmark's own texts in 13 other languages (bench/encoding_texts.py),
whole and sentence by sentence, in UTF-8 and the legacy encodings each language
is served in. Nothing declares its charset. A decoding counts as correct when it
gives back exactly the original text.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import charset_normalizer

from bench.encoding_texts import OTHER_TEXTS
from yuqing.collect.encoding import chinese_share, decode
from yuqing.text.normalise import to_traditional

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CHINESE_SIMPLIFIED = ("utf-8", "gb18030", "gbk", "gb2312")
CHINESE_TRADITIONAL = ("utf-8", "big5", "cp950")

Sample = tuple[str, str, str, bytes]  # group, encoding, original text, bytes


def chinese_texts(data: Path, per_set: int, rng: random.Random) -> list[str]:
    csv.field_size_limit(1 << 24)
    with (data / "news" / "dxy_news_20200329.csv").open(encoding="utf-8-sig") as fh:
        news = list(csv.DictReader(fh))
    titles = [r["title"] for r in news if r["title"]]
    summaries = [r["summary"][:300] for r in news if r["summary"]]
    heads = (data / "topics" / "thucnews_titles_dev.tsv").read_text("utf-8").splitlines()
    headlines = [line.split("\t", 1)[0] for line in heads if line.strip()]
    posts = [
        p["content"][:200]
        for p in json.loads((data / "emotion" / "smp2020_ewect_virus_eval.json").read_text("utf-8"))
    ]
    texts: list[str] = []
    for pool in (titles, summaries, headlines, posts):
        texts.extend(rng.sample(pool, min(per_set, len(pool))))
    return [t for t in texts if t.strip() and not t.isascii()]


def build_corpus(data: Path, per_set: int, seed: int = 7) -> list[Sample]:
    rng = random.Random(seed)
    corpus: list[Sample] = []
    for text in chinese_texts(data, per_set, rng):
        for codec in CHINESE_SIMPLIFIED:
            _add(corpus, "chinese", codec, text)
        traditional = to_traditional(text)
        for codec in CHINESE_TRADITIONAL:
            _add(corpus, "chinese", codec, traditional)
    return corpus + other_corpus()


def other_corpus() -> list[Sample]:
    """The non-Chinese part: the benchmark's own texts, whole and by sentence."""
    corpus: list[Sample] = []
    for lang, (codecs, paragraphs) in OTHER_TEXTS.items():
        pieces = [*paragraphs, *(s for p in paragraphs for s in _sentences(p))]
        for piece in pieces:
            for codec in ("utf-8", *codecs):
                _add(corpus, f"other:{lang}", codec, piece)
    return corpus


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;?!。；？！])\s*", paragraph) if len(s) >= 12]


def _add(corpus: list[Sample], group: str, codec: str, text: str) -> None:
    # a text with characters the encoding lacks is no sample of it
    with contextlib.suppress(UnicodeEncodeError):
        corpus.append((group, codec, text, text.encode(codec)))


def own_detector(content: bytes) -> str:
    """The decoder before charset-normalizer joined it: strict UTF-8, else the
    better of GB18030 and Big5 by the share of common Chinese, else UTF-8."""
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    shares = {c: chinese_share(content.decode(c, "replace")) for c in ("gb18030", "big5")}
    best = max(shares, key=lambda c: shares[c])
    return best if shares[best] >= 0.6 else "utf-8"


def normalizer_detector(content: bytes) -> str:
    best = charset_normalizer.from_bytes(content).best()
    return best.encoding if best is not None else "utf-8"


def combined_detector(content: bytes) -> str:
    return decode(content, None)[1]


DETECTORS: dict[str, Callable[[bytes], str]] = {
    "own": own_detector,
    "charset-normalizer": normalizer_detector,
    "combined": combined_detector,
}


def correct(codec: str, content: bytes, text: str) -> bool:
    try:
        return content.decode(codec, "replace") == text
    except LookupError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--per-set", type=int, default=60, help="texts drawn per Chinese set")
    parser.add_argument("--by-language", action="store_true", help="a line per language too")
    args = parser.parse_args()
    corpus = build_corpus(args.data, args.per_set)
    right: dict[tuple[str, str], int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for group, _codec, text, content in corpus:
        family = group.split(":", 1)[0]
        for key in {family, group, "all"}:
            total[key] += 1
        for name, detector in DETECTORS.items():
            if correct(detector(content), content, text):
                for key in {family, group, "all"}:
                    right[(name, key)] += 1
    print(f"{len(corpus)} samples, none declaring its charset")
    print(f"{'detector':<20}{'chinese':>16}{'other':>16}{'all':>16}")
    for name in DETECTORS:
        cells = [
            f"{right[(name, key)] / total[key]:6.1%} ({right[(name, key)]}/{total[key]})"
            for key in ("chinese", "other", "all")
        ]
        print(f"{name:<20}" + "".join(f"{c:>16}" for c in cells))
    if args.by_language:
        groups = sorted(k for k in total if k.startswith("other:"))
        print(f"{'language':<12}" + "".join(f"{name:>20}" for name in DETECTORS))
        for group in groups:
            shares = [right[(name, group)] / total[group] for name in DETECTORS]
            print(f"{group[6:]:<12}" + "".join(f"{share:>20.0%}" for share in shares))


if __name__ == "__main__":
    main()
