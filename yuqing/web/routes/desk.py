"""Pages and API of the desk wing."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
