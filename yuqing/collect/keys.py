"""Identity of a collected item: canonical URL, platform id, content hash."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived, never which page it is.
TRACKING_PARAMS = frozenset(
    {"spm", "from", "share_token", "share_from", "scene", "clicktime", "enterid", "isappinstalled"}
)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, default port and fragment dropped, tracking
    parameters removed and the rest sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith("utm_")
    )
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def content_hash(norm_text: str) -> str:
    return hashlib.sha256(norm_text.encode("utf-8")).hexdigest()


def ingest_key(
    *, source_id: int | None, url: str | None, platform_id: str | None, digest: str
) -> str:
    """The key that makes ingest idempotent, by the strongest identity available."""
    if platform_id:
        return f"pid:{source_id or 0}:{platform_id}"[:300]
    if url:
        return ("url:" + canonical_url(url))[:300]
    return f"hash:{source_id or 0}:{digest}"
