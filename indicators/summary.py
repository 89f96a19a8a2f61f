"""What the summary views pick out of the progress snapshots: the headline
targets, the count of targets in each status by pillar, and which target's
status a map shows for each unit (only a target set for the unit itself
colours it by status).

Pure pandas over the frame ``db.progress.snapshots_frame`` returns, so that
the choices (which target stands for an indicator, which scope wins where
several cover a unit) are tested without a database or a browser.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from indicators.catalogue import PILLARS
from indicators.formatting import UNCONVERTED_KINDS, in_unit
from indicators.regions import RegionDirectory

T = TypeVar("T")

# A leader reads the five words of Chinese plan evaluation (docs/methodology.md §1):
# met (final) and achieved (early) are 已完成; the method's three classes of a pace
# short of the required one (R < 0.95) are 滞后于时序进度; the class stays in the
# snapshot, the API and the badge's tooltip.
SHOWN_STATUS = {
    "met": "achieved",
    "needs_acceleration": "behind",
    "limited": "behind",
    "deterioration": "behind",
}
SHOWN_ORDER = ("achieved", "on_track", "behind", "missed", "insufficient")
SHOWN_ZH = {
    "achieved": "已完成",
    "on_track": "达到时序进度",
    "behind": "滞后于时序进度",
    "missed": "未完成",
    "insufficient": "数据不足",
}
SHOWN_EN = {
    "achieved": "achieved",
    "on_track": "on schedule",
    "behind": "behind schedule",
    "missed": "not achieved",
    "insufficient": "insufficient data",
}


def shown_status(status: str) -> str:
    return SHOWN_STATUS.get(status, status)


def nearest_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Targets due soonest first: the next target year not yet passed, then later
    ones, then passed ones (most recent first); ties by target id."""
    as_of = frame.as_of.astype(int)
    passed = frame.target_year.astype(int) < as_of
    key = frame.target_year.astype(int).where(~passed, 10_000 - frame.target_year.astype(int))
    return frame.assign(_key=key).sort_values(["_key", "target_id"]).drop(columns="_key")


def headline_targets(snapshots: pd.DataFrame, scope: str = "ccec") -> pd.DataFrame:
    """One target per headline indicator of ``scope``: the one due soonest.

    Falls back to every scope's headline targets when ``scope`` has none, so a
    database without the outline's targets still has cards to show.
    """
    if snapshots.empty:
        return snapshots
    headline = snapshots[snapshots.headline.astype(bool)]
    chosen = headline[headline.scope_code == scope]
    if chosen.empty:
        chosen = headline
    pillar_rank = {p: i for i, p in enumerate(PILLARS)}
    picked = nearest_first(chosen).groupby(["indicator_id", "scope_code"], sort=False).head(1)
    return (
        picked.assign(_p=picked.pillar.map(pillar_rank))
        .sort_values(["_p", "indicator_id"])
        .drop(columns="_p")
    )


def status_counts(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Targets by pillar (rows, in the catalogue's pillar order) and shown status
    (columns, best first); pillars without targets are left out."""
    if snapshots.empty:
        return pd.DataFrame(columns=list(SHOWN_ORDER))
    shown = snapshots.assign(shown=snapshots.status.map(shown_status))
    table = pd.crosstab(shown.pillar, shown.shown)
    table = table.reindex(columns=list(SHOWN_ORDER), fill_value=0)
    return table.reindex([p for p in PILLARS if p in table.index])


def covered_units(directory: RegionDirectory, code: str) -> set[str]:
    """The administrative units a scope covers: a grouping's leaf members, a
    province's or city's units below it, or the unit itself."""
    region = directory.regions.get(code)
    if region is None:
        return set()
    if region.is_grouping:
        return {m.code for m in directory.leaf_members(code)}
    below = {r.code for r in directory if r.parent == code and not r.is_grouping}
    return below | {code}


def own_unit(directory: RegionDirectory, code: str) -> str | None:
    """The one unit a scope is set for: the unit itself, or a grouping that one
    unit alone forms; None for a scope over several units (a province's target is
    not its cities', a grouping's not its members')."""
    region = directory.regions.get(code)
    if region is None:
        return None
    if not region.is_grouping:
        return code
    leaves = directory.leaf_members(code)
    return leaves[0].code if len(leaves) == 1 else None


@dataclass(frozen=True)
class UnitStatuses:
    """Which target's status a map shows for each unit.

    ``own``: units with a target set for them (the one due soonest); ``wider``:
    units with none of their own that lie under a wider scope's target (the
    narrowest such) — to be drawn as covered, never in that target's status
    colour: a circle-wide target missed does not say that each district missed."""

    own: dict[str, pd.Series] = field(default_factory=dict)
    wider: dict[str, pd.Series] = field(default_factory=dict)


def unit_statuses(
    snapshots: pd.DataFrame, directory: RegionDirectory, indicator_id: str
) -> UnitStatuses:
    """For each unit, the snapshot of the indicator's target set for it, else of the
    narrowest wider target covering it (a 都市圈 target before the whole circle's);
    among targets of the same scope, the one due soonest."""
    mine = snapshots[snapshots.indicator_id == indicator_id] if not snapshots.empty else snapshots
    if mine.empty:
        return UnitStatuses()
    rows = ((row, row.scope_code) for _, row in nearest_first(mine).iterrows())
    own, wider = pick_units(rows, directory)
    return UnitStatuses(own=own, wider=wider)


def pick_units(
    scoped: Iterable[tuple[T, str]],
    directory: RegionDirectory,
    covered: dict[str, tuple[str | None, set[str]]] | None = None,
) -> tuple[dict[str, T], dict[str, T]]:
    """What ``unit_statuses`` picks, for any items (rows, row labels) given nearest
    first, each with its scope: for each unit the first item set for it (``own``),
    else the item of the narrowest wider scope covering it (``wider``).
    ``covered``: each scope's own unit and covered units, kept between calls by a
    caller that picks for many indicators (finding a city's units scans them all)."""
    covered = {} if covered is None else covered
    own: dict[str, T] = {}
    wider: dict[str, T] = {}
    width: dict[str, int] = {}
    for item, scope in scoped:
        if scope not in covered:
            unit = own_unit(directory, scope)
            covered[scope] = (unit, covered_units(directory, scope) - {unit})
        unit, units = covered[scope]
        if unit is not None:
            own.setdefault(unit, item)
        for other in units:
            if other not in wider or len(units) < width[other]:
                wider[other], width[other] = item, len(units)
    for unit in own:
        wider.pop(unit, None)
    return own, wider


# what makes two plans' targets one: the same indicator, scope, kind, year, value
# (in the indicator's unit), upper end and base year — and the same verdict, so that
# wordings judged differently (达到 1000 missed, 1000 左右 met) both stay in view
SAME_TARGET = ("indicator_id", "scope_code", "kind", "target_year", "_value", "_high", "_base")
FIRST_PLAN = "outline"  # 《成渝地区双城经济圈建设规划纲要》 names a target shared with it


def merge_duplicates(snapshots: pd.DataFrame) -> pd.DataFrame:
    """One row per target set in several plans (the same target of 纲要 and of the
    plans implementing it), with ``same_targets`` (its target ids) and ``plans``
    (their plans' titles), the 纲要's first; each row kept where it stood."""
    if snapshots.empty:
        return snapshots
    value = [
        in_unit(v, u, k, unit)[0]
        for v, u, k, unit in zip(
            snapshots.target_value,
            snapshots.target_unit,
            snapshots.kind,
            snapshots.unit,
            strict=True,
        )
    ]
    keyed = snapshots.assign(
        _value=[None if v is None or pd.isna(v) else round(float(v), 9) for v in value],
        _high=snapshots.get("target_value_high"),
        _base=snapshots.get("target_base_year"),
        _later=snapshots.get("plan_id", pd.Series("", index=snapshots.index)) != FIRST_PLAN,
    )
    columns = [keyed[c] for c in (*SAME_TARGET, "status")]
    keyed = keyed.assign(_key=["|".join(map(str, key)) for key in zip(*columns, strict=True)])
    ordered = keyed.sort_values(["_later", "target_id"])
    # one pass of plain lists: a groupby's per-group lists cost a Python call per
    # group (27 -> 15 ms of an upload's incremental recompute, two calls)
    ids: dict[str, list[Any]] = {}
    titles: dict[str, list[Any]] = {}
    plan_titles = ordered.plan_title if "plan_title" in keyed else [None] * len(ordered)
    for key, target_id, title in zip(ordered._key, ordered.target_id, plan_titles, strict=True):
        ids.setdefault(key, []).append(target_id)
        titles.setdefault(key, []).append(title)
    kept = ordered.drop_duplicates("_key").sort_index()
    return kept.assign(same_targets=kept._key.map(ids), plans=kept._key.map(titles)).drop(
        columns=["_value", "_high", "_base", "_later", "_key"]
    )


# the statuses a report lists as needing attention
OFF_TRACK = ("needs_acceleration", "limited", "deterioration", "missed")


def gap_share(snapshots: pd.DataFrame) -> pd.Series:
    """Each target's shortfall as a share of its target (0.3: 30 % short), so gaps in
    different units can be ranked; NaN where there is no shortfall or the target is
    not a quantity in the series' unit (a class, a rank, a target of zero)."""
    shares = []
    for gap, value, unit, kind, series_unit in zip(
        snapshots.gap,
        snapshots.target_value,
        snapshots.target_unit,
        snapshots.kind,
        snapshots.unit,
        strict=True,
    ):
        target, shown_unit = in_unit(value, unit, kind, series_unit)
        usable = not (gap is None or pd.isna(gap) or target is None or pd.isna(target))
        if (
            not usable
            or kind in UNCONVERTED_KINDS
            or shown_unit != series_unit
            or gap <= 0
            or target == 0
            or target is None
        ):
            shares.append(float("nan"))
        else:
            shares.append(float(gap) / abs(float(target)))
    return pd.Series(shares, index=snapshots.index, dtype=float)


def ranked_off_track(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The targets a report lists as needing attention, in the order a leader reads
    them: headline targets first, then by the size of the gap (``gap_share``,
    largest first; gaps that cannot be sized last), ties by target id."""
    off = snapshots[snapshots.status.isin(OFF_TRACK)]
    if off.empty:
        return off.assign(gap_share=pd.Series(dtype=float))
    ranked = off.assign(gap_share=gap_share(off), _minor=~off.headline.astype(bool))
    return ranked.sort_values(
        ["_minor", "gap_share", "target_id"], ascending=[True, False, True], na_position="last"
    ).drop(columns="_minor")


def largest_gaps(snapshots: pd.DataFrame, count: int = 5) -> pd.DataFrame:
    """The ``count`` off-track targets furthest from their target, by share of it."""
    ranked = ranked_off_track(snapshots)
    sized = ranked[ranked.gap_share.notna()]
    return sized.sort_values(["gap_share", "target_id"], ascending=[False, True]).head(count)


def status_by_scope(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Targets by scope (rows: ``scope_code``, most targets first) and shown status
    (columns, best first), with a ``total`` column: the report's table by region."""
    if snapshots.empty:
        return pd.DataFrame(columns=[*SHOWN_ORDER, "total"])
    shown = snapshots.assign(shown=snapshots.status.map(shown_status))
    table = pd.crosstab(shown.scope_code, shown.shown).reindex(
        columns=list(SHOWN_ORDER), fill_value=0
    )
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False, kind="stable")


def not_off_track(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The targets a report's appendix lists: those not off track, by shown status
    (best first), pillar, indicator, scope and year."""
    rest = snapshots[~snapshots.status.isin(OFF_TRACK)]
    order = {s: i for i, s in enumerate(SHOWN_ORDER)}
    pillars = {p: i for i, p in enumerate(PILLARS)}
    keyed = rest.assign(_s=rest.status.map(shown_status).map(order), _p=rest.pillar.map(pillars))
    columns = ["_s", "_p", "indicator_id", "scope_code", "target_year"]
    return keyed.sort_values(columns).drop(columns=["_s", "_p"])
