"""Pages and API of the reports wing."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
