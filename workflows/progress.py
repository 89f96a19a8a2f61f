"""Recompute the progress snapshots from the stored catalogue and observations.

Two ways, one result. An accepted change (an import on any channel, a review's
approval, a published or sample layer load) records the indicator × region pairs
it touched in ``progress_changes``, in its own transaction; the request then
only kicks (``kick``) a background thread of its process and answers. The thread (or,
if the process died, the scheduler's ``recovery`` job) takes the progress lease
and runs ``recompute_changed``: the targets those pairs can affect
(``indicators.progress_run.affected_targets``) are reassessed from the rows of
their indicators alone, and only the snapshots that differ from the stored ones
are written. ``recompute_progress`` reassesses every target the same way — for
a catalogue change, ``manage.py recompute-progress``, the nightly job, or when
the as-of year moves. Each run stores the as-of year and the year before it, so
pages can say what changed since the previous period
(``db.progress.status_changes``).
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from db import leases
from db.observations import current_observations, latest_data_year
from db.progress import (
    clear_changes,
    has_pending_changes,
    latest_as_of,
    pending_changes,
    write_changed,
)
from db.session import transaction
from indicators.catalogue import Catalogue
from indicators.progress_run import Result, affected_targets, assess_all, needed_indicators
from indicators.regions import RegionDirectory
from workflows.progress_views import precompute_views, store_with_snapshots
from workflows.reference import reference_data

log = logging.getLogger(__name__)
PROGRESS_LEASE = "progress"
# longer than a recompute of the largest dataset takes (bench_progress.py), so a
# lease only runs out when its holder died
LEASE_TTL = timedelta(minutes=15)
# recomputes one call may run for requests made while it ran (each about 1.5 s on
# the sample data under load)
MAX_ROUNDS = 3


def _finite(value: float | None) -> float | None:
    """Infinity has no place in a Float column (and no meaning on a page)."""
    return value if value is None or math.isfinite(value) else None


def _row(result: Result, as_of: int, at: datetime) -> dict[str, object]:
    a, o = result.assessment, result.outlook
    return {
        "target_id": a.target_id,
        "scope_code": result.scope_code,
        "as_of": as_of,
        "status": a.status,
        "final": a.final,
        "method": a.method or "",
        "figure_origin": result.origin,
        "layer": result.layer,
        "baseline_year": a.baseline.year if a.baseline else None,
        "baseline_value": a.baseline.value if a.baseline else None,
        "baseline_from_plan": a.baseline_from_plan,
        "latest_year": a.latest.year if a.latest else None,
        "latest_value": a.latest.value if a.latest else None,
        "latest_bound": (a.latest.bound or None) if a.latest else None,
        "share_of_way": a.share_of_way,
        "share_of_time": a.share_of_time,
        "expected_now": a.expected_now,
        "cagr_actual": a.cagr_actual,
        "cagr_required": a.cagr_required,
        "ratio": _finite(a.ratio),
        "projected": a.projected,
        "gap": a.gap,
        "outlook": o.symbol,
        "outlook_projected": _finite(o.projected),
        "outlook_shortfall": _finite(o.shortfall),
        "outlook_note": o.note or None,
        "series": [[p.year, _finite(p.value)] for p in result.series],
        "unit": result.unit,
        "used": list(a.used),
        "note": a.note or None,
        "computed_at": at,
        "inputs_digest": result.digest,
    }


def _store(
    session: Session,
    catalogue: Catalogue,
    directory: RegionDirectory,
    observations: pd.DataFrame,
    as_of: int,
    targets: set[str] | None,
) -> dict[int, int]:
    """Assess ``targets`` (None: all) as of ``as_of`` and the year before and write
    the snapshots that changed; returns how many were written per year."""
    at = datetime.now(UTC)
    written: dict[int, int] = {}
    for year in (as_of - 1, as_of):
        results = assess_all(catalogue, directory, observations, year, targets)
        rows = [_row(r, year, at) for r in results]
        written[year] = write_changed(session, year, rows, targets)
    return written


def _as_of(session: Session) -> int:
    """The last year with data (the current year's previous one while there is none)."""
    year = latest_data_year(session)
    return year if year is not None else datetime.now(UTC).year - 1


def recompute_progress(factory: sessionmaker[Session], as_of: int | None = None) -> int:
    """Assess every target as of ``as_of`` (default: the last year with data) and
    as of the year before, and store both years' snapshots in one transaction
    (writing only those that changed); returns how many targets were assessed
    for ``as_of``. The changes recorded before it started are served by it.

    Each year is computed from the observations of periods up to it only, so
    the previous year's snapshots are what a run in that year would have
    stored (with today's revisions of the data), and each snapshot's digest
    names the observations its target read.
    """
    with transaction(factory) as session:
        changes = pending_changes(session)
        reference = reference_data(session)
        catalogue, directory = reference.catalogue, reference.directory
        observations = current_observations(session)
        year = as_of if as_of is not None else _as_of(session)
        written = _store(session, catalogue, directory, observations, year, None)
        clear_changes(session, [i for i, _, _ in changes])
        store_with_snapshots(session)
    assessed = len(catalogue.targets)
    log.info(
        "进展评估（全部）：%d 个目标，截至 %d 年（另存 %d 年），写入 %d 条快照",
        assessed,
        year,
        year - 1,
        sum(written.values()),
    )
    return assessed


def recompute_changed(factory: sessionmaker[Session]) -> int:
    """Serve the recorded changes: reassess the targets they can affect from the
    rows of those targets' indicators only, and write the snapshots that changed;
    returns how many targets were reassessed. When the as-of year has moved (a
    first figure of a new year, or the last of one withdrawn) every target is
    reassessed (``recompute_progress``). The changes are deleted in the same
    transaction, so a process killed midway leaves them for the next run."""
    with transaction(factory) as session:
        changes = pending_changes(session)
        if not changes:
            return 0
        year = _as_of(session)
        if latest_as_of(session) != year:
            full = True
        else:
            full = False
            reference = reference_data(session)
            catalogue, directory = reference.catalogue, reference.directory
            targets = affected_targets(catalogue, directory, [(i, r) for _, i, r in changes])
            if targets:
                wanted = {
                    ind
                    for entry in catalogue.targets
                    if entry.id in targets
                    for ind in needed_indicators(catalogue, entry.indicator_id)
                }
                observations = current_observations(session, indicators=wanted)
                written = _store(session, catalogue, directory, observations, year, targets)
                log.info(
                    "进展评估（增量）：%d 项变更涉及 %d 个目标，截至 %d 年，写入 %d 条快照",
                    len(changes),
                    len(targets),
                    year,
                    sum(written.values()),
                )
            clear_changes(session, [i for i, _, _ in changes])
            store_with_snapshots(session)
    if full:
        return recompute_progress(factory)
    return len(targets)


def _waiting(session: Session) -> bool:
    """A full recompute asked for, or changes recorded and not yet assessed."""
    return leases.requested(session, PROGRESS_LEASE) or has_pending_changes(session)


def _serve(factory: sessionmaker[Session]) -> bool:
    """Run what is waiting while this process holds the progress lease; True if
    it ran anything.

    Two recomputes at once would collide on the snapshots' unique key, so one
    process at a time holds the lease and serves what was asked meanwhile: a
    full recompute (the lease's request flag) before the recorded changes, which
    it serves too. A caller that finds the lease held returns at once: the
    holder looks again after releasing it. The holder serves at most
    ``MAX_ROUNDS`` runs, so that a steady stream of uploads cannot keep it busy
    for ever (the load test's did, until gunicorn killed the worker); what it
    leaves is served by the next change's kick or the scheduler's ``recovery``
    job. A recompute that fails is logged and left waiting for the same (a full
    one re-requested, changes never deleted): the data are stored; only the
    snapshots lag.
    """
    holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    rounds = 0
    while rounds < MAX_ROUNDS:
        with transaction(factory) as session:
            if not leases.take(session, PROGRESS_LEASE, holder, datetime.now(UTC), LEASE_TTL):
                break
        try:
            while rounds < MAX_ROUNDS:
                with transaction(factory) as session:
                    full = leases.claim_request(session, PROGRESS_LEASE)
                    if not full and not has_pending_changes(session):
                        break
                rounds += 1
                try:
                    if full:
                        recompute_progress(factory)
                    else:
                        recompute_changed(factory)
                except Exception:
                    log.exception("进展评估失败，待下次重试")
                    if full:
                        with transaction(factory) as session:
                            leases.request(session, PROGRESS_LEASE, datetime.now(UTC))
                    return False
        finally:
            with transaction(factory) as session:
                leases.release(session, PROGRESS_LEASE, holder)
        # a change made after the last look but before the release found the
        # lease held and left it to us
        with factory() as session:
            if not _waiting(session):
                break
    if rounds > 0:
        # the pages' data of the new snapshots, made before a reader asks — unless more
        # changes wait: their verdicts first (the caller's loop or the lease holder
        # serves them and makes the data of the last state; a reader meanwhile makes it)
        with factory() as session:
            waiting = _waiting(session)
        if not waiting:
            after_recompute(factory)
    return rounds > 0


# per session factory, what the process that made it wants done once a recompute's page
# data are made: the web layer renders the page replies its visitors ask most for
# (dashboard/warm.py), so the first visitor after an upload finds them kept
_after_recompute: weakref.WeakKeyDictionary[
    sessionmaker[Session], Callable[[Callable[[], bool]], None]
] = weakref.WeakKeyDictionary()


def on_recomputed(
    factory: sessionmaker[Session], hook: Callable[[Callable[[], bool]], None]
) -> None:
    """Call ``hook(stop)`` after each recompute this process serves on ``factory``'s
    database, once the page data of the new snapshots are made; ``stop()`` says that
    another change waits (its recompute comes first, and makes what the hook made old).
    One hook per factory: a later one replaces it."""
    _after_recompute[factory] = hook


def after_recompute(factory: sessionmaker[Session]) -> None:
    """What follows a recompute's commit, off the request, when no other change waits:
    the page data of the new snapshots (``precompute_views``), then the hook registered
    for ``factory`` (``on_recomputed``). Never a reason to fail the recompute."""
    precompute_views(factory)
    hook = _after_recompute.get(factory)
    if hook is None:
        return

    def stop() -> bool:
        with factory() as session:
            return _waiting(session)

    try:
        hook(stop)
    except Exception:
        log.exception("重新计算后的页面预热失败")


def refresh_progress(factory: sessionmaker[Session]) -> bool:
    """Reassess every target now (nightly, after a catalogue change): asks for a
    full recompute and serves it unless another process holds the lease, which
    then serves it after its run; True if this call recomputed."""
    with transaction(factory) as session:
        leases.request(session, PROGRESS_LEASE, datetime.now(UTC))
    return _serve(factory)


def refresh_changes(factory: sessionmaker[Session]) -> bool:
    """Serve the recorded changes (and a full recompute asked for) now, in this
    thread; True if this call recomputed. What ``kick``'s thread runs."""
    return _serve(factory)


def refresh_if_requested(factory: sessionmaker[Session]) -> bool:
    """The scheduler's retry: serve what a failed or killed process left waiting."""
    with factory() as session:
        if not _waiting(session):
            return False
    return _serve(factory)


class _Kicker:
    """One background thread per process (and database) that serves the recorded
    changes after a request committed them: the request answers at once, and a
    kick while the thread runs makes it look once more when it is done."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.threads: dict[int, threading.Thread] = {}
        self.again: set[int] = set()

    def kick(self, factory: sessionmaker[Session]) -> None:
        key = id(factory)
        with self.lock:
            running = self.threads.get(key)
            if running is not None and running.is_alive():
                self.again.add(key)
                return
            thread = threading.Thread(
                target=self._run, args=(factory,), name="progress-recompute", daemon=True
            )
            self.threads[key] = thread
            thread.start()

    def _run(self, factory: sessionmaker[Session]) -> None:
        key = id(factory)
        while True:
            try:
                ran = refresh_changes(factory)
                with factory() as session:
                    left = ran and _waiting(session)  # MAX_ROUNDS reached under a stream
            except Exception:  # the thread must end cleanly; the scheduler retries
                log.exception("后台进展评估失败，待定时任务重试")
                left = False
            with self.lock:
                if not left and key not in self.again:
                    del self.threads[key]
                    return
                self.again.discard(key)

    def wait(self, timeout: float = 60.0) -> bool:
        """Until every thread started here is done (tests, benchmarks, shutdown)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                threads = list(self.threads.values())
            if not threads:
                return True
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            if time.monotonic() >= deadline:
                with self.lock:
                    return not self.threads


_kicker = _Kicker()
# what an upload's answer says about when its verdict shows: the background
# recompute of a few targets takes well under a second (docs/progress-benchmark.txt);
# if this process dies first, the scheduler's recovery job (every 5 minutes) serves it
EXPECTED_SECONDS = 2
RECOVERY_MINUTES = 5


def kick(factory: sessionmaker[Session]) -> dict[str, object]:
    """After a request committed accepted changes: serve them in the background
    and say (for the answer, in Chinese and English) when the verdict shows."""
    _kicker.kick(factory)
    return {
        "status": "queued",
        "expected_seconds": EXPECTED_SECONDS,
        "message_zh": (
            f"进展评估已在后台重新计算，约 {EXPECTED_SECONDS} 秒内在各页面和 /api/v1/progress 显示；"
            f"如遇服务重启，最迟 {RECOVERY_MINUTES} 分钟内由定时任务补算"
        ),
        "message_en": (
            f"Progress is being reassessed in the background: the verdicts show on the pages and "
            f"in /api/v1/progress within about {EXPECTED_SECONDS} s (after a restart, within "
            f"{RECOVERY_MINUTES} minutes, by the scheduled job)"
        ),
    }


def wait_for_progress(timeout: float = 60.0) -> bool:
    """Block until this process's background recomputes are done."""
    return _kicker.wait(timeout)
