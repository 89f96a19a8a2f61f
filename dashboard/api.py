"""The HTTP API for other systems: ``/api/v1/…``, JSON, Chinese messages."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from dashboard.context import region_directory, session_factory
from dashboard.page_cache import versioned_read
from dashboard.security import link_year
from db.catalogue import indicators_frame, targets_frame
from db.progress import snapshots_frame
from indicators.progress import STATUS_ZH
from indicators.regions import RegionError

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: NaN and NA become null, numpy scalars plain Python."""
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in records
    ]


def error_response(message: str, status: int, **extra: Any) -> ResponseReturnValue:
    return jsonify({"error": message, **extra}), status


_HTTP_ZH = {
    400: "请求格式错误，无法解析",
    404: "接口不存在：可用的接口见 /api/v1/openapi.json",
    413: "上传的内容过大",
}
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _api_methods() -> list[str]:
    """The methods the API's own routes take at this path (the dashboard's catch-all
    page route ``/<path:path>`` matches every GET too, but is no API)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    methods = []
    for method in _METHODS:
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint.startswith("api_v1"):
            methods.append(method)
    return methods


def _no_route() -> ResponseReturnValue:
    """404, or 405 naming the methods the path does take, in JSON and Chinese."""
    methods = _api_methods()
    if not methods:
        return error_response(_HTTP_ZH[404], 404)
    message = f"该接口不支持 {request.method} 请求（可用：{'、'.join(methods)}）"
    body, status = error_response(message, 405)  # type: ignore[misc]
    body.headers["Allow"] = ", ".join(methods)
    return body, status


@api.before_app_request
def unknown_api_path() -> ResponseReturnValue | None:
    """A GET under /api/ that no API route takes would get the dashboard's page (200, HTML)."""
    rule = request.url_rule
    if rule is None or not request.path.startswith(f"{api.url_prefix}/"):
        return None
    return None if rule.endpoint.startswith("api_v1") else _no_route()


@api.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """Under /api/, a refusal by Flask itself (unknown path, wrong method, unreadable
    request) answers in JSON and Chinese like every other; elsewhere as before."""
    if not request.path.startswith(f"{api.url_prefix}/") or error.code is None:
        return error
    if isinstance(error, NotFound | MethodNotAllowed):
        return _no_route()
    message = _HTTP_ZH.get(error.code, f"请求无法处理（HTTP {error.code}）")
    return error_response(message, error.code)


@api.get("/regions")
@versioned_read
def regions() -> ResponseReturnValue:
    """Every region and grouping, or the one a ``?name=`` spelling resolves to."""
    directory = region_directory()
    name = request.args.get("name")
    if name is not None:
        try:
            return jsonify(directory.resolve(name).to_dict())
        except RegionError as exc:
            return error_response(str(exc), 404, suggestions=directory.suggest(name))
    items = [r.to_dict() for r in sorted(directory, key=lambda r: (r.is_grouping, r.code))]
    return jsonify({"count": len(items), "regions": items})


@api.get("/indicators")
@versioned_read
def indicators() -> ResponseReturnValue:
    """Every indicator definition (unit, direction, pillar, aggregation rule …)."""
    with session_factory()() as session:
        frame = indicators_frame(session).sort_values("id")
    return jsonify({"count": len(frame), "indicators": json_records(frame)})


def _provenance(row: dict[str, Any]) -> dict[str, Any]:
    row["provenance"] = {
        "plan_id": row.pop("plan_id"),
        "plan_title": row.pop("plan_title"),
        "section": row.pop("section"),
        "seed_line": row.pop("seed_line"),
        "quote": row.pop("quote"),
    }
    return row


@api.get("/targets")
@versioned_read
def targets() -> ResponseReturnValue:
    """Targets and baselines with provenance; filter by ``plan``, ``indicator``,
    ``scope`` (any spelling), ``year``, ``kind`` and ``headline``."""
    with session_factory()() as session:
        frame = targets_frame(session)
    args = request.args
    if "scope" in args:
        try:
            frame = frame[frame.scope_code == region_directory().resolve(args["scope"]).code]
        except RegionError as exc:
            return error_response(str(exc), 404)
    for name, column in (("plan", "plan_id"), ("indicator", "indicator_id"), ("kind", "kind")):
        if name in args:
            frame = frame[frame[column] == args[name]]
    if "year" in args:
        year = link_year(args["year"])
        if year is None:
            return error_response(f"参数 year 应为年份数字，收到“{args['year']}”", 400)
        frame = frame[frame.year == year]
    if "headline" in args:
        frame = frame[frame.headline == (args["headline"].lower() in ("1", "true", "yes"))]
    items = [_provenance(row) for row in json_records(frame)]
    return jsonify({"count": len(items), "targets": items})


@api.get("/progress")
@versioned_read
def progress() -> ResponseReturnValue:
    """Stored assessments; filter by ``indicator``, ``target``, ``region`` (any
    spelling) and ``as_of`` (year; default the latest computed)."""
    args = request.args
    as_of = link_year(args.get("as_of"))
    if "as_of" in args and as_of is None:
        return error_response(f"参数 as_of 应为年份数字，收到“{args['as_of']}”", 400)
    with session_factory()() as session:
        frame = snapshots_frame(session, as_of)
    if frame.empty:
        return jsonify({"count": 0, "results": []})
    if "region" in args:
        try:
            frame = frame[frame.scope_code == region_directory().resolve(args["region"]).code]
        except RegionError as exc:
            return error_response(str(exc), 404)
    if "indicator" in args:
        frame = frame[frame.indicator_id == args["indicator"]]
    if "target" in args:
        frame = frame[frame.target_id == args["target"]]
    frame = frame.assign(
        status_zh=frame.status.map(STATUS_ZH), computed_at=frame.computed_at.astype(str)
    )
    items = json_records(frame.sort_values("target_id"))
    return jsonify({"count": len(items), "results": items})
