"""Bring a database to a usable state: migrate, then fill what is empty.

Called by the app on start and by ``manage.py init``; running it on a database
that is already set up changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.catalogue import count_targets
from db.regions import count_regions
from loaders.catalogue import load_catalogue_into
from loaders.master_data import load_regions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FirstRunReport:
    migrated_from: str | None
    regions_loaded: int
    targets_loaded: int


def ensure_ready(engine: Engine, factory: sessionmaker[Session]) -> FirstRunReport:
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    with factory() as session:
        has_regions = count_regions(session) > 0
    loaded = 0 if has_regions else load_regions(factory)
    if loaded:
        log.info("首次启动：已载入 %d 个地区及区域组合", loaded)
    with factory() as session:
        has_targets = count_targets(session) > 0
    targets = 0 if has_targets else len(load_catalogue_into(factory).entries)
    if targets:
        log.info("首次启动：已载入目标库 %d 条（目标与基期值）", targets)
    return FirstRunReport(migrated_from=before, regions_loaded=loaded, targets_loaded=targets)
