"""The frames pages show, read once per request and labelled in the page's language."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.context import (
    data_version,
    database_name,
    master_data,
    per_request,
    region_directory,
    session_factory,
)
from dashboard.i18n import region_name
from db.catalogue import indicators_frame, stored_catalogue, targets_frame
from db.observations import current_observations, layer_version
from db.progress import snapshots_frame, snapshots_version, status_changes
from indicators.catalogue import Catalogue
from indicators.formatting import decimals_by_indicator
from indicators.summary import merge_duplicates
from loaders.final_evaluation import PUBLISHED
from loaders.final_evaluation import final_evaluation as evaluate_final


def snapshots(lang: str, as_of: int | None = None) -> pd.DataFrame:
    """The progress snapshots with the scope's name in ``lang`` (``scope_label``) and
    the indicator's decimals; a target set in several plans once, with its plans
    (indicators.summary.merge_duplicates)."""
    frame = merge_duplicates(_snapshots(as_of))
    if frame.empty:
        return frame
    directory = region_directory()
    labels = {c: region_name(directory[c], lang) for c in frame.scope_code.unique()}
    return frame.assign(
        scope_label=frame.scope_code.map(labels), decimals=decimals_by_indicator(frame)
    )


def _snapshots(as_of: int | None) -> pd.DataFrame:
    """The snapshots as stored, read once per request whichever caller asks first,
    and kept by this worker between requests while the data version is unchanged
    (a recompute raises it, so every worker sees it on its next request)."""
    return per_request(f"snapshots:{as_of}", lambda: _query(lambda s: _versioned(s, as_of)))


_kept: dict[tuple[object, ...], pd.DataFrame] = {}
KEPT_MAX = 8


def _versioned(session: Session, as_of: int | None) -> pd.DataFrame:
    key = (database_name(), as_of, data_version())
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
            *snapshots_version(session),  # moves on every recompute, a catalogue load included
        )
        if key not in _finals:
            _finals.clear()
            _finals[key] = evaluate_final(session, through_year)
        return _finals[key]

    frame = per_request(f"final:{through_year}", lambda: _query(compute))
    described = targets().rename(columns={"id": "target_id"})
    frame = frame.merge(described, on="target_id", how="left")
    directory = region_directory()
    labels = {c: region_name(directory[c], lang) for c in frame.scope_code.dropna().unique()}
    return frame.assign(scope_label=frame.scope_code.map(labels))


def records(frame: pd.DataFrame) -> list[SimpleNamespace]:
    """Rows as attribute objects: ``itertuples`` on a wide frame costs a column
    lookup per field per row, which made tables the slowest part of a page."""
    return [SimpleNamespace(**row) for row in frame.to_dict("records")]


_changes_kept: dict[tuple[object, ...], pd.DataFrame] = {}


def changes(lang: str) -> pd.DataFrame:
    """The latest snapshots whose previous-year snapshot exists, with ``change``:
    computed once per data version by this worker (re-reading and merging the
    previous year's snapshots was 23 % of 总览's server time, issue 19)."""
    key = (database_name(), data_version())
    kept = _changes_kept.get(key)
    if kept is None:
        current = _snapshots(None)
        with session_factory()() as session:
            kept = merge_duplicates(status_changes(session, current=current))
        _changes_kept.clear()
        _changes_kept[key] = kept
    return kept.copy()


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
    """The current observations of one indicator (read once per request)."""
    return per_request(
        f"observations:{indicator_id}",
        lambda: _query(lambda session: current_observations(session, indicator_id)),
    ).copy()


def _query(read: Callable[[Session], pd.DataFrame]) -> pd.DataFrame:
    with session_factory()() as session:
        return read(session)
