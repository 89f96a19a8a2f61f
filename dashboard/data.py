"""The frames pages show, read once per request and labelled in the page's language."""

from __future__ import annotations

import pandas as pd

from dashboard.context import region_directory, session_factory
from dashboard.i18n import region_name
from db.progress import snapshots_frame


def snapshots(lang: str, as_of: int | None = None) -> pd.DataFrame:
    """The progress snapshots with the scope's name in ``lang`` (``scope_label``)."""
    with session_factory()() as session:
        frame = snapshots_frame(session, as_of)
    if frame.empty:
        return frame
    directory = region_directory()
    labels = {c: region_name(directory[c], lang) for c in frame.scope_code.unique()}
    return frame.assign(scope_label=frame.scope_code.map(labels))
