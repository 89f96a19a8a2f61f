"""What the 报送进度 page tells: per region, how much of what was due has come in,
and per region × indicator the state that needs action first.

Input is the matrix of db.completeness (one row per region × indicator ×
period with its ``state``); these functions only count, so they are tested on
small hand-made frames.
"""

from __future__ import annotations

import pandas as pd

from indicators.reporting_calendar import STATES

# which state of a region × indicator shows when its periods differ: the one
# that needs action first (an overdue month outweighs an approved year)
URGENCY = ("overdue", "missing", "received", "approved", "not_due")


def region_summary(matrix: pd.DataFrame) -> pd.DataFrame:
    """One row per region: the count of cells in each state, ``due`` (cells whose
    period could be reported: all but not_due) and ``reported_share`` — received
    or approved among those due, 0–1, NaN when nothing is due yet.

    Received-but-unreviewed counts as reported: the region has done its part,
    the joint office's review is what remains.
    """
    columns = ["region_code", *STATES, "due", "reported_share"]
    if matrix.empty:
        return pd.DataFrame(columns=columns)
    counts = (
        matrix.groupby(["region_code", "state"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(STATES), fill_value=0)
    )
    counts["due"] = counts[[s for s in STATES if s != "not_due"]].sum(axis=1)
    reported = counts["approved"] + counts["received"]
    counts["reported_share"] = (reported / counts["due"]).where(counts["due"] > 0)
    return counts.reset_index()[columns]


def state_totals(matrix: pd.DataFrame) -> dict[str, int]:
    """Cells per state over the whole matrix, every state present (0 when none)."""
    found = matrix.state.value_counts() if not matrix.empty else pd.Series(dtype=int)
    return {state: int(found.get(state, 0)) for state in STATES}


def most_urgent(matrix: pd.DataFrame) -> pd.DataFrame:
    """One row per region × indicator with the most urgent state of its periods
    (URGENCY) and how many periods are in that state (``periods``)."""
    if matrix.empty:
        return pd.DataFrame(columns=["region_code", "indicator_id", "state", "periods"])
    rank = {state: i for i, state in enumerate(URGENCY)}
    ranked = matrix.assign(urgency=matrix.state.map(rank))
    first = ranked.groupby(["region_code", "indicator_id"])["urgency"].transform("min")
    worst = ranked[ranked["urgency"] == first]
    return (
        worst.groupby(["region_code", "indicator_id", "state"])
        .size()
        .rename("periods")
        .reset_index()
    )
