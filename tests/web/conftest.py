"""A web app over a real SQLite database, with one user per role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.prepared import Prepared
from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.config import Settings, load_settings
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.store.db import Database
from yuqing.store.models import Role, Source
from yuqing.web.app import create_app

PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, secret_key="t" * 32, city_name="测试市")


@pytest.fixture
def web_db(sqlite_db: Database, prepared: Prepared) -> Database:
    """Units, one user per role, a source and four items; filled once, copied per test."""
    prepared.copy_into(sqlite_db, "web", fill_web_db)
    return sqlite_db


def fill_web_db(db: Database) -> None:
    with db.transaction() as session:
        city = add_unit(session, "测试市", "city", code="990100")
        town = add_unit(session, "昆都仑区", "district", parent=city, code="990102")
        health = add_unit(session, "市卫生健康委员会", "department", parent=city)
        for role in Role:
            scope = town if role is Role.OFFICER else health if role is Role.RESPONDER else None
            add_user(
                session,
                role.value,
                PASSWORD,
                unit=scope,
                grants=[Grant(role, scope.id if scope else None)],
            )
        session.add(
            Source(name="青岚日报", kind="rss", is_public_outlet=True, outlet_name="青岚日报")
        )
    with db.reading() as session:
        source = SourceInfo.of(session.query(Source).one())
    texts = ["昆都仑区核酸检测点排队很长", "昆都侖區口罩價格上漲", "感谢医护人员", "疫情防控通报"]
    ingest(
        db,
        source,
        [
            RawItem(
                body=t,
                title=f"标题{i}",
                url=f"https://news.example/{i}",
                published_at=T0 + timedelta(hours=i),
            )
            for i, t in enumerate(texts)
        ],
        secret="t" * 32,
    )


@pytest.fixture
def app(settings: Settings, web_db: Database) -> FastAPI:
    return create_app(settings, web_db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 303, response.text


@pytest.fixture
def analyst(client: TestClient) -> TestClient:
    login(client, "analyst")
    return client
