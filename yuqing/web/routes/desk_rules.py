"""监测规则 in the web: the list, an editor with syntax help and a live preview against
stored items, enable/disable, and where a rule's alerts go."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from yuqing.desk import watch_rules
from yuqing.desk.channels import CHANNEL_LABELS
from yuqing.errors import NotFound, QueryError
from yuqing.store.models import Role, WatchRule
from yuqing.web.deps import DeskUser, ReadSession, TemplatesDep, WriteSession
from yuqing.web.highlight import marks_for
from yuqing.web.params import Id
from yuqing.web.security import Principal, allow

router = APIRouter()
RuleEditor = Annotated[Principal, Depends(allow(Role.ANALYST, Role.EDITOR))]


def _page(
    request: Request,
    user: Principal,
    session: ReadSession,
    templates: TemplatesDep,
    editing: WatchRule | None,
) -> Response:
    context = {
        "user": user,
        "rules": watch_rules.rules(session),
        "editing": editing,
        "routes": watch_rules.routed_to(session),
        "channels": CHANNEL_LABELS,
        "can_edit": user.has(Role.ANALYST, Role.EDITOR),
    }
    return templates.TemplateResponse(request, "desk/rules.html", context)


@router.get("/rules", response_class=HTMLResponse)
def rule_list(
    request: Request, user: DeskUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    return _page(request, user, session, templates, None)


@router.get("/rules/preview", response_class=HTMLResponse)
def rule_preview(
    request: Request, user: DeskUser, session: ReadSession, templates: TemplatesDep, query: str = ""
) -> Response:
    """The editor's live preview (an HTMX fragment): hits, samples marked, or the error."""
    context: dict[str, object] = {"user": user, "query": query}
    if query.strip():
        try:
            shown = watch_rules.preview(session, query)
            context |= {"preview": shown, "marks": marks_for("", shown.terms)}
        except QueryError as exc:
            context |= {"error": exc.message, "error_at": exc.position}
    return templates.TemplateResponse(request, "desk/_rule_preview.html", context)


@router.get("/rules/{rule_id}", response_class=HTMLResponse)
def rule_edit(
    request: Request, rule_id: Id, user: DeskUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    rule = session.get(WatchRule, rule_id)
    if rule is None:
        raise NotFound(f"规则 {rule_id} 不存在")
    return _page(request, user, session, templates, rule)


@router.post("/rules")
def rule_save(
    user: RuleEditor,
    session: WriteSession,
    name: Annotated[str, Form()],
    query: Annotated[str, Form()],
    rule_id: Annotated[Id | None, Form()] = None,
    raises_alert: Annotated[str, Form()] = "",
) -> Response:
    rule, _ = watch_rules.save_rule(
        session,
        user.user_id,
        name=name,
        query=query,
        rule_id=rule_id,
        raises_alert=raises_alert == "1",
    )
    return RedirectResponse(f"/rules?saved=rule#rule-{rule.id}", status_code=303)


@router.post("/rules/{rule_id}/active")
def rule_active(
    rule_id: Id, user: RuleEditor, session: WriteSession, enabled: Annotated[str, Form()]
) -> Response:
    watch_rules.set_enabled(session, user.user_id, rule_id, enabled == "1")
    return RedirectResponse(f"/rules?saved=rule#rule-{rule_id}", status_code=303)
