from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from config.settings import CONFIG_DIR
from db import migrate, models
from db.regions import load_directory, sync_regions
from db.session import transaction
from indicators.regions import load_region_directory
from tests.helpers import small_directory


@pytest.fixture
def db_url(schema_url: str) -> str:
    """Each test here gets its own copy of the migrated, empty 'schema' seed
    (tests/conftest.py SEEDS) instead of migrating an empty database itself."""
    return schema_url


@pytest.fixture
def ready(engine: Engine, factory: sessionmaker[Session]) -> sessionmaker[Session]:
    migrate.upgrade(engine)
    return factory


def test_dbr001_sync_stores_the_directory_and_reads_it_back(ready: sessionmaker[Session]) -> None:
    directory = small_directory()
    with transaction(ready) as session:
        sync_regions(session, directory)
    with ready() as session:
        stored = load_directory(session)
    assert stored.regions == {
        code: r.__class__(
            **{
                **r.__dict__,
                "aliases": tuple(sorted(r.aliases)),
                "members": tuple(sorted(r.members, key=lambda m: m.code)),
            }
        )
        for code, r in directory.regions.items()
    }


def test_dbr002_sync_is_idempotent(ready: sessionmaker[Session]) -> None:
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    for _ in range(2):
        with transaction(ready) as session:
            sync_regions(session, directory)
    with ready() as session:
        assert session.scalar(select(func.count()).select_from(models.Region)) == len(directory)
        assert session.scalar(select(func.count()).select_from(models.RegionMember)) == sum(
            len(r.members) for r in directory
        )


def test_dbr003_foreign_keys_are_enforced(ready: sessionmaker[Session]) -> None:
    with pytest.raises(IntegrityError), transaction(ready) as session:
        session.add(models.RegionMember(grouping_code="nowhere", member_code="nothing"))
