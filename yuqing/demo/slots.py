"""Per-item values for template slots, memoised so one item stays self-consistent."""

from __future__ import annotations

import random
from collections.abc import Callable

from yuqing.demo import vocabulary as v
from yuqing.demo.places import CITY_HOSPITALS, Locale
from yuqing.demo.timeline import DayFacts


def _number(rng: random.Random, low: int, high: int, step: int = 1) -> Callable[[], str]:
    """A resolver producing an integer in [low, high] (a multiple of ``step`` above low)."""
    choices = (high - low) // step + 1
    random_ = rng.random

    def resolve() -> str:
        return str(low + step * int(random_() * choices))

    return resolve


class SlotFiller:
    """Resolves slot names to text for the item being generated."""

    __slots__ = ("_resolvers", "_rng", "facts", "locale", "memo")

    def __init__(self, rng: random.Random, locale: Locale, facts: DayFacts) -> None:
        self._rng = rng
        self.locale = locale
        self.facts = facts
        self.memo: dict[str, str] = {}
        self._resolvers = self._build_resolvers(rng)

    def reset(self, locale: Locale, facts: DayFacts) -> None:
        """Start a new item around ``locale`` on the day described by ``facts``."""
        self.locale = locale
        self.facts = facts
        self.memo = {}

    def value(self, name: str) -> str:
        """The text for slot ``name``; the same name gives the same text within an item."""
        found = self.memo.get(name)
        if found is None:
            found = self._resolvers[name]()
            self.memo[name] = found
        return found

    def knows(self, name: str) -> bool:
        """Whether ``name`` is a slot this filler can resolve."""
        return name in self._resolvers

    def _local_cases(self) -> str:
        # A district's share of the day's cases can never exceed the city total.
        confirmed = int(self.facts.confirmed)
        return str(min(confirmed, 1 + int(confirmed * (0.2 + 0.5 * self._rng.random()))))

    def _pick(self, options: tuple[str, ...]) -> str:
        return options[int(self._rng.random() * len(options))]

    def _build_resolvers(self, rng: random.Random) -> dict[str, Callable[[], str]]:
        pick = self._pick
        return {
            # Place slots follow the item's locale.
            "district": lambda: self.locale.district,
            "town": lambda: self.locale.town,
            "community": lambda: self.locale.community,
            "checkpoint": lambda: pick(self.locale.checkpoints),
            "site": lambda: pick(self.locale.sites),
            "shop": lambda: pick(self.locale.shops),
            "hospital": lambda: pick(self.locale.hospitals),
            "school": lambda: pick(self.locale.schools),
            "city_hospital": lambda: pick(CITY_HOSPITALS),
            # Goods.
            "goods": lambda: pick(v.GOODS),
            "veg": lambda: pick(v.VEGETABLES),
            "drug": lambda: pick(v.MEDICINES),
            # Day facts.
            "date": lambda: self.facts.date,
            "yday": lambda: self.facts.yday,
            "tomorrow": lambda: self.facts.tomorrow,
            "confirmed": lambda: self.facts.confirmed,
            "asym": lambda: self.facts.asym,
            "total": lambda: self.facts.total,
            "cured": lambda: self.facts.cured,
            "tests": lambda: self.facts.tests,
            "local_cases": self._local_cases,
            # Free numbers.
            "minutes": _number(rng, 20, 180, 5),
            "hours": _number(rng, 1, 6),
            "km": _number(rng, 1, 8),
            "cars": _number(rng, 800, 6000, 10),
            "people": _number(rng, 120, 9000, 10),
            "staff": _number(rng, 30, 800, 5),
            "count": _number(rng, 3, 40),
            "points": _number(rng, 300, 900, 10),
            "cases": _number(rng, 3, 12),
            "lanes": _number(rng, 3, 8),
            "rounds": _number(rng, 3, 9),
            "beds": _number(rng, 800, 3000, 100),
            "mask_price": _number(rng, 35, 90),
            "veg_price": _number(rng, 8, 30),
            "drug_price": _number(rng, 45, 160),
            "fine": _number(rng, 1, 50),
            "pct": _number(rng, 60, 98),
        }
