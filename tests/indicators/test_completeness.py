import math

import pandas as pd

from indicators.completeness import most_urgent, region_summary, state_totals


def _matrix(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region_code", "indicator_id", "period", "state"])


SMALL = _matrix(
    [
        ("510100", "gdp", "2025", "approved"),
        ("510100", "cpi", "2025-01", "approved"),
        ("510100", "cpi", "2025-02", "overdue"),
        ("510100", "cpi", "2025-03", "overdue"),
        ("510100", "rd", "2025", "received"),
        ("500101", "gdp", "2025", "missing"),
        ("500101", "cpi", "2025-12", "not_due"),
    ]
)


def test_cmp001_the_reported_share_counts_received_and_approved_among_due() -> None:
    summary = region_summary(SMALL).set_index("region_code")
    chengdu = summary.loc["510100"]
    assert (chengdu.approved, chengdu.received, chengdu.overdue, chengdu.due) == (2, 1, 2, 5)
    assert chengdu.reported_share == 3 / 5
    wanzhou = summary.loc["500101"]
    assert (wanzhou.missing, wanzhou.not_due, wanzhou.due) == (1, 1, 1)
    assert wanzhou.reported_share == 0


def test_cmp002_nothing_due_yet_has_no_share() -> None:
    summary = region_summary(_matrix([("500101", "cpi", "2026-12", "not_due")]))
    assert summary.due.tolist() == [0] and math.isnan(summary.reported_share.iloc[0])
    assert region_summary(SMALL.iloc[0:0]).empty


def test_cmp003_the_most_urgent_state_of_an_indicators_periods_shows() -> None:
    worst = most_urgent(SMALL).set_index(["region_code", "indicator_id"])
    assert worst.loc[("510100", "cpi")].tolist() == ["overdue", 2]
    assert worst.loc[("510100", "gdp")].tolist() == ["approved", 1]
    assert worst.loc[("500101", "cpi")].tolist() == ["not_due", 1]
    assert len(worst) == 5


def test_cmp004_totals_name_every_state() -> None:
    assert state_totals(SMALL) == {
        "approved": 2,
        "received": 1,
        "overdue": 2,
        "missing": 1,
        "not_due": 1,
    }
    assert set(state_totals(SMALL.iloc[0:0]).values()) == {0}
