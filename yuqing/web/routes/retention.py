"""The retention policy as admins see it: each kind's period, what a purge would
remove now and what it keeps because issued reports cite it, and the past purges."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from yuqing.jobs.retention import Policy, last_purges, purge
from yuqing.store.types import utcnow
from yuqing.web.deps import AdminUser, DbDep, SettingsDep, TemplatesDep

router = APIRouter()


@router.get("/admin/retention", response_class=HTMLResponse)
def retention_page(
    request: Request, user: AdminUser, db: DbDep, settings: SettingsDep, templates: TemplatesDep
) -> Response:
    now = utcnow()
    preview = purge(db, Policy.of(settings), now=now, data_dir=settings.data_dir, dry_run=True)
    with db.reading() as session:
        past = last_purges(session)
    context = {"user": user, "preview": preview, "past": past}
    return templates.TemplateResponse(request, "retention.html", context)


@router.post("/admin/retention/purge")
def retention_purge(user: AdminUser, db: DbDep, settings: SettingsDep) -> Response:
    """Purge now instead of waiting for the nightly run; audited with who asked."""
    policy = Policy.of(settings)
    purge(db, policy, now=utcnow(), data_dir=settings.data_dir, user_id=user.user_id)
    return RedirectResponse("/admin/retention", status_code=303)
