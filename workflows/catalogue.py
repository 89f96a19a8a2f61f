"""Ship the target catalogue (config/catalogue/) into the database.

The database is the one catalogue at run time (``db.catalogue.stored_catalogue``);
the YAML files are read here only to load it: by ``refresh_catalogue``, which
every start (``manage.py init``, the app, the scheduler) runs, and by
``manage.py load-catalogue``. Editing a file changes nothing until then.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config.settings import CONFIG_DIR, PROJECT_ROOT
from db.catalogue import record_shipped, shipped_unchanged, sync_catalogue
from db.regions import load_directory
from db.session import transaction
from indicators.catalogue import Catalogue, load_catalogue
from indicators.regions import RegionDirectory

CATALOGUE_DIR = CONFIG_DIR / "catalogue"
SOURCES_DIR = CONFIG_DIR / "sources"


@dataclass(frozen=True)
class Shipped:
    """What a load found in the files, and whether the database had to change."""

    catalogue: Catalogue | None  # None when the files were not read: unchanged since shipped
    changed: bool


def load_catalogue_into(
    factory: sessionmaker[Session],
    folder: Path | None = None,
    sources: Path = SOURCES_DIR,
    force: bool = False,
) -> Shipped:
    """Check every file against the stored regions, then store all in one
    transaction; idempotent (a second run finds nothing to change and writes nothing).
    Skipped, files unread, when neither the files (with the regions and the code that
    reads them) nor the stored rows changed since the last shipping, unless ``force``
    (``manage.py load-catalogue``: asked for, the files are checked again).

    Raises ``CatalogueError`` (listing file, entry and field of each problem)
    before anything is written.
    """
    with transaction(factory) as session:
        directory = load_directory(session)
        folder = folder or CATALOGUE_DIR
        digest = files_digest(folder, sources, directory)
        if not force and shipped_unchanged(session, digest):
            return Shipped(None, False)
        catalogue = read_catalogue_files(directory, folder, sources)
        changed = sync_catalogue(session, catalogue)
        record_shipped(session, digest)
    return Shipped(catalogue, changed)


# what the stored catalogue is made from besides the files: the code that parses,
# checks and stores them (a change there may store other rows from the same files)
_READERS = (
    *sorted((PROJECT_ROOT / "indicators").glob("*.py")),
    PROJECT_ROOT / "db" / "catalogue.py",
    PROJECT_ROOT / "db" / "models.py",
    Path(__file__),
)


def files_digest(folder: Path, sources: Path, directory: RegionDirectory) -> str:
    """A digest of what shipping reads: the catalogue files and the plan texts (names
    and bytes), the regions they are checked against, and the code that reads them.
    Hashing them takes milliseconds; reading and checking them, most of a second."""
    digest = hashlib.sha256()
    for path in (*sorted(folder.glob("*.yaml")), *sorted(sources.glob("*")), *_READERS):
        if path.is_file():
            digest.update(f"{path.parent.name}/{path.name}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    digest.update(repr(sorted(directory, key=lambda r: r.code)).encode())
    return digest.hexdigest()


_cache: dict[tuple[object, ...], Catalogue] = {}


def read_catalogue_files(
    directory: RegionDirectory, folder: Path = CATALOGUE_DIR, sources: Path = SOURCES_DIR
) -> Catalogue:
    """The checked catalogue of ``folder`` against ``directory``, read once per change
    of what ``files_digest`` covers (the files, the plan texts, the regions, the code
    that reads them): the checks take most of a second.

    Only for loading the database and for the authoring tools that work without
    one (bench scripts, the catalogue's own tests): run-time readers use
    ``db.catalogue.stored_catalogue``.
    """
    key = (str(folder), str(sources), files_digest(folder, sources, directory))
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_catalogue(folder, directory, sources)
    return _cache[key]
