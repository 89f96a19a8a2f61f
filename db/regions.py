"""Queries on regions: write the master data, read it back as a directory."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from db import models
from indicators.regions import Member, Region, RegionDirectory, Source


def _depth(directory: RegionDirectory, region: Region) -> int:
    return len(directory.lineage(region.code)) - 1


def sync_regions(session: Session, directory: RegionDirectory) -> int:
    """Make the stored regions equal the master data; safe to run again.

    Rows are written parents first, then aliases and memberships, so foreign
    keys hold at every flush.
    """
    ordered = sorted(directory, key=lambda r: (_depth(directory, r), r.code))
    for region in ordered:
        row = session.get(models.Region, region.code) or models.Region(code=region.code)
        row.name_zh = region.name_zh
        row.name_en = region.name_en
        row.level = region.level
        row.parent_code = region.parent
        row.in_circle = region.in_circle
        row.partial_note = region.partial_note
        row.excludes = list(region.excludes)
        row.source_plan = region.source.plan if region.source else None
        row.source_line = region.source.line if region.source else None
        row.source_quote = region.source.quote if region.source else None
        row.note = region.note
        session.add(row)
        session.flush()
    session.execute(delete(models.RegionAlias))
    session.execute(delete(models.RegionMember))
    for region in ordered:
        session.add_all(
            models.RegionAlias(region_code=region.code, alias=alias)
            for alias in dict.fromkeys(region.aliases)
        )
        session.add_all(
            models.RegionMember(grouping_code=region.code, member_code=m.code, partial=m.partial)
            for m in region.members
        )
    stale = set(session.scalars(select(models.Region.code))) - set(directory.regions)
    for code in stale:
        session.delete(session.get(models.Region, code))
    session.flush()
    return len(ordered)


def load_directory(session: Session) -> RegionDirectory:
    """The stored regions as the domain's directory (for resolution and the API)."""
    rows = session.scalars(
        select(models.Region).options(
            selectinload(models.Region.aliases), selectinload(models.Region.members)
        )
    ).all()
    regions = {}
    for row in rows:
        regions[row.code] = Region(
            code=row.code,
            name_zh=row.name_zh,
            name_en=row.name_en,
            level=row.level,
            parent=row.parent_code,
            in_circle=row.in_circle,
            aliases=tuple(sorted(a.alias for a in row.aliases)),
            partial_note=row.partial_note,
            excludes=tuple(row.excludes or ()),
            members=tuple(
                Member(m.member_code, m.partial)
                for m in sorted(row.members, key=lambda m: m.member_code)
            ),
            source=Source(row.source_plan, row.source_line, row.source_quote)
            if row.source_plan and row.source_line and row.source_quote
            else None,
            note=row.note,
        )
    return RegionDirectory(regions)


def region_names(session: Session) -> dict[str, str]:
    """Each stored region's Chinese name, by code."""
    return {c: n for c, n in session.execute(select(models.Region.code, models.Region.name_zh))}


def count_regions(session: Session) -> int:
    return len(session.scalars(select(models.Region.code)).all())
