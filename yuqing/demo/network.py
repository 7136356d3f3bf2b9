"""Spread between items: bounded memories of earlier items, reposts and edited copies."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from yuqing.demo import vocabulary as v
from yuqing.demo.models import DemoItem
from yuqing.demo.textgen import to_traditional_cached

POST_MAX_CHARS: Final = 200
POST_MIN_CHARS: Final = 20
SENTENCE_ENDS: Final = "。！？"


class Ring:
    """A fixed-size memory of recent items; old entries are overwritten."""

    __slots__ = ("_capacity", "_items", "_next")

    def __init__(self, capacity: int) -> None:
        self._items: list[DemoItem] = []
        self._capacity = capacity
        self._next = 0

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: DemoItem) -> None:
        """Remember ``item``, forgetting the oldest one when full."""
        if len(self._items) < self._capacity:
            self._items.append(item)
            return
        self._items[self._next] = item
        self._next = (self._next + 1) % self._capacity

    def pick(self, rng: random.Random) -> DemoItem:
        """A uniformly chosen remembered item (the ring must not be empty)."""
        items = self._items
        return items[int(rng.random() * len(items))]


@dataclass(frozen=True, slots=True)
class Phrases:
    """Edit and comment phrases in one script (simplified or traditional)."""

    swaps: tuple[tuple[str, str], ...]
    punctuation: tuple[tuple[str, str], ...]
    appended: tuple[str, ...]
    article_appended: tuple[str, ...]
    comments: tuple[str, ...]
    rumour_comments: tuple[str, ...]
    thanks_comments: tuple[str, ...]


def _convert_pairs(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((to_traditional_cached(a), to_traditional_cached(b)) for a, b in pairs)


def _convert_all(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(to_traditional_cached(text) for text in texts)


def build_phrases() -> tuple[Phrases, Phrases]:
    """Return (simplified, traditional) phrase sets."""
    simplified = Phrases(
        swaps=v.EDIT_SWAPS,
        punctuation=v.PUNCTUATION_SWAPS,
        appended=v.APPENDED_SENTENCES,
        article_appended=v.ARTICLE_APPENDED_SENTENCES,
        comments=v.REPOST_COMMENTS,
        rumour_comments=v.RUMOUR_REPOST_COMMENTS,
        thanks_comments=v.THANKS_REPOST_COMMENTS,
    )
    traditional = Phrases(
        swaps=_convert_pairs(v.EDIT_SWAPS),
        punctuation=v.PUNCTUATION_SWAPS,
        appended=_convert_all(v.APPENDED_SENTENCES),
        article_appended=_convert_all(v.ARTICLE_APPENDED_SENTENCES),
        comments=_convert_all(v.REPOST_COMMENTS),
        rumour_comments=_convert_all(v.RUMOUR_REPOST_COMMENTS),
        thanks_comments=_convert_all(v.THANKS_REPOST_COMMENTS),
    )
    return simplified, traditional


def _pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return options[int(rng.random() * len(options))]


def first_sentence(text: str) -> str:
    """The text up to and including its first sentence end."""
    for position, char in enumerate(text):
        if char in SENTENCE_ENDS:
            return text[: position + 1]
    return text


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def repost_body(rng: random.Random, phrases: Phrases, target: DemoItem, target_author: str) -> str:
    """Weibo-style repost text: ``comment//@author:original``."""
    if target.truth["rumour"] is not None:
        comment = _pick(rng, phrases.rumour_comments)
    elif target.truth["topic"] == v.THANKS:
        comment = _pick(rng, phrases.thanks_comments)
    else:
        comment = _pick(rng, phrases.comments)
    if target.kind == "article":
        quoted = f"【{target.title}】{first_sentence(target.body)}"
    else:
        quoted = target.body
    return clip(f"{comment}//@{target_author}:{quoted}", POST_MAX_CHARS)


def _split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    begin = 0
    for position, char in enumerate(text):
        if char in SENTENCE_ENDS:
            sentences.append(text[begin : position + 1])
            begin = position + 1
    if begin < len(text):
        sentences.append(text[begin:])
    return sentences


def _swap_words(rng: random.Random, text: str, phrases: Phrases) -> str:
    for _ in range(4):  # a few tries: most swaps do not apply to a given text
        old, new = phrases.swaps[int(rng.random() * len(phrases.swaps))]
        if old in text:
            return text.replace(old, new, 1)
    return text


def _swap_punctuation(rng: random.Random, text: str, phrases: Phrases) -> str:
    old, new = phrases.punctuation[int(rng.random() * len(phrases.punctuation))]
    return text.replace(old, new)


def _drop_sentence(rng: random.Random, text: str, min_chars: int) -> str:
    sentences = _split_sentences(text)
    if len(sentences) < 3:
        return text
    # Keep the opening sentence: copies usually trim details, not the lead.
    dropped = sentences.pop(1 + int(rng.random() * (len(sentences) - 1)))
    shorter = "".join(sentences)
    if len(shorter) < min_chars or len(dropped) * 3 > len(text):
        return text  # that would no longer be a light edit
    return shorter


def _append_sentence(rng: random.Random, text: str, appended: tuple[str, ...], limit: int) -> str:
    extra = _pick(rng, appended)
    if extra in text or len(text) + len(extra) + 1 > limit:
        return text
    if text and text[-1] not in SENTENCE_ENDS and text[-1] not in "!?]）":
        text += "。"
    return text + extra


@dataclass(frozen=True, slots=True)
class EditRules:
    """What a light edit may do to one kind of text."""

    limit: int  # maximum length of the result
    min_chars: int  # dropping a sentence may not go below this
    appended: tuple[str, ...]  # sentences that may be added at the end


def light_edit(rng: random.Random, text: str, phrases: Phrases, rules: EditRules) -> str:
    """Change a copied text a little: words, punctuation, one sentence more or less."""
    edited = text
    for _ in range(1 + int(rng.random() * 3)):
        roll = rng.random()
        if roll < 0.35:
            edited = _swap_words(rng, edited, phrases)
        elif roll < 0.6:
            edited = _swap_punctuation(rng, edited, phrases)
        elif roll < 0.8:
            edited = _drop_sentence(rng, edited, rules.min_chars)
        else:
            edited = _append_sentence(rng, edited, rules.appended, rules.limit)
    if edited == text:
        # Guarantee a visible difference, as someone retyping the text would make.
        edited = text[:-1] + "。" if text.endswith("！") else text.rstrip("。") + "！"
    return clip(edited, rules.limit)


def light_title_edit(rng: random.Random, title: str, phrases: Phrases) -> str:
    """Republished headlines are mostly kept, sometimes reworded or re-punctuated."""
    roll = rng.random()
    if roll < 0.4:
        return _swap_words(rng, title, phrases)
    if roll < 0.7:
        return _swap_punctuation(rng, title, phrases)
    return title
