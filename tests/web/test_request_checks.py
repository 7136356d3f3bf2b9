"""Every documented operation, walked from the OpenAPI description: ids past what a
BIGINT holds answer 404/422, never 500; every 422 answer has the documented shape;
no route does its work on the event loop."""

from __future__ import annotations

import inspect
from typing import Any

import jsonschema
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import login
from yuqing.web.app import api_routes

HUGE = 2**64
Operation = tuple[str, str, dict[str, Any]]


def operations(spec: dict[str, Any]) -> list[Operation]:
    return [
        (method.upper(), path, op)
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
    ]


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def is_int(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """An integer, an optional one, or a list of them."""
    schema = resolve(spec, schema)
    options = [resolve(spec, o) for o in schema.get("anyOf", [schema])]
    options += [resolve(spec, o["items"]) for o in options if o.get("type") == "array"]
    return any(o.get("type") == "integer" for o in options)


def body_of(spec: dict[str, Any], op: dict[str, Any], value: object) -> dict[str, Any]:
    """Request keyword arguments with ``value`` in every integer field of the body."""
    content = op.get("requestBody", {}).get("content", {})
    for kind, media in content.items():
        schema = resolve(spec, media["schema"])
        fields: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            prop = resolve(spec, prop)
            if is_int(spec, prop):
                fields[name] = value
            elif prop.get("type") == "array":
                item = resolve(spec, prop.get("items", {}))
                fields[name] = [value] if is_int(spec, item) else ["x"]
            elif prop.get("format") == "binary" or prop.get("contentMediaType"):
                continue
            elif prop.get("type") == "boolean":
                fields[name] = False
            else:
                fields[name] = "x"
        if kind == "application/json":
            return {"json": fields}
        return {
            "data": {
                k: [str(v) for v in fields[k]] if isinstance(fields[k], list) else str(fields[k])
                for k in fields
            }
        }
    return {}


def request_with(
    spec: dict[str, Any], path: str, op: dict[str, Any], value: object
) -> tuple[str, dict[str, Any], bool]:
    """The path and request arguments with ``value`` in every integer input; whether
    there was one."""
    query: dict[str, Any] = {}
    any_int = False
    for param in op.get("parameters", []):
        integer = is_int(spec, param.get("schema", {}))
        any_int |= integer
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", str(value) if integer else "x")
        elif param["in"] == "query" and integer:
            query[param["name"]] = str(value)
    kwargs = body_of(spec, op, value)
    body = kwargs.get("json") or kwargs.get("data") or {}
    any_int |= any(
        v == value or v == str(value) or v == [str(value)] or v == [value] for v in body.values()
    )
    return path, {"params": query, **kwargs}, any_int


def test_ids_past_bigint_answer_404_or_422_on_every_operation(
    app: FastAPI, client: TestClient
) -> None:
    login(client, "admin")
    spec = app.openapi()
    walked, failures = 0, []
    for method, path, op in operations(spec):
        url, kwargs, has_int = request_with(spec, path, op, HUGE)
        if not has_int:
            continue
        walked += 1
        response = client.request(method, url, **kwargs)
        if response.status_code not in (400, 404, 422):
            failures.append(f"{method} {path}: {response.status_code}")
    assert walked >= 60
    assert failures == []


def test_every_422_answer_matches_its_openapi_schema(app: FastAPI, client: TestClient) -> None:
    login(client, "admin")
    spec = app.openapi()
    checked, failures = 0, []
    for method, path, op in operations(spec):
        documented = op.get("responses", {}).get("422")
        if not documented or not path.startswith("/api/"):
            continue
        url, kwargs, has_int = request_with(spec, path, op, HUGE)
        if not has_int:
            kwargs = {"json": [1]} if "requestBody" in op else {"params": {}}
            url = url.replace("{", "").replace("}", "")
        response = client.request(method, url, **kwargs)
        if response.status_code != 422:
            continue
        checked += 1
        schema = {
            **documented["content"]["application/json"]["schema"],
            "components": spec["components"],
        }
        try:
            jsonschema.validate(response.json(), schema)
        except jsonschema.ValidationError as exc:
            failures.append(f"{method} {path}: {exc.message}")
    assert checked >= 25
    assert failures == []


def test_a_page_with_a_huge_id_shows_the_error_page(client: TestClient) -> None:
    login(client, "analyst")
    response = client.get(f"/items/{HUGE}")
    assert response.status_code == 422 and "请求参数有误" in response.text
    assert client.get(f"/items/{2**63 - 1}").status_code == 404
    assert client.get("/api/items", params={"source": str(HUGE)}).status_code == 422
    assert client.get("/items", params={"source": str(HUGE)}).status_code == 400


def test_no_route_runs_on_the_event_loop() -> None:
    """Database and parsing work blocks: every route is a plain function, which
    FastAPI runs in its thread pool."""
    coroutines = [r.path for r in api_routes() if inspect.iscoroutinefunction(r.endpoint)]
    assert coroutines == []
