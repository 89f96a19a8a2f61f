"""Queries on the catalogue: store it (idempotently) and read it back for pages and the API."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db import models
from indicators.catalogue import Catalogue, Entry, IndicatorDef, PlanDoc


def _upsert(session: Session, model: type[models.Base], key: str, values: dict[str, Any]) -> None:
    row = session.get(model, key)
    if row is None:
        session.add(model(**values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def _plan_values(plan: PlanDoc) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "issuer": plan.issuer,
        "issued": plan.date,
        "seed_file": plan.seed,
        "line_start": plan.lines[0],
        "line_end": plan.lines[1],
        "comment": plan.comment,
    }


def _indicator_values(ind: IndicatorDef, with_refs: bool) -> dict[str, Any]:
    numerator, denominator = ind.components if len(ind.components) == 2 else (None, None)
    return {
        "id": ind.id,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "definition": ind.definition,
        "unit": ind.unit,
        "direction": ind.direction,
        "frequency": ind.frequency,
        "pillar": ind.pillar,
        "source": ind.source,
        "aggregation": ind.aggregation,
        "headline": ind.headline,
        "scale": ind.scale,
        "trend_limit": ind.limit,
        "numerator_id": numerator if with_refs else None,
        "denominator_id": denominator if with_refs else None,
        "weight_id": ind.weight if with_refs else None,
    }


_VISION_LESS = ("value", "unit", "comparator")  # a vision (远景目标) has none of these


def _entry_values(entry: Entry) -> dict[str, Any]:
    values = {
        "id": entry.id,
        "plan_id": entry.plan_id,
        "indicator_id": entry.indicator_id,
        "scope_code": entry.scope_code,
        "year": entry.year,
        "value": entry.value,
        "unit": entry.unit,
        "comparator": entry.comparator,
        "section": entry.section,
        "seed_line": entry.line,
        "quote": entry.quote,
    }
    if entry.is_vision:
        return {k: v for k, v in values.items() if k not in _VISION_LESS}
    if not entry.is_baseline:
        values.update(
            kind=entry.kind,
            base_year=entry.base_year,
            value_high=entry.value_high,
            stretch=entry.stretch,
        )
    return values


def sync_catalogue(session: Session, catalogue: Catalogue) -> None:
    """Make the stored catalogue equal ``catalogue``; running it twice changes nothing.

    Indicators are written in two passes (rows, then the references between
    them) so that foreign keys hold at every flush.
    """
    for plan in catalogue.plans.values():
        _upsert(session, models.Plan, plan.id, _plan_values(plan))
    for indicator in catalogue.indicators.values():
        existing = session.get(models.Indicator, indicator.id)
        _upsert(
            session,
            models.Indicator,
            indicator.id,
            _indicator_values(indicator, with_refs=existing is not None),
        )
    session.flush()
    for indicator in catalogue.indicators.values():
        _upsert(session, models.Indicator, indicator.id, _indicator_values(indicator, True))
    tables = (models.Target, models.Baseline, models.Vision)
    for entry in catalogue.entries.values():
        model = tables[1] if entry.is_baseline else tables[2] if entry.is_vision else tables[0]
        for other in tables:  # an entry whose kind changed moves table
            stale = session.get(other, entry.id) if other is not model else None
            if stale is not None:
                session.delete(stale)
        _upsert(session, model, entry.id, _entry_values(entry))
    session.flush()
    keep_targets = [e.id for e in catalogue.targets]
    keep_baselines = [e.id for e in catalogue.baselines]
    keep_visions = [e.id for e in catalogue.visions]
    session.execute(delete(models.Target).where(models.Target.id.not_in(keep_targets)))
    session.execute(delete(models.Baseline).where(models.Baseline.id.not_in(keep_baselines)))
    session.execute(delete(models.Vision).where(models.Vision.id.not_in(keep_visions)))
    session.execute(delete(models.Plan).where(models.Plan.id.not_in(list(catalogue.plans))))
    stale_indicators = session.scalars(
        select(models.Indicator).where(models.Indicator.id.not_in(list(catalogue.indicators)))
    ).all()
    for row in stale_indicators:
        row.numerator_id = row.denominator_id = row.weight_id = None
    session.flush()
    for row in stale_indicators:
        session.delete(row)
    session.flush()


def count_targets(session: Session) -> int:
    return len(session.scalars(select(models.Target.id)).all())


def targets_frame(session: Session) -> pd.DataFrame:
    """Every target, baseline and vision (远景目标, kind "vision": no value) with its plan,
    indicator and scope, for the 目标库 and the API."""
    columns = [
        "id",
        "plan_id",
        "indicator_id",
        "scope_code",
        "year",
        "value",
        "unit",
        "comparator",
        "section",
        "seed_line",
        "quote",
    ]
    frames = []
    kinds = ((models.Target, None), (models.Baseline, "baseline"), (models.Vision, "vision"))
    for model, kind in kinds:
        extra = [] if kind else ["kind", "base_year", "value_high", "stretch"]
        rows = (
            session.execute(
                select(
                    *(getattr(model, c) for c in columns + extra if hasattr(model, c)),
                    models.Plan.title.label("plan_title"),
                    models.Plan.seed_file,
                    models.Indicator.name_zh.label("indicator_name"),
                    models.Indicator.pillar,
                    models.Indicator.headline,
                    models.Region.name_zh.label("scope_name"),
                )
                .join(models.Plan, models.Plan.id == model.plan_id)
                .join(models.Indicator, models.Indicator.id == model.indicator_id)
                .join(models.Region, models.Region.code == model.scope_code)
            )
            .mappings()
            .all()
        )
        frame = pd.DataFrame(rows)
        if kind and not frame.empty:
            frame = frame.assign(kind=kind, base_year=None, value_high=None, stretch=False)
            if kind == "vision":
                frame = frame.assign(value=None, unit=None, comparator=None)
        frames.append(frame)
    frame = (
        pd.concat([f for f in frames if not f.empty], ignore_index=True)
        if any(not f.empty for f in frames)
        else pd.DataFrame()
    )
    return frame.sort_values("id").reset_index(drop=True) if not frame.empty else frame


def indicators_frame(session: Session) -> pd.DataFrame:
    rows = session.execute(select(models.Indicator)).scalars().all()
    return pd.DataFrame(
        [{c.name: getattr(row, c.name) for c in models.Indicator.__table__.columns} for row in rows]
    )


def plans(session: Session) -> list[models.Plan]:
    return list(session.scalars(select(models.Plan).order_by(models.Plan.line_start)))
