"""The HTTP API for other systems: ``/api/v1/…``, JSON, Chinese messages."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from flask import Blueprint, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from dashboard.context import (
    database_name,
    progress_only,
    progress_version,
    region_directory,
    session_factory,
)
from dashboard.page_cache import versioned_read
from dashboard.security import link_year
from db.catalogue import indicators_frame, targets_frame
from indicators.progress_results import ENSURE_ASCII, Results
from indicators.regions import RegionError
from workflows.progress_views import progress_results

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


_results: dict[tuple[str, int, int | None], Results] = {}
RESULTS_KEPT = 4


def _progress_results(as_of: int | None) -> Results:
    """The assessments of ``as_of`` (None: the latest year), kept by this worker while
    the progress version stands: a write to the snapshots or to the reference data
    that names them raises it (db/data_version.py), an upload alone does not. A new
    version's are read from the row the background recompute (or the first worker
    that needed them) stored, each item written already
    (workflows.progress_views.progress_results)."""
    key = (database_name(), progress_version(), as_of)
    kept = _results.get(key)
    if kept is None:
        with progress_only():
            kept = progress_results(session_factory(), key[1], as_of)
        if len(_results) >= RESULTS_KEPT:
            _results.pop(next(iter(_results)))
        _results[key] = kept
    return kept


def _writes_as_stored() -> bool:
    """Whether the app writes JSON as the stored items were written (Flask's default
    provider, compact, as dashboard/app.py sets it: ``indicators.progress_results.dumps``)."""
    provider = current_app.json
    compact = getattr(provider, "compact", None)
    return (
        type(provider) is DefaultJSONProvider
        and provider.sort_keys
        and provider.ensure_ascii == ENSURE_ASCII
        and (compact is True or (compact is None and not current_app.debug))
    )


@api.get("/progress")
@versioned_read(shared=False, basis="progress")
def progress() -> ResponseReturnValue:
    """Stored assessments; filter by ``indicator``, ``target``, ``region`` (any
    spelling) and ``as_of`` (year; default the latest computed).

    Reads only what the progress version follows (the snapshots, the reference data
    naming them), so its answers are kept and tagged by that version: an upload is
    not seen here before its recompute writes snapshots, which raises it. An answer
    is a filter of this worker's copy of the year's assessments
    (``_progress_results``), each item's JSON written once per version for every
    worker. The answer is what ``jsonify`` of the snapshots frame gave (compact,
    keys sorted: tests api011, api013)."""
    args = request.args
    as_of = link_year(args.get("as_of"))
    if "as_of" in args and as_of is None:
        return error_response(f"参数 as_of 应为年份数字，收到“{args['as_of']}”", 400)
    results = _progress_results(as_of)
    wanted: dict[str, str] = {}
    if "region" in args and len(results):
        try:
            wanted["scope_code"] = region_directory().resolve(args["region"]).code
        except RegionError as exc:
            return error_response(str(exc), 404)
    for name, column in (("indicator", "indicator_id"), ("target", "target_id")):
        if name in args:
            wanted[column] = args[name]
    picked = results.pick(wanted)
    if not _writes_as_stored():  # indented in debug, or another provider: as jsonify
        items = results.items(picked)
        return jsonify({"count": len(items), "results": items})
    return current_app.response_class(results.body(picked), mimetype=current_app.json.mimetype)
