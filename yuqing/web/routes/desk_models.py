"""The desk's models: the settings page listing their cards, analysts' topic corrections,
and retraining the topic model from those corrections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from yuqing.analyse.cards import list_cards
from yuqing.analyse.training import train_and_save
from yuqing.desk.corrections import analyst_topics, set_topics
from yuqing.web.deps import DeskUser, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.item_search import topic_names
from yuqing.web.params import Id

router = APIRouter()
RETRAIN_FOLDS = 3


@router.get("/settings/models", response_class=HTMLResponse)
def models_page(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    context = {
        "user": user,
        "cards": list_cards(settings.data_dir / "models"),
        "message": request.query_params.get("message", ""),
    }
    return templates.TemplateResponse(request, "settings_models.html", context)


@router.post("/settings/models/retrain")
def models_retrain(user: DeskUser, session: ReadSession, settings: SettingsDep) -> Response:
    """Refit the topic model on the analysts' corrected items (a few seconds for hundreds)."""
    from yuqing.analyse.topics import Taxonomy

    training = analyst_topics(session)
    taxonomy = Taxonomy.from_mapping(settings.topics) if settings.topics else None
    train_and_save(
        "topics", training, settings.data_dir / "models", taxonomy=taxonomy, folds=RETRAIN_FOLDS
    )
    message = f"已用 {len(training)} 条人工修正重新训练话题模型；下次分析起生效"
    return RedirectResponse(f"/settings/models?message={message}", status_code=303)


@router.post("/items/{item_id}/topics")
def item_topics(
    item_id: Id,
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    topic: Annotated[list[str] | None, Form()] = None,
) -> Response:
    set_topics(session, item_id, topic or [], topic_names(settings.topics))
    return RedirectResponse(f"/items/{item_id}", status_code=303)
