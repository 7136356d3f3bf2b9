"""Whether a draft may go to the signer: every editor section it needs written, and no
placeholder left anywhere in what the editor wrote."""

from __future__ import annotations

from typing import Any

from yuqing.errors import BadInput
from yuqing.reports.content import EDITOR_SECTIONS

PLACEHOLDERS = ("待编辑填写", "待填写", "待补充", "XXX", "×××")
# A bulletin ranks units; the desk's 研判 of the opinion situation is not part of it.
REQUIRED = {"bulletin": ("suggestions", "next_steps")}


def required_sections(kind: str) -> tuple[str, ...]:
    return REQUIRED.get(kind, tuple(EDITOR_SECTIONS))


def problems(content: dict[str, Any], kind: str) -> list[str]:
    """What keeps the draft from review, in words for the editor; empty when ready."""
    editor = content.get("editor", {})
    found = []
    empty = [EDITOR_SECTIONS[k] for k in required_sections(kind) if not editor.get(k, "").strip()]
    if empty:
        found.append("尚未填写" + "、".join(f"“{name}”" for name in empty))
    texts = {"标题": str(content.get("title", ""))}
    texts.update({EDITOR_SECTIONS[k]: str(v) for k, v in editor.items() if k in EDITOR_SECTIONS})
    for where, text in texts.items():
        held = [p for p in PLACEHOLDERS if p in text]
        if held:
            found.append(f"“{where}”仍含占位文字“{held[0]}”")
    return found


def require_ready(report_id: int, content: dict[str, Any], kind: str) -> None:
    found = problems(content, kind)
    if found:
        raise BadInput(f"报告 {report_id} 还不能提交审核：{'；'.join(found)}。请编辑后再提交。")
