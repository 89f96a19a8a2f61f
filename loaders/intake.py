"""Receive a statistics file: keep it, read it, check it, import it — or say why not.

The order matters for "never lost, never half-written": the file is stored as
received (bytes and hash) in a transaction of its own first; the import of its
rows is a second transaction that either completes or leaves nothing; the
submission's status and report say which. Accepted changes trigger a progress
recompute.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.intake import find_submission, history, import_observations, sha256, store_submission
from db.regions import load_directory
from db.session import transaction
from loaders.catalogue import shipped_catalogue
from loaders.progress import recompute_progress
from loaders.readers import ReadError, read_file
from loaders.validate import ERROR, Context, Problem, Result, validate

log = logging.getLogger(__name__)
STATUS_ZH = {
    "imported": "已导入",
    "refused": "未通过校验，未导入",
    "duplicate": "重复文件，未再次导入",
    "failed": "导入中断，未写入任何数据",
    "received": "已接收",
}
VINTAGES = {
    "initial": "初步数",
    "final": "最终核实数",
    "census_revision": "经济普查修订数",
    "estimate": "预计数",
}


@dataclass(frozen=True)
class Outcome:
    submission_id: int
    status: str  # imported | refused | duplicate | failed
    report: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status == "imported"


def _refusal(filename: str, message: str) -> dict[str, Any]:
    problem = Problem(ERROR, filename, "", None, None, None, message)
    return {
        "ok": False,
        "rows": 0,
        "errors": 1,
        "warnings": 0,
        "skipped_blank": 0,
        "problems": [problem.to_dict()],
    }


def check(
    factory: sessionmaker[Session],
    filename: str,
    content: bytes,
    *,
    allowed_regions: set[str] | None = None,
    layer: str = "reported",
    default_indicator: str | None = None,
    default_region: str | None = None,
) -> tuple[Result | None, dict[str, Any]]:
    """Read and validate without storing anything (the dry run people ask for first)."""
    try:
        table = read_file(filename, content)
    except ReadError as exc:
        return None, _refusal(filename, str(exc))
    with factory() as session:
        directory = load_directory(session)
        catalogue = shipped_catalogue(directory)
        context = Context(
            directory,
            catalogue.indicators,
            allowed_regions,
            history(session, layer),
            default_indicator,
            default_region,
            skip_unknown=table.layout in ("nbs", "yearbook"),
        )
    result = validate(table.records, filename, context)
    return result, {**result.report(), "layout": table.layout, "encoding": table.encoding}


def receive(
    factory: sessionmaker[Session],
    filename: str,
    content: bytes,
    *,
    channel: str = "upload",
    user_id: int | None = None,
    allowed_regions: set[str] | None = None,
    layer: str = "reported",
    vintage: str = "initial",
    default_indicator: str | None = None,
    default_region: str | None = None,
    recompute: bool = True,
) -> Outcome:
    """Store, validate and (if clean) import one file; every outcome has a report."""
    digest = sha256(content)
    with factory() as session:
        earlier = find_submission(session, digest)
        earlier_id, earlier_status = (earlier.id, earlier.status) if earlier else (None, None)
    if earlier_id is not None and earlier_status == "imported":
        report = _refusal(
            filename, f"已收到过内容完全相同的文件（提交编号 {earlier_id}），未重复导入"
        )
        return _stored(factory, filename, content, channel, user_id, report, "duplicate")
    result, report = check(
        factory,
        filename,
        content,
        allowed_regions=allowed_regions,
        layer=layer,
        default_indicator=default_indicator,
        default_region=default_region,
    )
    report = {**report, "vintage": vintage}
    if result is None or not result.ok:
        return _stored(factory, filename, content, channel, user_id, report, "refused")
    outcome = _stored(factory, filename, content, channel, user_id, report, "received")
    try:
        with transaction(factory) as session:
            counts = import_observations(
                session,
                result.rows,
                layer=layer,
                vintage=vintage,
                submission_id=outcome.submission_id,
                user_id=user_id,
                source_note=f"{VINTAGES.get(vintage, vintage)}；{filename}",
            )
            report = {
                **report,
                "inserted": counts.inserted,
                "revised": counts.revised,
                "unchanged": counts.unchanged,
            }
            submission = session.get(models.Submission, outcome.submission_id)
            submission.status, submission.report = "imported", report
    except Exception as exc:  # nothing of the import stays; the file and the reason do
        log.exception("导入失败：%s", filename)
        report = {
            **report,
            "ok": False,
            "failure": f"导入中断，未写入任何数据：{type(exc).__name__}",
        }
        with transaction(factory) as session:
            submission = session.get(models.Submission, outcome.submission_id)
            submission.status, submission.report = "failed", report
        return Outcome(outcome.submission_id, "failed", report)
    if recompute and (counts.inserted or counts.revised):
        recompute_progress(factory)
    return Outcome(outcome.submission_id, "imported", report)


def _stored(
    factory: sessionmaker[Session],
    filename: str,
    content: bytes,
    channel: str,
    user_id: int | None,
    report: dict[str, Any],
    status: str,
) -> Outcome:
    with transaction(factory) as session:
        submission = store_submission(session, filename, content, channel, user_id, report, status)
        return Outcome(submission.id, status, report)
