"""The scheduler process: ``python manage.py scheduler`` (one per deployment).

Jobs are plain functions that open their own sessions, so tests call them
directly; the process only wires them to APScheduler. Each run is recorded in
``job_runs`` for the health view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from db.models import JobRun
from db.session import transaction
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


def build_scheduler(factory: sessionmaker[Session]) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
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
