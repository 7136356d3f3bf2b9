"""The demo desk: the scenario loads through the real paths, and the searches the desk
tries first return exactly the items that contain the words, in either script."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKENDS, empty_tables
from yuqing.demo.live import load_live
from yuqing.demo.load import DESK_ACCOUNTS
from yuqing.demo.scenario import build_scenario
from yuqing.store.db import Database
from yuqing.store.models import FieldReport, Item, ReportSeries, TallyEntry, Unit, User
from yuqing.store.search import ItemQuery, count_items, search_item_ids
from yuqing.text import matching_form

ITEMS = 600


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest,
    _migrated: dict[str, Database],
    tmp_path_factory: pytest.TempPathFactory,
) -> Database:
    """Loaded once per backend for the module; the tests here only read."""
    db = _migrated[request.param]
    empty_tables(db)
    scenario = build_scenario(seed=11, items=ITEMS)
    folder = tmp_path_factory.mktemp("demo")
    loaded, server = load_live(
        db,
        scenario,
        folder=folder,
        secret="d" * 32,
        password="demo-password",
        tz=ZoneInfo("Asia/Shanghai"),
    )
    server.shutdown()
    server.server_close()
    assert [p.status for p in loaded.polls] == ["ok"] * len(loaded.polls)
    assert loaded.items.stored == ITEMS
    assert loaded.items.quarantined == 0
    assert loaded.field_reports == len(scenario.field_reports)
    return db


@pytest.mark.parametrize("word", ["口罩", "疫", "核酸检测", "昆都侖", "昆都仑"])
def test_demo_searches_find_exactly_the_items_with_the_words(loaded: Database, word: str) -> None:
    needle = matching_form(word)
    with loaded.reading() as session:
        expected = {
            item_id
            for item_id, text in session.execute(select(Item.id, Item.text_norm))
            if needle in text
        }
        query = ItemQuery(text=needle, limit=1000)
        found = search_item_ids(session, query)
        assert expected, f"the scenario should mention {word}"
        assert set(found) == expected
        assert count_items(session, query) == len(expected)


def test_demo_has_traditional_items_found_by_simplified_queries(loaded: Database) -> None:
    with loaded.reading() as session:
        traditional = session.scalar(
            select(func.count()).select_from(Item).where(Item.script == "hant")
        )
        assert traditional is not None and traditional > ITEMS * 0.1
        ids = search_item_ids(session, ItemQuery(text="昆都仑", limit=1000))
        scripts = set(session.scalars(select(Item.script).where(Item.id.in_(ids))))
        assert scripts == {"hans", "hant"}


def test_demo_network_is_loaded(loaded: Database) -> None:
    with loaded.reading() as session:
        assert (session.scalar(select(func.count()).select_from(Unit)) or 0) >= 12
        users = set(session.scalars(select(User.username)))
        assert {name for name, _, _ in DESK_ACCOUNTS} <= users
        assert any(u.startswith("officer") for u in users)
        zero = session.scalar(
            select(func.count()).select_from(FieldReport).where(FieldReport.is_zero)
        )
        assert zero
        assert session.scalar(select(func.count()).select_from(TallyEntry))
        assert session.scalar(select(func.count()).select_from(ReportSeries)) == 4


def test_post_authors_are_pseudonymised_and_outlets_named(loaded: Database) -> None:
    with loaded.reading() as session:
        posts = session.scalars(
            select(Item.author).where(Item.kind == "post", Item.author.is_not(None))
        ).all()
        assert posts and all(a is not None and a.startswith("用户-") for a in posts)
        articles = session.scalars(select(Item.author).where(Item.kind == "article")).all()
        assert articles and not any(a.startswith("用户-") for a in articles if a)
