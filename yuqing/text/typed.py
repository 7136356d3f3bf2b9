"""Text a person types at the desk (case titles and descriptions, replies, triage
notes, tags, audit details) as it is stored: cleaned like collected text, and
personal data replaced by the same visible placeholders (``[手机号已隐去]``).

Audit details are redacted whoever writes them: a listener on
``AuditEntry.detail`` treats every string set there as typed text, so no module
that records an action (desk, network, reports) can store a phone number in it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from yuqing.store.models import AuditEntry
from yuqing.text.normalise import clean
from yuqing.text.pii import redact

__all__ = ["typed", "typed_detail"]


def typed(text: str) -> str:
    return redact(clean(text)).text


def typed_detail(value: Any) -> Any:
    """A JSON-like value with every string in it treated as typed text."""
    if isinstance(value, str):
        return typed(value) if value else value
    if isinstance(value, dict):
        return {key: typed_detail(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [typed_detail(item) for item in value]
    return value


@event.listens_for(AuditEntry.detail, "set", retval=True)
def _redact_audit_detail(_target: AuditEntry, value: Any, _old: Any, _initiator: Any) -> Any:
    return typed_detail(value)
