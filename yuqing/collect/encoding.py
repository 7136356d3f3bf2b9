"""Turning fetched bytes into text.

Order of evidence, strongest first:

1. a byte-order mark (it wins even over a declared charset, as in browsers);
2. the charset in the Content-Type header;
3. ``<meta charset=…>``, ``<meta http-equiv="Content-Type" content="…charset=…">``
   or an XML declaration in the first 2 KB;
4. strict UTF-8;
5. a choice between GB18030 and Big5 by how much of each decoding is common
   Chinese text;
6. UTF-8 with replacement characters.

A declaration is only believed when the bytes decode cleanly under it: Chinese
sites that say ``gb2312`` while serving UTF-8 (or the reverse) are common, and a
wrong label would turn a whole page into mojibake. gbk and gb2312 labels decode
as GB18030, their superset. Latin-1 and ASCII labels are weak: many servers send
them by default whatever the page is, so they only serve as the last resort.

charset-normalizer was tried for step 5 and rejected: on short Chinese pages it
named big5, cp949, cp932 or even utf_16_be for GBK text, so the choice is made
here by scoring instead.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

__all__ = ["decode", "normalise_label"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels seen on Chinese and other sites → the Python codec to use. Supersets
# replace their subsets (GB18030 ⊃ GBK ⊃ GB2312) because pages labelled with the
# subset routinely use characters only the superset has.
_LABELS: dict[str, str] = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "big5": "big5",
    "x-x-big5": "big5",
    "cn-big5": "big5",
    "csbig5": "big5",
    "big5-hkscs": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "cp950",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "utf-16": "utf-16-le",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
}
_WEAK = frozenset({"cp1252"})
# Python codecs that are no character sets a page could be written in, or that
# are dangerous to honour (UTF-7 smuggles markup past filters).
_REFUSED = frozenset(
    {"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "mbcs"}
)

_HEADER_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_SNIFF_BYTES = 2048
_SCORE_BYTES = 64 * 1024  # enough text to judge; scoring a whole 10 MB page is waste
_MIN_SCORE = 0.6  # a share below this looks like neither script


def normalise_label(label: str) -> str | None:
    """The Python codec for a declared charset label, or None if unusable."""
    key = label.strip().strip("\"'").lower()
    if key in _LABELS:
        return _LABELS[key]
    try:
        info = codecs.lookup(key)
    except LookupError:
        return None
    name = info.name.replace("_", "-")
    # _is_text_encoding is False for bytes-to-bytes codecs (base64, zlib, rot13…).
    if name in _REFUSED or not getattr(info, "_is_text_encoding", True):
        return None
    return _LABELS.get(name, info.name)


def decode(content: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode a fetched body; returns (text, the codec used)."""
    for bom, bom_codec in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(bom_codec, "replace"), bom_codec
    declared = _declared(content_type)
    sniffed = _sniffed(content)
    for codec in (declared, sniffed):
        if codec is not None and codec not in _WEAK:
            text = _strict(content, codec)
            if text is not None:
                return text, codec
    return _undeclared(content, fallback=declared or sniffed)


def _declared(content_type: str | None) -> str | None:
    if not content_type:
        return None
    found = _HEADER_CHARSET.search(content_type.encode("latin-1", "replace"))
    return normalise_label(found.group(1).decode("ascii")) if found else None


def _sniffed(content: bytes) -> str | None:
    head = content[:_SNIFF_BYTES]
    found = _XML_DECL.search(head) or _META.search(head)
    if found is None:
        return None
    codec = normalise_label(found.group(1).decode("ascii"))
    # A page whose ASCII markup we just read is not UTF-16 whatever it says;
    # browsers read such a label as UTF-8 too.
    if codec is not None and codec.startswith("utf-16"):
        return "utf-8"
    return codec


def _strict(content: bytes, codec: str) -> str | None:
    try:
        return content.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _undeclared(content: bytes, fallback: str | None) -> tuple[str, str]:
    utf8 = _strict(content, "utf-8")
    if utf8 is not None and not _looks_like_misread_cjk(utf8):
        return utf8, "utf-8"
    guess = _guess_chinese(content)
    if guess is not None:
        return content.decode(guess, "replace"), guess
    if utf8 is not None:
        return utf8, "utf-8"
    codec = fallback or "utf-8"
    return content.decode(codec, "replace"), codec


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


def _guess_chinese(content: bytes) -> str | None:
    """gb18030 or big5, whichever decodes ``content`` into more common Chinese;
    None when neither looks like Chinese. Each codec decodes most of the other's
    byte pairs without error, but into rare characters, so the share of common
    characters tells them apart even on a short title."""
    sample = content[:_SCORE_BYTES]
    if sample.isascii():
        return None
    scores = {c: chinese_share(sample.decode(c, "replace")) for c in ("gb18030", "big5")}
    best = max(scores, key=lambda codec: scores[codec])  # ties go to gb18030, listed first
    return best if scores[best] >= _MIN_SCORE else None


def _looks_like_misread_cjk(text: str) -> bool:
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
