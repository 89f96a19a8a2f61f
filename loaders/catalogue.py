"""Load the target catalogue (config/catalogue/) into the database."""

from __future__ import annotations

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


def load_catalogue_into(
    factory: sessionmaker[Session], folder: Path = CATALOGUE_DIR, sources: Path = SOURCES_DIR
) -> Catalogue:
    """Check every file against the stored regions, then store all in one transaction.

    Raises ``CatalogueError`` (listing file, entry and field of each problem)
    before anything is written.
    """
    with transaction(factory) as session:
        catalogue = load_catalogue(folder, load_directory(session), sources)
        sync_catalogue(session, catalogue)
    return catalogue


_cache: dict[tuple[object, ...], Catalogue] = {}


def shipped_catalogue(directory: RegionDirectory) -> Catalogue:
    """The checked catalogue of ``config/catalogue`` against ``directory``, read once
    per change of its files or of the regions (imports, recomputes and templates
    all need it, several times a minute)."""
    files = sorted(CATALOGUE_DIR.glob("*.yaml"))
    key = (
        tuple((f.name, f.stat().st_mtime_ns) for f in files),
        tuple(sorted((r.code, r.name_zh, r.aliases) for r in directory)),
    )
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_catalogue(CATALOGUE_DIR, directory, SOURCES_DIR)
    return _cache[key]
