"""The HTTP API for other systems: ``/api/v1/…``, JSON, Chinese messages."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from dashboard.context import region_directory
from indicators.regions import RegionError

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")


@api.get("/regions")
def regions() -> ResponseReturnValue:
    """Every region and grouping, or the one a ``?name=`` spelling resolves to."""
    directory = region_directory()
    name = request.args.get("name")
    if name is not None:
        try:
            return jsonify(directory.resolve(name).to_dict())
        except RegionError as exc:
            return jsonify({"error": str(exc), "suggestions": directory.suggest(name)}), 404
    items = [r.to_dict() for r in sorted(directory, key=lambda r: (r.is_grouping, r.code))]
    return jsonify({"count": len(items), "regions": items})
