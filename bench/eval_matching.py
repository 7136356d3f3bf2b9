"""Duplicate folding and claim matching, measured on real data.

    .venv/bin/python -m bench.eval_matching [--data DIR] [--sweep] [--scale N] [--show-pairs]

Reads ``../shared/data`` (relative to the repository root) unless ``--data`` is given.

Duplicate folding runs over the DXY news stream (news/dxy_news_20200329.csv),
title + summary, in publication order. Ground truth comes from the data:

* exact copies: rows equal once NFKC-folded, lower-cased and stripped of every
  character that is not a letter or digit (independent of ``content_key``);
* near copies, for recall: rows with the same DXY ``id`` (the site's own record
  identity: one item crawled twice, truncated or edited in between), and rows
  with the same normalised title whose summaries share their first 50
  characters or one is a prefix of the other (republished, truncated);
* for precision a near fold also counts as right when the texts are a
  near-verbatim copy by alignment (difflib ratio >= 0.8). Every other fold
  counts as wrong, so precision is a lower bound (by hand, most of those are
  the same story rewritten by another outlet).

Claim matching uses claims/claims_unified.jsonl. Paraphrase pairs come from a
signal that never reads the claim text: two records of different sources pair
when each is the other's nearest neighbour by explanation text (character
2-3-gram TF-IDF cosine >= 0.2). Each side queries the library without itself
and its verbatim copies; the partner (or a verbatim copy of it) is the answer.
A second check uses each explanation (long, like an item) as the query for its
own claim. Script parity: 500 DXY texts in traditional script (OpenCC s2t) must
keep their content key and their duplicate decision.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import random
import re
import time
import tracemalloc
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import opencc
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from bench.eval_claims import dev_scores
from yuqing.analyse.claim_rerank import Reranker
from yuqing.analyse.claim_training import LibraryClaim, train_reranker
from yuqing.analyse.claims import ClaimMatcher
from yuqing.analyse.dedupe import FoldMatch, NearDuplicateIndex, content_key
from yuqing.text import matching_form

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
NEWS = Path("news/dxy_news_20200329.csv")
CLAIMS = Path("claims/claims_unified.jsonl")
POSTS = ("misinfo/weibo21_train.jsonl", "misinfo/weibo21_val.jsonl")
PREFIX = 50  # shared summary lead that marks a republication
ALIGN_RATIO = 0.8  # difflib ratio of a near-verbatim copy
PAIR_COSINE = 0.2  # explanation similarity for a paraphrase pair


def alnum(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


# ---------------------------------------------------------------- DXY news


@dataclass(frozen=True, slots=True)
class NewsRow:
    record_id: str
    title: str
    summary: str

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.summary}"


def load_news(path: Path) -> list[NewsRow]:
    """Rows by publication time, then crawl time, then file order reversed (newest first)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        raw = list(csv.DictReader(handle))
    order = sorted(range(len(raw)), key=lambda i: (raw[i]["pubDate"], raw[i]["crawlTime"], -i))
    return [NewsRow(raw[i]["id"], raw[i]["title"], raw[i]["summary"]) for i in order]


def run_index(texts: Sequence[str], **params: float) -> tuple[list[FoldMatch | None], float]:
    """Fold matching-form texts in order: the matches, and documents per CPU second."""
    index = NearDuplicateIndex(**params)  # type: ignore[arg-type]
    started = time.process_time()  # CPU time: other work on the machine does not count
    matches = [index.add_match(i, text) for i, text in enumerate(texts)]
    return matches, len(texts) / max(time.process_time() - started, 1e-9)


class _Clusters:
    """Union-find over row numbers: the ground-truth copy clusters."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


@dataclass(slots=True)
class NewsTruth:
    full: list[str]  # normalised title + summary
    exact: list[bool]  # an earlier row has the same full text
    near: list[bool]  # an earlier row is a near copy (and none is exact)
    truncated: list[bool]  # ... and one summary is a prefix of the other
    clusters: _Clusters


def _republished(a: str, b: str) -> bool:
    """Summaries that share their lead, or where one is a prefix (a truncation) of the other."""
    shared_lead = min(len(a), len(b)) >= 20 and a[:PREFIX] == b[:PREFIX]
    return shared_lead or a.startswith(b) or b.startswith(a)


def news_truth(rows: Sequence[NewsRow]) -> NewsTruth:
    full = [alnum(r.title + r.summary) for r in rows]
    summaries = [alnum(r.summary) for r in rows]
    truth = NewsTruth(full, [], [], [], _Clusters(len(rows)))
    first: dict[str, int] = {}
    by_id: dict[str, list[int]] = defaultdict(list)
    by_title: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        a, title = summaries[i], alnum(row.title)
        near = [j for j in by_id[row.record_id] if full[j] != full[i]]
        near += [
            j
            for j in by_title[title]
            if full[j] != full[i] and j not in near and _republished(a, summaries[j])
        ]
        for j in [*near, first.get(full[i], i)]:
            truth.clusters.join(i, j)
        truth.exact.append(full[i] in first)
        truth.near.append(bool(near) and full[i] not in first)
        truth.truncated.append(
            any(a.startswith(summaries[j]) or summaries[j].startswith(a) for j in near)
        )
        first.setdefault(full[i], i)
        by_id[row.record_id].append(i)
        by_title[title].append(i)
    return truth


def news_scores(truth: NewsTruth, matches: Sequence[FoldMatch | None]) -> dict[str, float]:
    same = truth.clusters.find

    def right(i: int, kind: str) -> bool:
        m = matches[i]
        return m is not None and m.kind == kind and same(m.matched_id) == same(i)

    def copy(i: int, j: int) -> bool:
        ratio = difflib.SequenceMatcher(None, truth.full[i], truth.full[j], autojunk=False).ratio()
        return same(i) == same(j) or ratio >= ALIGN_RATIO

    folds = [(i, m) for i, m in enumerate(matches) if m is not None]
    exact = [(i, m.matched_id) for i, m in folds if m.kind == "exact"]
    near = [(i, m.matched_id) for i, m in folds if m.kind == "near"]
    near_rows = [i for i, flag in enumerate(truth.near) if flag]
    cut_rows = [i for i in near_rows if truth.truncated[i]]
    exact_rows = [i for i, flag in enumerate(truth.exact) if flag]
    return {
        "dxy_exact_fold_precision": _share(
            sum(truth.full[i] == truth.full[j] for i, j in exact), len(exact)
        ),
        "dxy_exact_fold_recall": _share(
            sum(right(i, "exact") for i in exact_rows), len(exact_rows)
        ),
        "dxy_near_dup_precision": _share(sum(copy(i, j) for i, j in near), len(near)),
        "dxy_near_dup_recall": _share(sum(right(i, "near") for i in near_rows), len(near_rows)),
        "dxy_truncation_recall": _share(sum(right(i, "near") for i in cut_rows), len(cut_rows)),
        "dxy_near_positives": float(len(near_rows)),
        "dxy_exact_positives": float(len(exact_rows)),
    }


def script_parity(rows: Sequence[NewsRow], sample: int = 500) -> float:
    """Share of sampled rows whose key and duplicate decision survive s2t conversion."""
    s2t = opencc.OpenCC("s2t")
    picked = random.Random(0).sample(range(len(rows)), min(sample, len(rows)))
    plain = [matching_form(r.text) for r in rows]
    mixed = list(plain)
    for i in picked:
        mixed[i] = matching_form(s2t.convert(rows[i].text))
    before, _ = run_index(plain)
    after, _ = run_index(mixed)

    def decision(m: FoldMatch | None) -> int | None:
        return None if m is None else m.original_id

    agree = sum(
        content_key(plain[i]) == content_key(mixed[i]) and decision(before[i]) == decision(after[i])
        for i in picked
    )
    return _share(agree, len(picked))


# ---------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    source: str
    claim: str
    explanation: str


def load_claims(path: Path) -> list[ClaimRecord]:
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return [ClaimRecord(r["source"], r["claim"], r.get("explanation") or "") for r in records]


def paraphrase_pairs(claims: Sequence[ClaimRecord]) -> list[tuple[int, int, float]]:
    """Cross-source mutual nearest neighbours by explanation text alone."""
    rows = [i for i, c in enumerate(claims) if len(c.explanation) >= 20]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform([alnum(claims[i].explanation) for i in rows])
    sims = (matrix @ matrix.T).toarray()
    sources = np.array([claims[i].source for i in rows])
    sims[sources[:, None] == sources[None, :]] = 0.0  # a source lists a rumour once
    nearest = sims.argmax(axis=1)
    return [
        (rows[a], rows[b], float(sims[a, b]))
        for a, b in enumerate(nearest.tolist())
        if a < b and nearest[b] == a and sims[a, b] >= PAIR_COSINE
    ]


def _ranks(
    found: Sequence[Sequence[int]], targets: Sequence[set[int]], prefix: str
) -> dict[str, float]:
    ranks = [
        next((n + 1 for n, claim_id in enumerate(ids) if claim_id in wanted), None)
        for ids, wanted in zip(found, targets, strict=True)
    ]
    total = len(ranks) or 1
    return {
        f"{prefix}recall_at_1": sum(r == 1 for r in ranks) / total,
        f"{prefix}recall_at_3": sum(r is not None and r <= 3 for r in ranks) / total,
        f"{prefix}mrr": sum(1 / r for r in ranks if r is not None) / total,
        f"{prefix}queries": float(len(ranks)),
    }


def _reranker(claims: Sequence[ClaimRecord], held_out: set[int]) -> Reranker:
    """The reranker a desk would learn from this library, blind to the held-out
    claims' clarifications (they are the queries being scored)."""
    library = [
        LibraryClaim(i, c.claim, "" if i in held_out else c.explanation, c.source)
        for i, c in enumerate(claims)
    ]
    matcher = ClaimMatcher.build([(c.claim_id, c.text) for c in library])
    return train_reranker(matcher, library)


def claim_scores(
    claims: Sequence[ClaimRecord], pairs: Sequence[tuple[int, int, float]]
) -> dict[str, float]:
    bare = [alnum(c.claim) for c in claims]
    reranker = _reranker(claims, {i for a, b, _ in pairs for i in (a, b)})
    found: list[list[int]] = []
    targets: list[set[int]] = []
    for query, partner in [(a, b) for a, b, _ in pairs] + [(b, a) for a, b, _ in pairs]:
        library = [(i, c.claim) for i, c in enumerate(claims) if bare[i] != bare[query]]
        matcher = ClaimMatcher.build(library, reranker=reranker)
        top = matcher.match(claims[query].claim, k=10, min_score=0.0)
        found.append([candidate.claim_id for candidate in top])
        targets.append({i for i, text in enumerate(bare) if text == bare[partner]})
    return _ranks(found, targets, "claims_")


def explanation_scores(claims: Sequence[ClaimRecord]) -> dict[str, float]:
    """Each explanation as a query for its own claim; the reranker is cross-fitted
    (two folds: trained without the scored fold's explanations)."""
    bare = [alnum(c.claim) for c in claims]
    queries = [i for i, c in enumerate(claims) if len(c.explanation) >= 20]
    found: list[list[int]] = []
    targets: list[set[int]] = []
    for fold in (0, 1):
        scored = [i for n, i in enumerate(queries) if n % 2 == fold]
        held_out = {j for i in scored for j, text in enumerate(bare) if text == bare[i]}
        matcher = ClaimMatcher.build(
            [(i, c.claim) for i, c in enumerate(claims)], reranker=_reranker(claims, held_out)
        )
        top = matcher.match_many([claims[i].explanation for i in scored], k=10, min_score=0.0)
        found += [[candidate.claim_id for candidate in row] for row in top]
        targets += [{j for j, text in enumerate(bare) if text == bare[i]} for i in scored]
    return _ranks(found, targets, "claims_explanation_")


def claim_speeds(claims: Sequence[ClaimRecord], rows: Sequence[NewsRow]) -> dict[str, float]:
    """Items matched per CPU second against 2,000 claims (the library padded with news
    titles), one at a time and in one batch; seconds to rebuild 5,000 claims."""
    texts = [c.claim for c in claims] + [r.title for r in rows]
    matcher = ClaimMatcher.build(list(enumerate(texts[:2000])))
    items = [matching_form(r.text) for r in rows[:2000]]
    started = time.process_time()
    for item in items[:500]:
        matcher.match(item)
    single = 500 / (time.process_time() - started)
    started = time.process_time()
    matcher.match_many(items)
    batch = len(items) / (time.process_time() - started)
    started = time.process_time()
    ClaimMatcher.build(list(enumerate(texts[:5000])))
    rebuild = time.process_time() - started
    return {
        "claims_match_per_s": single,
        "claims_match_many_per_s": batch,
        "claims_rebuild_5000_s": rebuild,
    }


# ---------------------------------------------------------------- all together


def evaluate_all(data_dir: Path | str) -> dict[str, float]:
    """Every figure; keys match tests/analyse/floors_matching.json (plus speeds and counts)."""
    data = Path(data_dir)
    rows = load_news(data / NEWS)
    claims = load_claims(data / CLAIMS)
    matches, speed = run_index([matching_form(r.text) for r in rows])
    figures = news_scores(news_truth(rows), matches)
    figures["dxy_docs_per_s"] = speed
    figures.update(claim_scores(claims, paraphrase_pairs(claims)))
    figures.update(explanation_scores(claims))
    figures.update(claim_speeds(claims, rows))
    figures.update(dev_scores(data))
    figures["script_parity"] = script_parity(rows)
    return figures


def _edit(post: str, kind: str, rng: random.Random) -> str:
    """A lightly edited copy of a matching-form post."""
    if kind == "swap":  # three Han characters replaced (not digits: see the figures check)
        chars = list(post)
        spots = [i for i, ch in enumerate(chars) if "\u4e00" <= ch <= "\u9fff"]
        for i in rng.sample(spots, min(3, len(spots))):
            chars[i] = rng.choice(
                "的了是在有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
            )
        return "".join(chars)
    if kind == "drop":  # one sentence of three or more dropped, else the last fifth
        sentences = [x for x in re.split(r"(?<=[。！？!?])", post) if x]
        if len(sentences) >= 3:
            del sentences[rng.randrange(len(sentences))]
            return "".join(sentences)
        return post[: int(len(post) * 0.8)]
    if kind == "wrap":
        return f"转发理由//@某用户:{post}"
    return f"{post} #话题# [心][心] 详情:http://t.cn/a1b2c3"


def _posts(data: Path) -> list[str]:
    posts: list[str] = []
    for name in POSTS:
        if (data / name).exists():
            with (data / name).open(encoding="utf-8") as handle:
                posts += [matching_form(json.loads(line)["content"]) for line in handle]
    return posts


def _distinct(posts: Sequence[str]) -> list[str]:
    keys: set[str] = set()
    kept = []
    for post in posts:
        if content_key(post) not in keys:
            keys.add(content_key(post))
            kept.append(post)
    return kept


def sweep(data: Path) -> None:
    """Threshold x shingle size (x figures check) on DXY and on edited Weibo posts."""
    rows = load_news(data / NEWS)
    truth, texts = news_truth(rows), [matching_form(r.text) for r in rows]
    print("DXY: threshold shingle figures  near_P  near_R  trunc_R")
    for threshold in (0.4, 0.5, 0.6, 0.7):
        for size in (2, 3):
            for guard in (True, False):
                matches, _ = run_index(
                    texts, threshold=threshold, shingle_size=size, figures_must_agree=guard
                )
                s = news_scores(truth, matches)
                print(
                    f"     {threshold:9.2f} {size:7d} {guard!s:>7}  {s['dxy_near_dup_precision']:6.3f}"
                    f"  {s['dxy_near_dup_recall']:6.3f}  {s['dxy_truncation_recall']:7.3f}"
                )
    originals = _distinct([p for p in _posts(data) if 30 <= len(p) <= 300])[:1500]
    rng, kinds = random.Random(7), ["swap", "drop", "wrap", "tail"]
    edits = [(i, kinds[i % 4]) for i in range(len(originals))]
    edited = [_edit(originals[i], kind, rng) for i, kind in edits]
    print("Weibo edits: threshold shingle  swap  drop  wrap  tail  wrong  originals_folded")
    for threshold in (0.5, 0.6, 0.7):
        for size in (2, 3):
            index = NearDuplicateIndex(threshold, shingle_size=size)
            roots = [index.add(i, p) for i, p in enumerate(originals)]
            root = [i if r is None else r for i, r in enumerate(roots)]
            hits: dict[str, int] = defaultdict(int)
            wrong = 0
            for n, ((i, kind), post) in enumerate(zip(edits, edited, strict=True)):
                got = index.add(len(originals) + n, post)
                hits[kind] += got == root[i]
                wrong += got is not None and got != root[i]
            rates = "  ".join(f"{4 * hits[k] / len(edits):.2f}" for k in kinds)
            folded = sum(r is not None for r in roots) / len(roots)
            print(f"             {threshold:9.2f} {size:7d}  {rates}  {wrong:5d}  {folded:.3f}")


def dedupe_speed(data: Path, scale: int) -> None:
    """add() on 100-character posts (Weibo text cut into windows), then on ``scale``
    generated posts (order-2 character chain over the same text) to see the rate
    with a large index; and memory per remembered document."""
    pool = "".join(_posts(data))
    windows = [pool[i : i + 100] for i in range(0, len(pool) - 100, 100)]
    _, speed = run_index(windows)
    tracemalloc.start()
    index = NearDuplicateIndex()
    for i, post in enumerate(windows[:10000]):
        index.add(i + 10**9, post)  # large ids, as in production: not cached small ints
    per_doc = tracemalloc.get_traced_memory()[0] / max(len(index), 1)
    tracemalloc.stop()
    print(
        f"100-char posts: {speed:,.0f} docs/CPU-s over {len(windows):,}; {per_doc:,.0f} bytes/document"
    )
    if scale:
        follow: dict[str, list[str]] = defaultdict(list)
        for i in range(len(pool) - 2):
            follow[pool[i : i + 2]].append(pool[i + 2])
        rng, starts, generated = random.Random(0), list(follow), []
        for _ in range(scale):
            text = rng.choice(starts)
            while len(text) < 100:
                text += rng.choice(follow.get(text[-2:]) or [rng.choice(starts)])
            generated.append(text)
        index, step = NearDuplicateIndex(), max(scale // 10, 1)
        for start in range(0, scale, step):
            began = time.process_time()
            for n in range(start, min(start + step, scale)):
                index.add(n, generated[n])
            rate = step / (time.process_time() - began)
            print(f"  remembered {len(index):>9,}: {rate:,.0f} docs/CPU-s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sweep", action="store_true", help="sweep the dedupe parameters")
    parser.add_argument("--scale", type=int, default=0, help="time add() over N generated posts")
    parser.add_argument("--show-pairs", action="store_true", help="print every paraphrase pair")
    args = parser.parse_args()
    if not (args.data / NEWS).exists():
        raise SystemExit(f"no data at {args.data / NEWS}; pass --data DIR")
    claims = load_claims(args.data / CLAIMS)
    pairs = paraphrase_pairs(claims)
    shown = pairs if args.show_pairs else random.Random(1).sample(pairs, min(10, len(pairs)))
    print(f"{len(pairs)} paraphrase pairs by explanation; spot check:")
    for a, b, cosine in shown:
        print(
            f"  {cosine:.2f} [{claims[a].source}] {claims[a].claim} <> [{claims[b].source}] {claims[b].claim}"
        )
    if args.sweep:
        sweep(args.data)
    dedupe_speed(args.data, args.scale)
    for key, value in sorted(evaluate_all(args.data).items()):
        print(f"{key:34s} {value:10.4f}")


if __name__ == "__main__":
    main()
