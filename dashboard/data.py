"""The frames pages show, read once per request and labelled in the page's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.context import (
    database_name,
    master_data,
    observation_scope,
    per_request,
    progress_only,
    progress_version,
    region_directory,
    session_factory,
)
from dashboard.i18n import region_name
from db.catalogue import indicators_frame, stored_catalogue, targets_frame
from db.data_version import current_versions
from db.observations import current_observations, layer_version
from db.progress import snapshots_frame
from indicators.catalogue import Catalogue
from indicators.formatting import decimals_by_indicator
from indicators.progress_views import ProgressViews
from indicators.summary import UnitStatuses, merge_duplicates
from workflows.final_evaluation import PUBLISHED
from workflows.final_evaluation import final_evaluation as evaluate_final
from workflows.progress_views import progress_views

T = TypeVar("T")


def snapshots(lang: str, as_of: int | None = None) -> pd.DataFrame:
    """The progress snapshots with the scope's name in ``lang`` (``scope_label``) and
    the indicator's decimals; a target set in several plans once, with its plans
    (indicators.summary.merge_duplicates). The latest year's come from the
    per-version views (``views``), labelled once per language and version."""
    if as_of is None:
        return _labelled(lang).copy(deep=False)
    frame = merge_duplicates(_snapshots(as_of))
    if frame.empty:
        return frame
    frame = frame.assign(decimals=decimals_by_indicator(frame))
    return frame.assign(scope_label=_scope_labels(frame, lang))


def _scope_labels(frame: pd.DataFrame, lang: str) -> pd.Series:
    directory = region_directory()
    labels = {c: region_name(directory[c], lang) for c in frame.scope_code.unique()}
    return frame.scope_code.map(labels)


@dataclass
class _Kept:
    """One worker's copy of a progress version's views, and what it made of them."""

    version: int
    views: ProgressViews
    derived: dict[str, Any] = field(default_factory=dict)


_views: dict[str, _Kept] = {}


def views() -> ProgressViews:
    """What the pages derive from the latest snapshots (indicators/progress_views.py),
    for the current progress version: kept by this worker, else read from the
    database where the recompute (or the first worker) stored it, else computed
    and stored there — never derived per request (issue 19 item 1)."""
    return _kept_views().views


def _kept_views() -> _Kept:
    version = progress_version()
    kept = _views.get(database_name())
    if kept is None or kept.version != version:
        with progress_only():  # the snapshots and the reference data, by their version
            kept = _Kept(version, progress_views(session_factory(), version))
        _views[database_name()] = kept
    return kept


def per_version(key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per progress version in this worker: for what a page makes
    of the latest snapshots alone (labels in a language, a sorted selection), never
    of observations, which move without the progress version."""
    derived = _kept_views().derived
    if key not in derived:
        derived[key] = compute()
    return derived[key]  # type: ignore[no-any-return]


def _labelled(lang: str) -> pd.DataFrame:
    """The latest snapshots with ``scope_label`` in ``lang``."""

    def label() -> pd.DataFrame:
        frame = views().snapshots
        if frame.empty:
            return frame
        # the columns in the order the pages always had them
        return frame.drop(columns="decimals").assign(
            scope_label=_scope_labels(frame, lang), decimals=frame.decimals
        )

    return per_version(f"labelled:{lang}", label)


def _rows(lang: str) -> dict[Any, SimpleNamespace]:
    """Each row of ``_labelled(lang)`` as an attribute object, by row label."""
    return per_version(
        f"rows:{lang}",
        lambda: dict(zip(_labelled(lang).index, records(_labelled(lang)), strict=True)),
    )


def headline(lang: str) -> list[SimpleNamespace]:
    """The rows of ``indicators.summary.headline_targets(snapshots(lang))`` in its
    order, as attribute objects (``records``), picked once per version."""
    rows = _rows(lang)
    return [rows[label] for label in views().headline]


def unit_statuses(indicator_id: str, lang: str) -> UnitStatuses:
    """``indicators.summary.unit_statuses`` of ``snapshots(lang)``, picked once per
    version; each unit's row an attribute object (``records``)."""
    return views().unit_statuses(indicator_id, _rows(lang))


def pillar_counts() -> pd.DataFrame:
    """``indicators.summary.status_counts`` of the latest snapshots, once per version."""
    return views().counts


def _snapshots(as_of: int | None) -> pd.DataFrame:
    """The snapshots of one year as stored, read once per request whichever caller
    asks first, and kept by this worker between requests while the progress
    version is unchanged (a recompute raises it, so every worker sees it on its
    next request)."""
    with progress_only():  # kept by the progress version: the snapshots and what names them
        return per_request(f"snapshots:{as_of}", lambda: _query(lambda s: _versioned(s, as_of)))


_kept: dict[tuple[object, ...], pd.DataFrame] = {}
KEPT_MAX = 8


def _versioned(session: Session, as_of: int | None) -> pd.DataFrame:
    key = (database_name(), as_of, progress_version())
    frame = _kept.get(key)
    if frame is None:
        frame = snapshots_frame(session, as_of)
        if len(_kept) >= KEPT_MAX:
            _kept.pop(next(iter(_kept)))
        _kept[key] = frame
    return frame


_finals: dict[tuple[object, ...], pd.DataFrame] = {}


def final_evaluation(lang: str, through_year: int) -> pd.DataFrame:
    """终期评估 of the targets due by ``through_year`` on published figures, joined with
    each target's plan, sentence, indicator, pillar and scope name in ``lang``.

    Kept by this worker while the published layer and the snapshots are unchanged."""

    def compute(session: Session) -> pd.DataFrame:
        key = (
            str(session.get_bind().url),
            through_year,
            *layer_version(session, PUBLISHED),
            # the catalogue and regions: only their loads move it. Not the snapshots' version,
            # which every reporter's upload moves: the 1.4 s evaluation was made again
            # after each upload, on every worker, though it reads published figures alone
            current_versions(session)[1],
        )
        frame = _finals.get(key)
        if frame is None:  # (a local: the warming thread may clear the dict meanwhile)
            frame = evaluate_final(session, through_year)
            _finals.clear()
            _finals[key] = frame
        return frame

    frame = per_request(f"final:{through_year}", lambda: _query(compute))
    described = targets().rename(columns={"id": "target_id"})
    frame = frame.merge(described, on="target_id", how="left")
    directory = region_directory()
    labels = {c: region_name(directory[c], lang) for c in frame.scope_code.dropna().unique()}
    return frame.assign(scope_label=frame.scope_code.map(labels))


def records(frame: pd.DataFrame) -> list[SimpleNamespace]:
    """Rows as attribute objects: ``itertuples`` on a wide frame costs a column
    lookup per field per row, which made tables the slowest part of a page; and
    ``to_dict("records")`` boxes every cell one by one (265 ms for one indicator's
    576 observations, issue 19), so each column is converted at once (``tolist``
    gives the same Python values; a missing value of a nullable column is None,
    as to_dict gives it, never pd.NA, which refuses to be true or false)."""
    if frame.shape[1] == 0:
        return [SimpleNamespace() for _ in range(len(frame))]
    columns = [str(c) for c in frame.columns]
    values = [_column_values(frame.iloc[:, i]) for i in range(frame.shape[1])]
    rows = zip(*values, strict=True)
    return [SimpleNamespace(**dict(zip(columns, row, strict=True))) for row in rows]


def _column_values(column: pd.Series) -> list[Any]:
    values = column.tolist()
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return [None if v is pd.NA else v for v in values]
    return values


def moved(lang: str) -> pd.DataFrame:
    """The latest snapshots whose status improved or worsened since the previous year
    (db.progress.status_changes, merged): from the per-version views (re-reading and
    merging the previous year's snapshots was 23 % of 总览's server time)."""
    return views().moved.copy(deep=False)


def indicators() -> pd.DataFrame:
    """Every indicator of the catalogue (reference data: context.master_data)."""
    return master_data("indicators", lambda: _query(indicators_frame)).copy()


def catalogue() -> Catalogue:
    """The stored catalogue (reference data: context.master_data), for the workflows
    pages call with it (bulletin proposals)."""

    def read() -> Catalogue:
        with session_factory()() as session:
            return stored_catalogue(session)

    return master_data("catalogue", read)


def targets() -> pd.DataFrame:
    """Every target and baseline with its plan and sentence (reference data)."""
    return master_data("targets", lambda: _query(targets_frame)).copy()


def observations(indicator_id: str) -> pd.DataFrame:
    """The current observations of one indicator (read once per request; a reply that
    read nothing else is kept until they change: ``observation_scope``)."""
    with observation_scope("indicators", (indicator_id,)):
        return per_request(
            f"observations:{indicator_id}",
            lambda: _query(lambda session: current_observations(session, indicator_id)),
        ).copy()


def region_observations(codes: tuple[str, ...]) -> pd.DataFrame:
    """The current observations of every indicator of ``codes`` (read once per request;
    a reply that read nothing else is kept until they change)."""
    with observation_scope("regions", codes):
        return per_request(
            f"region-observations:{','.join(codes)}",
            lambda: _query(lambda session: current_observations(session, regions=codes)),
        ).copy()


def _query(read: Callable[[Session], pd.DataFrame]) -> pd.DataFrame:
    with session_factory()() as session:
        return read(session)
