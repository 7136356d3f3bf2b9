"""Pages and API of the network wing."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
