"""The scheduler: ``python manage.py scheduler`` (one per deployment), or inside
``python -m dashboard`` for the embedded default (``RUN_SCHEDULER``).

Jobs are plain functions that open their own sessions, so tests call them
directly; the process only wires them to APScheduler. Each run is recorded in
``job_runs`` for the health view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from config.settings import load_settings
from db.backup import backup
from db.models import JobRun
from db.session import make_engine, make_session_factory, transaction
from workflows.drop_folder import process
from workflows.intake import recover_interrupted
from workflows.progress import refresh_if_requested, refresh_progress
from workflows.reminders import overdue_job

log = logging.getLogger(__name__)
BACKUPS_KEPT = 14


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
        finished = session.get(JobRun, run_id)
        if finished is None:  # the run's row was deleted meanwhile: nothing to close
            log.warning("定时任务 %s 的运行记录 %s 已不存在", name, run_id)
        else:
            finished.finished_at, finished.ok, finished.detail = (
                datetime.now(UTC),
                ok,
                detail[:2000],
            )
    return ok


def nightly_recompute(factory: sessionmaker[Session]) -> bool:
    """Nightly, whatever changed: the as-of year moves with the calendar too."""
    return run_recorded(factory, "recompute_progress", lambda: refresh_progress(factory))


def recovery_job(factory: sessionmaker[Session]) -> bool:
    """Every few minutes, what a killed or failed process left: imports whose process
    died are marked failed (their senders may send again), and a progress recompute
    asked for, or accepted changes recorded but not yet assessed (a worker killed
    between its upload and its background recompute), are served."""

    def recover() -> str:
        interrupted = recover_interrupted(factory)
        refreshed = refresh_if_requested(factory)
        return f"interrupted imports marked failed: {interrupted}; progress recomputed: {refreshed}"

    return run_recorded(factory, "recovery", recover)


def drop_folder_job(factory: sessionmaker[Session], root: Path) -> bool:
    return run_recorded(
        factory, "drop_folder", lambda: [(r.name, r.status) for r in process(factory, root)]
    )


def overdue_reminders_job(factory: sessionmaker[Session]) -> bool:
    """Daily: reminders for figures past their due date (and e-mail, if configured)."""
    return run_recorded(factory, "overdue_reminders", lambda: overdue_job(factory))


def backup_job(factory: sessionmaker[Session], dest: Path, keep: int = BACKUPS_KEPT) -> bool:
    """Daily: a consistent copy of the database, the newest ``keep`` kept."""
    return run_recorded(factory, "backup", lambda: backup(factory.kw["bind"], dest, keep))


_JOBS: dict[str, Callable[..., bool]] = {
    "drop_folder": drop_folder_job,
    "recompute_progress": nightly_recompute,
    "recovery": recovery_job,
    "overdue_reminders": overdue_reminders_job,
    "backup": backup_job,
}
_factories: dict[str, sessionmaker[Session]] = {}


def scheduled(name: str, *args: object) -> bool:
    """Run job ``name`` against the database the settings name now.

    The persistent job store pickles each job's arguments into the database (and
    so into every backup): they hold nothing secret, only the job's name and its
    folders. The database URL, password included, is read from the settings
    (``DATABASE_URL``) when the job runs, and the process opens one engine per URL
    the first time a job needs it.
    """
    url = load_settings().sqlalchemy_url
    if url not in _factories:
        _factories[url] = make_session_factory(make_engine(url))
    return _JOBS[name](_factories[url], *args)


def build_scheduler(url: str, drop_root: Path, backup_dir: Path | None = None) -> BlockingScheduler:
    """Jobs kept in the database at ``url`` (a persistent job store), so a
    restarted scheduler process picks up where it was; one process per
    deployment. The jobs work on the database the settings name when each runs
    (the same one, in the scheduler process): no stored job holds a URL."""
    scheduler = BlockingScheduler(
        timezone="Asia/Shanghai", jobstores={"default": SQLAlchemyJobStore(url=url)}
    )
    _add_jobs(scheduler, drop_root, backup_dir)
    return scheduler


def in_process_scheduler(drop_root: Path, backup_dir: Path | None = None) -> BackgroundScheduler:
    """The same jobs in a thread of ``python -m dashboard`` (the embedded default, one
    process): without it the README's one command would never read the drop folder,
    recover an interrupted import or recompute at night, and /health would say
    ``degraded`` for ever. Jobs kept in memory, not in the database: a
    ``manage.py scheduler`` started later keeps its own store rather than sharing one
    APScheduler cannot share. The five-minute jobs run once at start."""
    scheduler = BackgroundScheduler(
        timezone="Asia/Shanghai", jobstores={"default": MemoryJobStore()}, daemon=True
    )
    _add_jobs(scheduler, drop_root, backup_dir, start_now=True)
    return scheduler


def _add_jobs(
    scheduler: BaseScheduler, drop_root: Path, backup_dir: Path | None, start_now: bool = False
) -> None:
    now = datetime.now(UTC)
    for name, trigger, extra in [
        ("drop_folder", IntervalTrigger(minutes=5), [drop_root]),
        ("recompute_progress", CronTrigger(hour=2, minute=30), []),
        ("recovery", IntervalTrigger(minutes=5), []),
        # before office hours, Beijing time, the calendar of the deadlines
        ("overdue_reminders", CronTrigger(hour=6, minute=0), []),
        ("backup", CronTrigger(hour=3, minute=0), [backup_dir or drop_root.parent / "backups"]),
    ]:
        first = {"next_run_time": now} if start_now and isinstance(trigger, IntervalTrigger) else {}
        scheduler.add_job(
            scheduled,
            trigger,
            args=[name, *extra],
            id=name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            **first,
        )
