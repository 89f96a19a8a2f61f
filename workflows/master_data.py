"""Load the regions master data (config/regions.yaml) into the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config.settings import CONFIG_DIR
from db.regions import sync_regions
from db.session import transaction
from indicators.regions import load_region_directory

REGIONS_FILE = CONFIG_DIR / "regions.yaml"


def load_regions(factory: sessionmaker[Session], path: Path = REGIONS_FILE) -> int:
    """Validate the file and store it in one transaction; returns the count.

    A file with any error raises ``RegionError`` before anything is written.
    """
    directory = load_region_directory(path)
    with transaction(factory) as session:
        return sync_regions(session, directory)
