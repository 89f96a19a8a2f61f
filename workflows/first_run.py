"""Bring a database to a usable state: migrate, ship the catalogue, fill what is empty.

Called by the app on start and by ``manage.py init``; running it on a database
that is already set up changes nothing, except that a changed catalogue
(config/catalogue/) is stored and progress reassessed: the database is the one
catalogue at run time, and this is the one step that ships the files into it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.clock import beijing_today
from db import migrate
from db.observations import count_layer
from db.regions import count_regions
from workflows.catalogue import load_catalogue_into
from workflows.master_data import load_regions
from workflows.progress import recompute_progress, refresh_if_requested
from workflows.projects import seed_register
from workflows.published import load_published
from workflows.sample import load_sample

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FirstRunReport:
    migrated_from: str | None
    regions_loaded: int
    targets_loaded: int
    sample_loaded: int = 0
    published_loaded: int = 0
    snapshots: int = 0
    projects_loaded: int = 0


def ensure_ready(
    engine: Engine,
    factory: sessionmaker[Session],
    sample: bool = True,
    published: bool = True,
) -> FirstRunReport:
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    with factory() as session:
        has_regions = count_regions(session) > 0
    loaded = 0 if has_regions else load_regions(factory)
    if loaded:
        log.info("首次启动：已载入 %d 个地区及区域组合", loaded)
    shipped = load_catalogue_into(factory)
    targets = len(shipped.catalogue.entries) if shipped.catalogue and shipped.changed else 0
    if targets:
        log.info("已载入目标库 %d 条（目标、基期值与远景目标）", targets)
    with factory() as session:
        has_sample = count_layer(session, "sample") > 0
    sample_rows = load_sample(factory) if sample and not has_sample else 0
    with factory() as session:
        has_published = count_layer(session, "published") > 0
    figures = load_published(factory).figures if published and not has_published else 0
    snapshots = recompute_progress(factory) if (targets or sample_rows or figures) else 0
    if not snapshots and refresh_if_requested(factory):
        # what a migration asked for (0024: the snapshots' new column) or a killed
        # process left waiting, served before the app starts rather than by the scheduler
        log.info("已完成等待中的进展评估")
    projects = seed_register(factory, beijing_today(), sample=sample)
    if sample_rows:
        log.info("首次启动：已生成示例数据 %d 条，评估 %d 个目标", sample_rows, snapshots)
    return FirstRunReport(before, loaded, targets, sample_rows, figures, snapshots, projects)
