"""Issue 17 row 15: the scheduler's job store keeps no database URL or password.

The persistent job store pickles every job into APScheduler's table in our own
database (and so into every backup). The jobs read DATABASE_URL from the settings
when they run; migration 0009 deletes the jobs stored by earlier versions.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import STATE_PAUSED
from sqlalchemy import Engine, func, inspect, select, table
from sqlalchemy.engine import make_url

from db import migrate
from db.session import make_engine, make_session_factory
from workflows import scheduler as sched
from workflows.scheduler import build_scheduler, scheduled

PASSWORD = "Pw-0f-the-DB-7c1e"
JOB_TABLE = "apscheduler_jobs"


@pytest.fixture
def secret_url(db_url: str) -> str:
    """The test database's URL with a password in it (the test server trusts
    loopback, so the password is sent and ignored; SQLite has no password, so
    the file's folder carries the same marker)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database).parent / PASSWORD
        folder.mkdir()
        return f"sqlite:///{folder / 'monitor.sqlite'}"
    return url.set(password=PASSWORD).render_as_string(hide_password=False)


@pytest.fixture
def secret_engine(secret_url: str) -> Iterator[Engine]:
    engine = make_engine(secret_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _stored_rows(engine: Engine) -> list[tuple[str, bytes]]:
    jobs = SQLAlchemyJobStore(engine=engine).jobs_t
    with engine.connect() as conn:
        return [(r.id, bytes(r.job_state)) for r in conn.execute(select(jobs))]


def _register(url: str, tmp_path: Path) -> list[tuple[str, bytes]]:
    """Start the scheduler as ``manage.py scheduler`` does (paused, so nothing runs)
    until its jobs are written to the store, then stop it."""
    scheduler = build_scheduler(url, tmp_path / "drop", tmp_path / "backups")
    runner = threading.Thread(target=scheduler.start, kwargs={"paused": True}, daemon=True)
    runner.start()
    deadline = time.monotonic() + 30
    while scheduler.state != STATE_PAUSED and time.monotonic() < deadline:
        time.sleep(0.05)  # paused: every pending job has been written to the store
    assert scheduler.state == STATE_PAUSED
    scheduler.shutdown(wait=False)
    runner.join(timeout=10)
    # the main loop wakes once more after shutdown and asks the (disposed) store's
    # engine for due jobs, opening a connection again: close it
    scheduler._jobstores["default"].engine.dispose()
    engine = make_engine(url)
    try:
        return _stored_rows(engine)
    finally:
        engine.dispose()


def test_sch001_stored_jobs_hold_no_url_and_no_password(
    secret_url: str, secret_engine: Engine, tmp_path: Path
) -> None:
    rows = _register(secret_url, tmp_path)
    assert {job_id for job_id, _ in rows} == {
        "drop_folder",
        "recompute_progress",
        "recovery",
        "overdue_reminders",
        "backup",
    }
    database = make_url(secret_url).database or ""
    for job_id, raw in rows:
        # the raw bytes, as a backup holds them
        assert PASSWORD.encode() not in raw, job_id
        assert database.encode() not in raw, job_id
        state = pickle.loads(raw)
        assert state["func"] == "workflows.scheduler:scheduled"
        assert state["args"][0] == job_id
        assert not any("://" in str(arg) or PASSWORD in str(arg) for arg in state["args"])
        assert not any(PASSWORD in str(value) for value in state["kwargs"].values())


def test_sch002_a_job_reads_the_database_from_the_settings_when_it_runs(
    secret_url: str, secret_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", secret_url)
    monkeypatch.setattr(sched, "_factories", {})
    try:
        assert scheduled("recovery") is True
        assert list(sched._factories) == [secret_url]
    finally:
        for factory in sched._factories.values():
            factory.kw["bind"].dispose()
    with make_session_factory(secret_engine)() as session:
        runs = session.execute(select(func.count()).select_from(table("job_runs"))).scalar()
    assert runs == 1


def test_sch003_migration_0009_deletes_the_jobs_stored_with_the_url(
    secret_url: str, tmp_path: Path
) -> None:
    engine = make_engine(secret_url)
    try:
        migrate.upgrade(engine, "0008")
        # a job as the earlier scheduler stored it: the URL with its password in its args
        jobs = SQLAlchemyJobStore(engine=engine).jobs_t
        jobs.metadata.create_all(engine, [jobs])
        old_state = pickle.dumps(
            {
                "version": 1,
                "id": "backup",
                "func": "workflows.scheduler:scheduled",
                "args": ("backup", secret_url, tmp_path / "backups"),
                "kwargs": {},
            },
            pickle.HIGHEST_PROTOCOL,
        )
        with engine.begin() as conn:
            conn.execute(jobs.insert().values(id="backup", next_run_time=0.0, job_state=old_state))
        assert any(PASSWORD.encode() in raw for _, raw in _stored_rows(engine))
        migrate.upgrade(engine, "0009")
        assert _stored_rows(engine) == []
        migrate.downgrade(engine, "0008")  # nothing to put back
        assert migrate.current_revision(engine) == "0008" and _stored_rows(engine) == []
    finally:
        engine.dispose()


def test_sch004_migration_0009_runs_where_no_scheduler_ever_ran(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0009")
        assert not inspect(engine).has_table(JOB_TABLE)
        migrate.downgrade(engine, "0008")
    finally:
        engine.dispose()
