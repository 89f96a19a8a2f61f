"""Rankings of like units: one level, one year, one data layer.

A ranking that puts 四川省 above 成都市 and 城口县, or 成都's 2025 report beside
四川's 2024 published figure, misleads. Here the units ranked are the ones a
province divides into inside the circle — 重庆's districts and counties, 四川's
cities — and only the figures of one year in one data layer are ranked: the
(year, layer) that most of those units have, the later year and the better
layer on a tie. Units with figures only for another year or layer are counted,
so that the page can say they are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.layers import layer_rank
from indicators.regions import RegionDirectory


def like_units(directory: RegionDirectory) -> set[str]:
    """The units one level below a province that lie (wholly or partly) in the
    circle: 重庆's districts and counties, 四川's prefecture-level cities."""
    provinces = {r.code for r in directory if r.level == "province"}
    return {
        r.code
        for r in directory
        if not r.is_grouping and r.parent in provinces and r.in_circle != "outside"
    }


@dataclass(frozen=True)
class Ranking:
    rows: pd.DataFrame  # region_code, value, period, layer: best first
    year: int | None
    layer: str | None
    left_out: int  # like units with figures of other years or layers only


def _annual_of(observations: pd.DataFrame, units: set[str]) -> pd.DataFrame:
    """The rows of ``units`` for a whole year ('2023'), not a quarter or month."""
    return observations[
        observations.period.astype(str).str.fullmatch(r"\d{4}")
        & observations.region_code.isin(units)
    ]


def latest_annual(observations: pd.DataFrame, units: set[str]) -> pd.DataFrame:
    """Each of ``units``' latest annual figure, one row per region (the value map
    of 总览; the ranking below compares one year and one layer instead)."""
    annual = _annual_of(observations, units)
    return annual.sort_values("period").groupby("region_code").tail(1)


def rank_like_units(observations: pd.DataFrame, units: set[str]) -> Ranking:
    """The annual figures (``region_code``, ``period``, ``value``, ``layer``) of
    ``units`` for one year and one layer, highest first."""
    annual = _annual_of(observations, units)
    if annual.empty:
        return Ranking(annual.assign(value=[]), None, None, 0)
    counts = annual.groupby(["period", "layer"]).region_code.nunique().reset_index(name="n")
    counts = counts.assign(_year=counts.period.astype(int), _layer=-counts.layer.map(layer_rank))
    best = counts.sort_values(["n", "_year", "_layer"], ascending=False).iloc[0]
    chosen = annual[(annual.period == best.period) & (annual.layer == best.layer)]
    chosen = chosen.drop_duplicates("region_code", keep="last")
    rows = chosen.sort_values("value", ascending=False).reset_index(drop=True)
    left_out = annual.region_code.nunique() - rows.region_code.nunique()
    return Ranking(rows, int(best.period), str(best.layer), left_out)
