"""Fact-check pages for the desk, and the public clarification page, feed and JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from yuqing.desk import factchecks, publication
from yuqing.desk.factchecks import ClaimText
from yuqing.store.models import Case
from yuqing.store.types import utcnow
from yuqing.web.deps import DeskUser, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.params import Id, parse_date, parse_int
from yuqing.web.security import PUBLIC

router = APIRouter()
FEED_TITLE = "辟谣与澄清"


def _published_filter(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


@router.get("/factchecks", response_class=HTMLResponse)
def claim_list(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    templates: TemplatesDep,
    verdict: str = "",
    published: str = "",
    q: str = "",
) -> Response:
    rows = factchecks.list_claims(
        session, verdict=verdict, published=_published_filter(published), q=q.strip()
    )
    context = {
        "user": user,
        "claims": rows,
        "verdicts": factchecks.VERDICTS,
        "verdict": verdict,
        "published": published,
        "q": q,
        "query": str(request.query_params),
    }
    return templates.TemplateResponse(request, "desk/factchecks.html", context)


@router.get("/factchecks/new", response_class=HTMLResponse)
def claim_form(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    templates: TemplatesDep,
    case_id: str = "",
) -> Response:
    case = session.get(Case, parse_int(case_id)) if case_id else None
    context = {"user": user, "claim": None, "case": case, "verdicts": factchecks.VERDICTS}
    return templates.TemplateResponse(request, "desk/factcheck.html", context)


def _fields(
    text: str, verdict: str, clarification: str, authority: str, source_url: str, claim_date: str
) -> ClaimText:
    return ClaimText(text, verdict, clarification, authority, source_url, parse_date(claim_date))


@router.post("/factchecks")
def claim_create(
    user: DeskUser,
    session: WriteSession,
    text: Annotated[str, Form()],
    verdict: Annotated[str, Form()],
    clarification: Annotated[str, Form()] = "",
    authority: Annotated[str, Form()] = "",
    source_url: Annotated[str, Form()] = "",
    claim_date: Annotated[str, Form()] = "",
    case_id: Annotated[str, Form()] = "",
) -> Response:
    fields = _fields(text, verdict, clarification, authority, source_url, claim_date)
    claim = factchecks.create_claim(session, user.user_id, fields, case_id=parse_int(case_id))
    return RedirectResponse(f"/factchecks/{claim.id}", status_code=303)


@router.get("/factchecks/{claim_id}", response_class=HTMLResponse)
def claim_page(
    request: Request, claim_id: Id, user: DeskUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    claim = factchecks.get_claim(session, claim_id)
    case = session.get(Case, claim.case_id) if claim.case_id else None
    context = {"user": user, "claim": claim, "case": case, "verdicts": factchecks.VERDICTS}
    return templates.TemplateResponse(request, "desk/factcheck.html", context)


@router.post("/factchecks/{claim_id}")
def claim_update(
    claim_id: Id,
    user: DeskUser,
    session: WriteSession,
    text: Annotated[str, Form()],
    verdict: Annotated[str, Form()],
    clarification: Annotated[str, Form()] = "",
    authority: Annotated[str, Form()] = "",
    source_url: Annotated[str, Form()] = "",
    claim_date: Annotated[str, Form()] = "",
) -> Response:
    fields = _fields(text, verdict, clarification, authority, source_url, claim_date)
    factchecks.update_claim(session, user.user_id, claim_id, fields)
    return RedirectResponse(f"/factchecks/{claim_id}", status_code=303)


@router.post("/factchecks/{claim_id}/publish")
def claim_publish(
    claim_id: Id, user: DeskUser, session: WriteSession, public: Annotated[str, Form()] = "1"
) -> Response:
    factchecks.publish(session, user.user_id, claim_id, public=public == "1")
    return RedirectResponse(f"/factchecks/{claim_id}", status_code=303)


# ------------------------------------------------------------------ public, read-only


def _by(items: list[publication.Clarification]) -> list[str]:
    """The authorities that issued what a public page shows, in order of appearance."""
    return list(dict.fromkeys(c.authority for c in items if c.authority))


def _base(request: Request, settings: SettingsDep) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")


@router.get("/clarifications", response_class=HTMLResponse, dependencies=[Depends(PUBLIC)])
def public_list(request: Request, session: ReadSession, templates: TemplatesDep) -> Response:
    items = publication.published(session)
    context = {"user": None, "items": items, "title": FEED_TITLE, "authorities": _by(items)}
    return templates.TemplateResponse(request, "desk/clarifications.html", context)


@router.get("/clarifications.json", dependencies=[Depends(PUBLIC)])
def public_json(request: Request, session: ReadSession, settings: SettingsDep) -> Response:
    items = publication.published(session, publication.FEED_SIZE)
    return JSONResponse(publication.as_json(items, _base(request, settings), FEED_TITLE))


@router.get("/clarifications/feed.xml", dependencies=[Depends(PUBLIC)])
def public_feed(request: Request, session: ReadSession, settings: SettingsDep) -> Response:
    items = publication.published(session, publication.FEED_SIZE)
    body = publication.atom_feed(items, _base(request, settings), FEED_TITLE, utcnow())
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get(
    "/clarifications/{claim_id}", response_class=HTMLResponse, dependencies=[Depends(PUBLIC)]
)
def public_one(
    request: Request, claim_id: Id, session: ReadSession, templates: TemplatesDep
) -> Response:
    shown = publication.one_published(session, claim_id)
    context = {"user": None, "c": shown, "authorities": _by([shown])}
    return templates.TemplateResponse(request, "desk/clarification.html", context)
