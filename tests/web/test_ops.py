"""Operations endpoints: liveness, a readiness that really checks the database and the
queue, Prometheus metrics with request latency by route, and the CSRF check behind
a reverse proxy that rewrites Host."""

from __future__ import annotations

import socket
from pathlib import Path

from fastapi.testclient import TestClient

from yuqing.config import Settings, load_settings
from yuqing.store.db import Database
from yuqing.web.app import create_app


def test_health_is_alive_without_login(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}


def test_ready_checks_database_queue_lag_and_sources(client: TestClient) -> None:
    response = client.get("/api/ready")
    assert response.status_code == 200
    body = response.json()
    checks = body["checks"]
    assert checks["database"]["ok"] and checks["queue"]["ok"]
    assert checks["queue"]["pending_tasks"] == 0
    # The four seeded items were never analysed: they are the lag.
    assert checks["analysis"]["pending"] == 4 and checks["analysis"]["lag_seconds"] > 0
    assert checks["sources"] == {"ok": True, "failing": 0}


def test_ready_answers_503_when_the_queue_is_down(tmp_path: Path, web_db: Database) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = load_settings(
        data_dir=tmp_path, secret_key="t" * 32, redis_url=f"redis://127.0.0.1:{port}/0"
    )
    with TestClient(create_app(settings, web_db), base_url="https://testserver") as client:
        response = client.get("/api/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and not body["checks"]["queue"]["ok"]
    assert "onnection" in body["checks"]["queue"]["error"]
    assert body["checks"]["database"]["ok"]


def test_metrics_report_figures_and_latency_by_route(client: TestClient) -> None:
    client.get("/api/health")
    client.get("/items/999999")  # a templated route, whatever the answer
    text = client.get("/metrics").text
    assert "yuqing_items_stored 4.0" in text
    assert "yuqing_items_pending_analysis 4.0" in text
    assert "yuqing_analysis_lag_seconds" in text and "yuqing_sources_failing 0.0" in text
    assert 'yuqing_http_request_seconds_count{method="GET",route="/api/health",status="200"}' in (
        text
    )
    assert 'route="/items/{item_id}"' in text  # by template, not by id


def test_csrf_behind_a_proxy_trusts_only_configured_origins(
    settings: Settings, web_db: Database, tmp_path: Path
) -> None:
    # The proxy forwards to 127.0.0.1:8000 and the browser's Origin is the public name.
    proxied = {"Host": "127.0.0.1:8000", "Origin": "https://desk.example.gov.cn"}
    with TestClient(create_app(settings, web_db), base_url="https://testserver") as plain:
        assert plain.post("/logout", headers=proxied).status_code == 403
    trusting = load_settings(
        data_dir=tmp_path,
        secret_key="t" * 32,
        trusted_origins=["https://desk.example.gov.cn"],
    )
    app = create_app(trusting, web_db)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        assert client.post("/logout", headers=proxied).status_code == 303
        evil = {"Host": "127.0.0.1:8000", "Origin": "https://evil.example"}
        assert client.post("/logout", headers=evil).status_code == 403
