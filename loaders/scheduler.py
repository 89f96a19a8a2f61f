"""The scheduler process: ``python manage.py scheduler`` (one per deployment).

Jobs are plain functions that open their own sessions, so tests call them
directly; the process only wires them to APScheduler. Each run is recorded in
``job_runs`` for the health view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from db.models import JobRun
from db.session import transaction
from loaders.drop_folder import process
from loaders.progress import recompute_progress

log = logging.getLogger(__name__)


def run_recorded(factory: sessionmaker[Session], name: str, job: Callable[[], object]) -> bool:
    """Run ``job``, recording start, end and outcome; a failure is logged, not raised."""
    with transaction(factory) as session:
        run = JobRun(job=name)
        session.add(run)
        session.flush()
        run_id = run.id
    ok, detail = True, ""
    try:
        detail = str(job())
    except Exception as exc:  # a job must not take the scheduler down
        ok, detail = False, f"{type(exc).__name__}: {exc}"
        log.exception("定时任务 %s 失败", name)
    with transaction(factory) as session:
        run = session.get(JobRun, run_id)
        run.finished_at, run.ok, run.detail = datetime.now(UTC), ok, detail[:2000]
    return ok


def nightly_recompute(factory: sessionmaker[Session]) -> bool:
    return run_recorded(factory, "recompute_progress", lambda: recompute_progress(factory))


def drop_folder_job(factory: sessionmaker[Session], root: Path) -> bool:
    return run_recorded(
        factory, "drop_folder", lambda: [(r.name, r.status) for r in process(factory, root)]
    )


def build_scheduler(factory: sessionmaker[Session], url: str, drop_root: Path) -> BlockingScheduler:
    """Jobs kept in the database (a persistent job store), so a restarted scheduler
    process picks up where it was; one process per deployment."""
    scheduler = BlockingScheduler(
        timezone="Asia/Shanghai", jobstores={"default": SQLAlchemyJobStore(url=url)}
    )
    scheduler.add_job(
        drop_folder_job,
        IntervalTrigger(minutes=5),
        args=[factory, drop_root],
        id="drop_folder",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        nightly_recompute,
        CronTrigger(hour=2, minute=30),
        args=[factory],
        id="recompute_progress",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
    return scheduler
