"""Who publishes: outlet and platform sources, and the crowd of post handles."""

from __future__ import annotations

import random
from typing import Final

from yuqing.demo import vocabulary as v
from yuqing.demo.models import DemoSource

OUTLET_KEYS: Final[tuple[str, ...]] = (
    "qinglan-daily",
    "qinglan-release",
    "qinglan-tv",
    "healthy-qinglan",
)
PLATFORM_KEYS: Final[tuple[str, ...]] = ("weibo", "forum", "short-video")
MANUAL_KEY: Final = "hotline-manual"
REPOST_PLATFORM: Final = "weibo"

FEEDS: Final = "http://127.0.0.1/feeds"
PAGES: Final = "http://127.0.0.1/web"

SOURCES: Final[tuple[DemoSource, ...]] = (
    DemoSource(
        "qinglan-daily", "青岚日报", "rss", f"{FEEDS}/qinglan-daily.xml", True, "青岚日报", 1.8
    ),
    DemoSource(
        "qinglan-release", "青岚发布", "web", f"{PAGES}/qinglan-release/", True, "青岚发布", 2.0
    ),
    DemoSource(
        "qinglan-tv",
        "青岚广播电视台",
        "rss",
        f"{FEEDS}/qinglan-tv.xml",
        True,
        "青岚广播电视台",
        1.6,
    ),
    DemoSource(
        "healthy-qinglan", "健康青岚", "web", f"{PAGES}/healthy-qinglan/", True, "健康青岚", 1.4
    ),
    DemoSource("weibo", "微博公开帖（样本导出）", "file", None, False, None, 1.0),
    DemoSource("forum", "青岚论坛", "web", f"{PAGES}/qinglan-forum/", False, None, 0.8),
    DemoSource("short-video", "短视频平台文案（样本导出）", "file", None, False, None, 0.7),
    DemoSource(MANUAL_KEY, "12345热线人工录入", "manual", None, False, None, 1.2),
)

OUTLET_NAMES: Final[dict[str, str]] = {
    s.key: s.outlet_name or s.name for s in SOURCES if s.is_public_outlet
}

OUTLET_DOMAINS: Final[dict[str, str]] = {
    "qinglan-daily": "news.qinglan.example",
    "qinglan-release": "fabu.qinglan.example",
    "qinglan-tv": "tv.qinglan.example",
    "healthy-qinglan": "health.qinglan.example",
}

PLATFORM_ID_PREFIX: Final[dict[str, str]] = {
    "weibo": "wb",
    "forum": "lt",
    "short-video": "sv",
    MANUAL_KEY: "rx",
}

# Typical view counts: official outlets reach far more readers than one resident.
BASE_VIEWS: Final[dict[str, float]] = {
    "qinglan-daily": 6000.0,
    "qinglan-release": 15000.0,
    "qinglan-tv": 5000.0,
    "healthy-qinglan": 3000.0,
    "weibo": 400.0,
    "forum": 150.0,
    "short-video": 900.0,
    MANUAL_KEY: 0.0,
}

# Pick weights for outlets (general news vs. health news) and platforms.
OUTLET_WEIGHTS: Final[tuple[float, ...]] = (0.35, 0.3, 0.22, 0.13)
HEALTH_OUTLET_WEIGHTS: Final[tuple[float, ...]] = (0.25, 0.25, 0.15, 0.35)
HEALTH_THEMES: Final[frozenset[str]] = frozenset(
    {v.EPIDEMIC_BULLETIN, v.NUCLEIC_TESTING, v.MEDICAL_CARE}
)
PLATFORM_WEIGHTS: Final[tuple[float, ...]] = (0.76, 0.15, 0.09)


def build_handles(rng: random.Random, count: int = 3000) -> tuple[str, ...]:
    """Invent ``count`` distinct, fictional platform handles."""
    handles: list[str] = []
    seen: set[str] = set()
    while len(handles) < count:
        if rng.random() < 0.6:
            stem = rng.choice(v.HANDLE_PREFIXES) + rng.choice(v.HANDLE_CORES)
        else:
            stem = rng.choice(v.HANDLE_ADJECTIVES) + rng.choice(v.HANDLE_NOUNS)
        handle = stem + rng.choice(v.HANDLE_YEARS)
        if handle in seen:
            # Collisions are common with few pieces; a short numeric tag keeps handles unique.
            handle = f"{handle}{len(handles) % 97}"
            if handle in seen:
                continue
        seen.add(handle)
        handles.append(handle)
    return tuple(handles)
