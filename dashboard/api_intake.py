"""Intake routes of the API: observations out, submissions in, templates, OpenAPI."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from dashboard.api import error_response, json_records
from dashboard.auth import bearer
from dashboard.context import region_directory, session_factory
from dashboard.uploads import upload_limits
from db.observations import observations_frame
from indicators.access import ROLE_ZH, can_review, report_scope
from indicators.normalise import NormaliseError, parse_period
from indicators.regions import RegionError
from loaders.intake import STATUS_ZH, VINTAGES, filename_problem, receive, reporting_template

intake_api = Blueprint("api_v1_intake", __name__, url_prefix="/api/v1")


@intake_api.get("/observations")
def observations() -> ResponseReturnValue:
    """Series with status, vintage, revision and source; ``all_revisions=1`` for history."""
    args = request.args
    region = None
    if "region" in args:
        try:
            region = region_directory().resolve(args["region"]).code
        except RegionError as exc:
            return error_response(str(exc), 404)
    try:
        start = parse_period(args["from"]) if "from" in args else None
        end = parse_period(args["to"]) if "to" in args else None
    except NormaliseError as exc:
        return error_response(str(exc), 400)
    with session_factory()() as session:
        frame = observations_frame(
            session,
            args.get("indicator"),
            region,
            start,
            end,
            current_only=args.get("all_revisions") not in ("1", "true"),
        )
    items = json_records(frame) if not frame.empty else []
    return jsonify({"count": len(items), "observations": items})


@intake_api.post("/submissions")
def submissions() -> ResponseReturnValue:
    """A file from a system, with a token; the answer is the validation report.

    One workflow for every channel: a reporter's file waits for review (202,
    status ``pending``, nothing imported) as an upload from 数据填报 does; a
    reviewer's or administrator's token, or one an administrator marked trusted
    (直报), imports at once (201). Every submission writes an ``upload`` audit
    event naming the account, the channel and the outcome.

    The sender's right to submit is checked before the body is read: a viewer's
    token is refused (403) and nothing is stored. A body over MAX_UPLOAD_BYTES was
    refused (413) before this runs."""
    held = bearer()
    if held is None:
        return error_response("缺少或无效的访问令牌（Authorization: Bearer <令牌>）", 401)
    account, trusted = held
    allowed = report_scope(account)
    if allowed is not None and not allowed:
        return error_response(
            f"访问令牌所属账号“{account.username}”（{ROLE_ZH[account.role]}）无报送权限，"
            "不能上传文件；文件未读取，也未保存",
            403,
        )
    upload = request.files.get("file")
    if upload is None:
        return error_response("请以 multipart/form-data 的 file 字段上传文件", 400)
    filename = upload.filename or "upload"
    if problem := filename_problem(filename):
        return error_response(problem, 400)
    for field in ("indicator", "region", "vintage"):
        if filename_problem(request.form.get(field, "")):
            return error_response(f"参数 {field} 含有控制字符（如 NUL）", 400)
    vintage = request.form.get("vintage") or None  # None: as the file's notes say
    if vintage is not None and vintage not in VINTAGES:
        return error_response(f"vintage 取值无效，可选：{'、'.join(VINTAGES)}", 400)
    outcome = receive(
        session_factory(),
        filename,
        upload.read(),
        channel="api",
        user_id=account.id,
        allowed_regions=allowed,
        vintage=vintage,
        default_indicator=request.form.get("indicator"),
        default_region=request.form.get("region"),
        address=request.remote_addr,
        limits=upload_limits(),
        review=not (trusted or can_review(account)),
        actor=account.username,
    )
    body = {
        "submission_id": outcome.submission_id,
        "status": outcome.status,
        "status_zh": STATUS_ZH.get(outcome.status, outcome.status),
        "report": outcome.report,
    }
    code = {"imported": 201, "pending": 202, "duplicate": 200}.get(outcome.status, 422)
    return jsonify(body), code


@intake_api.get("/template")
def template() -> ResponseReturnValue:
    """The reporting template pre-filled for ``region`` and ``period`` (``format=xlsx|csv``)."""
    args = request.args
    ext = "csv" if args.get("format", "xlsx") == "csv" else "xlsx"
    try:
        made = reporting_template(
            session_factory(), args.get("region", ""), args.get("period", ""), ext
        )
    except (RegionError, NormaliseError) as exc:
        return error_response(str(exc), 400)
    mime = (
        "text/csv"
        if ext == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    filename = f"template-{made.region_code}-{made.period.replace('/', '_')}.{ext}"
    return Response(
        made.content,
        mimetype=mime,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@intake_api.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    from dashboard.openapi import SPEC

    return jsonify(SPEC)
