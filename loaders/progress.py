"""Recompute the progress snapshots from the stored catalogue and observations.

Called after accepted data change (the sample load now; intake and review
later), by ``manage.py recompute-progress`` and by the scheduler's nightly job.
Each run stores the as-of year and the year before it, so pages can say what
changed since the previous period (``db.progress.status_changes``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import socket
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from db import leases
from db.catalogue import stored_catalogue
from db.observations import current_observations
from db.progress import replace_snapshots
from db.regions import load_directory
from db.session import transaction
from indicators.progress_run import Result, assess_all, up_to

log = logging.getLogger(__name__)
PROGRESS_LEASE = "progress"
# longer than a recompute of the largest dataset takes (bench_progress.py), so a
# lease only runs out when its holder died
LEASE_TTL = timedelta(minutes=15)
# recomputes one call may run for requests made while it ran (each about 1.5 s on
# the sample data under load)
MAX_ROUNDS = 3


def _digest(frame) -> str:  # type: ignore[no-untyped-def]
    """A fingerprint of the observations used, to say what a snapshot was computed from."""
    text = frame.sort_values("id")[["id", "value"]].to_csv(index=False) if not frame.empty else ""
    return hashlib.sha256(text.encode()).hexdigest()


def _finite(value: float | None) -> float | None:
    """Infinity has no place in a Float column (and no meaning on a page)."""
    return value if value is None or math.isfinite(value) else None


def _row(result: Result, as_of: int, digest: str, at: datetime) -> dict[str, object]:
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
        "inputs_digest": digest,
    }


def recompute_progress(factory: sessionmaker[Session], as_of: int | None = None) -> int:
    """Assess every target as of ``as_of`` (default: the last year with data) and
    as of the year before, and store both years' snapshots in one transaction;
    returns how many were stored for ``as_of``.

    Each year is computed from the observations of periods up to it only, so
    the previous year's snapshots are what a run in that year would have
    stored (with today's revisions of the data), and its digest says so.
    """
    with transaction(factory) as session:
        directory = load_directory(session)
        catalogue = stored_catalogue(session)
        observations = current_observations(session)
        if as_of is None:
            years = observations.period.str[:4].astype(int) if not observations.empty else []
            as_of = int(max(years)) if len(years) else datetime.now(UTC).year - 1
        at = datetime.now(UTC)
        counts: dict[int, int] = {}
        for year in (as_of - 1, as_of):
            known = up_to(observations, year)
            results = assess_all(catalogue, directory, known, year)
            digest = _digest(known)
            rows = [_row(r, year, digest, at) for r in results]
            counts[year] = replace_snapshots(session, year, rows)
    log.info("进展评估：%d 个目标，截至 %d 年（另存 %d 年）", counts[as_of], as_of, as_of - 1)
    return counts[as_of]


def refresh_progress(factory: sessionmaker[Session]) -> bool:
    """Bring the snapshots up to date after accepted data changed; True if this
    call recomputed.

    Two recomputes at once would collide on the snapshots' unique key, and each
    import recomputing in turn costs a full recompute per file; so the change is
    recorded (the lease's request flag) and whoever holds the lease serves the
    requests made while it runs. A caller that finds the lease held returns at
    once: the holder recomputes again after its run, seeing this caller's data.
    The holder serves at most ``MAX_ROUNDS`` runs, so that a steady stream of
    uploads cannot keep one request busy for ever (the load test's did, until
    gunicorn killed the worker); what it leaves is served by the next upload or
    the scheduler's ``recovery`` job. A recompute that fails is logged and left
    requested for the same: the data are stored; only the snapshots lag.
    """
    holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    with transaction(factory) as session:
        leases.request(session, PROGRESS_LEASE, datetime.now(UTC))
    rounds = 0
    while rounds < MAX_ROUNDS:
        with transaction(factory) as session:
            if not leases.take(session, PROGRESS_LEASE, holder, datetime.now(UTC), LEASE_TTL):
                break
        try:
            while rounds < MAX_ROUNDS:
                with transaction(factory) as session:
                    if not leases.claim_request(session, PROGRESS_LEASE):
                        break
                rounds += 1
                try:
                    recompute_progress(factory)
                except Exception:
                    log.exception("进展评估失败，待下次重试")
                    with transaction(factory) as session:
                        leases.request(session, PROGRESS_LEASE, datetime.now(UTC))
                    return False
        finally:
            with transaction(factory) as session:
                leases.release(session, PROGRESS_LEASE, holder)
        # a request made after the last claim but before the release found the
        # lease held and left it to us
        with factory() as session:
            if not leases.requested(session, PROGRESS_LEASE):
                break
    return rounds > 0


def refresh_if_requested(factory: sessionmaker[Session]) -> bool:
    """The scheduler's retry: serve a request left by a failed or killed recompute."""
    with factory() as session:
        if not leases.requested(session, PROGRESS_LEASE):
            return False
    return refresh_progress(factory)
