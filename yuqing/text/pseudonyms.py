"""Keyed pseudonyms for authors: the same poster gets the same label, and the label
cannot be turned back into the name without the deployment's secret."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def pseudonymise(author: str, secret: str, *, platform: str = "") -> str:
    """A stable pseudonym such as ``用户-3f9a1c2b7d``, keyed with the deployment secret."""
    name = unicodedata.normalize("NFKC", author).strip().lower()
    digest = hmac.new(
        secret.encode("utf-8"), f"{platform}\x1f{name}".encode(), hashlib.sha256
    ).hexdigest()
    return f"用户-{digest[:10]}"
