"""The matching form of a text: what search, rules and dedupe compare.

Simplified and traditional Chinese are one language here: the matching form is
simplified (OpenCC t2s), NFKC-folded (full-width letters and digits become
ASCII), free of zero-width and control characters, and lower case. The original
text is always kept beside it for display.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import opencc

# Zero-width and format characters that hide inside words (ZWSP, ZWNJ, ZWJ, BOM,
# soft hyphen, word joiner, bidi marks), C0/C1 controls other than whitespace, and
# what XML cannot hold (noncharacters such as U+FFFE, lone surrogates): a stored
# text must survive every export.
_INVISIBLE = re.compile(
    "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]"
)
_SPACES = re.compile(r"[ \t\u3000]+")

_local = threading.local()


def _converter(config: str) -> opencc.OpenCC:
    # OpenCC converters are not documented as thread-safe; keep one per thread.
    cache: dict[str, opencc.OpenCC] = _local.__dict__.setdefault("converters", {})
    if config not in cache:
        cache[config] = opencc.OpenCC(config)
    return cache[config]


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    return str(_converter("s2t").convert(text))


def clean(text: str) -> str:
    """The text as people should read it: invisible characters removed, runs of spaces
    folded, line ends unified. Script, full-width punctuation and letters are kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


# Variants OpenCC's t2s leaves alone although s2t produces them (s2t turns 背 into 揹).
_VARIANTS = str.maketrans({"揹": "背"})


def matching_form(text: str) -> str:
    """NFKC-folded, cleaned, simplified and lower-cased: the form every comparison uses."""
    return to_simplified(clean(unicodedata.normalize("NFKC", text))).translate(_VARIANTS).lower()


def detect_script(text: str) -> str:
    """'hant' when the text changes under t2s conversion enough to be traditional,
    'hans' when it has Han characters otherwise, 'none' when it has none."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return "none"
    sample = "".join(han[:2000])
    changed = sum(1 for a, b in zip(sample, to_simplified(sample), strict=False) if a != b)
    # Traditional text changes in roughly one character of five; a stray variant
    # character in simplified text should not flip it.
    return "hant" if changed >= max(2, len(sample) // 50) else "hans"
