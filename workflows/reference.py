"""The reference data — the regions and the catalogue — kept per process while its version stands.

Regions and the catalogue change only when manage.py loads them (``init``,
``load-regions``, ``load-catalogue``), never through the app, and every write to
their tables raises the reference version in the same transaction, whichever
process or engine made it (db/data_version.py, ``REFERENCE``). So each process
keeps what it built from them by database and that version: an upload, the
background recompute and the pages read the version (one primary-key lookup)
instead of ~5,000 rows (the catalogue and the region directory took ~220 ms of
every upload under load, scripts/profile_upload.py), and read the rows again on
the first use after a load.

What is kept is shared by every caller of the process: nobody may change it (the
catalogue and the directory are built once and only read).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.catalogue import stored_catalogue
from db.data_version import current_versions
from db.regions import load_directory
from indicators.catalogue import Catalogue
from indicators.regions import RegionDirectory

T = TypeVar("T")

_kept: dict[tuple[str, str], tuple[int, object]] = {}
_lock = threading.Lock()


def database_key(engine: Engine) -> str:
    """What kept data are keyed by besides the version: the database (tests and
    benchmarks run several apps on several databases in one process); an in-memory
    SQLite database is its engine's own."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return f"{url}#{id(engine)}"
    return str(url)


def kept(database: str, key: str, version: int, load: Callable[[], T]) -> T:
    """``load()`` once per reference ``version`` per process, ``database`` and ``key``.
    Call it with the version read before the data ``load`` reads: what it keeps is
    then never older than its version (the load and the version's raise commit
    together)."""
    found = _kept.get((database, key))
    if found is not None and found[0] == version:
        return cast(T, found[1])
    value = load()
    with _lock:
        now = _kept.get((database, key))
        if now is None or now[0] <= version:  # a thread that read a newer version wins
            _kept[(database, key)] = (version, value)
    return value


@dataclass(frozen=True)
class Reference:
    directory: RegionDirectory
    catalogue: Catalogue


def reference_data(session: Session) -> Reference:
    """The stored regions and catalogue, kept while the reference version read in
    ``session`` stands; read through ``session`` when it moved."""
    database = database_key(session.get_bind().engine)
    version = current_versions(session)[1]
    return Reference(
        kept(database, "region_directory", version, lambda: load_directory(session)),
        kept(database, "catalogue", version, lambda: stored_catalogue(session)),
    )
