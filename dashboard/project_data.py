"""The major-project frames a page needs, read once per request, and the
year's progress computed from them (indicators/projects.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.context import per_request, region_directory, session_factory
from dashboard.i18n import region_name
from db.projects import plans_frame, project_regions, projects_frame, reports_frame
from indicators.projects import project_progress


@dataclass(frozen=True)
class Register:
    projects: pd.DataFrame
    plans: pd.DataFrame
    reports: pd.DataFrame  # current dispatches
    regions: pd.DataFrame  # project_id, region_code


def register() -> Register:
    def read() -> Register:
        with session_factory()() as session:
            return Register(
                projects_frame(session),
                plans_frame(session),
                reports_frame(session),
                pd.DataFrame(project_regions(session), columns=["project_id", "region_code"]),
            )

    return per_request("projects:register", read)


def progress(year: int, today: date, lang: str) -> pd.DataFrame:
    """The year's progress of every project with a plan, with its name, category
    and region names (``region_names``, joined with 、)."""
    data = register()
    frame = project_progress(data.plans, data.reports, year, today)
    if frame.empty:
        return frame.assign(name=[], category=[], region_names=[])
    projects = data.projects.set_index("id")
    return frame.assign(
        name=frame.project_id.map(projects.name),
        category=frame.project_id.map(projects.category),
        region_names=frame.project_id.map(region_names(lang)),
    )


def region_names(lang: str) -> dict[str, str]:
    """project id → its regions' names in ``lang``."""
    directory = region_directory()
    pairs = register().regions
    return {
        pid: "、".join(region_name(directory[c], lang) for c in sorted(group.region_code))
        for pid, group in pairs.groupby("project_id")
    }
