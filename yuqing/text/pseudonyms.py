"""Keyed pseudonyms for authors: the same poster gets the same label, and the label
cannot be turned back into the name without the deployment's secret."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata


def pseudonymise(author: str, secret: str, *, platform: str = "") -> str:
    """A stable pseudonym such as ``用户-3f9a1c2b7d``, keyed with the deployment secret."""
    name = unicodedata.normalize("NFKC", author).strip().lower()
    digest = hmac.new(
        secret.encode("utf-8"), f"{platform}\x1f{name}".encode(), hashlib.sha256
    ).hexdigest()
    return f"用户-{digest[:10]}"


# An account named in the text: "//@甲:" in a Weibo repost chain, "@甲 " as a mention.
# Weibo nicknames are 1-30 characters without spaces, colons, "@" or "/"; clients end
# a mention with a space, punctuation or the end of the text, so the name stops at the
# first of those. "@" right after a Latin letter or digit is an e-mail address, which
# redaction has already taken out; it is left alone here.
_HANDLE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])([@＠])"
    r"([^\s:：/／@＠,，.。!！?？、;；()（）\[\]【】《》<>\"“”'‘’#]{1,30})"
)
_PSEUDONYM = re.compile(r"用户-[0-9a-f]{10}")


def is_pseudonym(name: str) -> bool:
    return _PSEUDONYM.fullmatch(name) is not None


def pseudonymise_handles(
    text: str, secret: str, *, platform: str = "", keep: frozenset[str] = frozenset()
) -> tuple[str, int]:
    """``text`` with every account it names (repost chains, mentions) replaced by the
    same keyed pseudonym its author would get, and how many were replaced. Registered
    public outlets (``keep``) stay named; so do names that are pseudonyms already."""
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        name = match.group(2)
        if name in keep or is_pseudonym(name):
            return match.group(0)
        count += 1
        return match.group(1) + pseudonymise(name, secret, platform=platform)

    if "@" not in text and "＠" not in text:
        return text, 0
    return _HANDLE.sub(swap, text), count
