"""Chinese full-text search over items, the same on SQLite and PostgreSQL.

Text is indexed as character bigrams: every run of Han characters becomes its
overlapping bigrams followed by its last character alone ("核酸检测" → 核酸 酸检
检测 测); other letters and digits become whole lower-case words. A query of two
or more Han characters is the phrase of its bigrams, so it matches exactly that
substring; a single character is a prefix query (its bigrams and tail tokens).
That is correct for queries of any length, which neither FTS5's trigram
tokenizer (nothing under 3 characters) nor PostgreSQL's parsers (whole clauses as
one token) are.

SQLite keeps the grams in a contentless FTS5 table whose rowid encodes the
publication second and the item id, so a time window is a rowid range that FTS5
seeks to, and "newest first" is its native rowid order. PostgreSQL keeps a
``tsvector`` built from the same grams (as a literal, so no text-search
configuration or locale is involved) beside the publication time.

Callers pass text already in matching form (``yuqing.text.matching_form``): NFKC,
simplified script, lower case. That is what makes 昆都侖 find 昆都仑.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.orm import Session

from yuqing.errors import QueryError

# The index grams and the query terms that match them (both backends).
from yuqing.store.search_grams import Term, fts5_match, pg_tsquery, query_terms

# Index upkeep (rowid packing, adding and removing items) is search_index's.
from yuqing.store.search_index import ID_MASK, backend, search_key
from yuqing.store.types import UTCDateTime

Sort = Literal["time", "relevance"]


# --- querying ------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemQuery:
    """What the item list asks for. ``text`` must be in matching form."""

    text: str = ""
    since: datetime | None = None
    until: datetime | None = None
    source_ids: Sequence[int] = ()
    unit_ids: Sequence[int] = ()
    topics: Sequence[str] = ()
    statuses: Sequence[str] = ()
    sentiments: Sequence[str | None] = ()  # None: not analysed yet
    event_ids: Sequence[int] = ()
    place_codes: Sequence[str] = ()  # items mentioning any of these places
    rule_ids: Sequence[int] = ()  # items any of these watch rules hit
    claim_ids: Sequence[int] = ()  # items matched to any of these claims (not rejected)
    local_only: bool = False  # about the desk's own area (涉我)
    sort: Sort = "time"
    limit: int = 50
    offset: int = 0
    # By time, the page right after (older than) or before this (published_at, id): a
    # page by position, which costs the same at any depth, where OFFSET walks the rows.
    after: tuple[datetime, int] | None = None
    before: tuple[datetime, int] | None = None
    terms: list[Term] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if self.sort not in ("time", "relevance"):
            raise QueryError(f"unknown sort {self.sort!r}: use time or relevance")
        if not 1 <= self.limit <= 1000 or self.offset < 0:
            raise QueryError("limit must be 1–1000 and offset not negative")
        if (self.after or self.before) and self.sort != "time":
            raise QueryError("a page by position needs the time order")
        for bound in (self.since, self.until):
            if bound is not None and bound.tzinfo is None:
                raise QueryError("time filters must carry a time zone")
        object.__setattr__(self, "terms", query_terms(self.text))


def search_item_ids(session: Session, query: ItemQuery) -> list[int]:
    """Ids of the items that match, in the requested order, one page."""
    statement, params = _build(session, query, count=False)
    ids = [row[0] for row in session.execute(statement, params)]
    return ids[::-1] if query.before else ids  # read upwards from the cursor


def count_items(session: Session, query: ItemQuery, *, cap: int | None = None) -> int:
    """How many items match; with ``cap``, counting stops at ``cap + 1`` (a result
    above ``cap`` means "more than cap"), so a page's count does not grow with the data."""
    if cap is None:
        statement, params = _build(session, query, count=True)
        return int(session.execute(statement, params).scalar_one())
    by_time = replace(query, sort="time", limit=1, offset=0, after=None, before=None)
    sql, params = _build(session, by_time, count=False)
    params["limit"] = cap + 1
    del params["offset"]
    # Any cap + 1 matches will do: unordered, PostgreSQL stops at them instead of
    # sorting every match of a common word by time first.
    unordered = sql.text.partition(" ORDER BY ")[0] + " LIMIT :limit"
    capped = text(f"SELECT count(*) FROM ({unordered}) AS capped").bindparams(
        *[bindparam(key, type_=UTCDateTime()) for key in ("since", "until") if key in params]
    )
    return int(session.execute(capped, params).scalar_one())


def _time_clauses(query: ItemQuery, params: dict[str, object]) -> list[str]:
    clauses = []
    if query.since is not None:
        clauses.append("items.published_at >= :since")
        params["since"] = query.since
    if query.until is not None:
        clauses.append("items.published_at < :until")
        params["until"] = query.until
    return clauses


def _column_clauses(query: ItemQuery, params: dict[str, object]) -> list[str]:
    """WHERE clauses on ``items`` other than time, shared by both backends."""
    clauses = []
    for column, values in (
        ("source_id", query.source_ids),
        ("unit_id", query.unit_ids),
        ("topic", query.topics),
        ("status", query.statuses),
        ("event_id", query.event_ids),
    ):
        if values:
            clauses.append(f"items.{column} IN {_listed(column, values, params)}")
    if query.sentiments:
        known = [s for s in query.sentiments if s is not None]
        either = [f"items.sentiment IN {_listed('sentiment', known, params)}"] if known else []
        either += ["items.sentiment IS NULL"] if None in query.sentiments else []
        clauses.append("(" + " OR ".join(either) + ")")
    if query.local_only:
        params["local_only"] = True
        clauses.append("items.is_local = :local_only")
    for table, column, values, extra in (
        ("item_places", "code", query.place_codes, ""),
        ("rule_hits", "rule_id", query.rule_ids, ""),
        ("claim_matches", "claim_id", query.claim_ids, " AND claim_matches.status <> 'rejected'"),
    ):
        if values:
            listed = _listed(column, values, params)
            clauses.append(
                f"EXISTS (SELECT 1 FROM {table} WHERE {table}.item_id = items.id "
                f"AND {table}.{column} IN {listed}{extra})"
            )
    return clauses


def _listed(name: str, values: Sequence[object], params: dict[str, object]) -> str:
    """``(:name_0, :name_1, …)`` with the values bound."""
    for i, value in enumerate(values):
        params[f"{name}_{i}"] = value
    return "(" + ", ".join(f":{name}_{i}" for i in range(len(values))) + ")"


def _statement(sql: str, params: dict[str, object]) -> TextClause:
    """The SQL with its time parameters typed, so they are stored-format on both backends."""
    statement = text(sql)
    typed = [
        bindparam(key, type_=UTCDateTime()) for key in ("since", "until", "key_at") if key in params
    ]
    return statement.bindparams(*typed) if typed else statement


def _build(
    session: Session, query: ItemQuery, *, count: bool
) -> tuple[TextClause, dict[str, object]]:
    params: dict[str, object] = {}
    columns = _column_clauses(query, params)
    dialect = backend(session)
    if not query.terms:
        sql = _plain(_time_clauses(query, params) + columns, query, count, params)
    elif dialect == "sqlite":
        sql = _sqlite(columns, query, count, params)
    else:
        sql = _postgres(_time_clauses(query, params) + columns, query, count, params)
    return _statement(sql, params), params


def _page(query: ItemQuery, params: dict[str, object]) -> str:
    params["limit"] = query.limit
    params["offset"] = query.offset
    return " LIMIT :limit OFFSET :offset"


def _keyset(query: ItemQuery, params: dict[str, object], at: str) -> tuple[list[str], str]:
    """The cursor's clause on (time column, items.id), and the direction to read in."""
    key, op, direction = (query.after, "<", "DESC") if query.after else (query.before, ">", "ASC")
    if key is None:
        return [], "DESC"
    params["key_at"], params["key_id"] = key
    return [f"({at}, items.id) {op} (:key_at, :key_id)"], direction


def _plain(clauses: list[str], query: ItemQuery, count: bool, params: dict[str, object]) -> str:
    if not count:
        cursor, way = _keyset(query, params, "items.published_at")
        clauses = clauses + cursor
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    if count:
        return "SELECT count(*) FROM items" + where
    return (
        "SELECT items.id FROM items"
        + where
        + f" ORDER BY items.published_at {way}, items.id {way}"
        + _page(query, params)
    )


def _sqlite(columns: list[str], query: ItemQuery, count: bool, params: dict[str, object]) -> str:
    params["match"] = fts5_match(query.terms)
    where = ["item_search MATCH :match"]
    # The time window as a rowid range lets FTS5 seek instead of scanning the doclist.
    # Bounds on whole seconds are exact in the rowid; finer ones also check items.
    exact = all(b is None or b.microsecond == 0 for b in (query.since, query.until))
    if query.since is not None:
        params["key_lo"] = search_key(query.since, 0)
        where.append("item_search.rowid >= :key_lo")
    if query.until is not None:
        until_key = search_key(query.until, 0)
        params["key_hi"] = until_key - 1 if exact else until_key | ID_MASK
        where.append("item_search.rowid <= :key_hi")
    clauses = columns if exact else _time_clauses(query, params) + columns
    way = "DESC"
    if not count and (key := query.after or query.before):
        # The cursor as a rowid bound, which FTS5 seeks to like the time window.
        params["key_row"] = search_key(*key)
        where.append(f"item_search.rowid {'<' if query.after else '>'} :key_row")
        way = "DESC" if query.after else "ASC"
    if clauses:
        # CROSS JOIN keeps FTS5 as the outer loop, so LIMIT stops the scan early.
        head = (
            f"FROM item_search CROSS JOIN items ON items.id = (item_search.rowid & {ID_MASK}) "
            "WHERE " + " AND ".join(where + clauses)
        )
    else:
        # Text and time alone: the index answers without touching items.
        head = "FROM item_search WHERE " + " AND ".join(where)
    if count:
        return "SELECT count(*) " + head
    order = "item_search.rank" if query.sort == "relevance" else f"item_search.rowid {way}"
    selected = f"(item_search.rowid & {ID_MASK})"
    return f"SELECT {selected} {head} ORDER BY {order}" + _page(query, params)


def _postgres(clauses: list[str], query: ItemQuery, count: bool, params: dict[str, object]) -> str:
    params["tsq"] = pg_tsquery(query.terms)
    head = (
        "FROM item_search JOIN items ON items.id = item_search.item_id "
        "WHERE item_search.tsv @@ CAST(:tsq AS tsquery)"
    )
    if query.since is not None:
        head += " AND item_search.published_at >= :since"
    if query.until is not None:
        head += " AND item_search.published_at < :until"
    if not count:
        cursor, way = _keyset(query, params, "item_search.published_at")
        clauses = clauses + cursor
    if clauses:
        head += " AND " + " AND ".join(clauses)
    if count:
        return "SELECT count(*) " + head
    if query.sort == "relevance":
        order = "ts_rank(item_search.tsv, CAST(:tsq AS tsquery)) DESC, items.published_at DESC"
    else:
        order = f"item_search.published_at {way}, items.id {way}"
    return f"SELECT items.id {head} ORDER BY {order}" + _page(query, params)
