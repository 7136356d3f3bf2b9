"""Streaming generation of demo items: original articles and posts, reposts and copies.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, so the
same arguments always give the same stream.  Only a bounded memory of recent
items is kept, which lets a million items stream in constant memory.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Final, TypeVar

from yuqing.demo import accounts as acc
from yuqing.demo import vocabulary as v
from yuqing.demo.material import Material, material
from yuqing.demo.models import DemoItem
from yuqing.demo.network import (
    POST_MAX_CHARS,
    POST_MIN_CHARS,
    EditRules,
    Ring,
    light_edit,
    light_title_edit,
    repost_body,
)
from yuqing.demo.places import UNIT_SPECS, Locale
from yuqing.demo.rumours import STORYLINES
from yuqing.demo.slots import SlotFiller
from yuqing.demo.textgen import Template, to_traditional
from yuqing.demo.timeline import LOCAL_TZ, build_day_facts, build_time_grid, cumulative
from yuqing.demo.view_storylines import ViewStorylines

REPOST_SHARE: Final = 0.15
COPY_SHARE: Final = 0.10
TRADITIONAL_SHARE: Final = 0.20
DEBUNK_SHARE: Final = 0.15  # of rumour-theme originals: official refutations
HOTLINE_SHARE: Final = 0.04  # of posts on themes the hotline hears about
HASHTAG_SHARE: Final = 0.3
ARTICLE_MAX_CHARS: Final = 4000
MAX_VIEWS: Final = 50_000_000
PARETO_EXPONENT: Final = 1.0 / 1.25  # tail index 1.25: a few items get huge reach

ARTICLE_SHARE: Final[dict[str, float]] = {name: share for name, _, share in v.THEME_MIX}
_T = TypeVar("_T")

SCHOOL_UNITS: Final[dict[str, str]] = {
    spec[1]: spec[0] for spec in UNIT_SPECS if spec[2] == "school"
}


class ItemFactory:
    """Holds the generation state for one pass over the item stream."""

    def __init__(self, seed: int, count: int, days: int, start: datetime) -> None:
        self.rng = random.Random(seed)
        self.material: Material = material()
        self.handles = acc.build_handles(self.rng)
        self.facts = build_day_facts(self.rng, start.astimezone(LOCAL_TZ).date(), days)
        self.grid = build_time_grid(start, days, count, self.facts)
        self.filler = SlotFiller(self.rng, self.material.locales[0], self.facts[0])
        self.recent = Ring(2000)
        self.hot = Ring(300)
        self.rumoured = Ring(300)
        self.outlet_cum = cumulative(list(acc.OUTLET_WEIGHTS))
        self.health_outlet_cum = cumulative(list(acc.HEALTH_OUTLET_WEIGHTS))
        self.platform_cum = cumulative(list(acc.PLATFORM_WEIGHTS))
        self.storylines = ViewStorylines(seed, start)

    # -- the stream -------------------------------------------------------

    def items(self) -> Iterator[DemoItem]:
        """Yield every item in publication order."""
        random_ = self.rng.random
        grid = self.grid
        start = grid.start
        index = 0
        for hour, count in enumerate(grid.bin_counts):
            if not count:
                continue
            day = grid.bin_days[hour]
            path = grid.bin_paths[hour]
            offset = hour * 3600.0
            step = 3600.0 / count
            for position in range(count):
                # Evenly spread with jitter inside the hour: strictly increasing times.
                published = start + timedelta(seconds=offset + (position + random_()) * step)
                roll = random_()
                item: DemoItem | None = None
                if roll < REPOST_SHARE:
                    item = self._repost(index, published)
                elif roll < REPOST_SHARE + COPY_SHARE:
                    item = self._copy(index, published, path)
                if item is None:
                    item = self._original(index, published, day, path)
                item = self.storylines.rewrite(item)
                self._remember(item)
                yield item
                index += 1

    # -- originals ----------------------------------------------------------

    def _original(self, index: int, published: datetime, day: int, path: str) -> DemoItem:
        random_ = self.rng.random
        theme_cum = self.grid.theme_cums[day]
        theme = v.THEMES[bisect(theme_cum, random_() * theme_cum[-1])]
        mat = self.material
        locale = mat.locales[bisect(mat.locale_cum, random_() * mat.locale_cum[-1])]
        self.filler.reset(locale, self.facts[day])
        rumour: str | None = None
        title: str | None = None
        if theme == v.RUMOURS:
            rumour_cum = self.grid.rumour_cums[day]
            story = bisect(rumour_cum, random_() * rumour_cum[-1])
            if random_() < DEBUNK_SHARE:
                # Debunks belong to the theme but do not spread the rumour itself.
                parts: list[Template] = [mat.debunk_titles[story], mat.debunk_bodies[story]]
                source = self._outlet(theme)
            else:
                parts = [self._choose(mat.rumour_posts[story])]
                rumour = STORYLINES[story].key
                source = self._platform()
        elif random_() < ARTICLE_SHARE[theme]:
            parts = self._article_parts(theme)
            source = self._outlet(theme)
        else:
            digests = mat.hotline.get(theme)
            if digests and random_() < HOTLINE_SHARE:
                parts = [self._choose(digests)]
                source = acc.MANUAL_KEY
            else:
                parts = [self._choose(mat.posts[theme])]
                source = self._platform()
        value = self.filler.value
        if source in acc.OUTLET_DOMAINS:
            title = parts[0].render(value)
            body = "".join(part.render(value) for part in parts[1:])
        elif source == acc.MANUAL_KEY:
            body = parts[0].render(value)  # desk staff type plain digests
        else:
            body = self._decorate_post(theme, parts[0].render(value))
        traditional = random_() < TRADITIONAL_SHARE
        if traditional:
            body = to_traditional(body)
            if title is not None:
                title = to_traditional(title)
        truth: dict[str, object] = {
            "topic": theme,
            "rumour": rumour,
            "copy_of": None,
            "repost_of": None,
            "traditional": traditional,
        }
        unit_key = self._unit_of(locale, max(part.depth for part in parts))
        return self._item(index, source, title, body, published, path, unit_key, truth)

    def _article_parts(self, theme: str) -> list[Template]:
        """Title, lead, 1-6 consecutive details and a closing: 3-8 body sentences."""
        news = self.material.news[theme]
        random_ = self.rng.random
        details = news.details
        first = int(random_() * len(details))
        wanted = min(len(details), 1 + int(random_() * 6))
        title, lead = self._choose(news.openings)
        parts = [title, lead]
        parts += [details[(first + i) % len(details)] for i in range(wanted)]
        parts.append(self._choose(news.closings))
        return parts

    def _decorate_post(self, theme: str, text: str) -> str:
        random_ = self.rng.random
        if random_() < HASHTAG_SHARE:
            text = self._choose(v.HASHTAGS[theme]) + text
        tail = self._choose(v.EMOJI_TAILS[theme])
        if tail and len(text) + len(tail) <= POST_MAX_CHARS:
            text += tail
        return text

    def _unit_of(self, locale: Locale, depth: int) -> str | None:
        school = self.filler.memo.get("school")
        if school is not None and school in SCHOOL_UNITS:
            return SCHOOL_UNITS[school]
        if depth == 0:
            return None
        if depth == 1:
            return locale.district_key
        if depth == 2:
            return locale.town_key
        return locale.community_key

    # -- spread ---------------------------------------------------------------

    def _repost(self, index: int, published: datetime) -> DemoItem | None:
        """``comment//@author:original`` pointing at an earlier item."""
        if not self.recent:
            return None
        roll = self.rng.random()
        if roll < 0.5 and self.hot:
            target = self.hot.pick(self.rng)
        elif roll < 0.62 and self.rumoured:
            target = self.rumoured.pick(self.rng)
        else:
            target = self.recent.pick(self.rng)
        if target.author is None:
            return None
        traditional = bool(target.truth["traditional"])
        phrases = self.material.traditional if traditional else self.material.simplified
        body = repost_body(self.rng, phrases, target, target.author)
        truth = dict(target.truth, copy_of=None, repost_of=target.index)
        source = acc.REPOST_PLATFORM
        return self._item(index, source, None, body, published, "", target.unit_key, truth)

    def _copy(self, index: int, published: datetime, path: str) -> DemoItem | None:
        """A lightly edited re-publication of an earlier item."""
        target = self._copy_target()
        if target is None:
            return None
        traditional = bool(target.truth["traditional"])
        phrases = self.material.traditional if traditional else self.material.simplified
        title: str | None = None
        if target.kind == "article" and target.title is not None:
            source = self._other_outlet(target.source_key)
            title = light_title_edit(self.rng, target.title, phrases)
            rules = EditRules(ARTICLE_MAX_CHARS, 40, phrases.article_appended)
        else:
            source = self._platform()
            rules = EditRules(POST_MAX_CHARS, POST_MIN_CHARS, phrases.appended)
        body = light_edit(self.rng, target.body, phrases, rules)
        truth = dict(target.truth, copy_of=target.index, repost_of=None)
        return self._item(index, source, title, body, published, path, target.unit_key, truth)

    def _copy_target(self) -> DemoItem | None:
        """An earlier original to copy; ``//@`` chains are reposted, not copied."""
        for _ in range(3):
            if not self.recent:
                return None
            if self.rumoured and self.rng.random() < 0.25:
                target = self.rumoured.pick(self.rng)  # rumours are copy-pasted the most
            else:
                target = self.recent.pick(self.rng)
            if target.truth["repost_of"] is None:
                return target
        return None

    def _remember(self, item: DemoItem) -> None:
        if item.author is None:
            return  # hotline digests are internal, nobody reposts them
        self.recent.add(item)
        if item.views > 3 * acc.BASE_VIEWS[item.source_key]:
            self.hot.add(item)
        if item.truth["rumour"] is not None:
            self.rumoured.add(item)

    # -- shared helpers ---------------------------------------------------------

    def _item(
        self,
        index: int,
        source: str,
        title: str | None,
        body: str,
        published: datetime,
        path: str,
        unit_key: str | None,
        truth: dict[str, object],
    ) -> DemoItem:
        is_article = source in acc.OUTLET_DOMAINS
        views, likes, reposts, comments = self._engagement(source, truth["rumour"] is not None)
        if is_article:
            url: str | None = f"https://{acc.OUTLET_DOMAINS[source]}/{path}/{index}.html"
            platform_id: str | None = None
            author: str | None = acc.OUTLET_NAMES[source]
        else:
            url = None
            platform_id = f"{acc.PLATFORM_ID_PREFIX[source]}-{index:07d}"
            author = None if source == acc.MANUAL_KEY else self._handle()
        return DemoItem(
            index=index,
            source_key=source,
            kind="article" if is_article else "post",
            url=url,
            platform_id=platform_id,
            title=title,
            body=body,
            author=author,
            published_at=published,
            likes=likes,
            reposts=reposts,
            comments=comments,
            views=views,
            unit_key=unit_key,
            truth=truth,
        )

    def _engagement(self, source: str, is_rumour: bool) -> tuple[int, int, int, int]:
        """Heavy-tailed (views, likes, reposts, comments)."""
        base = acc.BASE_VIEWS[source]
        if not base:
            return 0, 0, 0, 0
        random_ = self.rng.random
        # Inverse-CDF Pareto draw; 1 - random() is never zero.
        views = int(base * (0.4 + random_()) / (1.0 - random_()) ** PARETO_EXPONENT)
        views = min(views, MAX_VIEWS)
        likes = int(views * random_() * 0.05)
        comments = int(likes * random_() * 0.5)
        reposts = int(likes * random_() * (1.0 if is_rumour else 0.3))
        return views, likes, reposts, comments

    def _choose(self, options: Sequence[_T]) -> _T:
        return options[int(self.rng.random() * len(options))]

    def _handle(self) -> str:
        # Cubing the draw makes a few accounts very active and most rarely seen.
        return self.handles[int(self.rng.random() ** 3 * len(self.handles))]

    def _outlet(self, theme: str) -> str:
        cum = self.health_outlet_cum if theme in acc.HEALTH_THEMES else self.outlet_cum
        return acc.OUTLET_KEYS[bisect(cum, self.rng.random() * cum[-1])]

    def _other_outlet(self, current: str) -> str:
        outlet = acc.OUTLET_KEYS[bisect(self.outlet_cum, self.rng.random() * self.outlet_cum[-1])]
        if outlet == current:
            outlet = acc.OUTLET_KEYS[(acc.OUTLET_KEYS.index(current) + 1) % len(acc.OUTLET_KEYS)]
        return outlet

    def _platform(self) -> str:
        cum = self.platform_cum
        return acc.PLATFORM_KEYS[bisect(cum, self.rng.random() * cum[-1])]
