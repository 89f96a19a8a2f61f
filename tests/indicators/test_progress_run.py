"""assess_all over a small world: direct series win, groupings are derived."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.catalogue import load_catalogue
from indicators.progress_run import assess_all
from tests.helpers import small_directory
from tests.indicators.test_catalogue import write_world


def _obs(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["indicator_id", "region_code", "period", "value"])
    return frame.assign(id=range(1, len(frame) + 1), unit="亿元", layer="sample")


def test_run001_grouping_figure_is_derived_from_members_when_not_reported(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_world(tmp_path), small_directory(), tmp_path / "sources")
    members = [("gdp", "500101", str(y), v) for y, v in ((2020, 2000.0), (2023, 2600.0))]
    members += [("gdp", "500154", str(y), v) for y, v in ((2020, 1000.0), (2023, 1300.0))]
    results = {
        r.assessment.target_id: r
        for r in assess_all(catalogue, small_directory(), _obs(members), 2023)
    }
    gdp = results["p-001"]
    assert gdp.origin == "derived" and gdp.assessment.latest.value == 3900.0
    assert gdp.assessment.baseline.value == 3000.0  # no plan baseline for 万达开 GDP
    assert gdp.assessment.used[0].startswith("derived:2/2")


def test_run002_a_reported_grouping_series_wins(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_world(tmp_path), small_directory(), tmp_path / "sources")
    rows = [
        ("gdp", "wandakai", "2020", 3000.0),
        ("gdp", "wandakai", "2023", 4500.0),
        ("gdp", "500101", "2023", 1.0),
        ("gdp", "500154", "2023", 1.0),
    ]
    result = next(
        r
        for r in assess_all(catalogue, small_directory(), _obs(rows), 2023)
        if r.assessment.target_id == "p-001"
    )
    assert result.origin == "reported" and result.layer == "sample"
    assert result.assessment.latest.value == 4500.0
    assert result.assessment.status == "on_track"
