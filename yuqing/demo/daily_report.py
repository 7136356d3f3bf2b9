"""The demo plays the desk's daily report: drafted from the data, reviewed, signed and issued."""

from __future__ import annotations

from yuqing.config import Settings
from yuqing.demo.scenario import Scenario
from yuqing.store.db import Database


def play(db: Database, settings: Settings, scenario: Scenario) -> list[str]:
    """Play this part of the demo on a loaded, analysed desk; returns lines to print."""
    return []
