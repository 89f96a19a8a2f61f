"""Assess every target of the catalogue from a table of observations.

Pure orchestration over plain frames, so that the job that stores snapshots
(and the benchmark) only has to read and write: for each target, the annual
series of its scope — reported for the scope itself where it exists, derived
from the members by the indicator's rule otherwise — in the indicator's unit,
the plan's baseline for the same indicator and scope, then ``assess`` and,
from the same series and baseline, the DNS ``outlook``. Only observations of
years up to the as-of year are read, so a run for an earlier year gives what a
run in that year would have given (the previous-period snapshots rely on it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import pandas as pd

from indicators.aggregation import Rule, derive
from indicators.catalogue import Catalogue, Entry
from indicators.outlook import Outlook, outlook
from indicators.progress import (
    Assessment,
    Point,
    TargetSpec,
    assess,
    cumulative_series,
    relative_base_year,
)
from indicators.regions import RegionDirectory
from indicators.units import UnitError, convert


@dataclass(frozen=True)
class Result:
    assessment: Assessment
    scope_code: str
    unit: str
    origin: str  # reported | derived | none
    layer: str | None
    outlook: Outlook
    # the annual series assessed, for trend lines on pages; for a cumulative target
    # the running total over its period (progress.cumulative_series), never the flows
    series: tuple[Point, ...] = ()
    # a fingerprint of the observations this target's assessment read (id and value
    # of each, of every series in ``inputs_of``): what it was computed from
    digest: str = ""


def annual(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the annual periods ('2023'); sub-annual ones are not assessed yet."""
    return frame[frame.period.str.fullmatch(r"\d{4}")]


def up_to(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Observations of periods in ``year`` or before ('2023', '2023Q4', '2023-12').

    Filtering the frame, not just the series, matters for groupings: a series
    the grouping reports only from a later year must not win over the figures
    derived from its members, and its layer must not count.
    """
    if frame.empty:
        return frame
    return frame[frame.period.str[:4].astype(int) <= year]


# period → (value, observation id, layer, bound: "lower" | "upper" | "")
Series = dict[str, tuple[float, int, str, str]]


def _index(observations: pd.DataFrame) -> dict[tuple[str, str], Series]:
    """The series of each indicator × region; a ``bound`` column, where the frame
    has one, marks published figures that are bounds (超过 X), not values."""
    index: dict[tuple[str, str], Series] = {}
    bounds = (
        observations["bound"].fillna("").astype(str)
        if "bound" in observations
        else pd.Series("", index=observations.index)
    )
    for row, bound in zip(observations.itertuples(index=False), bounds, strict=True):
        index.setdefault((row.indicator_id, row.region_code), {})[row.period] = (
            float(row.value),
            int(row.id),
            row.layer,
            bound,
        )
    return index


def _series_for(
    entry: Entry,
    catalogue: Catalogue,
    directory: RegionDirectory,
    by_indicator: dict[str, pd.DataFrame],
    index: dict[tuple[str, str], Series],
) -> tuple[list[Point], str, str | None]:
    """The scope's own series where it reports one; else derived from its members.

    A directly reported series wins as a whole; a grouping's figures are derived
    (by the indicator's rule, with full coverage) only where none is reported.
    """
    direct = index.get((entry.indicator_id, entry.scope_code))
    if direct:
        layers = {layer for _, _, layer, _ in direct.values()}
        points = [
            Point(int(period), value, f"obs:{obs_id}", bound)
            for period, (value, obs_id, _, bound) in sorted(direct.items())
        ]
        return points, "reported", layers.pop() if len(layers) == 1 else None
    scope = directory.regions.get(entry.scope_code)
    if scope is None or not scope.is_grouping or not scope.members:
        return [], "none", None
    indicator = catalogue.indicators[entry.indicator_id]
    members = [m.code for m in directory.leaf_members(scope.code)]
    rule = Rule.of(indicator)
    needed = [indicator.id, *rule.components, *([rule.weight] if rule.weight else [])]
    frames = [by_indicator[i] for i in needed if i in by_indicator]
    if not frames:
        return [], "none", None
    relevant = pd.concat(frames) if len(frames) > 1 else frames[0]
    derived = derive(rule, indicator.id, members, relevant).dropna(subset=["value"])
    points = [
        Point(int(row.period), float(row.value), f"derived:{row.reported}/{row.expected}")
        for row in derived.itertuples()
    ]
    return points, ("derived" if points else "none"), None


def _plan_baseline(entry: Entry, catalogue: Catalogue) -> Point | None:
    """The plan's latest figure before the target year; for a relative target
    (翻一番) only a figure of its base year will do."""
    unit = catalogue.indicators[entry.indicator_id].unit
    candidates = []
    wanted = None
    if entry.kind == "relative":
        wanted = relative_base_year(target_spec(entry, catalogue))
    for b in catalogue.baselines:
        if (
            b.indicator_id == entry.indicator_id
            and b.scope_code == entry.scope_code
            and b.year < entry.year
            and (wanted is None or b.year == wanted)
        ):
            try:
                candidates.append(Point(b.year, convert(b.value, b.unit, unit), f"plan:{b.id}"))
            except UnitError:
                continue
    return max(candidates, key=lambda p: p.year) if candidates else None


def target_spec(entry: Entry, catalogue: Catalogue) -> TargetSpec:
    """What the method needs of a catalogue target, its values in the indicator's unit
    (a unit that cannot be converted leaves them as the plan wrote them)."""
    indicator = catalogue.indicators[entry.indicator_id]
    value, high = entry.value, entry.value_high
    if entry.kind != "relative":  # a relative target's value is a factor (倍), kept as is
        try:
            value = convert(entry.value, entry.unit, indicator.unit)
            high = None if high is None else convert(high, entry.unit, indicator.unit)
        except UnitError:
            value, high = entry.value, entry.value_high
    return TargetSpec(
        entry.id,
        entry.kind,
        entry.year,
        value,
        entry.comparator,
        indicator.direction,
        entry.base_year,
        high,
        indicator.measure or "",
    )


def needed_indicators(catalogue: Catalogue, indicator_id: str) -> tuple[str, ...]:
    """The indicators whose figures a target of ``indicator_id`` reads: itself and,
    for a grouping derived by its rule, the rule's components and weight."""
    rule = Rule.of(catalogue.indicators[indicator_id])
    return (indicator_id, *rule.components, *([rule.weight] if rule.weight else []))


def inputs_of(
    entry: Entry, catalogue: Catalogue, directory: RegionDirectory
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(indicators, regions) whose observations the assessment of ``entry`` may
    read (``_series_for``): its indicator and the rule's, for its scope and, if
    the scope is a grouping, its leaf members."""
    regions = [entry.scope_code]
    scope = directory.regions.get(entry.scope_code)
    if scope is not None and scope.is_grouping and scope.members:
        regions += [m.code for m in directory.leaf_members(scope.code)]
    return needed_indicators(catalogue, entry.indicator_id), tuple(regions)


def affected_targets(
    catalogue: Catalogue, directory: RegionDirectory, changes: Iterable[tuple[str, str]]
) -> set[str]:
    """The targets whose assessment a change to the current observations of these
    indicator × region pairs can alter: those that read that series (``inputs_of``),
    whether as their scope's own or as a member of the grouping they are set for."""
    changed = set(changes)
    if not changed:
        return set()
    indicators = {ind for ind, _ in changed}
    affected = set()
    for entry in catalogue.targets:
        if entry.indicator_id not in catalogue.indicators:
            continue
        wanted, regions = inputs_of(entry, catalogue, directory)
        if indicators.isdisjoint(wanted):
            continue
        if any((ind, reg) in changed for ind in wanted for reg in regions):
            affected.add(entry.id)
    return affected


def _digest(
    entry: Entry,
    catalogue: Catalogue,
    directory: RegionDirectory,
    index: dict[tuple[str, str], Series],
) -> str:
    indicators, regions = inputs_of(entry, catalogue, directory)
    text = ";".join(
        f"{ind}|{reg}|"
        + ",".join(f"{i}:{v!r}" for i, v in sorted((i, v) for v, i, _, _ in series.values()))
        for ind in indicators
        for reg in regions
        if (series := index.get((ind, reg)))
    )
    return hashlib.sha256(text.encode()).hexdigest()


def assess_all(
    catalogue: Catalogue,
    directory: RegionDirectory,
    observations: pd.DataFrame,
    as_of: int,
    targets: Collection[str] | None = None,
) -> list[Result]:
    """One result per target of the catalogue (of ``targets`` only, when given).
    ``observations``: id, indicator_id, region_code, period, value, unit, layer
    (values in the indicator's unit); for ``targets``, at least every row of the
    indicators they read (``needed_indicators``) — a target's result depends on
    those alone, so the incremental recompute reads no more."""
    observations = up_to(annual(observations), as_of)
    index = _index(observations)
    by_indicator = dict(tuple(observations.groupby("indicator_id")))
    results = []
    for entry in catalogue.targets:
        if targets is not None and entry.id not in targets:
            continue
        indicator = catalogue.indicators[entry.indicator_id]
        spec = target_spec(entry, catalogue)
        points, origin, layer = _series_for(entry, catalogue, directory, by_indicator, index)
        baseline = _plan_baseline(entry, catalogue)
        assessment = assess(spec, points, as_of, baseline)
        results.append(
            Result(
                assessment,
                entry.scope_code,
                indicator.unit,
                origin,
                layer,
                outlook(spec, points, as_of, baseline),
                tuple(
                    cumulative_series(spec, points, as_of)
                    if spec.kind == "cumulative"
                    else (p for p in points if p.year <= as_of)
                ),
                _digest(entry, catalogue, directory, index),
            )
        )
    return results
