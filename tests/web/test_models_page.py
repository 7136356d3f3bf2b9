"""The models settings page, each tag's source on the item page, analysts' topic
corrections that survive re-analysis, and retraining from them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from yuqing.analyse.context import build_context
from yuqing.analyse.pipeline import analyse
from yuqing.config import Settings
from yuqing.store.db import Database
from yuqing.store.models import Item, ItemTopic


def analysed(db: Database, settings: Settings) -> list[int]:
    with db.reading() as session:
        context = build_context(session, models_dir=settings.data_dir / "models")
    analyse(db, context)
    with db.reading() as session:
        return list(session.scalars(select(Item.id).order_by(Item.id)))


def test_models_page_without_models(analyst: TestClient) -> None:
    page = analyst.get("/settings/models")
    assert page.status_code == 200
    assert "尚未训练模型" in page.text and "关键词" in page.text


def test_item_page_shows_each_tags_source(
    analyst: TestClient, web_db: Database, settings: Settings
) -> None:
    ids = analysed(web_db, settings)
    page = analyst.get(f"/items/{ids[0]}")  # 昆都仑区核酸检测点排队很长
    assert page.status_code == 200
    assert "核酸检测" in page.text and "关键词 核酸检测" in page.text
    assert "修正话题" in page.text


def test_correction_stands_and_retrains_the_model(
    analyst: TestClient, web_db: Database, settings: Settings
) -> None:
    ids = analysed(web_db, settings)
    response = analyst.post(f"/items/{ids[1]}/topics", data={"topic": ["物价", "物资供应"]})
    assert response.status_code == 303
    assert analyst.post(f"/items/{ids[2]}/topics", data={}).status_code == 303  # none fits
    assert analyst.post(f"/items/{ids[3]}/topics", data={"topic": ["体育"]}).status_code == 400
    analysed(web_db, settings)  # a re-run keeps the analyst's topics
    with web_db.reading() as session:
        kept = session.execute(
            select(ItemTopic.topic, ItemTopic.origin).where(ItemTopic.item_id == ids[1])
        ).all()
    assert sorted(kept) == [("物价", "analyst"), ("物资供应", "analyst")]
    page = analyst.get(f"/items/{ids[1]}")
    assert "人工" in page.text
    assert "（无）" not in analyst.get(f"/items/{ids[2]}").text

    retrained = analyst.post("/settings/models/retrain")
    assert retrained.status_code == 303
    assert (settings.data_dir / "models" / "topics.joblib").is_file()
    listing = analyst.get("/settings/models")
    assert "话题（多标签）" in listing.text and "人工修正" in listing.text
