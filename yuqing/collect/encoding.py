"""Turning bytes from outside into text: the one decoder for every input —
fetched pages and feeds, e-mail bodies and headers, CSV exports.

Order of evidence, strongest first:

1. a byte-order mark (it wins even over a declared charset, as in browsers);
2. the charset in the Content-Type header (or a MIME part's charset label);
3. ``<meta charset=…>``, ``<meta http-equiv="Content-Type" content="…charset=…">``
   or an XML declaration in the first 2 KB;
4. strict UTF-8;
5. for Chinese-looking bytes, a choice between GB18030 and Big5 by how much of
   each decoding is common Chinese text (own scoring);
6. for everything else, charset-normalizer;
7. the weak declared label, or UTF-8 with replacement characters.

A declaration is only believed when the bytes decode cleanly under it: Chinese
sites that say ``gb2312`` while serving UTF-8 (or the reverse) are common, and a
wrong label would turn a whole page into mojibake. When the header and the
document disagree and both decode cleanly, the one giving more common Chinese
wins (GB18030 decodes most Big5 bytes without error, into rare characters).
gbk and gb2312 labels decode as GB18030, their superset; big5 falls back to its
extensions (cp950, HKSCS). Latin-1 and ASCII labels are weak: many servers send
them by default whatever the page is, so they only serve as the last resort.

charset-normalizer alone names big5, cp949, cp932 or even utf_16_be for short
GBK text, so Chinese candidates are judged by the own scoring first; on Latin,
Cyrillic, Greek, Japanese or Korean text charset-normalizer is far better than
that scoring, which only knows Chinese (``bench/eval_encoding.py`` measures both).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from yuqing.collect.cjk_scoring import (
    MIN_SCORE,
    chinese_share,
    guess_chinese,
    looks_like_misread_cjk,
)

__all__ = ["chinese_share", "decode", "decode_labelled", "detect", "normalise_label"]

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
    "x-big5": "big5",
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
# Codecs tried, in order, when the bytes do not decode cleanly under the label:
# Big5 as sent by Windows (cp950) and by Hong Kong (HKSCS) has extra characters.
_EXTENSIONS: dict[str, tuple[str, ...]] = {"big5": ("cp950", "big5hkscs")}
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
_RIVAL_MARGIN = 0.3  # how much more common Chinese overrules a declared GB/Big5 label


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


def decode(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a body; returns (text, the codec used). Never raises."""
    codec, skip = _choose(content, content_type, partial=False)
    return content[skip:].decode(codec, "replace"), codec


def decode_labelled(content: bytes, label: str | None) -> str:
    """Text of bytes under a charset label that may be wrong, narrow or missing
    (a MIME part's ``charset=``, an RFC 2047 word's charset)."""
    clean = (label or "").strip().strip("\"'")
    return decode(content, f"text/plain; charset={clean}" if clean else None)[0]


def detect(sample: bytes, content_type: str | None = None) -> str:
    """The codec for a stream whose first bytes are ``sample`` (a CSV file read in
    a chunk: the sample may end inside a character). A BOM-bearing stream gets a
    codec that strips the BOM itself (utf-8-sig, utf-16, utf-32)."""
    codec, skip = _choose(sample, content_type, partial=True)
    if skip:
        return {"utf-8": "utf-8-sig"}.get(codec, codec.removesuffix("-le").removesuffix("-be"))
    return codec


def _choose(content: bytes, content_type: str | None, *, partial: bool) -> tuple[str, int]:
    """(codec, bytes of BOM to skip)."""
    for bom, bom_codec in _BOMS:
        if content.startswith(bom):
            return bom_codec, len(bom)
    declared = _declared(content_type)
    sniffed = _sniffed(content)
    clean = [
        codec
        for codec in dict.fromkeys((declared, sniffed))
        if codec is not None and codec not in _WEAK
        for codec in [_first_strict(content, codec, partial)]
        if codec is not None
    ]
    if len(clean) == 2:
        # Header and document disagree and both decode: the more Chinese reading wins,
        # the header on a tie (HTTP says it overrides the document).
        shares = [chinese_share(_cut(content, partial).decode(c, "replace")) for c in clean]
        return (clean[1] if shares[1] > shares[0] else clean[0]), 0
    if clean:
        return _chinese_rival(content, clean[0], partial), 0
    return _undeclared(content, fallback=declared or sniffed, partial=partial), 0


def _chinese_rival(content: bytes, codec: str, partial: bool) -> str:
    """The other Chinese codec when a GB label sits on Big5 bytes (or the reverse):
    both decode cleanly, but only the right one gives common Chinese text."""
    rivals = {"gb18030": "big5", "big5": "gb18030"}
    rival = rivals.get(codec)
    if rival is None or not _strict(content, rival, partial):
        return codec
    sample = _cut(content, partial)
    mine, theirs = (chinese_share(sample.decode(c, "replace")) for c in (codec, rival))
    return rival if theirs >= MIN_SCORE and theirs >= mine + _RIVAL_MARGIN else codec


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
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return codec


def _cut(content: bytes, partial: bool) -> bytes:
    return content[:_SCORE_BYTES] if partial or len(content) > _SCORE_BYTES else content


def _strict(content: bytes, codec: str, partial: bool = False) -> bool:
    """Whether ``content`` decodes without error; a ``partial`` sample may end
    inside a character (up to three bytes of one are forgiven)."""
    try:
        decoder = codecs.getincrementaldecoder(codec)("strict")
        decoder.decode(content, final=not partial)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _first_strict(content: bytes, codec: str, partial: bool) -> str | None:
    """``codec`` or the first of its extensions under which ``content`` is clean."""
    for candidate in (codec, *_EXTENSIONS.get(codec, ())):
        if _strict(content, candidate, partial):
            return candidate
    return None


def _undeclared(content: bytes, fallback: str | None, partial: bool) -> str:
    if _strict(content, "utf-8", partial) and not looks_like_misread_cjk(
        _cut(content, partial).decode("utf-8", "replace")
    ):
        return "utf-8"
    if content.isascii():
        return "utf-8"
    guess = (
        _guess_japanese(content, partial)
        or guess_chinese(content[:_SCORE_BYTES])
        or _guess_other(content, fallback, partial)
    )
    if guess is not None:
        return guess
    if _strict(content, "utf-8", partial):
        return "utf-8"
    return fallback or "utf-8"


def _guess_other(content: bytes, weak: str | None, partial: bool) -> str | None:
    """charset-normalizer's answer for bytes that do not look Chinese. Single-byte
    codecs that read a text equally well abound (cp1250, cp775 and cp1252 all
    give plausible German), so among the readings as good as the best one the
    weak declared label wins, then the codec conventional for the language found."""
    sample = _cut(content, partial)
    if partial:  # a cut-off last character would count as chaos
        sample = sample[: max(len(sample) - 3, 1)]
    matches = [
        m
        for m in charset_normalizer.from_bytes(sample)
        if not m.encoding.startswith(("utf_16", "utf_32", "utf_7"))  # those have BOMs here
    ]
    if not matches:
        return None
    best = matches[0]
    if best.multi_byte_usage > 0:
        return normalise_label(best.encoding) or best.encoding
    evidence = best.coherence > 0 or sum(b >= 0x80 for b in sample) >= _MIN_HIGH_BYTES
    as_good = {
        normalise_label(name) or name
        for m in matches
        if m.chaos <= best.chaos and m.multi_byte_usage == 0
        for name in m.could_be_from_charset
    }
    conventional = _LANGUAGE_CODECS.get(best.language, ()) if evidence else ()
    preferences = [weak, *conventional, "cp1252"]
    if "cp1252" in as_good:
        odd = _not_western(sample.decode("cp1252", "replace"))
        preferences = [*odd, *(p for p in preferences if p != "cp1252" or not odd)]
    for preferred in preferences:
        if preferred and preferred in as_good:
            return preferred
    return (normalise_label(best.encoding) or best.encoding) if evidence else None


def _not_western(text: str) -> tuple[str, ...]:
    """Codecs to try before cp1252 when its reading has letters that only betray a
    misreading: ð þ Ð Þ (Icelandic) stand where cp1254 has ğ ş Ğ Ş; ø beside è ì ù
    (no language writes both) where cp1250 has ř beside č ě ů."""
    if any(c in text for c in "ðþÐÞ"):
        return ("cp1254", "iso8859-9")
    if "ø" in text and any(c in text for c in "èìùò"):
        return ("cp1250", "iso8859-2")
    return ()


_MIN_HIGH_BYTES = 8
_MIN_KANA_TEXT = 6  # "中文" in Big5 is valid EUC-JP kana
_WESTERN = ("English", "German", "French", "Spanish", "Portuguese", "Italian", "Dutch")
_CENTRAL = ("Polish", "Czech", "Slovak", "Hungarian", "Croatian", "Slovene", "Romanian")
_CYRILLIC = ("Russian", "Ukrainian", "Bulgarian", "Serbian", "Belarusian", "Macedonian")
# The codecs each language is conventionally served in, in the order to prefer them.
_LANGUAGE_CODECS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_WESTERN, ("cp1252",)),
    **dict.fromkeys(("Swedish", "Danish", "Norwegian", "Finnish"), ("cp1252",)),
    **dict.fromkeys(_CENTRAL, ("cp1250", "iso8859-2")),
    **dict.fromkeys(_CYRILLIC, ("cp1251", "koi8-r", "koi8-u")),
    "Turkish": ("cp1254",),
    "Greek": ("cp1253", "iso8859-7"),
}


def _guess_japanese(content: bytes, partial: bool) -> str | None:
    """euc_jp or cp932 when the bytes decode cleanly under it into text with kana.
    Japanese is never without kana; Chinese text never has them, and GBK or Big5
    bytes hardly ever decode cleanly into full-width kana under either codec."""
    for codec in ("euc_jp", "cp932"):
        if _strict(content, codec, partial):
            text = _cut(content, partial).decode(codec, "replace")
            wide = [c for c in text if ord(c) >= 0x80]
            kana = sum("\u3041" <= c <= "\u30fe" for c in wide)
            if len(wide) >= _MIN_KANA_TEXT and kana * 5 >= len(wide):
                return codec
    return None
