"""``GET /health``: the database, the schema revision and the scheduler's last runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from config.settings import load_settings
from dashboard.app import create_app
from db import models
from db.migrate import head_revision
from db.session import make_engine, make_session_factory, transaction


@pytest.fixture(scope="module")
def world(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    yield factory
    engine.dispose()


def get(factory: object, read_requires_login: bool = True) -> object:
    settings = load_settings({"READ_REQUIRES_LOGIN": str(read_requires_login).lower()})
    return create_app(settings, factory).server.test_client().get("/health")


def test_hlt001_without_a_scheduler_the_app_is_degraded_but_serving(world) -> None:
    response = get(world)  # open even where reading needs an account
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["database"]["ok"] and body["database"]["schema_revision"] == head_revision()
    assert body["scheduler"]["alive"] is False and body["scheduler"]["jobs"] == {}
    # the progress lease: nothing asked for, nobody holding it
    assert body["scheduler"]["leases"]["progress"]["holder"] is None


def test_hlt002_a_recent_heartbeat_job_means_the_scheduler_is_alive(world) -> None:
    now = datetime.now(UTC)
    with transaction(world) as session:
        session.add(models.JobRun(job="drop_folder", started_at=now - timedelta(hours=2), ok=True))
        session.add(
            models.JobRun(
                job="recompute_progress",
                started_at=now - timedelta(hours=5),
                finished_at=now,
                ok=False,
            )
        )
    assert get(world).get_json()["status"] == "degraded"  # two hours: stopped
    with transaction(world) as session:
        session.add(models.JobRun(job="drop_folder", started_at=now - timedelta(minutes=3)))
    body = get(world).get_json()
    assert body["status"] == "ok" and body["scheduler"]["alive"]
    jobs = body["scheduler"]["jobs"]
    assert jobs["drop_folder"]["finished_at"] is None  # the latest run, still running
    assert jobs["recompute_progress"]["ok"] is False


def test_hlt003_a_database_that_does_not_answer_is_a_503(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.sqlite'}")
    response = get(make_session_factory(engine))
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "database": {"ok": False, "error": "OperationalError"},
    }


def test_hlt004_each_request_is_one_structured_log_line(world, capsys) -> None:
    import json
    import logging

    from config.logs import configure_logging

    configure_logging(load_settings({"LOG_FORMAT": "json"}))
    try:
        get(world, read_requires_login=False)
    finally:
        logging.getLogger().handlers.clear()
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    entry = next(x for x in lines if x["logger"] == "dashboard.requests")
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/health", 200)
    assert entry["duration_ms"] >= 0 and entry["user"] is None and entry["level"] == "INFO"


def test_hlt005_the_request_log_names_a_signed_in_account(world, capsys) -> None:
    import json
    import logging

    from config.logs import configure_logging
    from db.users import create_user
    from tests.helpers import sign_in

    with transaction(world) as session:
        create_user(session, "office", "审核-密码-2026", "reviewer")
    client = create_app(load_settings({"READ_REQUIRES_LOGIN": "true"}), world).server.test_client()
    sign_in(client, "office", "审核-密码-2026")
    configure_logging(load_settings({"LOG_FORMAT": "json"}))
    try:
        client.get("/api/v1/regions?name=510100")
    finally:
        logging.getLogger().handlers.clear()
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    entry = next(x for x in lines if x.get("path") == "/api/v1/regions")
    assert entry["user"] == "office" and entry["status"] == 200
