"""Every route declares who may use it; nothing is open by accident."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from tests.web.conftest import login
from yuqing.store.models import Role
from yuqing.web.app import api_routes
from yuqing.web.security import Access

# The only routes anyone may use without logging in.
PUBLIC_ROUTES = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/api/health"),
    # Readiness and metrics for load balancers and Prometheus (docs/deploy.md restricts
    # /metrics at the proxy); they show counts and states, no records.
    ("GET", "/api/ready"),
    ("GET", "/metrics"),
    # Published clarifications (辟谣) are public by design, read-only.
    ("GET", "/clarifications"),
    ("GET", "/clarifications.json"),
    ("GET", "/clarifications/feed.xml"),
    ("GET", "/clarifications/{claim_id}"),
}
PUBLIC_MOUNTS = {"/static"}


def access_of(route: APIRoute) -> list[Access]:
    found: list[Access] = []

    def walk(dependant: Any) -> None:
        if isinstance(dependant.call, Access):
            found.append(dependant.call)
        for sub in dependant.dependencies:
            walk(sub)

    walk(route.dependant)
    return found


def test_every_route_declares_its_audience(app: FastAPI) -> None:
    undeclared = [r.path for r in api_routes() if not access_of(r)]
    assert undeclared == []


def test_only_the_listed_routes_are_public(app: FastAPI) -> None:
    public = {
        (method, r.path)
        for r in api_routes()
        if any(a.public for a in access_of(r))
        for method in r.methods or ()
    }
    assert public == PUBLIC_ROUTES
    mounts = {r.path for r in app.routes if isinstance(r, Mount)}
    assert mounts == PUBLIC_MOUNTS


def test_the_audit_sees_every_route_the_app_serves(app: FastAPI) -> None:
    """The list the audit walks is the app's: every documented path is in it."""
    audited = {r.path for r in api_routes()}
    assert len(audited) >= 8
    assert set(app.openapi()["paths"]) <= audited


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_anonymous_requests_are_turned_away(app: FastAPI, client: TestClient) -> None:
    for route in api_routes():
        for method in route.methods or ():
            if (method, route.path) in PUBLIC_ROUTES:
                continue
            response = client.request(method, concrete(route.path))
            if route.path.startswith("/api/"):
                assert response.status_code == 401, (method, route.path)
            else:
                assert response.status_code == 303, (method, route.path)
                assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.RESPONDER])
def test_field_roles_cannot_read_the_desk_item_list(client: TestClient, role: Role) -> None:
    login(client, role.value)
    assert client.get("/items").status_code == 403
    assert client.get("/api/items").status_code == 403
    assert client.get("/api/me").json()["roles"] == [role.value]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ANALYST, Role.EDITOR, Role.SIGNER])
def test_desk_roles_read_the_item_list(client: TestClient, role: Role) -> None:
    login(client, role.value)
    assert client.get("/items").status_code == 200
