"""The fictional city of 青岚市: administrative units, named places and item locales.

All division codes start with ``99`` so they can never collide with real
administrative division codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

CITY_NAME: Final = "青岚市"
CITY_KEY: Final = "city"

# (key, name, kind, parent_key, code)
UnitSpec = tuple[str, str, str, str | None, str | None]

UNIT_SPECS: Final[tuple[UnitSpec, ...]] = (
    (CITY_KEY, CITY_NAME, "city", None, "990200"),
    ("dc", "东城区", "district", CITY_KEY, "990202"),
    ("xh", "西湖区", "district", CITY_KEY, "990203"),
    ("kdl", "昆都仑区", "district", CITY_KEY, "990207"),
    ("lj", "临江县", "county", CITY_KEY, "990221"),
    # Streets and towns.
    ("dc-gulou", "鼓楼街道", "street", "dc", "990202001"),
    ("dc-dongguan", "东关街道", "street", "dc", "990202002"),
    ("xh-hubin", "湖滨街道", "street", "xh", "990203001"),
    ("xh-liulang", "柳浪街道", "street", "xh", "990203002"),
    ("kdl-gangcheng", "钢城街道", "street", "kdl", "990207001"),
    ("kdl-youyi", "友谊街道", "street", "kdl", "990207002"),
    ("kdl-kunhe", "昆河镇", "town", "kdl", "990207101"),
    ("lj-chengguan", "城关镇", "town", "lj", "990221101"),
    ("lj-baisha", "白沙镇", "town", "lj", "990221102"),
    # Communities and villages.
    ("dc-gulou-zhonglou", "钟楼社区", "community", "dc-gulou", "990202001001"),
    ("dc-gulou-wenmiao", "文庙社区", "community", "dc-gulou", "990202001002"),
    ("dc-dongguan-dongguan", "东关社区", "community", "dc-dongguan", "990202002001"),
    ("xh-hubin-wanghu", "望湖社区", "community", "xh-hubin", "990203001001"),
    ("xh-liulang-liuan", "柳岸社区", "community", "xh-liulang", "990203002001"),
    ("kdl-gangcheng-ganghua", "钢花社区", "community", "kdl-gangcheng", "990207001001"),
    ("kdl-gangcheng-heping", "和平社区", "community", "kdl-gangcheng", "990207001002"),
    ("kdl-youyi-yiqu", "友谊一社区", "community", "kdl-youyi", "990207002001"),
    ("kdl-kunhe-hexi", "河西村", "village", "kdl-kunhe", "990207101201"),
    ("lj-chengguan-nanmen", "南门社区", "community", "lj-chengguan", "990221101001"),
    ("lj-baisha-baisha", "白沙村", "village", "lj-baisha", "990221102201"),
    ("lj-baisha-shiqiao", "石桥村", "village", "lj-baisha", "990221102202"),
    # Schools, an enterprise and city departments carry no division code.
    ("school-no1", "青岚市第一中学", "school", "dc", None),
    ("school-shiyan", "青岚市实验小学", "school", "xh", None),
    ("ent-heavy", "青岚重型机械有限公司", "enterprise", "kdl", None),
    ("dept-health", "市卫生健康委员会", "department", CITY_KEY, None),
    ("dept-market", "市市场监督管理局", "department", CITY_KEY, None),
    ("dept-transport", "市交通运输局", "department", CITY_KEY, None),
    ("dept-education", "市教育局", "department", CITY_KEY, None),
)

# Named places per district, used to give items concrete place mentions.
CHECKPOINTS: Final[dict[str, tuple[str, ...]]] = {
    "dc": ("岚东高速收费站卡口", "东环路检查站"),
    "xh": ("西湖收费站卡口", "湖滨大道检查点"),
    "kdl": ("昆河大桥卡口", "钢城北检查站"),
    "lj": ("临江大桥检查点", "白沙镇省道卡口"),
}
TESTING_SITES: Final[dict[str, tuple[str, ...]]] = {
    "dc": ("钟楼广场核酸采样点", "东关小学采样点", "文庙街便民采样屋"),
    "xh": ("望湖体育馆采样点", "柳岸公园采样点", "湖滨菜市场采样点"),
    "kdl": ("钢城文化宫采样点", "友谊市场采样点", "和平路采样屋"),
    "lj": ("城关中学采样点", "白沙镇卫生院采样点", "南门广场采样点"),
}
SHOPS: Final[dict[str, tuple[str, ...]]] = {
    "dc": ("鑫盛大药房鼓楼店", "岚城百佳超市东关店", "钟楼生鲜便利店"),
    "xh": ("湖滨生鲜店", "柳岸平价药店", "望湖好邻居超市"),
    "kdl": ("钢花农贸市场", "友谊平价药店", "昆河惠民超市"),
    "lj": ("临江福满多超市", "城关百姓药房", "白沙镇农贸市场"),
}
HOSPITALS: Final[dict[str, tuple[str, ...]]] = {
    "dc": ("青岚市第一人民医院", "青岚市中医院"),
    "xh": ("青岚市第二人民医院", "西湖区妇幼保健院"),
    "kdl": ("昆都仑区人民医院", "钢城社区卫生服务中心"),
    "lj": ("临江县人民医院", "白沙镇卫生院"),
}
SCHOOLS_BY_DISTRICT: Final[dict[str, tuple[str, ...]]] = {
    "dc": ("青岚市第一中学", "东关小学"),
    "xh": ("青岚市实验小学", "湖滨中学"),
    "kdl": ("钢城第三中学", "友谊路小学"),
    "lj": ("临江县第一中学", "城关中学"),
}
CITY_HOSPITALS: Final[tuple[str, ...]] = (
    "青岚市传染病医院",
    "青岚市第一人民医院",
    "青岚国际会展中心方舱医院",
)

# How often each district is the place an item talks about.  Only about a
# quarter of place-bound items spell out the district name, and search
# evaluation expects 昆都仑 in roughly 5-10% of items; 昆都仑区 is also the
# district "in the news" this week.
DISTRICT_WEIGHTS: Final[dict[str, float]] = {"dc": 0.27, "xh": 0.25, "kdl": 0.28, "lj": 0.2}


@dataclass(frozen=True, slots=True)
class Locale:
    """One community with everything a template may want to name around it."""

    district: str
    town: str
    community: str
    district_key: str
    town_key: str
    community_key: str
    checkpoints: tuple[str, ...]
    sites: tuple[str, ...]
    shops: tuple[str, ...]
    hospitals: tuple[str, ...]
    schools: tuple[str, ...]


def _units_by_key() -> dict[str, UnitSpec]:
    return {spec[0]: spec for spec in UNIT_SPECS}


def build_locales() -> tuple[tuple[Locale, ...], tuple[float, ...]]:
    """Return every community/village locale and its cumulative pick weight."""
    units = _units_by_key()
    locales: list[Locale] = []
    weights: list[float] = []
    leaf_counts: dict[str, int] = {}
    leaves = [spec for spec in UNIT_SPECS if spec[2] in ("community", "village")]
    for spec in leaves:
        town_key = spec[3] or ""
        district_key = units[town_key][3] or ""
        leaf_counts[district_key] = leaf_counts.get(district_key, 0) + 1
    for key, name, _kind, parent, _code in leaves:
        town_key = parent or ""
        district_key = units[town_key][3] or ""
        locales.append(
            Locale(
                district=units[district_key][1],
                town=units[town_key][1],
                community=name,
                district_key=district_key,
                town_key=town_key,
                community_key=key,
                checkpoints=CHECKPOINTS[district_key],
                sites=TESTING_SITES[district_key],
                shops=SHOPS[district_key],
                hospitals=HOSPITALS[district_key],
                schools=SCHOOLS_BY_DISTRICT[district_key],
            )
        )
        weights.append(DISTRICT_WEIGHTS[district_key] / leaf_counts[district_key])
    return tuple(locales), _cumulative(weights)


def _cumulative(weights: list[float]) -> tuple[float, ...]:
    total = 0.0
    out: list[float] = []
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)
