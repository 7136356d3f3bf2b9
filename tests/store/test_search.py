"""Search must be right for queries of any length, in either script, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.errors import QueryError
from yuqing.store.db import Database
from yuqing.store.models import Item
from yuqing.store.search import ItemQuery, count_items, search_item_ids
from yuqing.store.search_grams import gram_tokens, query_terms
from yuqing.text import matching_form

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
TEXTS = [
    "昆都仑区新增核酸检测点，居民排队有序。",  # 0
    "昆都侖區的口罩價格上漲，市民反映藥店加價。",  # 1 traditional
    "疫情防控通报：今日新增病例3例。",  # 2
    "感谢医护人员的辛勤付出！",  # 3
    "核酸，检测结果何时出？",  # 4 comma splits the phrase: must not match 核酸检测
    "COVID-19 疫苗接种点开放",  # 5
    "口",  # 6 a one-character post
]


def load(db: Database, texts: list[str] = TEXTS) -> list[int]:
    source = SourceInfo(None, "manual", False, None)
    records = [
        RawItem(body=body, platform_id=f"p{i}", published_at=T0 + timedelta(hours=i))
        for i, body in enumerate(texts)
    ]
    summary = ingest(db, source, records, secret="s" * 32)
    assert summary.stored == len(texts)
    with db.reading() as session:
        rows = session.query(Item.id, Item.platform_id).all()
    by_pid = {pid: item_id for item_id, pid in rows}
    return [by_pid[f"p{i}"] for i in range(len(texts))]


def find(db: Database, q: str, **filters: object) -> list[int]:
    with db.reading() as session:
        return search_item_ids(session, ItemQuery(text=matching_form(q), **filters))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("口", {1, 6}),  # one character, including a post that is only that character
        ("疫", {2, 5}),  # one character
        ("口罩", {1}),  # two characters, traditional text
        ("核酸检测", {0}),  # four characters; 4 has the words split by a comma
        ("昆都侖", {0, 1}),  # traditional query finds simplified text and traditional text
        ("昆都仑", {0, 1}),
        ("藥店", {1}),
        ("covid", {5}),
        ("ＣＯＶＩＤ", {5}),  # full-width folds to ASCII
        ("疫苗 开放", {5}),  # terms are ANDed
        ("疫苗 医护", set()),
        ("不存在的词", set()),
    ],
)
def test_queries_of_any_length_and_script(db: Database, query: str, expected: set[int]) -> None:
    ids = load(db)
    assert set(find(db, query)) == {ids[i] for i in expected}


def test_newest_first_and_time_window(db: Database) -> None:
    ids = load(db)
    assert find(db, "昆都仑") == [ids[1], ids[0]]
    window = find(db, "昆都仑", since=T0 + timedelta(minutes=30), until=T0 + timedelta(hours=2))
    assert window == [ids[1]]
    # the window's upper end is exclusive, its lower end inclusive
    assert find(db, "", since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=2)) == [ids[1]]


def test_relevance_sort_and_count(db: Database) -> None:
    ids = load(db, ["口罩", "今天去买口罩，口罩口罩都卖完了", "没有相关内容"])
    with db.reading() as session:
        query = ItemQuery(text="口罩", sort="relevance")
        ranked = search_item_ids(session, query)
        assert set(ranked) == {ids[0], ids[1]}
        assert count_items(session, query) == 2
        assert count_items(session, ItemQuery()) == 3


def test_filters_on_status_topic_and_source(db: Database) -> None:
    ids = load(db)
    with db.transaction() as session:
        session.get(Item, ids[0]).status = "verified"  # type: ignore[union-attr]
        session.get(Item, ids[1]).topic = "物价"  # type: ignore[union-attr]
    assert find(db, "昆都仑", statuses=["verified"]) == [ids[0]]
    assert find(db, "昆都仑", topics=["物价"]) == [ids[1]]
    assert find(db, "", topics=["物价"]) == [ids[1]]


def test_paging(db: Database) -> None:
    ids = load(db, [f"口罩第{i}条" for i in range(7)])
    first = find(db, "口罩", limit=3)
    second = find(db, "口罩", limit=3, offset=3)
    assert first == [ids[6], ids[5], ids[4]]
    assert second == [ids[3], ids[2], ids[1]]


def test_bad_queries_are_refused() -> None:
    with pytest.raises(QueryError):
        ItemQuery(sort="random")  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        ItemQuery(since=datetime(2026, 1, 1))


def test_punctuation_only_query_lists_everything(db: Database) -> None:
    load(db)
    assert len(find(db, "，。！")) == len(TEXTS)


han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
texts = st.text(alphabet=st.one_of(han, st.sampled_from("，。 ab1")), max_size=40)


@given(texts, st.integers(min_value=0, max_value=39), st.integers(min_value=1, max_value=6))
def test_every_han_substring_is_found_in_the_tokens(doc: str, start: int, length: int) -> None:
    """Property: any Han substring of a text is matched by the query built from it."""
    tokens = gram_tokens(doc)
    piece = doc[start : start + length]
    if not piece or not all("\u4e00" <= ch <= "\u9fff" for ch in piece):
        return
    (term,) = query_terms(piece)
    if term.kind == "prefix":
        assert any(tok.startswith(piece) for tok in tokens)
    else:
        n = len(term.tokens)
        assert any(tuple(tokens[i : i + n]) == term.tokens for i in range(len(tokens)))


def test_time_bounds_are_exact_below_the_second(db: Database) -> None:
    source = SourceInfo(None, "manual", False, None)
    half = T0 + timedelta(milliseconds=500)
    ingest(db, source, [RawItem(body="口罩", platform_id="a", published_at=half)], secret="s" * 32)
    quarter, three_quarters = T0 + timedelta(milliseconds=250), T0 + timedelta(milliseconds=750)
    assert len(find(db, "口罩", since=quarter)) == 1
    assert find(db, "口罩", since=three_quarters) == []
    assert find(db, "口罩", until=quarter) == []
    assert len(find(db, "口罩", until=three_quarters)) == 1
    assert len(find(db, "口罩", since=T0, until=T0 + timedelta(seconds=1))) == 1
    assert find(db, "口罩", since=T0 + timedelta(seconds=1)) == []
    assert find(db, "口罩", until=T0) == []
