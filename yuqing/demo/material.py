"""All text material compiled once per process, ready for fast item generation."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from yuqing.demo import vocabulary as v
from yuqing.demo.network import Phrases, build_phrases
from yuqing.demo.places import Locale, build_locales
from yuqing.demo.rumours import STORYLINES
from yuqing.demo.templates_news import RESPONSE_NEWS
from yuqing.demo.templates_news_life import LIFE_NEWS
from yuqing.demo.templates_posts import HOTLINE_DIGESTS, POSTS
from yuqing.demo.textgen import Template, compile_all, compile_template


@dataclass(frozen=True, slots=True)
class CompiledNews:
    """Compiled sentence pools for the articles of one theme."""

    openings: tuple[tuple[Template, Template], ...]  # (title, lead)
    details: tuple[Template, ...]
    closings: tuple[Template, ...]


@dataclass(frozen=True, slots=True)
class Material:
    """Everything the item generator draws text from."""

    news: dict[str, CompiledNews]
    posts: dict[str, tuple[Template, ...]]
    rumour_posts: tuple[tuple[Template, ...], ...]  # aligned with rumours.STORYLINES
    debunk_titles: tuple[Template, ...]
    debunk_bodies: tuple[Template, ...]
    hotline: dict[str, tuple[Template, ...]]
    locales: tuple[Locale, ...]
    locale_cum: tuple[float, ...]
    simplified: Phrases
    traditional: Phrases

    def all_templates(self) -> list[Template]:
        """Every compiled template, for validation."""
        out: list[Template] = []
        for news in self.news.values():
            for title, lead in news.openings:
                out += [title, lead]
            out += [*news.details, *news.closings]
        for posts in self.posts.values():
            out += posts
        for story_posts in self.rumour_posts:
            out += story_posts
        for digests in self.hotline.values():
            out += digests
        return [*out, *self.debunk_titles, *self.debunk_bodies]


def _compile_news() -> dict[str, CompiledNews]:
    return {
        theme: CompiledNews(
            openings=tuple(
                (compile_template(title), compile_template(lead)) for title, lead in pool.openings
            ),
            details=compile_all(pool.details),
            closings=compile_all(pool.closings),
        )
        for theme, pool in {**RESPONSE_NEWS, **LIFE_NEWS}.items()
    }


@functools.cache
def material() -> Material:
    """Compile the material (cached: it never depends on the seed)."""
    locales, locale_cum = build_locales()
    simplified, traditional = build_phrases()
    posts = {theme: compile_all(texts) for theme, texts in POSTS.items()}
    news = _compile_news()
    expected = set(v.THEMES) - {v.RUMOURS}  # rumour material lives in its storylines
    missing = (expected ^ set(posts)) | (expected ^ set(news))
    if missing:
        raise RuntimeError(f"news or post material does not match the themes: {sorted(missing)}")
    return Material(
        news=news,
        posts=posts,
        rumour_posts=tuple(compile_all(story.posts) for story in STORYLINES),
        debunk_titles=tuple(compile_template(story.debunk_title) for story in STORYLINES),
        debunk_bodies=tuple(compile_template(story.debunk_body) for story in STORYLINES),
        hotline={theme: compile_all(texts) for theme, texts in HOTLINE_DIGESTS.items()},
        locales=locales,
        locale_cum=locale_cum,
        simplified=simplified,
        traditional=traditional,
    )
