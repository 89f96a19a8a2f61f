"""``python -m dashboard`` (the README's one command) runs the scheduler's jobs itself.

Without them the embedded default never read the drop folder, never recovered an
interrupted import, never recomputed at night, and /health said ``degraded`` for ever.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from config.settings import PROJECT_ROOT
from tests.helpers import data_dir
from tests.live import free_port
from workflows.scheduler import in_process_scheduler

if TYPE_CHECKING:
    from tests.conftest import Seeds

PYTHON = sys.executable
PASSWORD = "Drop-folder-pw-2026"


def test_sip001_the_same_jobs_in_memory_the_five_minute_ones_at_once(tmp_path: Path) -> None:
    scheduler = in_process_scheduler(tmp_path / "drop", tmp_path / "backups")
    assert isinstance(scheduler, BackgroundScheduler)
    assert isinstance(scheduler._lookup_jobstore("default"), MemoryJobStore)  # noqa: SLF001
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {
            "drop_folder",
            "recompute_progress",
            "recovery",
            "overdue_reminders",
            "backup",
        }
        soon = datetime.now(UTC) + timedelta(seconds=5)
        assert jobs["drop_folder"].next_run_time <= soon
        assert jobs["recovery"].next_run_time <= soon
        assert jobs["recompute_progress"].next_run_time > soon  # 02:30, Beijing time
        assert jobs["drop_folder"].args == ("drop_folder", tmp_path / "drop")
    finally:
        scheduler.shutdown(wait=False)


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as reply:
        return json.loads(reply.read())


@contextmanager
def _dashboard(env: dict[str, str], log: Path, *extra: str) -> Iterator[str]:
    """``python -m dashboard`` on a free port, answering /health within 180 s."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        server = subprocess.Popen(
            [PYTHON, "-m", "dashboard", "--port", str(port), *extra],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    _get(base + "/health")
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                    time.sleep(0.5)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def _health_within(base: str, status: str, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        health = _get(base + "/health")
        if health["status"] == status or time.monotonic() > deadline:
            return health
        time.sleep(0.5)


def test_sip002_python_m_dashboard_reads_the_drop_folder_and_reports_healthy(
    seeds: Seeds, tmp_path: Path
) -> None:
    data_dir(seeds, tmp_path, "published")  # as the first start leaves it: not the subject
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "LOAD_SAMPLE_DATA": "false",
    }
    env.pop("RUN_SCHEDULER", None)
    subprocess.run(
        [PYTHON, "manage.py", "create-user", "cq_stat", "--role", "reviewer", "--password-stdin"],
        cwd=PROJECT_ROOT,
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    incoming = tmp_path / "drop" / "incoming" / "cq_stat"
    incoming.mkdir(parents=True)
    sent = incoming / "gdp.csv"
    sent.write_text(
        "地区,指标,期间,数值,单位,备注\n重庆市,地区生产总值,2022年,29129.03,亿元,\n",
        encoding="utf-8",
    )
    old = time.time() - 60  # settled: not a file still being copied in
    os.utime(sent, (old, old))
    with _dashboard(env, tmp_path / "server.log") as base:
        health = _health_within(base, "ok", 60)
        assert health["status"] == "ok", health
        assert health["scheduler"]["alive"] is True
        deadline = time.monotonic() + 90
        while sent.exists() and time.monotonic() < deadline:  # the job's first run
            time.sleep(0.5)
    processed = list((tmp_path / "drop" / "processed").iterdir())
    assert not sent.exists()
    assert any(p.name.endswith("gdp.csv") for p in processed), processed


def test_sip003_no_scheduler_when_another_process_runs_it(seeds: Seeds, tmp_path: Path) -> None:
    data_dir(seeds, tmp_path, "published")  # as the first start leaves it: not the subject
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "LOAD_SAMPLE_DATA": "false",
        "RUN_SCHEDULER": "false",
    }
    with _dashboard(env, tmp_path / "server.log") as base:
        time.sleep(3)
        health = _get(base + "/health")
    assert health["status"] == "degraded"
    assert health["scheduler"]["alive"] is False
    assert not (tmp_path / "drop").exists()  # the drop folder was never looked at
