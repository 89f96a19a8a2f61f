"""The data layers and which one counts where several hold a figure.

Where several layers hold a value for the same indicator, region and period, the
published figure (公开数据) wins over a reported one (报送数据), and both over the
synthetic sample (示例数据). This module is the one home of that rule: the current
observations (db.observations), the review's comparison (db.review), the
ranking and the pages' status lines all take it from here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

# best first
LAYER_ORDER: tuple[str, ...] = ("published", "reported", "sample")
LAYER_NAMES_ZH = {"published": "公开数据", "reported": "报送数据", "sample": "示例数据"}
LAYER_NAMES_EN = {"published": "published", "reported": "reported", "sample": "sample data"}
_RANK = {layer: i for i, layer in enumerate(LAYER_ORDER)}


def layer_rank(layer: object) -> int:
    """0 for the best layer; an unknown layer after every known one."""
    return _RANK.get(str(layer), len(_RANK))


def best_layer(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One row per ``keys``: the row of the best ``layer`` (stable: among rows of
    one layer the first is kept), in the frame's own column order."""
    if frame.empty:
        return frame
    ranks = frame.layer.map(layer_rank)
    order = ranks.sort_values(kind="stable").index
    return frame.loc[order].drop_duplicates(list(keys)).reset_index(drop=True)
