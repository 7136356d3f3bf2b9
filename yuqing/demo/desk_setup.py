"""What a desk sets up before its first week: the fact-check library (辟谣库) with the
clarifications already published for the storylines, and a few watch rules."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from yuqing.demo.rumours import STORYLINES
from yuqing.store.models import Claim, Verdict, WatchRule
from yuqing.text import matching_form

AUTHORITY = "青岚市卫生健康委员会"
WATCH_RULES = (
    ("口罩涨价", "口罩 AND (涨价 OR 加价 OR 太贵 OR 哄抬)"),
    ("卡口拥堵", "卡口 NEAR/12 排队 OR 卡口 NEAR/12 拥堵 OR 检查站 NEAR/12 排队"),
    ("封城传言", '"封城" OR (封控 AND 今晚)'),
    ("昆都仑区核酸", "place:昆都仑区 AND 核酸"),
    ("求助", "topic:求助 OR 求助 OR 急需"),
)


def clarification_text(template: str, day: date) -> str:
    """A storyline's clarification as published: the day it circulated, and places
    in general words (a clarification names no shop or person)."""
    slots = {
        "date": f"{day.month}月{day.day}日",
        "tomorrow": f"{(day + timedelta(days=1)).month}月{(day + timedelta(days=1)).day}日",
        "district": "我市",
        "shop": "某超市",
        "hospital": "某医院",
    }
    return template.format_map(slots)


def seed_desk(session: Session, start: date) -> tuple[int, int]:
    """Claims (false, with clarification) for every rumour storyline, and the rules."""
    for storyline in STORYLINES:
        circulated = start + timedelta(days=int(storyline.peak_day))
        session.add(
            Claim(
                text=storyline.label,
                text_norm=matching_form(storyline.label + " " + storyline.posts[0]),
                verdict=Verdict.FALSE.value,
                clarification=clarification_text(storyline.debunk_body, circulated),
                authority=AUTHORITY,
                claim_date=start,
            )
        )
    for name, query in WATCH_RULES:
        session.add(WatchRule(name=name, query=query))
    return len(STORYLINES), len(WATCH_RULES)
