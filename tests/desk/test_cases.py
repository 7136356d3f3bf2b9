"""Cases: opened for a department, seen only by it, answered, escalated when overdue, closed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.desk.conftest import World
from yuqing.config import Settings
from yuqing.desk import cases
from yuqing.desk.attachments import Upload
from yuqing.desk.escalation import escalate_overdue
from yuqing.desk.privacy import open_privacy_case
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.store.models import Alert, AuditEntry, Case, Delivery, Item
from yuqing.store.types import utcnow

GRACE = timedelta(hours=24)


def open_for(world: World, department: int, hours: float = 48) -> int:
    with world.db.transaction() as session:
        return cases.open_case(
            session,
            world.analyst,
            title="喝醋防新冠的说法",
            department_id=department,
            deadline=utcnow() + timedelta(hours=hours),
            item_id=world.items[0],
        ).id


def test_a_responder_sees_only_their_own_departments_cases(world: World, tmp_path: Path) -> None:
    health_case, market_case = open_for(world, world.health), open_for(world, world.market)
    with world.db.transaction() as session:
        health = cases.viewer_for(session, world.responder_health)
        desk = cases.viewer_for(session, world.analyst)
        assert [c.id for c in cases.list_cases(session, health)] == [health_case]
        assert len(cases.list_cases(session, desk)) == 2
        with pytest.raises(NotFound):
            cases.get_case(session, health, market_case)
        with pytest.raises(NotFound):
            cases.reply(session, health, market_case, "我们来答", folder=tmp_path)


def test_the_department_replies_with_text_and_files_and_the_desk_closes(
    world: World, tmp_path: Path
) -> None:
    case_id = open_for(world, world.health)
    with world.db.transaction() as session:
        viewer = cases.viewer_for(session, world.responder_health)
        cases.reply(
            session,
            viewer,
            case_id,
            "经核实，喝醋不能预防新冠。",
            folder=tmp_path,
            uploads=[Upload("../../说明.pdf", "application/pdf", b"%PDF-1.4 fake")],
        )
    with world.db.transaction() as session:
        assert session.get(Case, case_id).status == "replied"  # type: ignore[union-attr]
        ((_answer, author, files),) = cases.replies(session, case_id)
        assert author == "responder_health" and files[0].filename == "说明.pdf"
        assert (tmp_path / files[0].storage_path).read_bytes() == b"%PDF-1.4 fake"
        with pytest.raises(BadInput, match="办理结果"):
            cases.close_case(session, world.analyst, case_id, " ")
        cases.close_case(session, world.analyst, case_id, "已发布辟谣")
    with world.db.transaction() as session:
        assert session.get(Item, world.items[0]).status == "responded"  # type: ignore[union-attr]
        with pytest.raises(Conflict):
            cases.reply(session, viewer, case_id, "补充", folder=tmp_path)
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["case.open", "case.reply", "case.close"]


def test_only_departments_take_cases_and_deadlines_lie_ahead(world: World) -> None:
    with world.db.transaction() as session:
        with pytest.raises(BadInput, match="不是职能部门"):
            cases.open_case(
                session, world.analyst, title="x", department_id=9999, deadline=utcnow() + GRACE
            )
        with pytest.raises(BadInput, match="期限已过"):
            cases.open_case(
                session,
                world.analyst,
                title="x",
                department_id=world.health,
                deadline=utcnow() - GRACE,
            )


def test_price_gouging_leads_go_to_market_regulation(world: World) -> None:
    with world.db.reading() as session:
        assert cases.suggest_department(session, session.get(Item, world.items[1])) == world.market
        assert cases.suggest_department(session, session.get(Item, world.items[0])) is None


def test_overdue_cases_remind_then_escalate_once_each(world: World) -> None:
    case_id = open_for(world, world.health, hours=1)
    now = utcnow() + timedelta(hours=2)
    steps = []
    for when in (now, now + timedelta(minutes=1), now + GRACE, now + GRACE * 3):
        with world.db.transaction() as session:
            steps.append(escalate_overdue(session, when, GRACE))
    assert steps == [1, 0, 1, 0]
    with world.db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.escalation_level == 2 and case.status == "escalated"
        alerts = session.execute(select(Alert.kind, Alert.detail).order_by(Alert.id)).all()
    assert [k for k, _ in alerts] == ["case_overdue", "case_escalated"]
    assert alerts[0][1]["audience"] == {"department_id": world.health}
    assert alerts[1][1]["audience"] == {"role": "signer"}


def test_a_replied_case_is_not_overdue(world: World, tmp_path: Path) -> None:
    case_id = open_for(world, world.health, hours=1)
    with world.db.transaction() as session:
        viewer = cases.viewer_for(session, world.responder_health)
        cases.reply(session, viewer, case_id, "已处理", folder=tmp_path)
    with world.db.transaction() as session:
        assert escalate_overdue(session, utcnow() + GRACE, GRACE) == 0


def test_privacy_leads_ask_the_platform_to_protect_people_only(
    world: World, desk_settings: Settings
) -> None:
    with world.db.transaction() as session:
        with pytest.raises(BadInput, match="不是个人信息泄露线索"):
            open_privacy_case(session, desk_settings, world.analyst, world.items[0])
        case_id = open_privacy_case(session, desk_settings, world.analyst, world.items[2]).id
    with world.db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.kind == "privacy_protection" and case.department_id is None
        assert "https://weibo.example/post/3" in (case.description or "")
        assert "不要求删除" in (case.description or "")
        assert "张某某" not in (case.description or "")  # the item's link only, not its text
        (delivery,) = session.scalars(select(Delivery)).all()
    assert (delivery.channel, delivery.target) == ("email", "privacy@platform.example")
