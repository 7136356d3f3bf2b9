"""Scoring for Chinese candidates, the part of the decoder (``yuqing.collect.
encoding``) that charset-normalizer does badly: GB18030 or Big5 by how much of
each reading is common Chinese text, with checks that keep Latin-1, Korean and
Russian bytes (which also decode as common hanzi) out."""

from __future__ import annotations

import re
from functools import cache

__all__ = ["MIN_SCORE", "chinese_share", "guess_chinese", "looks_like_misread_cjk"]

MIN_SCORE = 0.6  # a share below this looks like neither script


@cache
def _common_chinese() -> frozenset[str]:
    """Characters that make up nearly all running Chinese text in either script:
    GB2312 level-1 hanzi (3,755, simplified), Big5 level-1 hanzi (5,401,
    traditional) and CJK punctuation. Enumerated from the codecs themselves."""
    chars: set[str] = set()
    chars.update(_decode_range("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)))
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    chars.update(_decode_range("big5", range(0xA4, 0xC6), trails))
    # Level 1 ends at C67E; the rest of row C6 holds kana and other symbols.
    chars.update(_decode_range("big5", range(0xC6, 0xC7), range(0x40, 0x7F)))
    chars.update("，。、；：？！“”‘’（）《》〈〉「」『』【】—…·　")
    chars.update(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width ASCII forms
    return frozenset(chars)


def _decode_range(codec: str, leads: range, trails: range | list[int]) -> set[str]:
    found: set[str] = set()
    for lead in leads:
        for trail in trails:
            try:
                found.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue  # unassigned cell (end of the last row)
    return found


def chinese_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese."""
    common = _common_chinese()
    wide = [c for c in text if ord(c) >= 0x80]
    if not wide:
        return 0.0
    return sum(c in common for c in wide) / len(wide)


def guess_chinese(content: bytes) -> str | None:
    """gb18030 or big5, whichever decodes ``content`` into more common Chinese;
    None when neither looks like Chinese. Each codec decodes most of the other's
    byte pairs without error, but into rare characters, so the share of common
    characters tells them apart even on a short title."""
    sample = content
    if sample.isascii():
        return None
    scores = {c: chinese_share(sample.decode(c, "replace")) for c in ("gb18030", "big5")}
    best = max(scores, key=lambda codec: scores[codec])  # ties go to gb18030, listed first
    if scores[best] < MIN_SCORE or _spaced_like_words(sample.decode(best, "replace")):
        return None
    if best == "gb18030" and _isolated_high_bytes(sample) > _MAX_ISOLATED:
        return None  # Latin-1 letters paired with ASCII ones, not GBK
    return best


_MAX_ISOLATED = 0.5


def _isolated_high_bytes(sample: bytes) -> float:
    """Share of the non-ASCII bytes that stand alone between ASCII bytes. Latin-1
    text is made of such bytes (the é of "concernée"); in GBK a character is two
    high bytes. (Not so in Big5, whose trail bytes are often ASCII: only a GB18030
    reading is judged by this.)"""
    high = isolated = 0
    last = len(sample) - 1
    for i, byte in enumerate(sample):
        if byte >= 0x80:
            high += 1
            if (i == 0 or sample[i - 1] < 0x80) and (i == last or sample[i + 1] < 0x80):
                isolated += 1
    return isolated / high if high else 0.0


_SPACED = re.compile(r"[^\x00-\x7f] | [^\x00-\x7f]")


def _spaced_like_words(text: str) -> bool:
    """True when the "hanzi" come in space-separated words. EUC-KR Hangul and
    KOI8-R Cyrillic decode as common GB2312 hanzi, but those languages put a
    space every few letters while Chinese puts none beside its characters."""
    wide = sum(ord(c) >= 0x80 for c in text)
    # Measured (bench.eval_encoding): Chinese up to 0.11 such spaces per non-ASCII
    # character, Korean and Russian from 0.17.
    return wide >= 8 and len(_SPACED.findall(text)) >= 0.14 * wide


def looks_like_misread_cjk(text: str) -> bool:
    """True for a UTF-8 decoding that is really short GBK/Big5 text.

    Some GBK pairs are valid two-byte UTF-8 (停水通知 is), yielding IPA letters,
    spacing modifiers, combining marks and Hebrew accents and nothing at or
    above U+0800, where all CJK lives. Real text is not made of those.
    """
    wide = [c for c in text if ord(c) >= 0x80]
    if not wide or any(ord(c) >= 0x800 for c in wide):
        return False
    odd = sum(0x180 <= ord(c) < 0x370 or 0x591 <= ord(c) < 0x5C8 for c in wide)
    return odd * 2 >= len(wide)
