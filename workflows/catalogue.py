"""Ship the target catalogue (config/catalogue/) into the database.

The database is the one catalogue at run time (``db.catalogue.stored_catalogue``);
the YAML files are read here only to load it: by ``refresh_catalogue``, which
every start (``manage.py init``, the app, the scheduler) runs, and by
``manage.py load-catalogue``. Editing a file changes nothing until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config.settings import CONFIG_DIR
from db.catalogue import sync_catalogue
from db.regions import load_directory
from db.session import transaction
from indicators.catalogue import Catalogue, load_catalogue
from indicators.regions import RegionDirectory

CATALOGUE_DIR = CONFIG_DIR / "catalogue"
SOURCES_DIR = CONFIG_DIR / "sources"


@dataclass(frozen=True)
class Shipped:
    """What a load found in the files, and whether the database had to change."""

    catalogue: Catalogue
    changed: bool


def load_catalogue_into(
    factory: sessionmaker[Session], folder: Path | None = None, sources: Path = SOURCES_DIR
) -> Shipped:
    """Check every file against the stored regions, then store all in one
    transaction; idempotent (a second run finds nothing to change and writes nothing).

    Raises ``CatalogueError`` (listing file, entry and field of each problem)
    before anything is written.
    """
    with transaction(factory) as session:
        catalogue = read_catalogue_files(load_directory(session), folder or CATALOGUE_DIR, sources)
        changed = sync_catalogue(session, catalogue)
    return Shipped(catalogue, changed)


_cache: dict[tuple[object, ...], Catalogue] = {}


def read_catalogue_files(
    directory: RegionDirectory, folder: Path = CATALOGUE_DIR, sources: Path = SOURCES_DIR
) -> Catalogue:
    """The checked catalogue of ``folder`` against ``directory``, read once per change
    of its files or of the regions (every start reads it; the checks take seconds).

    Only for loading the database and for the authoring tools that work without
    one (bench scripts, the catalogue's own tests): run-time readers use
    ``db.catalogue.stored_catalogue``.
    """
    files = sorted(folder.glob("*.yaml"))
    key = (
        str(folder),
        str(sources),
        tuple((f.name, f.stat().st_mtime_ns) for f in files),
        tuple(sorted((r.code, r.name_zh, r.aliases) for r in directory)),
    )
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_catalogue(folder, directory, sources)
    return _cache[key]
