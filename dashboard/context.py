"""What pages and API routes need from the running app, per request.

The app factory stores the session factory on the Flask app; pages and
routes read it here instead of importing a global, so tests can build apps on
their own databases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from db.catalogue import plans
from db.data_version import current_versions
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


def database_name() -> str:
    """The database this app reads (what per-worker memories are keyed by: tests and
    benchmarks run several apps on several databases in one process)."""
    return str(session_factory().kw["bind"].url)


def _versions() -> tuple[int, int, int]:
    def read() -> tuple[int, int, int]:
        with session_factory()() as session:
            return current_versions(session)

    return per_request("data_versions", read)


def data_version() -> int:
    """The data version (db/data_version.py), read once per request: what every
    kept page, reply and frame of this worker is keyed by."""
    return _versions()[0]


def reference_version() -> int:
    """The version of the reference data alone (regions, the catalogue)."""
    return _versions()[1]


def progress_version() -> int:
    """The version of the progress snapshots and what names them (db/data_version.py):
    what the precomputed page data (dashboard.data.views) is kept by."""
    return _versions()[2]


# Reference data — regions and the catalogue — change only when an administrator
# runs manage.py (load-regions, load-catalogue, init), never through the app; each
# worker keeps them while their version stands instead of reading ~5,000 rows on
# every page view (a third of a page's server time under load, scripts/load_test.py).
# A load raises both versions, so a page cached for a data version never mixes old
# names with new figures; an upload raises only the data version.
_master: dict[tuple[str, str], tuple[int, object]] = {}


def master_data(key: str, load: Callable[[], T]) -> T:
    """``load()`` once per reference data version per worker and database."""
    cache_key = (database_name(), key)
    version = reference_version()
    kept = _master.get(cache_key)
    if kept is None or kept[0] != version:
        kept = (version, load())
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
