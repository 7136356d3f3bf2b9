"""References to the desk's records written in free text, such as a case number in an
e-mail subject (督办#12). Shared by the mail connector and the desk, so it lives here."""

from __future__ import annotations

import re

# 督办#12, 督办 #12, 督办＃12, 督办No.12, 督办-12: clients and people write it many ways.
CASE_REFERENCE = re.compile(r"督办\s*[#＃No.．-]*\s*(\d{1,12})")


def case_reference(subject: str) -> int | None:
    """The case number a subject refers to, e.g. "回复：[督办#12] 口罩价格" → 12."""
    match = CASE_REFERENCE.search(subject)
    return int(match.group(1)) if match else None


def case_subject(case_id: int, title: str) -> str:
    """The subject a department should keep when answering a case by e-mail."""
    return f"[督办#{case_id}] {title}"
