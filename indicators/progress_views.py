"""What the reading pages derive from the progress snapshots, computed once per
progress version instead of once per page request (issue 19 item 1).

A page that was not in the reply cache (dashboard/page_cache.py) used to merge
the targets set in several plans, pick each indicator's decimals, compare with
the previous period, pick the headline targets and each unit's target for the
map, in pandas, on every request — most of 总览's server time on a miss. These
depend only on the snapshots and the reference data that name them, so they are
computed here once, from the frames ``db.progress.snapshots_frame`` and
``db.progress.status_changes`` give, and kept as plain JSON
(``to_plain``/``from_plain``) that every worker reads (db/progress_views.py).

Pure: no database, no web framework. The pages' own functions
(indicators.summary) stay the definition; this module only runs them once and
records their answers as row labels of the merged frame.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from indicators.formatting import decimals_by_indicator
from indicators.regions import RegionDirectory
from indicators.summary import (
    UnitStatuses,
    headline_targets,
    merge_duplicates,
    nearest_first,
    pick_units,
    status_counts,
)

# the status changes a page lists (indicators.progress.CHANGES: the others are "no move")
MOVED = ("improved", "worsened")
FORMAT = 3  # raised when the stored shape changes: older rows are then computed again


@dataclass(frozen=True)
class ProgressViews:
    """The derived data of one progress version.

    ``snapshots``: the latest year's snapshots, one row per target set in several
    plans (merge_duplicates), with ``decimals``; ``moved``: those that also have a
    snapshot the year before and whose status improved or worsened since (``MOVED``),
    merged alike, with ``previous_*`` and ``change``;
    ``headline``: the row labels of ``headline_targets(snapshots)`` in its order;
    ``units``: for each indicator, the row label of the target each unit's map cell
    shows (``own``) or lies under (``wider``), as ``unit_statuses`` picks them;
    ``counts``: targets by pillar and shown status (``status_counts``)."""

    snapshots: pd.DataFrame
    moved: pd.DataFrame
    headline: list[Any] = field(default_factory=list)
    units: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)

    def headline_targets(self) -> pd.DataFrame:
        """What ``indicators.summary.headline_targets`` gives on ``snapshots``."""
        return self.snapshots.loc[self.headline] if self.headline else self.snapshots.iloc[:0]

    def unit_statuses(self, indicator_id: str, rows: Mapping[Any, Any]) -> UnitStatuses:
        """What ``indicators.summary.unit_statuses`` gives for ``indicator_id``, each
        unit's row taken from ``rows`` by its label (the frame's rows as a page keeps
        them: ``snapshots.loc``, or attribute objects made once)."""
        picked = self.units.get(indicator_id)
        if not picked:
            return UnitStatuses()
        return UnitStatuses(
            own={unit: rows[label] for unit, label in picked["own"].items()},
            wider={unit: rows[label] for unit, label in picked["wider"].items()},
        )


def compute(
    current: pd.DataFrame, changes: pd.DataFrame, directory: RegionDirectory
) -> ProgressViews:
    """The derived data from ``current`` (``snapshots_frame``: the latest year) and
    ``changes`` (``status_changes`` of that frame), for the units of ``directory``."""
    merged = merge_duplicates(current)
    if merged.empty:
        return ProgressViews(merged, _moved(changes), counts=status_counts(merged))
    merged = merged.assign(decimals=decimals_by_indicator(merged))
    # unit_statuses' picks for every indicator, as row labels: one sort of the whole
    # frame (nearest_first orders each indicator's rows as it orders them all) and each
    # scope's units found once, instead of a filter, a sort, a row object per target
    # and a scan of the regions per indicator (268 indicators: 5-9 s of the recompute's
    # thread under load, before every verdict that followed it in the same process)
    ordered = nearest_first(merged)
    scoped: dict[str, list[tuple[Any, str]]] = {}
    for label, indicator_id, scope in zip(
        ordered.index, ordered.indicator_id, ordered.scope_code, strict=True
    ):
        scoped.setdefault(str(indicator_id), []).append((label, scope))
    covered: dict[str, tuple[str | None, set[str]]] = {}
    units: dict[str, dict[str, dict[str, Any]]] = {}
    for indicator_id in merged.indicator_id.unique():
        own, wider = pick_units(scoped[str(indicator_id)], directory, covered)
        units[str(indicator_id)] = {"own": own, "wider": wider}
    return ProgressViews(
        snapshots=merged,
        moved=_moved(changes),
        headline=list(headline_targets(merged).index),
        units=units,
        counts=status_counts(merged),
    )


def _moved(changes: pd.DataFrame) -> pd.DataFrame:
    """The merged status changes whose status improved or worsened: what the pages list
    (总览's changes). Only these are kept: every worker reads the views once per
    progress version, and the unchanged rows, most of them, doubled what it read."""
    merged = merge_duplicates(changes)
    if merged.empty:
        return merged
    return merged[merged.change.isin(MOVED)]


# ------------------------------------------------------------ plain JSON ---


def _plain(value: Any) -> Any:
    """A cell as JSON: None for every missing marker, ISO text for timestamps,
    Python numbers for numpy ones, lists for the series and plan lists."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def _column_to_plain(column: pd.Series) -> list[Any]:
    """A column's cells as JSON: a column of numbers, flags or text converted at once
    (``tolist``, its missing cells None), cell by cell only where a cell may be a list
    or a timestamp (object and datetime columns)."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in ("b", "i", "u"):  # never missing
        return column.tolist()  # type: ignore[no-any-return]
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return [_plain(v) for v in column.tolist()]
    missing = column.isna().tolist()
    return [None if gone else v for v, gone in zip(column.tolist(), missing, strict=True)]


def frame_to_plain(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as JSON-ready data that ``frame_from_plain`` turns back into an equal
    frame (columns, dtypes and row labels included), column by column: every worker
    reads it once per progress version, and a column of one dtype is made in one step
    where rows of mixed cells were made cell by cell and converted again."""
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "index": [_plain(i) for i in frame.index],
        "index_dtype": str(frame.index.dtype),
        "names": [frame.index.name, frame.columns.name],
        "values": [_column_to_plain(frame[c]) for c in frame.columns],
    }


def _column_from_plain(values: list[Any], dtype: str, index: pd.Index) -> pd.Series:
    if dtype.startswith("datetime64"):
        wanted = pd.api.types.pandas_dtype(dtype)
        aware = isinstance(wanted, pd.DatetimeTZDtype)  # PostgreSQL's timestamptz columns
        parsed = pd.Series(pd.to_datetime(values, utc=aware), index=index)
        if aware:  # parsed in UTC (an empty column too): the zone, then the unit
            parsed = parsed.dt.tz_convert(wanted.tz)
        return parsed.astype(wanted)
    return pd.Series(values, index=index, dtype=dtype)  # a list in an object column: one cell


def frame_from_plain(plain: dict[str, Any]) -> pd.DataFrame:
    index = pd.Index(plain["index"], dtype=plain["index_dtype"])
    frame = pd.DataFrame(
        {
            name: _column_from_plain(values, dtype, index)
            for name, dtype, values in zip(
                plain["columns"], plain["dtypes"], plain["values"], strict=True
            )
        },
        index=index,
        columns=plain["columns"],
    )
    frame.index.name, frame.columns.name = plain["names"]
    return frame


def to_plain(views: ProgressViews) -> bytes:
    """``views`` as UTF-8 JSON (what db/progress_views.py stores): data, never code,
    so a row in the database cannot make a worker run anything."""
    return json.dumps(
        {
            "format": FORMAT,
            "snapshots": frame_to_plain(views.snapshots),
            "moved": frame_to_plain(views.moved),
            "headline": [_plain(i) for i in views.headline],
            "units": {
                k: {s: {u: _plain(i) for u, i in v.items()} for s, v in p.items()}
                for k, p in views.units.items()
            },
            "counts": frame_to_plain(views.counts),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def from_plain(body: bytes) -> ProgressViews | None:
    """The views ``to_plain`` wrote; None when written in another format (an older
    release's row: computed again)."""
    plain = json.loads(body)
    if plain.get("format") != FORMAT:
        return None
    return ProgressViews(
        snapshots=frame_from_plain(plain["snapshots"]),
        moved=frame_from_plain(plain["moved"]),
        headline=plain["headline"],
        units=plain["units"],
        counts=frame_from_plain(plain["counts"]),
    )
