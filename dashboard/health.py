"""``GET /health``: for a load balancer and for whoever is on call.

200 while the database answers — ``status`` is ``ok``, or ``degraded`` when
the scheduler process looks stopped (its five-minute drop-folder job has not
started within SCHEDULER_STALE); 503 when the database does not answer. Open
without sign-in, and it names no data: only timings, the schema revision and
the jobs' last runs.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Flask, Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from dashboard.context import session_factory
from db.health import database_latency_ms, job_leases, last_job_runs, schema_revision

health = Blueprint("health", __name__)
requests_log = logging.getLogger("dashboard.requests")

HEARTBEAT_JOB = "drop_folder"  # runs every 5 minutes
SCHEDULER_STALE = timedelta(minutes=15)


@health.get("/health")
def report() -> ResponseReturnValue:
    try:
        with session_factory()() as session:
            latency = database_latency_ms(session)
            revision = schema_revision(session)
            jobs = last_job_runs(session)
            leases = job_leases(session)
    except SQLAlchemyError as exc:
        return jsonify(
            {"status": "error", "database": {"ok": False, "error": type(exc).__name__}}
        ), 503
    beat = jobs.get(HEARTBEAT_JOB, {}).get("started_at")
    alive = beat is not None and datetime.now(UTC) - _aware(beat) < SCHEDULER_STALE
    return jsonify(
        {
            "status": "ok" if alive else "degraded",
            "database": {"ok": True, "latency_ms": latency, "schema_revision": revision},
            "scheduler": {"alive": alive, "jobs": jobs, "leases": leases},
        }
    )


def _aware(stamp: str) -> datetime:
    """SQLite returns naive UTC datetimes; PostgreSQL aware ones."""
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def log_requests(server: Flask) -> None:
    """One log line per request with method, path, status, duration and account —
    structured fields, so LOG_FORMAT=json gives a collector something to count."""

    @server.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()

    @server.after_request
    def _done(response: Response) -> Response:
        started = g.get("request_started")
        # only an account the request has already loaded: looking it up here would add a
        # database query to every asset request, which the guard lets through unread
        user = g.get("_login_user")  # where Flask-Login keeps the request's user
        account = user.account if getattr(user, "is_authenticated", False) else None
        requests_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": None
                if started is None
                else round((time.perf_counter() - started) * 1000, 1),
                "user": getattr(account, "username", None),
            },
        )
        return response
