"""Personal data found by what the writer says it is: "身份证号 110…" (even with a
wrong check digit: a mistyped ID is still someone's), "QQ 123456789", "微信：abc_123",
"家住解放路12号3单元". Without the cue, such strings are too like order numbers,
user names or shop addresses to take out.

Each pattern's group ``v`` is the value that is replaced; the cue stays, so a
reader sees "身份证号[身份证号已隐去]". Patterns run on the folded text
(``yuqing.text.pii.fold``), where full-width letters, digits and colons are ASCII.
``bench/eval_pii.py`` measures them on labelled positive and negative examples.
"""

from __future__ import annotations

import re

__all__ = ["ADDRESS", "ID_AFTER_CUE", "QQ", "ROOM", "WECHAT", "cue_gate", "is_street_address"]

ID_AFTER_CUE = re.compile(
    r"(?:身份证|身份證|证件|證件|ID\s*card)(?:号码|號碼|号|號)?\s*(?:[:=]|是|为|為)?\s*"
    r"(?P<v>[1-9][0-9]{5}[ -]?[0-9]{8}[ -]?[0-9]{3}[0-9Xx]|[1-9][0-9]{14,16}[0-9Xx]?)"
    r"(?![0-9A-Za-z])",
    re.IGNORECASE,
)
# QQ numbers: 5 to 11 digits, never starting with 0. "QQ群" is a group, not a person.
QQ = re.compile(
    r"(?<![A-Za-z])(?:QQ|扣扣|企鹅号)(?!群)(?:号码|號碼|号|號)?\s*(?:[:=]|是|为|為)?\s*"
    r"(?P<v>[1-9][0-9]{4,10})(?![0-9])",
    re.IGNORECASE,
)
# WeChat ids: 6 to 20 letters, digits, "_" or "-", starting with a letter; or the
# internal "wxid_…". Official accounts ("微信公众号"), groups and payments are no person.
WECHAT = re.compile(
    r"(?:(?:微信|威信|薇信|V信|(?<![A-Za-z])(?:vx|wx|weixin|wechat)(?![A-Za-z]))"
    r"(?!公众|群|支付|小程序|视频号|搜索|扫码|扫一扫)"
    r"(?:号码|號碼|号|號|ID)?\s*(?:[:=]|是|为|為)?\s*"
    r"(?P<v>[A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-]))"
    r"|(?P<wxid>wxid_[a-z0-9]{6,24})(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
# Where a person lives: cues of a home, then the address up to the next punctuation.
ADDRESS = re.compile(
    r"(?:家住|住在|现住|現住|居住在|住址|家庭住址|家庭地址|现住址|居住地址|户籍地址|"
    r"戶籍地址|详细地址|詳細地址|收货地址|住于)\s*(?:[:=]|是|为|為|在)?\s*"
    r"(?P<v>[^\s,.;!?，。；！？、()（）\[\]【】]{3,40})"
)
# A flat without any cue: building, (unit,) room — "3栋2单元502室", "12号楼1单元301".
ROOM = re.compile(
    r"(?<![0-9])(?P<v>[0-9]{1,3}\s*(?:栋|幢|棟|号楼|號樓|座)\s*"
    r"(?:[0-9]{1,2}\s*单元\s*[0-9]{3,4}\s*(?:室|号|房)?|[0-9]{3,4}\s*(?:室|房)))"
    r"(?![0-9])"
)
_HOUSE = re.compile(
    r"[0-9一二三四五六七八九十百]+\s*(?:号楼|號樓|号院|号|號|栋|幢|棟|单元|室|组|弄|巷)"
)
_CUES = re.compile(
    r"身份|证件|證件|id\s*card|qq|扣扣|企鹅|微信|威信|薇信|v信|vx|wx|weixin|wechat|"
    r"住|地址|栋|幢|棟|号楼|號樓|座",
    re.IGNORECASE,
)


def cue_gate(folded: str) -> bool:
    """Whether any cue occurs at all: most texts hold none, and skip these searches."""
    return _CUES.search(folded) is not None


def is_street_address(value: str) -> bool:
    """An address down to the house: a number followed by 号/栋/单元/室/组…"""
    return _HOUSE.search(value) is not None
