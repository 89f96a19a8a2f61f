"""The layer precedence rule, in its one home (indicators/layers.py)."""

from __future__ import annotations

import pandas as pd

from indicators.layers import LAYER_ORDER, best_layer, layer_rank


def test_lyr001_published_before_reported_before_sample_before_unknown() -> None:
    assert [layer_rank(x) for x in (*LAYER_ORDER, "other")] == [0, 1, 2, 3]


def test_lyr002_one_row_per_key_of_the_best_layer() -> None:
    frame = pd.DataFrame(
        {
            "key": ["a", "a", "a", "b", "b", "c"],
            "layer": ["sample", "published", "reported", "other", "sample", "reported"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    best = best_layer(frame, ["key"]).sort_values("key")
    assert best[["key", "layer", "value"]].values.tolist() == [
        ["a", "published", 2.0],
        ["b", "sample", 5.0],
        ["c", "reported", 6.0],
    ]
    assert list(best.columns) == ["key", "layer", "value"]
    assert best_layer(frame.iloc[:0], ["key"]).empty
