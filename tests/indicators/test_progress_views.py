"""The per-version page data's JSON form (indicators/progress_views.py) gives back
equal frames: every worker reads the data from it once per progress version."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from indicators.progress_views import frame_from_plain, frame_to_plain


def round_trip(frame: pd.DataFrame) -> pd.DataFrame:
    return frame_from_plain(json.loads(json.dumps(frame_to_plain(frame), ensure_ascii=False)))


def test_pvj001_every_kind_of_column_comes_back_equal() -> None:
    frame = pd.DataFrame(
        {
            "target_id": pd.Series(["a-1", None, "c-3"], dtype="str"),
            "latest_value": [1.5, np.nan, -2.0],
            "latest_year": pd.array([2024, None, 2025], dtype="Int64"),
            "final": [True, False, True],
            "as_of": np.array([2025, 2025, 2024], dtype="int64"),
            "series": [[[2020, 1.0], [2021, None]], [], None],
            "computed_at": pd.to_datetime(
                ["2026-12-07 10:00:00", None, "2026-12-06 00:00:00"]
            ).astype("datetime64[us]"),
            "note": ["说明", None, float("nan")],
        },
        index=pd.Index([5, 7, 9], name="row"),
    )
    back = round_trip(frame)
    pd.testing.assert_frame_equal(back, frame)
    assert back.series.iloc[0] == [[2020, 1.0], [2021, None]]  # a list stays one cell


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": pd.Series([], dtype=object)}),
        pd.DataFrame({"achieved": [1, 2]}, index=pd.Index(["经济", "创新"], dtype="str")),
        # PostgreSQL's timestamptz, empty (nothing moved: 总览's changes) and not
        pd.DataFrame({"computed_at": pd.Series([], dtype="datetime64[us, UTC]")}),
        pd.DataFrame(
            {
                "computed_at": pd.to_datetime(["2026-12-07 10:00:00+00:00", None])
                .astype("datetime64[us, UTC]")
                .tz_convert("Asia/Shanghai")
            }
        ),
    ],
)
def test_pvj002_empty_frames_and_text_labels(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(round_trip(frame), frame)
