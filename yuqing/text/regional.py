"""One wording for mainland, Taiwan and Hong Kong copies of a text: the regional form.

The matching form (``matching_form``) is simplified by OpenCC t2s, which changes
characters, not words: a Taiwan copy of "网络信息" keeps its own words
("网路资讯") and Hong Kong variant characters such as 衞 or 枱 survive it. On real
posts converted with OpenCC s2twp, 4 copies in 10 kept a different duplicate key.

The regional form maps a matching-form text (a) through the Hong Kong and Taiwan
variant characters t2s leaves alone, then (b) through OpenCC s2twp, which rewrites
mainland phrases as Taiwan ones (twice, see ``regional_form``). Regional copies of
a text land on the same (Taiwan-worded, traditional) string; it serves as a
comparison key only and is never shown. Mainland wording is mapped to Taiwan
wording rather than back: tw2sp cannot undo s2twp where two mainland words share
one Taiwan word (文档 and 文件 are both 文件 in Taiwan).
"""

from __future__ import annotations

import threading
from functools import cache

import opencc

# Han blocks where regional variant characters live (BMP: the extension blocks
# beyond it hold no variants OpenCC's Hong Kong or Taiwan tables use).
_HAN_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
_local = threading.local()


def _converter(config: str) -> opencc.OpenCC:
    # OpenCC converters are not documented as thread-safe; keep one per thread.
    cache_: dict[str, opencc.OpenCC] = _local.__dict__.setdefault("converters", {})
    if config not in cache_:
        cache_[config] = opencc.OpenCC(config)
    return cache_[config]


@cache
def variant_table() -> dict[int, str]:
    """Characters Hong Kong or Taiwan write differently, which t2s does not simplify
    (衞 → 卫, 枱 → 台): each mapped to what hk2s or tw2s makes of it.

    Built on first use (~0.2 s) by converting every Han character once; a newline
    between them keeps the converters from reading neighbours as a phrase."""
    chars = [chr(cp) for start, end in _HAN_BLOCKS for cp in range(start, end)]
    joined = "\n".join(chars)
    plain = _converter("t2s").convert(joined).split("\n")
    table: dict[int, str] = {}
    for config in ("hk2s", "tw2s"):
        regional = _converter(config).convert(joined).split("\n")
        if len(regional) != len(chars) or len(plain) != len(chars):
            continue  # a converter that merged lines: leave the table without it
        for char, simple, other in zip(chars, plain, regional, strict=True):
            if other != simple and other != char and ord(char) not in table:
                table[ord(char)] = other
    return table


def regional_form(norm_text: str) -> str:
    """The text of a matching-form string with regional wording folded (see module doc).

    s2twp, back to simplified characters, and s2twp again: OpenCC segments a text
    by its phrase dictionary, so a Taiwan copy ("网路志愿者") and its mainland
    original ("网络志愿者") can be cut into different words on the first pass
    (網路誌願者 / 網路志願者); the second pass starts both from the same words.
    On real posts it halves the Taiwan copies left with another key (0.35 % → 0.15 %).
    """
    taiwan = _converter("s2twp").convert(norm_text.translate(variant_table()))
    return str(_converter("s2twp").convert(_converter("t2s").convert(taiwan)))
