"""Which new passwords are refused: short ones, common ones, runs and repeats, and
ones made from the account's own name. The common list is ours, kept here: the
passwords leaked-password studies rank highest, in Chinese and English usage."""

from __future__ import annotations

import re
from collections.abc import Iterable

from yuqing.errors import BadInput

MIN_PASSWORD = 8
MIN_DISTINCT = 4
MIN_NAME = 3  # shorter name parts would refuse too much

COMMON = frozenset(
    """
    123456 1234567 12345678 123456789 1234567890 0123456789 987654321 87654321
    111111 11111111 000000 00000000 666666 66666666 888888 88888888 999999 99999999
    112233 11223344 121212 12121212 123123 123123123 123321 12344321 147258369
    159357 159753 5201314 520520 521521 1314520 1314521 woaini woaini1314
    woaini520 woaiwojia iloveyou iloveyou1 aini1314 wangyu zhangwei liuyang
    password password1 password12 password123 passw0rd p@ssw0rd p@ssword pass1234
    qwerty qwerty123 qwertyui qwertyuiop asdfgh asdfghjk asdfghjkl zxcvbn zxcvbnm
    1qaz2wsx 1q2w3e4r 1q2w3e4r5t qazwsx qazwsxedc zaq12wsx q1w2e3r4 a1b2c3d4
    abc123 abc12345 abc123456 abcd1234 abcdefg abcdefgh a123456 a12345678
    aa123456 aa12345678 qq123456 qq5201314 wang123456 admin admin123 admin1234
    admin888 administrator root123 root1234 test1234 test123456 guest123 user1234
    welcome welcome1 letmein monkey dragon master sunshine princess football
    baseball shadow superman batman trustno1 starwars whatever freedom computer
    internet changeme changeme1 default secret secret123 yuqing yuqing123
    yuqing2020 yuqing2021 yuqing2022 yuqing2023 yuqing2024 yuqing2025 yuqing2026
    zhengfu zhengfu123 weijian weijian123 yiqing yiqing123 fangkong fangkong123
    china123 beijing shanghai huawei123 xiaomi123 baidu123 taobao123 wechat123
    """.split()
)
RUNS = (
    "0123456789012",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb",
)
_TRAILING = re.compile(r"[\d!@#$%^&*.?_-]+$")


def _names(username: str, names: Iterable[str]) -> list[str]:
    """The account's own words: its name parts and an e-mail's local part (the domain
    is shared by many accounts, not the person's)."""
    parts = [(p or "").split("@")[0] for p in (username, *names)]
    words = {w.lower() for p in parts for w in re.split(r"[\s._-]+", p)}
    words |= {p.lower() for p in parts if p}
    return [w for w in words if len(w) >= MIN_NAME]


def password_problem(password: str, *, username: str = "", names: Iterable[str] = ()) -> str | None:
    """Why ``password`` may not be used for this account, or None."""
    lowered = password.lower()
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符"
    base = _TRAILING.sub("", lowered)
    if lowered in COMMON or (len(base) >= MIN_NAME and base in COMMON):
        return "密码过于常见，请换一个"
    if len(set(lowered)) < MIN_DISTINCT:
        return f"密码至少要有 {MIN_DISTINCT} 个不同的字符"
    if any(lowered in run or lowered in run[::-1] for run in RUNS):
        return "密码不能是连续的键位或字符"
    for name in _names(username, names):
        if name in lowered or lowered in name or name[::-1] in lowered:
            return "密码不能包含用户名、姓名或邮箱"
    return None


def check_new_password(password: str, *, username: str = "", names: Iterable[str] = ()) -> None:
    problem = password_problem(password, username=username, names=names)
    if problem:
        raise BadInput(f"账号 {username or '（新）'}：{problem}")
