"""One recompute at a time across processes, and no accepted change left unassessed.

Found by the load test (scripts/load_test.py): uploads arriving together each
recomputed, the recomputes collided on the snapshots' unique key and the
uploads, already imported, answered 500.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

import workflows.progress
from db import leases, migrate, models
from db.session import transaction
from workflows.first_run import ensure_ready
from workflows.progress import PROGRESS_LEASE, refresh_if_requested, refresh_progress


@pytest.fixture
def db_url(schema_url: str) -> str:
    """Each test here gets its own copy of the migrated, empty 'schema' seed
    (tests/conftest.py SEEDS) instead of migrating an empty database itself."""
    return schema_url


class FakeRecompute:
    """Counts runs and how many ran at once; sees the 'data' as of its start."""

    def __init__(self, seconds: float = 0.0, fail: bool = False) -> None:
        self.seconds, self.fail = seconds, fail
        self.runs: list[int] = []
        self.running = self.most = 0
        self.data = 0
        self.lock = threading.Lock()

    def __call__(self, _factory: object) -> int:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.runs.append(self.data)
        try:
            time.sleep(self.seconds)
            if self.fail:
                raise RuntimeError("磁盘已满")
            return 1
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def migrated(engine: Engine, factory: sessionmaker[Session]) -> sessionmaker[Session]:
    migrate.upgrade(engine)
    return factory


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeRecompute:
    recompute = FakeRecompute()
    monkeypatch.setattr(workflows.progress, "recompute_progress", recompute)
    return recompute


def _requested(factory: sessionmaker[Session]) -> bool:
    with factory() as session:
        return leases.requested(session, PROGRESS_LEASE)


def test_rfr001_uncontended_it_recomputes_at_once(
    migrated: sessionmaker[Session], fake: FakeRecompute
) -> None:
    assert refresh_progress(migrated) is True
    assert len(fake.runs) == 1 and not _requested(migrated)
    assert refresh_if_requested(migrated) is False and len(fake.runs) == 1


def test_rfr002_while_another_process_holds_the_lease_the_request_waits_for_it(
    migrated: sessionmaker[Session], fake: FakeRecompute
) -> None:
    now = datetime.now(UTC)
    with transaction(migrated) as session:
        assert leases.take(session, PROGRESS_LEASE, "other:1", now, timedelta(minutes=15))
    assert refresh_progress(migrated) is False  # returns at once, the data stay requested
    assert fake.runs == [] and _requested(migrated)
    with transaction(migrated) as session:
        leases.release(session, PROGRESS_LEASE, "other:1")
    assert refresh_if_requested(migrated) is True and len(fake.runs) == 1
    assert not _requested(migrated)


def test_rfr003_a_dead_holders_lease_runs_out(
    migrated: sessionmaker[Session], fake: FakeRecompute
) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    with transaction(migrated) as session:
        assert leases.take(session, PROGRESS_LEASE, "killed:9", long_ago, timedelta(minutes=15))
    assert refresh_progress(migrated) is True and len(fake.runs) == 1


def test_rfr004_a_failed_recompute_is_left_for_the_scheduler(
    migrated: sessionmaker[Session], fake: FakeRecompute
) -> None:
    fake.fail = True
    assert refresh_progress(migrated) is False  # logged, not raised: the data are stored
    assert _requested(migrated)
    with migrated() as session:
        assert session.get(models.JobLease, PROGRESS_LEASE).holder is None  # released
    fake.fail = False
    assert refresh_if_requested(migrated) is True and not _requested(migrated)


def test_rfr005_many_imports_at_once_one_recompute_at_a_time_the_last_sees_all(
    migrated: sessionmaker[Session], fake: FakeRecompute
) -> None:
    fake.seconds = 0.15
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def import_then_refresh(n: int) -> None:
        start.wait()
        time.sleep(0.05 * n)
        with fake.lock:
            fake.data += 1  # this "import" committed
        try:
            refresh_progress(migrated)
        except BaseException as exc:  # collected: asserted below
            errors.append(exc)

    threads = [threading.Thread(target=import_then_refresh, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert fake.most == 1  # never two at once
    assert fake.runs[-1] == 6  # the last recompute saw every import
    assert len(fake.runs) < 6  # and requests made meanwhile were served together
    assert not _requested(migrated)


def test_rfr006_real_recomputes_from_two_threads_do_not_collide(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    ensure_ready(engine, factory)
    results: list[object] = []
    start = threading.Barrier(2)

    def refresh() -> None:
        start.wait()
        try:
            results.append(refresh_progress(factory))
        except Exception as exc:  # collected: asserted below
            results.append(exc)

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, bool) for r in results) and any(results), results
    s = models.ProgressSnapshot
    with factory() as session:
        total = session.scalar(select(func.count()).select_from(s))
        doubled = session.execute(
            select(s.target_id, s.as_of).group_by(s.target_id, s.as_of).having(func.count() > 1)
        ).all()
    assert total > 300 and doubled == []


def test_rfr007_a_steady_stream_of_uploads_does_not_hold_one_request_for_ever(
    migrated: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the load test: the holder served request after request while uploads
    kept coming, until gunicorn killed the worker (120 s) and the upload, imported,
    answered 500."""
    runs: list[int] = []

    def recompute_while_another_upload_arrives(factory: sessionmaker[Session]) -> int:
        runs.append(1)
        with transaction(factory) as session:  # another worker's upload meanwhile
            leases.request(session, PROGRESS_LEASE, datetime.now(UTC))
        return 1

    monkeypatch.setattr(
        workflows.progress, "recompute_progress", recompute_while_another_upload_arrives
    )
    assert refresh_progress(migrated) is True
    assert len(runs) == workflows.progress.MAX_ROUNDS  # then it returns
    assert _requested(migrated)  # what is left is left requested …
    with migrated() as session:
        assert session.get(models.JobLease, PROGRESS_LEASE).holder is None  # … and free
