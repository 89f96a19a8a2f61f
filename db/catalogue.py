"""Queries on the catalogue: store it (idempotently) and read it back.

The database is the one catalogue at run time: pages, the API, intake, recompute,
templates, reminders and the sample generator all read it from here
(``stored_catalogue``); the YAML files of config/catalogue are read only to load
it (``workflows.catalogue.refresh_catalogue``, run by every start).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
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
        "definition_en": ind.definition_en,
        "unit": ind.unit,
        "direction": ind.direction,
        "frequency": ind.frequency,
        "pillar": ind.pillar,
        "source": ind.source,
        "source_en": ind.source_en,
        "aggregation": ind.aggregation,
        "headline": ind.headline,
        "scale": ind.scale,
        "trend_limit": ind.limit,
        "aliases": list(ind.aliases),
        "measure": ind.measure,
        "facility": ind.facility,
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


_ENTRY_TABLES: tuple[type[models.Target] | type[models.Baseline] | type[models.Vision], ...] = (
    models.Target,
    models.Baseline,
    models.Vision,
)


def _rows_as_stored(session: Session) -> dict[tuple[str, str], dict[str, Any]]:
    """Every stored plan, indicator and entry as the ``_*_values`` functions write it."""
    stored: dict[tuple[str, str], dict[str, Any]] = {}
    for model in (models.Plan, models.Indicator, *_ENTRY_TABLES):
        columns = [c.name for c in model.__table__.columns]
        for row in session.execute(select(*(model.__table__.c[c] for c in columns))):
            values = dict(zip(columns, row, strict=True))
            stored[(model.__tablename__, values["id"])] = values
    return stored


def _rows_wanted(catalogue: Catalogue) -> dict[tuple[str, str], dict[str, Any]]:
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    for plan in catalogue.plans.values():
        wanted[("plans", plan.id)] = _plan_values(plan)
    for ind in catalogue.indicators.values():
        wanted[("indicators", ind.id)] = _indicator_values(ind, True)
    for entry in catalogue.entries.values():
        table = "baselines" if entry.is_baseline else "visions" if entry.is_vision else "targets"
        wanted[(table, entry.id)] = _entry_values(entry)
    return wanted


def catalogue_differs(session: Session, catalogue: Catalogue) -> bool:
    """Whether storing ``catalogue`` would change anything (a column a row lacks
    counts as stored null, as the tables' defaults leave it)."""
    stored = _rows_as_stored(session)
    wanted = _rows_wanted(catalogue)
    if stored.keys() != wanted.keys():
        return True
    return any(
        stored[key].get(name, None) != value
        for key, values in wanted.items()
        for name, value in values.items()
    ) or any(
        value not in (None, False) and name not in wanted[key]
        for key, row in stored.items()
        for name, value in row.items()
    )


def sync_catalogue(session: Session, catalogue: Catalogue) -> bool:
    """Make the stored catalogue equal ``catalogue``; True if anything changed
    (running it twice changes nothing the second time).

    Indicators are written in two passes (rows, then the references between
    them) so that foreign keys hold at every flush.
    """
    if not catalogue_differs(session, catalogue):
        return False
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
    return True


def rows_digest(session: Session) -> str:
    """A digest of every stored plan, indicator and entry, as ``catalogue_differs``
    reads them: changes whenever a row, a column or a value does (a hand edit of the
    tables, a migration adding a column) -- what makes a shipped files digest stale."""
    rows = sorted(_rows_as_stored(session).items())
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def shipped_unchanged(session: Session, files_digest: str) -> bool:
    """Whether the catalogue was last shipped from files giving ``files_digest`` and
    the rows that shipping left are still as it left them."""
    row = session.get(models.ShippedCatalogue, 1)
    return (
        row is not None
        and row.files_digest == files_digest
        and row.rows_digest == rows_digest(session)
    )


def record_shipped(session: Session, files_digest: str) -> None:
    """Remember that the stored catalogue is the files of ``files_digest``, as of now."""
    rows = rows_digest(session)  # reading flushes what shipping wrote
    row = session.get(models.ShippedCatalogue, 1)
    if row is None:  # two starts at once (the app and the scheduler's unit) may both insert
        try:
            with session.begin_nested():
                session.add(
                    models.ShippedCatalogue(id=1, files_digest=files_digest, rows_digest=rows)
                )
            return
        except IntegrityError:  # the other one did: its row is updated below
            row = session.get(models.ShippedCatalogue, 1)
            if row is None:
                return
    row.files_digest = files_digest
    row.rows_digest = rows
    row.shipped_at = models.utcnow()


def stored_catalogue(session: Session) -> Catalogue:
    """The catalogue as the database holds it: the one every run-time reader uses.

    ``Entry.scope`` is the scope's Chinese name (the files' own spelling is not
    kept) and ``base_year_quote`` is None: both serve only the checks run on the
    files before they are stored.
    """
    names = {
        code: name
        for code, name in session.execute(select(models.Region.code, models.Region.name_zh))
    }
    catalogue = Catalogue()
    for plan in session.scalars(select(models.Plan).order_by(models.Plan.id)):
        catalogue.plans[plan.id] = PlanDoc(
            id=plan.id,
            title=plan.title,
            issuer=plan.issuer,
            date=plan.issued,
            seed=plan.seed_file,
            lines=(plan.line_start, plan.line_end),
            comment=plan.comment,
        )
    for ind in session.scalars(select(models.Indicator).order_by(models.Indicator.id)):
        parts = (ind.numerator_id, ind.denominator_id)
        catalogue.indicators[ind.id] = IndicatorDef(
            id=ind.id,
            name_zh=ind.name_zh,
            name_en=ind.name_en,
            definition=ind.definition or "",
            definition_en=ind.definition_en or "",
            unit=ind.unit,
            direction=ind.direction,
            frequency=ind.frequency,
            pillar=ind.pillar,
            source=ind.source or "",
            source_en=ind.source_en or "",
            aggregation=ind.aggregation,
            components=tuple(p for p in parts if p) if all(parts) else (),
            weight=ind.weight_id,
            headline=bool(ind.headline),
            aliases=tuple(ind.aliases or ()),
            scale=ind.scale,
            limit=ind.trend_limit,
            measure=ind.measure,
            facility=bool(ind.facility),
        )
    rows: list[models.Target | models.Baseline | models.Vision] = [
        *session.scalars(select(models.Target)),
        *session.scalars(select(models.Baseline)),
        *session.scalars(select(models.Vision)),
    ]
    entries: list[Entry] = []
    for row in rows:
        target = row if isinstance(row, models.Target) else None
        stated = None if isinstance(row, models.Vision) else row
        entries.append(
            Entry(
                id=row.id,
                plan_id=row.plan_id,
                indicator_id=row.indicator_id,
                section=row.section or "",
                line=row.seed_line,
                quote=row.quote,
                scope=names.get(row.scope_code, row.scope_code),
                scope_code=row.scope_code,
                kind=(
                    target.kind
                    if target
                    else "vision"
                    if isinstance(row, models.Vision)
                    else "baseline"
                ),
                year=row.year,
                base_year=target.base_year if target else None,
                # Entry types these three as always present; a vision states none
                # (indicators.catalogue.Entry says so beside them)
                value=stated.value if stated else None,  # type: ignore[arg-type]
                value_high=target.value_high if target else None,
                unit=stated.unit if stated else None,  # type: ignore[arg-type]
                comparator=stated.comparator if stated else None,  # type: ignore[arg-type]
                stretch=bool(target.stretch) if target else False,
            )
        )
    catalogue.entries = {e.id: e for e in sorted(entries, key=lambda e: e.id)}
    return catalogue


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


def plan_ids(session: Session) -> set[str]:
    return set(session.scalars(select(models.Plan.id)))


def indicator_names(session: Session) -> dict[str, str]:
    """Each stored indicator's Chinese name, by id."""
    return {i: n for i, n in session.execute(select(models.Indicator.id, models.Indicator.name_zh))}


def indicator_units(session: Session) -> dict[str, str]:
    """Each stored indicator's catalogue unit, by id (a published figure is stored in it)."""
    return {i: u for i, u in session.execute(select(models.Indicator.id, models.Indicator.unit))}


def plans(session: Session) -> list[models.Plan]:
    return list(session.scalars(select(models.Plan).order_by(models.Plan.line_start)))
