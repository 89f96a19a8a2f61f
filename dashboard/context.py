"""What pages and API routes need from the running app, per request.

The app factory stores the session factory on the Flask app; pages and
routes read it here instead of importing a global, so tests can build apps on
their own databases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import current_app, g
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from db.catalogue import plans
from db.data_version import current_versions
from db.regions import load_directory
from indicators.regions import RegionDirectory
from workflows.reference import database_key, kept

EXTENSION = "ccec_monitor"
T = TypeVar("T")


# g: set when this request has read what only the data version follows (dashboard.page_cache
# keys a reply computed without it by the progress version alone)
READ_DATA = "ccec_read_data"
# g: set when this request has read progress snapshots (or what is kept by their version)
# outside ``snapshot_scope``: its reply is then kept by the progress version
READ_PROGRESS = "ccec_read_progress"
_NOT_DATA = "ccec_progress_only"


# g: the observations and snapshots read inside ``observation_scope`` and
# ``snapshot_scope`` (each a ``Scope``), in order
_SCOPES = "ccec_observation_scopes"
_IN_SCOPE = "ccec_in_observation_scope"
_IN_SNAPSHOTS = "ccec_in_snapshot_scope"


def session_factory() -> sessionmaker[Session]:
    """The app's sessions. Opening one counts as reading data that any accepted change
    may move (``READ_DATA``), unless inside ``progress_only``, ``reference_only`` or
    ``observation_scope``: a page's reply is kept by the progress version alone only if
    nothing else was read, by the digest of the observations it read if those were all
    (dashboard/page_cache.py)."""
    if not g.get(_NOT_DATA) and not g.get(_IN_SCOPE):
        g.setdefault(READ_DATA, True)
    return current_app.extensions[EXTENSION]["session_factory"]


# ("indicators" | "regions", the ids): a filter of current observations;
# ("snapshots:" + a ``snapshot_scope`` kind, the ids): of progress snapshots
Scope = tuple[str, tuple[str, ...]]


def _record_scope(scope: Scope) -> None:
    scopes: list[Scope] = g.setdefault(_SCOPES, [])
    if scope not in scopes:
        scopes.append(scope)


@contextmanager
def _deeper(name: str) -> Iterator[None]:
    """``g.<name>`` one higher within the block (blocks nest)."""
    depth = g.get(name, 0)
    setattr(g, name, depth + 1)
    try:
        yield
    finally:
        setattr(g, name, depth)


@contextmanager
def observation_scope(kind: str, keys: tuple[str, ...]) -> Iterator[None]:
    """Within this block, reads count as reading the current observations of the
    indicators (``kind`` "indicators") or regions ("regions") ``keys`` — exactly the
    rows ``db.observations.current_observations`` returns with that filter, and the
    rows of those by id — and nothing else: what ``observations_digest`` with the same
    filter follows. Wrap only such reads; anything else read inside would be served
    stale."""
    if kind not in ("indicators", "regions"):
        raise ValueError(kind)
    _record_scope((kind, tuple(sorted(set(keys)))))
    with _deeper(_IN_SCOPE):
        yield


@contextmanager
def snapshot_scope(kind: str, keys: tuple[str, ...]) -> Iterator[None]:
    """Within this block, what is made of the latest progress snapshots (``data.views``,
    ``data.snapshots``: read whole, kept per worker) counts as reading the snapshots of
    the targets of the indicators (``kind`` "indicators"), of the scopes ("regions") or
    of the targets ("targets") ``keys``, of any year, and the latest as-of year — what
    ``snapshots_digest`` with the same filter follows — and not as reading the progress
    version. Wrap only what keeps, of the whole, the rows of those indicators or scopes
    alone: a count over all targets made inside would be served stale. ``kind``
    "census" (no keys): which targets and scopes the latest snapshots hold, not their
    figures (``snapshots_census``); "statuses": and their statuses, and the year
    before's."""
    if kind not in ("indicators", "regions", "targets", "census", "statuses"):
        raise ValueError(kind)
    _record_scope((f"snapshots:{kind}", tuple(sorted(set(keys)))))
    with _deeper(_IN_SNAPSHOTS):
        yield


def observation_scopes() -> tuple[Scope, ...]:
    """The observation filters this request has read inside ``observation_scope``."""
    return tuple(g.get(_SCOPES, ()))


def _read_progress() -> None:
    if not g.get(_IN_SNAPSHOTS):
        g.setdefault(READ_PROGRESS, True)


@contextmanager
def progress_only() -> Iterator[None]:
    """Within this block a read counts as reading what the progress version follows
    (db/data_version.py ``PROGRESS``: the progress snapshots, the reference data, and
    what is kept by their versions) — not as reading data an upload moves. Wrap only
    reads of those tables; anything else read inside would be served stale."""
    _read_progress()
    with _deeper(_NOT_DATA):
        yield


@contextmanager
def reference_only() -> Iterator[None]:
    """Within this block a read counts as reading the reference data alone (regions and
    the catalogue: db/data_version.py ``REFERENCE``), part of every reply's key. Wrap
    only reads of those tables."""
    with _deeper(_NOT_DATA):
        yield


def reads_data() -> bool:
    """Whether this request has read data beyond what the progress version follows."""
    return bool(g.get(READ_DATA))


def reads_progress() -> bool:
    """Whether this request has read progress snapshots outside ``snapshot_scope``."""
    return bool(g.get(READ_PROGRESS))


def forget_reads() -> None:
    """Start counting reads afresh (the page cache, after looking its keys up)."""
    g.pop(READ_DATA, None)
    g.pop(READ_PROGRESS, None)
    g.pop(_SCOPES, None)


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
    return database_key(current_app.extensions[EXTENSION]["session_factory"].kw["bind"])


def versions() -> tuple[int, int, int]:
    """The data, reference and progress versions (db/data_version.py), read once per
    request on a plain connection (a third of an ORM session's cost: it is read on every
    callback request)."""

    def read() -> tuple[int, int, int]:
        with reference_only(), session_factory().kw["bind"].connect() as connection:
            return current_versions(connection)

    return per_request("data_versions", read)


def data_version() -> int:
    """The data version (db/data_version.py), read once per request: what every
    kept page, reply and frame of this worker is keyed by. Something kept by it is
    data an upload moves (``READ_DATA``)."""
    g.setdefault(READ_DATA, True)
    return versions()[0]


def reference_version() -> int:
    """The version of the reference data alone (regions, the catalogue)."""
    return versions()[1]


def progress_version() -> int:
    """The version of the progress snapshots and what names them (db/data_version.py):
    what the precomputed page data (dashboard.data.views) is kept by. Asking for it counts
    as reading the progress snapshots (``READ_PROGRESS``) outside ``snapshot_scope``."""
    _read_progress()
    return versions()[2]


# Reference data — regions and the catalogue — change only when an administrator
# runs manage.py (load-regions, load-catalogue, init), never through the app; each
# worker keeps them while their version stands instead of reading ~5,000 rows on
# every page view (a third of a page's server time under load, scripts/load_test.py).
# A load raises both versions, so a page cached for a data version never mixes old
# names with new figures; an upload raises only the data version. The memory is the
# workflows' (workflows/reference.py): pages, uploads and the recompute of a worker
# share one catalogue and one region directory.


def master_data(key: str, load: Callable[[], T]) -> T:
    """``load()`` once per reference data version per worker and database."""

    def read() -> T:
        with reference_only():
            return load()

    return kept(database_name(), key, reference_version(), read)


def region_directory() -> RegionDirectory:
    def load() -> RegionDirectory:
        with session_factory()() as session:
            return load_directory(session)

    return master_data("region_directory", load)


def plan_titles() -> dict[str, str]:
    with reference_only(), session_factory()() as session:
        return {plan.id: plan.title for plan in plans(session)}
