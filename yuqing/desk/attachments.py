"""Files attached to case replies, stored once by their SHA-256 under data_dir."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from yuqing.errors import BadInput
from yuqing.store.models import Attachment

MAX_BYTES = 20 * 1024 * 1024
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes = field(repr=False)


def safe_name(filename: str) -> str:
    """The file's own name without folders or characters file systems refuse."""
    name = _UNSAFE.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name[:200] or "附件"


def store_attachment(
    session: Session,
    folder: Path,
    upload: Upload,
    *,
    owner_type: str,
    owner_id: int,
    user_id: int | None,
) -> Attachment:
    if len(upload.data) > MAX_BYTES:
        raise BadInput(f"附件 {upload.filename} 超过 {MAX_BYTES // 1024 // 1024} MB")
    digest = hashlib.sha256(upload.data).hexdigest()
    relative = Path("attachments") / digest[:2] / digest
    path = folder / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.data)
    attachment = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        filename=safe_name(upload.filename),
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=len(upload.data),
        sha256=digest,
        storage_path=relative.as_posix(),
        uploaded_by_id=user_id,
    )
    session.add(attachment)
    session.flush()
    return attachment
