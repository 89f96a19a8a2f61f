"""Figures for groupings and provinces, derived from their members.

The indicator's rule decides: ``sum`` adds members' values; ``ratio`` divides
the sum of the numerator component by the sum of the denominator component
(never a mean of the members' ratios); ``weighted_mean`` weights each member's
value by its weight indicator; ``not_combinable`` gives no derived figure. A
figure is derived only when enough members reported (coverage); otherwise there
is none, rather than a misleading partial sum. A series reported directly for
the grouping wins over the derived one (see ``progress_run``), which says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.catalogue import IndicatorDef

MIN_COVERAGE = 1.0  # every member must have reported for a derived figure
COLUMNS = ["period", "value", "origin", "reported", "expected", "coverage"]


@dataclass(frozen=True)
class Rule:
    aggregation: str
    components: tuple[str, ...] = ()
    weight: str | None = None

    @classmethod
    def of(cls, indicator: IndicatorDef) -> Rule:
        return cls(indicator.aggregation, indicator.components, indicator.weight)


def _values(frame: pd.DataFrame, indicator: str, members: list[str]) -> pd.DataFrame:
    """Member × period table of one indicator's values."""
    rows = frame[(frame.indicator_id == indicator) & frame.region_code.isin(members)]
    return rows.pivot_table(index="period", columns="region_code", values="value", aggfunc="last")


def derive(
    rule: Rule,
    indicator_id: str,
    members: list[str],
    observations: pd.DataFrame,
    min_coverage: float = MIN_COVERAGE,
) -> pd.DataFrame:
    """Derived figures per period for a grouping of ``members``.

    ``observations`` is long: indicator_id, region_code, period, value. The
    result has one row per period with value (NaN where coverage is too low),
    the number of members that reported, how many were expected, and coverage.
    """
    if rule.aggregation == "not_combinable" or not members:
        return pd.DataFrame(columns=COLUMNS)
    if rule.aggregation == "sum":
        table = _values(observations, indicator_id, members)
        reported = table.notna().sum(axis=1)
        value = table.sum(axis=1, min_count=1)
    elif rule.aggregation == "ratio":
        numerator, denominator = rule.components
        top = _values(observations, numerator, members)
        bottom = _values(observations, denominator, members)
        both = top.notna() & bottom.reindex_like(top).notna()
        reported = both.sum(axis=1)
        value = top.where(both).sum(axis=1) / bottom.reindex_like(top).where(both).sum(axis=1) * 100
    elif rule.aggregation == "weighted_mean":
        values = _values(observations, indicator_id, members)
        weights = _values(observations, rule.weight or "", members).reindex_like(values)
        both = values.notna() & weights.notna()
        reported = both.sum(axis=1)
        value = (values * weights).where(both).sum(axis=1) / weights.where(both).sum(axis=1)
    else:
        raise ValueError(f"未知的汇总规则：{rule.aggregation}")
    result = pd.DataFrame({"value": value, "reported": reported})
    result["expected"] = len(members)
    result["coverage"] = result.reported / len(members)
    result.loc[result.coverage < min_coverage, "value"] = float("nan")
    result["origin"] = "derived"
    return result.reset_index()[COLUMNS]
