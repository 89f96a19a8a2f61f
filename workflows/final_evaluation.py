"""终期评估 as a use case: the stored published figures, the catalogue, the method.

Only the published layer (公开数据) is handed to the method, so neither 示例数据
nor statistics still in review can reach a final verdict; each verdict carries
the figure's vintage and source note (publisher, wording, URL) for the page and
its report.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from db.catalogue import stored_catalogue
from db.observations import current_observations, observation_sources
from db.regions import load_directory
from indicators.final_evaluation import evaluate

PUBLISHED = "published"
COLUMNS = [
    "target_id",
    "verdict",
    "completion",
    "figure_year",
    "figure_value",
    "figure_bound",  # "lower" (超过…: at least the value), "upper", or "" (the value itself)
    "gap",
    "note",
    "obs_id",
    "figure_source",
    "vintage",
    "source_note",
]


def final_evaluation(session: Session, through_year: int) -> pd.DataFrame:
    """One row per target whose year is ``through_year`` or earlier (COLUMNS)."""
    directory = load_directory(session)
    catalogue = stored_catalogue(session)
    observations = current_observations(session)
    if not observations.empty:
        observations = observations[observations.layer == PUBLISHED]
    verdicts = evaluate(catalogue, directory, observations, through_year)
    rows = [
        {
            "target_id": v.target_id,
            "verdict": v.verdict,
            "completion": v.completion,
            "figure_year": v.figure.year if v.figure else None,
            "figure_value": v.figure.value if v.figure else None,
            "figure_bound": v.figure.bound if v.figure else None,
            "gap": v.gap,
            "note": v.note,
            "obs_id": _obs_id(v.figure.source) if v.figure else None,
            "figure_source": v.figure.source if v.figure else None,
        }
        for v in verdicts
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS[:-2])
    frame["obs_id"] = frame.obs_id.astype("Int64")
    ids = [int(i) for i in frame.obs_id.dropna().unique()]
    sources = observation_sources(session, ids).rename(columns={"id": "obs_id"})
    sources["obs_id"] = sources.obs_id.astype("Int64")
    frame = frame.merge(sources, on="obs_id", how="left")
    return frame[COLUMNS]


def _obs_id(source: str) -> int | None:
    """The observation id of a point's source ("obs:12"); derived figures have none."""
    return int(source[4:]) if source.startswith("obs:") else None
