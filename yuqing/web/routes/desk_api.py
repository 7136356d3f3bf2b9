"""The desk's JSON API under /api/desk: the same services as the pages, for scripts and tests."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from yuqing.desk import cases, factchecks, triage
from yuqing.desk.factchecks import ClaimText
from yuqing.store.models import Case, Claim, Role
from yuqing.web.deps import DeskUser, SettingsDep, WriteSession
from yuqing.web.params import Id
from yuqing.web.security import Principal, allow

router = APIRouter(prefix="/api/desk")
CaseReader = Annotated[
    Principal, Depends(allow(Role.ANALYST, Role.EDITOR, Role.SIGNER, Role.RESPONDER))
]


class TriageIn(BaseModel):
    status: str | None = None
    severity: str | None = None
    tags: list[str] = Field(default_factory=list)
    note: str = ""


class MatchIn(BaseModel):
    confirm: bool


class CaseIn(BaseModel):
    title: str
    department_id: Id
    deadline: datetime
    description: str = ""
    item_id: Id | None = None
    event_id: Id | None = None


class ReplyIn(BaseModel):
    body: str


class CloseIn(BaseModel):
    outcome: str


class ClaimIn(BaseModel):
    text: str
    verdict: str
    clarification: str = ""
    authority: str = ""
    source_url: str = ""
    case_id: Id | None = None


def case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "kind": case.kind,
        "status": case.status,
        "department_id": case.department_id,
        "deadline": case.deadline.isoformat(),
        "escalation_level": case.escalation_level,
        "outcome": case.outcome,
        "item_id": case.item_id,
    }


def claim_out(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "text": claim.text,
        "verdict": claim.verdict,
        "clarification": claim.clarification,
        "authority": claim.authority,
        "published": claim.published,
    }


@router.post("/items/{item_id}/lock")
def api_lock(item_id: Id, user: DeskUser, session: WriteSession) -> dict[str, Any]:
    lock = triage.take_lock(session, item_id, user.user_id)
    return {"item_id": item_id, "locked_until": lock.until.isoformat()}


@router.delete("/items/{item_id}/lock")
def api_unlock(item_id: Id, user: DeskUser, session: WriteSession) -> dict[str, Any]:
    return {"released": triage.release_lock(session, item_id, user.user_id)}


@router.post("/items/{item_id}/triage")
def api_triage(
    item_id: Id, body: TriageIn, user: DeskUser, session: WriteSession
) -> dict[str, Any]:
    if body.status:
        triage.set_status(session, [item_id], body.status, user.user_id)
    if body.severity is not None:
        triage.set_severity(session, [item_id], body.severity, user.user_id)
    for label in body.tags:
        triage.tag(session, [item_id], label, user.user_id)
    if body.note.strip():
        triage.add_note(session, item_id, body.note, user.user_id)
    return {"item_id": item_id}


@router.post("/items/{item_id}/claims/{claim_id}")
def api_match(
    item_id: Id, claim_id: Id, body: MatchIn, user: DeskUser, session: WriteSession
) -> dict[str, Any]:
    match = factchecks.decide_match(session, user.user_id, item_id, claim_id, confirm=body.confirm)
    return {"item_id": item_id, "claim_id": claim_id, "status": match.status}


@router.post("/cases", status_code=201)
def api_open_case(body: CaseIn, user: DeskUser, session: WriteSession) -> dict[str, Any]:
    case = cases.open_case(session, user.user_id, **body.model_dump())
    return case_out(case)


@router.get("/cases")
def api_cases(user: CaseReader, session: WriteSession) -> list[dict[str, Any]]:
    viewer = cases.viewer_for(session, user.user_id)
    return [case_out(c) for c in cases.list_cases(session, viewer)]


@router.get("/cases/{case_id}")
def api_case(case_id: Id, user: CaseReader, session: WriteSession) -> dict[str, Any]:
    viewer = cases.viewer_for(session, user.user_id)
    case = cases.get_case(session, viewer, case_id)
    replies = [
        {"body": r.body, "author": name, "via": r.via}
        for r, name, _ in cases.replies(session, case_id)
    ]
    return case_out(case) | {"replies": replies}


@router.post("/cases/{case_id}/replies", status_code=201)
def api_reply(
    case_id: Id, body: ReplyIn, user: CaseReader, session: WriteSession, settings: SettingsDep
) -> dict[str, Any]:
    viewer = cases.viewer_for(session, user.user_id)
    answer = cases.reply(session, viewer, case_id, body.body, folder=settings.data_dir)
    return {"id": answer.id, "case_id": case_id}


@router.post("/cases/{case_id}/close")
def api_close(case_id: Id, body: CloseIn, user: DeskUser, session: WriteSession) -> dict[str, Any]:
    return case_out(cases.close_case(session, user.user_id, case_id, body.outcome))


@router.post("/factchecks", status_code=201)
def api_claim(body: ClaimIn, user: DeskUser, session: WriteSession) -> dict[str, Any]:
    fields = ClaimText(body.text, body.verdict, body.clarification, body.authority, body.source_url)
    return claim_out(factchecks.create_claim(session, user.user_id, fields, case_id=body.case_id))


@router.post("/factchecks/{claim_id}/publish")
def api_publish(claim_id: Id, user: DeskUser, session: WriteSession) -> dict[str, Any]:
    return claim_out(factchecks.publish(session, user.user_id, claim_id))
