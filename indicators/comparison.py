"""What the 地区 page shows of a region besides its own targets, and how two regions
are compared (issue 18 item 7).

A city with two targets of its own still reports GDP and urbanisation, and its
figures count towards the circle's targets: ``latest_figures`` gives each
indicator's latest figure of a region, ``covering_targets`` the targets of wider
scopes (the circle, a 都市圈, its province) that the region lies under.

Two regions side by side used to be two scorecards, 2 rows beside 148, nothing
aligned: ``aligned_by_indicator`` puts one indicator on one row, with each
region's latest figure and its own target due soonest, whatever either lacks.

Pure pandas over the frames ``db.observations.current_observations`` and
``db.progress.snapshots_frame`` return.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from indicators.catalogue import PILLARS
from indicators.regions import RegionDirectory
from indicators.summary import covered_units, nearest_first

ANNUAL = r"\d{4}"


def latest_figures(observations: pd.DataFrame) -> pd.DataFrame:
    """Each (indicator, region)'s latest figure: the latest whole year where there
    is one (targets are set for years), else the latest period of any length;
    ``annual`` says which. Columns as given, plus ``annual``."""
    if observations.empty:
        return observations.assign(annual=pd.Series(dtype=bool))
    annual = observations.period.astype(str).str.fullmatch(ANNUAL)
    ordered = observations.assign(annual=annual).sort_values(["annual", "period"])
    return (
        ordered.groupby(["indicator_id", "region_code"], sort=False)
        .tail(1)
        .sort_values(["indicator_id", "region_code"])
        .reset_index(drop=True)
    )


def covering_scopes(
    snapshots: pd.DataFrame, directory: RegionDirectory, code: str
) -> dict[str, int]:
    """The scopes of ``snapshots`` wider than ``code`` that it lies under, each with
    how many units it covers (what ``covering_targets`` keeps)."""
    widths: dict[str, int] = {}
    if snapshots.empty or code not in directory.regions:
        return widths
    for scope in snapshots.scope_code.unique():
        units = covered_units(directory, scope)
        if scope != code and code in units:
            widths[scope] = len(units)
    return widths


def covering_targets(
    snapshots: pd.DataFrame, directory: RegionDirectory, code: str
) -> pd.DataFrame:
    """The snapshots of targets set for a wider scope that ``code`` lies under (the
    circle, a 都市圈, its province): the region's figures count towards them, the
    verdict is the scope's. ``covering_width``: how many units the scope covers,
    so that the narrowest scope comes first."""
    if snapshots.empty or code not in directory.regions:
        return snapshots.iloc[0:0].assign(covering_width=pd.Series(dtype=int))
    widths = covering_scopes(snapshots, directory, code)
    mine = snapshots[snapshots.scope_code.isin(widths)]
    return mine.assign(covering_width=mine.scope_code.map(widths)).sort_values(
        ["covering_width", "scope_code", "indicator_id", "target_year"]
    )


def aligned_by_indicator(
    indicators: pd.DataFrame,
    figures: pd.DataFrame,
    snapshots: pd.DataFrame,
    codes: Sequence[str],
) -> pd.DataFrame:
    """One row per indicator that any of ``codes`` has a figure or a target of its
    own for, in the catalogue's pillar order, headline indicators first.

    ``indicators``: id, pillar, headline; ``figures``: latest_figures' rows
    (indicator_id, region_code, period, value); ``snapshots``: progress rows
    (indicator_id, scope_code, target_id, target_year, as_of).
    For each code: ``value@code``, ``period@code`` (None where it has no figure) and
    ``target@code``, the id of its own target due soonest (None where it has none).
    """
    figures = figures[figures.region_code.isin(codes)]
    own = snapshots[snapshots.scope_code.isin(codes)] if not snapshots.empty else snapshots
    ids = set(figures.indicator_id) | (set(own.indicator_id) if not own.empty else set())
    rank = {p: i for i, p in enumerate(PILLARS)}
    chosen = indicators[indicators.id.isin(ids)]
    chosen = chosen.assign(
        _pillar=chosen.pillar.map(rank).fillna(len(rank)),
        _headline=~chosen.headline.astype(bool),
    ).sort_values(["_pillar", "_headline", "id"])
    rows = pd.DataFrame(
        {"indicator_id": chosen.id.to_list(), "pillar": chosen.pillar.to_list()}, dtype=object
    )
    soonest = (
        nearest_first(own).groupby(["indicator_id", "scope_code"]).head(1) if len(own) else own
    )
    for code in codes:
        theirs = figures[figures.region_code == code].set_index("indicator_id")
        rows[f"value@{code}"] = rows.indicator_id.map(theirs.value.astype(float))
        rows[f"period@{code}"] = rows.indicator_id.map(theirs.period.astype(str))
        targets = soonest[soonest.scope_code == code] if len(soonest) else soonest
        by_indicator = targets.set_index("indicator_id").target_id if len(targets) else {}
        rows[f"target@{code}"] = rows.indicator_id.map(by_indicator)
    return rows.astype(object).where(rows.notna(), None)
