"""Redaction of personal data: the line we never cross.

The desk collects public posts and news, but people sometimes post their own or
other people's phone numbers, ID numbers, bank cards, e-mail addresses, car
plates, QQ numbers, WeChat ids or home addresses (the last three, and ID numbers
whose check digit is wrong, found by the words around them: ``pii_cues``).
Before any text is stored, :func:`redact` replaces those with a visible
placeholder such as ``[手机号已隐去]``, so a reader knows that something was
removed and what kind of thing it was.

Matching runs on a folded copy of the text: every character is replaced by its
NFKC form when that form is one character (full-width ``１３８`` becomes ``138``).
Folding one character at a time keeps positions aligned, so the spans found in
the copy are cut out of the original text, whose other characters stay as written.

Most posts hold nothing of the kind. Cheap gates (a run of seven digits, an ``@``,
a province abbreviation followed by a letter) decide which searches run at all,
because ``redact`` sees every collected item.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from yuqing.text import pii_cues as cues

__all__ = [
    "KINDS",
    "LEAD_MIN_ID_CARDS",
    "LEAD_MIN_ITEMS",
    "LEAD_MIN_KINDS",
    "LEAD_MIN_MOBILES",
    "Redaction",
    "fold",
    "redact",
]

KINDS: dict[str, str] = {
    "mobile": "手机号",
    "landline": "固定电话",
    "id_card": "身份证号",
    "bank_card": "银行卡号",
    "email": "邮箱",
    "plate": "车牌号",
    "qq": "QQ号",
    "wechat": "微信号",
    "address": "住址",
}

# A help request carries one contact number, two at most (the poster's and a
# relative's); three different ID or mobile numbers in one text can only be a
# list of people, which is what a leaked list of returnees or patients looks like.
LEAD_MIN_ID_CARDS = 3
LEAD_MIN_MOBILES = 3
# Two people with an ID and a phone each, or one person's ID, phone, card and
# plate: four items of at least two kinds is a dossier, not a request for help.
LEAD_MIN_ITEMS = 4
LEAD_MIN_KINDS = 2


@dataclass(frozen=True)
class Redaction:
    """The redacted text and what was taken out of it."""

    text: str
    counts: dict[str, int]  # kind -> replacements made; only kinds that occurred
    # kind -> how many different values were replaced (the same phone number
    # repeated three times is one person, not three); empty means "as counts".
    distinct: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def is_privacy_lead(self) -> bool:
        """True when the text lists personal data of several people."""
        basis = self.distinct or self.counts
        return (
            basis.get("id_card", 0) >= LEAD_MIN_ID_CARDS
            or basis.get("mobile", 0) >= LEAD_MIN_MOBILES
            or (sum(basis.values()) >= LEAD_MIN_ITEMS and len(basis) >= LEAD_MIN_KINDS)
        )


class _FoldTable(dict[int, int]):
    """Code point -> its one-character NFKC form, filled on first sight.

    ``str.translate`` looks every character up here; caching keeps the cost of
    ``unicodedata.normalize`` to once per distinct character ever seen.
    """

    def __missing__(self, code: int) -> int:
        folded = unicodedata.normalize("NFKC", chr(code))
        # Characters that expand (㎡ -> m2) keep their place unchanged, so that
        # positions in the folded copy are positions in the original.
        value = ord(folded) if len(folded) == 1 else code
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Per-character NFKC fold; the result has the same length as ``text``."""
    return text.translate(_FOLD_TABLE)


# Province-level codes that open a resident ID number (71 Taiwan, 81 Hong Kong,
# 82 Macao; 83 opens residence permits of Taiwan residents).
_PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
# GB 11643-1999: the weight of position i (0-based) is 2^(17 - i) mod 11.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_EARLIEST_BIRTH = date(1900, 1, 1)
_SEPARATORS = str.maketrans("", "", " -")


def _id_check_char(first17: str) -> str:
    remainder = (12 - sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))) % 11
    return "X" if remainder == 10 else str(remainder)


def _is_birth_date(yyyymmdd: str) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= date.today()


def _is_id_card(candidate: str) -> bool:
    """An 18-character ID with a valid checksum, or a 15-digit pre-1999 ID; both
    need a province code and a real birth date, which random numbers rarely have."""
    code = candidate.translate(_SEPARATORS).upper()
    if int(code[:2]) not in _PROVINCE_CODES:
        return False
    if len(code) == 15:  # old IDs carry no checksum and a two-digit 19xx year
        return _is_birth_date("19" + code[6:12])
    return _is_birth_date(code[6:14]) and _id_check_char(code[:17]) == code[17]


def _passes_luhn(candidate: str) -> bool:
    digits = [int(c) for c in reversed(candidate.translate(_SEPARATORS))]
    total = sum(digits[0::2]) + sum(d * 2 - 9 if d > 4 else d * 2 for d in digits[1::2])
    return total % 10 == 0


def _is_plate(candidate: str) -> bool:
    # Ordinary serials hold at most two letters; "京ABCDE1" is a model name, not a plate.
    return sum(c.isdigit() for c in candidate) >= 3


# Patterns run on the folded text. Digit kinds never start or end inside a longer
# digit run ((?<![0-9]) ... (?![0-9])): eleven digits inside an order number or a
# bank card are not a phone number. Grouped numbers use one space or hyphen
# between groups ([ -]); after folding, the ideographic space and the full-width
# hyphen are plain ones.
_EMAIL = re.compile(
    r"""(?<![A-Za-z0-9._%+-]) [A-Za-z0-9._%+-]+ @ (?:[A-Za-z0-9-]+\.)+ [A-Za-z]{2,}
    (?![A-Za-z0-9-])""",
    re.VERBOSE,
)
_ID_CARD = re.compile(
    r"""(?<![0-9])
    (?: [1-9][0-9]{16} (?:[0-9](?![0-9])|[Xx])                          # 18, contiguous
      | [1-9][0-9]{5}[ -][0-9]{8}[ -][0-9]{3} (?:[0-9](?![0-9])|[Xx])   # 6-8-4 as on forms
      | [1-9][0-9]{14}(?![0-9])                                         # 15, before 1999
    )""",
    re.VERBOSE,
)
_BANK_CARD = re.compile(
    r"""(?<![0-9]) [3-6]  # issuers: 3 JCB/Amex, 4 Visa, 5 Mastercard, 6 UnionPay
    (?: [0-9]{15,18} | [0-9]{3}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})? ) (?![0-9])""",
    re.VERBOSE,
)
_MOBILE = re.compile(
    # +86, 0086 or 86 for the country, or a long-distance 0 some people still dial
    r"""(?<![0-9]) (?: (?:\+|00)86[ -]? | 86-? | 0 )?
    1[3-9][0-9] (?: [0-9]{8} | [ -][0-9]{4}[ -][0-9]{4} ) (?![0-9])""",
    re.VERBOSE,
)
# Area codes are 0 + 2-3 digits and local numbers never start with 0, so dates
# (2026-11-16), times (09:30) and "0时至24时" cannot match.
_LANDLINE = re.compile(
    r"""(?<![0-9]) (?: \(0[1-9][0-9]{1,2}\)[ -]? | 0[1-9][0-9]{1,2}[ -]? )
    [1-9][0-9]{6,7} (?:[转轉][0-9]{1,5})? (?![0-9])""",
    re.VERBOSE,
)
# Traditional forms are listed only where they differ from the simplified ones.
_PROVINCES = (
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼滬雲遼魯蘇贛晉陝閩貴粵寧瓊"
)
_PLATE = re.compile(
    rf"[{_PROVINCES}][A-HJ-NP-Z][·•・. -]?"
    r"(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{5})"  # new-energy first
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)

# Gates: every digit pattern above needs seven digits joined by at most single
# separators (a landline's local part, a mobile's "138 0013", ...).
_DIGITS_GATE = re.compile(r"[0-9](?:[ -]?[0-9]){6}")
_PLATE_GATE = re.compile(rf"[{_PROVINCES}][A-Za-z]")


class _Finder(NamedTuple):
    kind: str
    pattern: re.Pattern[str]
    accept: Callable[[str], bool] | None
    gate: str  # which gate must have opened: "digits", "at", "plate" or "cue"


# Order matters: an e-mail address may hold a phone number, an ID must be tried
# before the Luhn check can call its digits a card, and longer runs go first.
_FINDERS = (
    _Finder("email", _EMAIL, None, "at"),
    _Finder("id_card", _ID_CARD, _is_id_card, "digits"),
    # after "身份证" any ID-shaped number goes, checksum or not
    _Finder("id_card", cues.ID_AFTER_CUE, None, "cue"),
    _Finder("bank_card", _BANK_CARD, _passes_luhn, "digits"),
    _Finder("mobile", _MOBILE, None, "digits"),
    _Finder("landline", _LANDLINE, None, "digits"),
    _Finder("plate", _PLATE, _is_plate, "plate"),
    _Finder("qq", cues.QQ, None, "cue"),
    _Finder("wechat", cues.WECHAT, None, "cue"),
    _Finder("address", cues.ADDRESS, cues.is_street_address, "cue"),
    _Finder("address", cues.ROOM, None, "cue"),
)
_PLACEHOLDERS = {kind: f"[{label}已隐去]" for kind, label in KINDS.items()}


def _open_gates(folded: str) -> set[str]:
    gates = set()
    if _DIGITS_GATE.search(folded):
        gates.add("digits")
    if "@" in folded:
        gates.add("at")
    if _PLATE_GATE.search(folded):
        gates.add("plate")
    if cues.cue_gate(folded):
        gates.add("cue")
    return gates


def _find(finder: _Finder, folded: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    while (match := finder.pattern.search(folded, pos)) is not None:
        span = _value_span(match)
        if finder.accept is None or finder.accept(folded[span[0] : span[1]]):
            spans.append(span)
            pos = match.end()
        else:
            # A rejected candidate may overlap a real one that starts inside it.
            pos = match.start() + 1
    return spans


def _value_span(match: re.Match[str]) -> tuple[int, int]:
    """The part to replace: a cued pattern's value group, else the whole match."""
    for name in ("v", "wxid"):
        if name in match.re.groupindex and match.group(name) is not None:
            return match.span(name)
    return match.span()


def _splice(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(placeholder)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _identity(kind: str, value: str) -> str:
    """What makes two spellings of one item the same: its letters and digits,
    and for a mobile number only the eleven digits after any +86."""
    core = "".join(c for c in value.upper() if c.isalnum() or c == "@")
    return core[-11:] if kind == "mobile" else core


def redact(text: str) -> Redaction:
    """Replace personal data in ``text`` by labelled placeholders."""
    folded = fold(text)
    gates = _open_gates(folded)
    if not gates:
        return Redaction(text, {})
    counts: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    # Each replacement can change what its neighbours look like, so repeat until
    # a whole round finds nothing: that makes redact idempotent by construction.
    # Every replacement removes digits or an "@", so the rounds are few.
    found = True
    while found:
        found = False
        for finder in _FINDERS:
            if finder.gate not in gates:
                continue
            spans = _find(finder, folded)
            if not spans:
                continue
            found = True
            counts[finder.kind] += len(spans)
            seen.update((finder.kind, _identity(finder.kind, folded[s:e])) for s, e in spans)
            placeholder = _PLACEHOLDERS[finder.kind]
            text = _splice(text, spans, placeholder)
            folded = _splice(folded, spans, placeholder)
    distinct = Counter(kind for kind, _ in seen)
    return Redaction(text, dict(counts), dict(distinct))
