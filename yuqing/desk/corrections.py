"""Analysts' corrections of an item's topics, and the training set they make.

An analyst sets an item's topics on its page; they are stored as the item's topics
with origin "analyst", replace what the seeds or the model said, and stand through
later analysis runs. ``analyst_topics`` turns every corrected item into a training
example (an empty correction says "none of the topics"), so `yuqing model retrain`
fits the topic model to the desk's own judgement.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from yuqing.analyse.results import ANALYST
from yuqing.analyse.training_data import TrainingSet
from yuqing.errors import BadInput, NotFound
from yuqing.store.models import Item, ItemTopic

NONE_MARK = "（无）"  # stored for a correction that says "no topic", so the item counts


def set_topics(
    session: Session, item_id: int, topics: Sequence[str], known: Sequence[str]
) -> list[str]:
    """Replace the item's topics by the analyst's (at most three, all from ``known``)."""
    chosen = list(dict.fromkeys(t.strip() for t in topics if t.strip()))
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise BadInput(f"未知的话题：{'、'.join(unknown)}")
    if len(chosen) > 3:
        raise BadInput("一条信息最多标注 3 个话题")
    if session.get(Item, item_id) is None:
        raise NotFound(f"条目 {item_id} 不存在")
    session.execute(delete(ItemTopic).where(ItemTopic.item_id == item_id))
    rows = chosen or [NONE_MARK]
    for topic in rows:
        session.add(ItemTopic(item_id=item_id, topic=topic, score=1.0, origin=ANALYST))
    session.execute(
        update(Item).where(Item.id == item_id).values(topic=chosen[0] if chosen else None)
    )
    return chosen


def analyst_topics(session: Session) -> TrainingSet:
    """Every item an analyst corrected, with the topics the analyst gave it."""
    rows = session.execute(
        select(ItemTopic.item_id, ItemTopic.topic, Item.text_norm)
        .join(Item, Item.id == ItemTopic.item_id)
        .where(ItemTopic.origin == ANALYST)
        .order_by(ItemTopic.item_id, ItemTopic.topic)
    ).all()
    by_item: dict[int, tuple[str, list[str]]] = {}
    for item_id, topic, text in rows:
        entry = by_item.setdefault(item_id, (text, []))
        if topic != NONE_MARK:
            entry[1].append(topic)
    if not by_item:
        raise BadInput("还没有分析员修正过话题的条目，无法重新训练")
    out = TrainingSet()
    for text, topics in by_item.values():
        out.texts.append(text)
        out.topics.append(topics)
    return out
