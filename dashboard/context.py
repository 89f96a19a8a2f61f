"""What pages and API routes need from the running app, per request.

The app factory stores the session factory on the Flask app; pages and
routes read it here instead of importing a global, so tests can build apps on
their own databases.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from db.catalogue import plans
from db.regions import load_directory
from indicators.regions import RegionDirectory

EXTENSION = "ccec_monitor"
T = TypeVar("T")


def session_factory() -> sessionmaker[Session]:
    return current_app.extensions[EXTENSION]["session_factory"]


def settings() -> Settings:
    return current_app.extensions[EXTENSION]["settings"]


def per_request(key: str, load: Callable[[], T]) -> T:
    """``load()`` once per request: a page and its figures often need the same
    frame, and a cache that lives no longer than the request cannot go stale."""
    memo = g.setdefault("ccec_memo", {})
    if key not in memo:
        memo[key] = load()
    return memo[key]


# Reference data — regions and the catalogue — change only when an administrator
# runs manage.py (load-regions, load-catalogue, init), never through the app; each
# worker keeps them this long instead of reading ~5,000 rows on every page view
# (a third of a page's server time under load, scripts/load_test.py).
MASTER_DATA_SECONDS = 60.0
_master: dict[tuple[str, str], tuple[float, object]] = {}


def master_data(key: str, load: Callable[[], T]) -> T:
    """``load()`` at most once per ``MASTER_DATA_SECONDS`` per worker and database."""
    cache_key = (str(session_factory().kw["bind"].url), key)
    now = time.monotonic()
    kept = _master.get(cache_key)
    if kept is None or now - kept[0] > MASTER_DATA_SECONDS:
        kept = (now, load())
        _master[cache_key] = kept
    return kept[1]  # type: ignore[return-value]


def region_directory() -> RegionDirectory:
    def load() -> RegionDirectory:
        with session_factory()() as session:
            return load_directory(session)

    return master_data("region_directory", load)


def plan_titles() -> dict[str, str]:
    with session_factory()() as session:
        return {plan.id: plan.title for plan in plans(session)}
