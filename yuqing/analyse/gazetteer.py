"""The administrative-division gazetteer: province → city → county → town, with codes.

The shipped table (``data/gazetteer.tsv.gz``, built by ``scripts/build_gazetteer.py``)
holds every place with its code, level, parent, full name, the short forms people
write (包头市 → 包头, 广西壮族自治区 → 广西), suffix-bearing abbreviations of
autonomous units (恩施土家族苗族自治州 → 恩施州) and former names (崇文区 → 110101).
Every form the tagger should see is also stored in matching form (see
:func:`yuqing.text.matching_form`; OpenCC turns 乾县 into 干县), so text in matching
form finds its places.

:class:`Gazetteer` answers look-ups by code and by name; a deployment adds its own
rows (communities, or a fictional demo city) with :meth:`Gazetteer.add_local`.
The name-form rules live here too, so the build script and ``add_local`` agree.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from importlib import resources
from typing import Final, NamedTuple

from yuqing.text import matching_form

LEVELS: Final = ("province", "city", "county", "town", "community")
LEVEL_RANK: Final = {level: rank for rank, level in enumerate(LEVELS)}
# Words other parts of the project (and the demo city) use for the same levels.
LEVEL_ALIASES: Final = {"district": "county", "street": "town", "village": "community"}

DATA_FILE: Final = "gazetteer.tsv.gz"
COLUMNS: Final = ("code", "level", "parent", "name", "aliases", "shorts", "former")
_LIST_SEP: Final = "|"


class Kind(IntEnum):
    """How a surface form names a place; lower ranks are stronger evidence."""

    FULL = 0  # the full name, or an abbreviation that keeps the suffix (恩施州)
    FORMER = 1  # a former full name (崇文区)
    SHORT = 2  # the name without its suffix (包头)


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative unit."""

    code: str
    name: str
    level: str
    parent: str | None
    path: tuple[str, ...]  # codes from the root (province) down to this place


class Row(NamedTuple):
    """One line of the data file."""

    code: str
    level: str
    parent: str | None
    name: str
    aliases: tuple[str, ...] = ()
    shorts: tuple[str, ...] = ()
    former: tuple[str, ...] = ()


# ---------------------------------------------------------------- name forms

# The 55 minority nationalities plus 各 (各族自治县); a unit's name lists the
# nationalities before 自治州/县/旗 and before 族乡, and people drop them.
_NATIONALITIES: Final = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
# Nationalities that unit names also write without 族 (伊犁哈萨克自治州).
_BARE_NATIONALITIES: Final = ("维吾尔", "蒙古", "哈萨克", "柯尔克孜", "锡伯", "塔吉克", "鄂伦春")
_ETHNIC_TOKENS: Final = tuple(
    sorted({n + "族" for n in _NATIONALITIES} | set(_BARE_NATIONALITIES), key=len, reverse=True)
)

# Suffixes per level, longest first.
_SUFFIXES: Final = {
    level: tuple(suffixes.split())
    for level, suffixes in (
        ("province", "特别行政区 自治区 省 市"),
        ("city", "自治州 地区 盟 市"),
        ("county", "自治县 自治旗 林区 特区 新区 区 县 市"),
        ("town", "街道办事处 民族乡 民族镇 办事处 街道 苏木 族乡 族镇 镇 乡"),
        ("community", "社区居委会 居委会 村委会 社区 村"),
    )
}
# Autonomy suffixes: the nationality names before them are dropped too. People
# abbreviate some keeping one character (恩施土家族苗族自治州 → 恩施州).
_KEPT: Final = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
_AUTONOMY: Final = frozenset({"自治区", "族乡", "族镇", *_KEPT})

# Short forms that are ordinary words or generic place descriptions: never tagged
# on their own (和平路, 上街买菜, 延长隔离期, 大城市, 城东区域 ...).
COMMON_WORDS: Final = frozenset(
    """
    长安 和平 新华 城关 中山 东区 西区 南区 北区 中区 城区 郊区 矿区 新区 市区 县城 城乡 乡村
    市中 市南 市北 市东 市西 城中 城东 城西 城南 城北 东城 西城 南城 北城 东关 西关 南关 北关
    河东 河西 江北 江南 江东 桥东 桥西 路北 路南 红旗 解放 向阳 东风 前进 光明 友好 友谊
    新兴 胜利 人民 建设 团结 民主 幸福 太平 平安 安定 安宁 安居 大观 吉利 永和 富裕 平和 延长
    长寿 无极 通道 大方 合作 东方 新民 石棉 金牛 海港 运河 新城 老城 古城 新市 天桥 中原 上街
    山城 中站 湖滨 卧龙 芙蓉 荷塘 北湖 鹤城 天河 白云 南山 北山 东山 西山 青山 金山 盐田 龙湖
    南海 高明 江海 清新 榕城 港口 海棠 天涯 南岸 城口 石柱 仁和 朝天 嘉陵 东坡 前锋 麒麟 宝塔
    天山 江城 江岸 江汉 钟楼 鼓楼 城厢 修文 大名 大城 大英 大厂 龙门 互助 七星 离岛 滨海 开发
    高新 经开 中心 工业 农场 林场 新村 新街 新镇 大学 长城 长江 黄河 珠江 未来 和谐 文明 安全
    健康 美丽 希望 阳光 青年 红星 红光 东升 新生 新建 新风 先锋 星火 曙光 振兴 繁荣 复兴 和顺
    永安 长青 常青 青龙 白沙 白水 石门 金城 新安 东兴 西湖 南湖 东湖 花园 公园 广场 车站 码头
    三峡 中和 公安 共和 兴业 兴隆 凤凰 博爱 同心 同仁 同德 回民 太和 太白 安乐 安康 宏伟 富民
    将军 小店 山上 工农 平原 平房 康乐 惠民 新星 方正 武功 民权 民乐 江山 河口 清水 清流 温泉
    爱民 白塔 石狮 观音 资源 路桥 阳春 阳明 香山 龙凤 东海 仁爱 仁德 元宝 南部 台前 大树 大内
    大肚 天长 桥头 深坑 灯塔 牡丹 站前 西市 阿里 鸡冠 龙井 中西 会同 北门 沙县 三民 三元 三江
    九龙 新店 淡水 杨梅 新屋 八里 万里 暖暖 钢城 白银 开封 普洱
    """.split()
)

# Full names that are also ordinary phrases (城东区域, 老城区改造, 小区东区): they
# count only when an ancestor of the place is named in the same text.
GENERIC_FULL: Final = frozenset(
    """
    东区 西区 南区 北区 中区 城区 郊区 矿区 新区 市区 市中区 城中区 城东区 城西区 城南区 城北区
    市南区 市北区 新城区 老城区 古城区 城关区 开发区 高新区 经开区 城区街道
    """.split()
)

_PARENTHETICAL: Final = re.compile(r"[(（][^)）]*[)）]")


def _strip_ethnic(base: str) -> str:
    """Drop trailing nationality names, keeping at least two characters."""
    changed = True
    while changed:
        changed = False
        for token in _ETHNIC_TOKENS:
            if base.endswith(token) and len(base) - len(token) >= 2:
                base = base[: -len(token)]
                changed = True
                break
    # 鄂温克族自治旗 leaves 鄂温克族: people write the nationality without 族.
    if base.endswith("族") and base[:-1] in _NATIONALITIES and len(base) >= 3:
        base = base[:-1]
    return base


def _split_suffix(name: str, level: str) -> tuple[str, str] | None:
    """(base, kept suffix) when ``name`` ends with a suffix of its level."""
    for suffix in _SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            if suffix in _AUTONOMY:
                # 族乡 took the 族 of 回族乡 along: put it back before stripping.
                base = _strip_ethnic(base + "族" if suffix.startswith("族") else base)
            return base, _KEPT.get(suffix, "")
    return None


def name_forms(name: str, level: str) -> tuple[list[str], list[str]]:
    """The extra full forms (aliases) and the short forms of a place name.

    Aliases keep a suffix (恩施州, 大厂县, 名字 without a parenthetical note); short
    forms drop it (包头, 内蒙古, 昆都仑) and are offered only when at least two
    characters remain and the remainder is not a common word.
    """
    aliases: list[str] = []
    plain = _PARENTHETICAL.sub("", name).strip()
    if plain != name and len(plain) >= 3:
        aliases.append(plain)
    shorts: list[str] = []
    split = _split_suffix(plain, level)
    if split is not None:
        base, kept = split
        if len(base) >= 2 and base not in COMMON_WORDS:
            shorts.append(base)
        if kept and len(base) >= 2 and base + kept != plain:
            aliases.append(base + kept)
    return aliases, shorts


def normalise_name(name: str) -> str:
    """The matching form of a name (simplified, NFKC, lower case)."""
    return matching_form(name)


def expand_forms(name: str, level: str) -> tuple[list[str], list[str]]:
    """Aliases and short forms of ``name`` as the data file stores them: those of
    :func:`name_forms` for the name and its matching form, each also in matching
    form, without duplicates and without the name itself."""
    aliases: list[str] = []
    shorts: list[str] = []
    for variant in dict.fromkeys((name, normalise_name(name))):
        more_aliases, more_shorts = name_forms(variant, level)
        aliases += [variant, *more_aliases]
        shorts += more_shorts
    aliases += [normalise_name(alias) for alias in aliases]
    shorts += [normalise_name(short) for short in shorts]
    return [a for a in dict.fromkeys(aliases) if a != name], list(dict.fromkeys(shorts))


# ---------------------------------------------------------------- the data file


def format_rows(rows: Iterable[Row]) -> str:
    """The data file's text: a header line, then one tab-separated row per place."""
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        cells = (
            row.code,
            row.level,
            row.parent or "",
            row.name,
            _LIST_SEP.join(row.aliases),
            _LIST_SEP.join(row.shorts),
            _LIST_SEP.join(row.former),
        )
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def parse_rows(text: str) -> Iterator[Row]:
    """Rows of the data file's text (the inverse of :func:`format_rows`)."""
    lines = iter(text.splitlines())
    header = next(lines, "")
    if tuple(header.split("\t")) != COLUMNS:
        raise ValueError(f"unexpected gazetteer header: {header[:80]!r}")
    for line in lines:
        code, level, parent, name, aliases, shorts, former = line.split("\t")
        yield Row(
            code, level, parent or None, name, _split(aliases), _split(shorts), _split(former)
        )


def _split(cell: str) -> tuple[str, ...]:
    return tuple(cell.split(_LIST_SEP)) if cell else ()


def read_shipped_rows() -> list[Row]:
    """The rows of the data file shipped inside the package."""
    resource = resources.files("yuqing.analyse").joinpath("data", DATA_FILE)
    return list(parse_rows(gzip.decompress(resource.read_bytes()).decode("utf-8")))


# ---------------------------------------------------------------- the gazetteer

Names = dict[str, list[tuple[Place, Kind]]]


@dataclass(frozen=True, slots=True)
class _Tables:
    places: dict[str, Place]
    names: Names  # surface form → every (place, kind) it may name, strongest kind first
    memo: dict[object, object] = field(default_factory=dict)  # structures derived from these


def _none(_code: str) -> Place | None:
    return None


def _build_tables(rows: Iterable[Row], known: Callable[[str], Place | None] = _none) -> _Tables:
    """Places with their paths, and the name index. ``known`` finds parents that
    are not among ``rows`` (local rows hang below the national ones)."""
    by_code = {row.code: row for row in rows}
    places: dict[str, Place] = {}
    visiting: set[str] = set()

    def place_of(code: str) -> Place:
        if code in places:
            return places[code]
        if code in visiting:
            raise ValueError(f"parent cycle through {code!r}")
        visiting.add(code)
        row = by_code[code]
        parent_path: tuple[str, ...] = ()
        if row.parent is not None:
            parent = known(row.parent) if row.parent not in by_code else None
            parent_path = parent.path if parent is not None else place_of(row.parent).path
        place = Place(row.code, row.name, row.level, row.parent, (*parent_path, row.code))
        places[code] = place
        return place

    names: Names = {}
    for row in by_code.values():
        place = place_of(row.code)
        forms = dict.fromkeys((row.name, *row.aliases), Kind.FULL)
        for surfaces, kind in ((row.former, Kind.FORMER), (row.shorts, Kind.SHORT)):
            for surface in surfaces:
                forms.setdefault(surface, kind)  # a stronger kind already there stays
        for surface, kind in forms.items():
            names.setdefault(surface, []).append((place, kind))
    return _Tables(places, names)


@lru_cache(maxsize=1)
def _shipped_tables() -> _Tables:
    return _build_tables(read_shipped_rows())


class Gazetteer:
    """Places by code and by name: the shipped national table plus local rows."""

    def __init__(self, rows: Iterable[Row] | None = None) -> None:
        """The given national rows, or the shipped ones when ``rows`` is None."""
        self._base = _shipped_tables() if rows is None else _build_tables(rows)
        self._local = _Tables({}, {})
        self.version = 0  # bumped by add_local, so taggers know to rebuild

    @classmethod
    def load(cls) -> Gazetteer:
        """The shipped data. Parsing happens once per process; each call returns a
        new gazetteer sharing it, so one caller's ``add_local`` stays its own."""
        return cls()

    def __len__(self) -> int:
        return len(self._base.places) + len(self._local.places)

    def __iter__(self) -> Iterator[Place]:
        yield from self._base.places.values()
        yield from self._local.places.values()

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def get(self, code: str) -> Place | None:
        return self._local.places.get(code) or self._base.places.get(code)

    def find(self, name: str) -> list[Place]:
        """Places that ``name`` (full, abbreviated, short or former) may refer to,
        strongest kind first, then by code."""
        return [place for place, _kind in self.lookup(normalise_name(name.strip()))]

    def lookup(self, surface: str) -> list[tuple[Place, Kind]]:
        """Every (place, kind) a surface form in matching form may name."""
        # Local codes never repeat national ones, so the two lists never share a place.
        pairs = self._base.names.get(surface, []) + self._local.names.get(surface, [])
        return sorted(pairs, key=lambda pair: (pair[1], pair[0].code))

    def surfaces(self) -> Iterator[tuple[str, list[tuple[Place, Kind]]]]:
        """Every surface form with the places it may name (for building matchers)."""
        local = self._local.names
        for surface, pairs in self._base.names.items():
            yield surface, pairs + local[surface] if surface in local else pairs
        for surface, pairs in local.items():
            if surface not in self._base.names:
                yield surface, pairs

    def memo(self) -> dict[object, object]:
        """A cache for structures derived from this gazetteer's current rows (the
        tagger's automaton). Gazetteers loaded from the shipped data share one until
        ``add_local`` gives a gazetteer rows of its own; it is emptied on each change."""
        return self._local.memo if self.version else self._base.memo

    def add_local(self, places: Iterable[tuple[str, str, str, str | None]]) -> None:
        """Add (code, name, level, parent) rows not in the national data.

        Levels are those of :data:`LEVELS` (district, street and village are taken
        as county, town and community). A parent must be a known code or another
        row of the batch; ``None`` makes the row a root (a fictional city). Short
        forms follow the national rules. A code that already exists is an error.
        """
        rows = [self._local_row(code, name, level, parent) for code, name, level, parent in places]
        batch = {row.code: row for row in rows}
        if len(batch) != len(rows):
            raise ValueError("a code appears twice among the local rows")
        for row in rows:
            if row.parent is None:
                continue
            parent = batch.get(row.parent) or self.get(row.parent)
            if parent is None:
                raise ValueError(f"unknown parent {row.parent!r} for {row.code!r}")
            # Equal levels pass: callers may file a community as a town below a town.
            if LEVEL_RANK[parent.level] > LEVEL_RANK[row.level]:
                raise ValueError(f"{row.code!r} ({row.level}) cannot sit below {parent.level}")
        added = _build_tables(rows, self.get)
        self._local.places.update(added.places)
        for surface, entries in added.names.items():
            self._local.names.setdefault(surface, []).extend(entries)
        self._local.memo.clear()
        self.version += 1

    def _local_row(self, code: str, name: str, level: str, parent: str | None) -> Row:
        level = LEVEL_ALIASES.get(level, level)
        if level not in LEVEL_RANK:
            raise ValueError(f"unknown level {level!r} for {code!r}")
        if not code.isdigit() or self.get(code) is not None:
            raise ValueError(f"code {code!r} is malformed or already in the gazetteer")
        name = name.strip()
        aliases, shorts = expand_forms(name, level)
        return Row(code, level, parent, name, tuple(aliases), tuple(shorts))
