"""Major-project routes of the API: the register with this year's progress, each
project's dispatch reports, and the register template."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pandas as pd
from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from config.clock import beijing_today
from dashboard.api import error_response, json_records
from dashboard.context import region_directory, session_factory
from db import models
from db.projects import (
    PROJECT_COLUMNS,
    REPORT_COLUMNS,
    plans_frame,
    project_regions,
    projects_frame,
    reports_frame,
)
from indicators.projects import CATEGORIES, PROGRESS_COLUMNS, STATUSES, project_progress
from indicators.regions import RegionError
from workflows.projects import blank_register

projects_api = Blueprint("api_v1_projects", __name__, url_prefix="/api/v1")

UNIT = "亿元"
TEMPLATE_NAME = "重大项目库模板.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ITEM_COLUMNS = PROJECT_COLUMNS  # the register as stored: every field of db.projects
# this year's progress in each project's item: the figures, not the plan's basis or
# the latest report's 形象进度 (both in the project's own fields and reports)
ITEM_PROGRESS = [c for c in PROGRESS_COLUMNS if c not in ("project_id", "basis", "progress")]
REPORT_ITEM_COLUMNS = [c for c in REPORT_COLUMNS if c not in ("id", "project_id")]


@projects_api.get("/projects")
def projects() -> ResponseReturnValue:
    """Every project of the register with its annual plans and this year's
    progress as of today; filter by ``category``, ``region`` (any spelling) and
    ``status``."""
    args = request.args
    for name, label, allowed in (
        ("category", "项目类别", CATEGORIES),
        ("status", "项目状态", STATUSES),
    ):
        if name in args and args[name] not in allowed:
            return error_response(f"{label}“{args[name]}”无法识别，可选：{'、'.join(allowed)}", 400)
    category, status = args.get("category"), args.get("status")
    region = None
    if "region" in args:
        try:
            region = region_directory().resolve(args["region"]).code
        except RegionError as exc:
            return error_response(str(exc), 400)

    today = beijing_today()
    with session_factory()() as session:
        frame = projects_frame(session)
        pairs = project_regions(session)
        plans = plans_frame(session)
        reports = reports_frame(session)
    regions: dict[str, list[str]] = {}
    for project_id, code in sorted(pairs):
        regions.setdefault(project_id, []).append(code)
    progress = project_progress(plans, reports, today.year, today)
    progress_of = {
        row["project_id"]: {c: row[c] for c in ITEM_PROGRESS}
        for row in (json_records(progress) if not progress.empty else [])
    }
    plans_of: dict[str, list[dict[str, Any]]] = {}
    for plan in json_records(plans.sort_values(["project_id", "year"])) if len(plans) else []:
        plans_of.setdefault(plan.pop("project_id"), []).append(plan)

    if category is not None:
        frame = frame[frame.category == category]
    if status is not None:
        frame = frame[frame.status == status]
    if region is not None:
        frame = frame[frame.id.map(lambda pid: region in regions.get(pid, ()))]
    items = []
    for row in json_records(frame[ITEM_COLUMNS]) if len(frame) else []:
        pid = row["id"]
        row["regions"] = regions.get(pid, [])
        row["plans"] = plans_of.get(pid, [])
        row["progress"] = progress_of.get(pid)
        items.append(row)
    return jsonify(
        {
            "count": len(items),
            "year": today.year,
            "as_of": today.isoformat(),
            "unit": UNIT,
            "projects": items,
        }
    )


def _iso(value: Any) -> str | None:
    """A stored time as ISO 8601 in UTC (SQLite hands it back without its zone)."""
    if value is None or pd.isna(value):
        return None
    moment: datetime = pd.Timestamp(value).to_pydatetime()
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat()


@projects_api.get("/projects/<project_id>/reports")
def project_reports(project_id: str) -> ResponseReturnValue:
    """A project's monthly dispatch reports, oldest month first: the current
    ones, or every version with ``all=1``."""
    every = request.args.get("all", "").lower() in ("1", "true", "yes")
    with session_factory()() as session:
        if session.get(models.Project, project_id) is None:
            return error_response(f"项目“{project_id}”不在重大项目库中", 404)
        frame = reports_frame(session, project_id, current_only=not every)
    items = []
    for row in json_records(frame[REPORT_ITEM_COLUMNS]) if len(frame) else []:
        row["reported_at"] = _iso(row["reported_at"])
        items.append(row)
    return jsonify(
        {
            "project_id": project_id,
            "count": len(items),
            "all_versions": every,
            "unit": UNIT,
            "reports": items,
        }
    )


@projects_api.get("/projects/template")
def template() -> ResponseReturnValue:
    """The empty register (.xlsx) to fill in and import: this year's and next
    year's plan columns, the catalogue's plan ids on the 说明 sheet."""
    content = blank_register(session_factory(), beijing_today().year)
    # RFC 6266/5987: an ASCII fallback, and the Chinese name for the clients that read it
    disposition = (
        f"attachment; filename=project-register-template.xlsx; "
        f"filename*=UTF-8''{quote(TEMPLATE_NAME)}"
    )
    return Response(content, mimetype=XLSX, headers={"Content-Disposition": disposition})
