"""Receive a statistics file: keep it, read it, check it, import it — or say why not.

The order matters for "never lost, never half-written": the file is stored as
received (bytes and hash) in a transaction of its own first; the import of its
rows is a second transaction that either completes or leaves nothing; the
submission's status and report say which. Accepted changes trigger a progress
recompute.

With ``review=True`` (a reporter's upload, see loaders/review.py) a clean file
is not imported: it is stored as 待审核 together with its validated rows, in one
transaction, and a reviewer's decision imports them later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from db import audit, models
from db.errors import storage_errors, storage_problem
from db.intake import (
    find_submission,
    history,
    import_observations,
    mark_interrupted,
    sha256,
    store_submission,
)
from db.regions import load_directory
from db.review import add_rows
from db.session import transaction
from loaders.catalogue import shipped_catalogue
from loaders.normalise import NormaliseError, parse_period
from loaders.progress import refresh_progress
from loaders.readers import ReadError, read_file
from loaders.validate import ERROR, Context, Problem, Result, validate

log = logging.getLogger(__name__)
STATUS_ZH = {
    "imported": "已导入",
    "refused": "未通过校验，未导入",
    "duplicate": "重复文件，未再次导入",
    "failed": "导入中断，未写入任何数据",
    "received": "已接收",
    "pending": "待审核",
    "approved": "已通过",
    "rejected": "已退回",
    "partly_approved": "部分通过",
}
# the same bytes arriving again while an earlier copy is in one of these are a
# duplicate; after a refusal, a failure or a rejection they may be sent again
TAKEN = ("imported", "pending", "approved", "partly_approved")
VINTAGES = {
    "initial": "初步数",
    "final": "最终核实数",
    "census_revision": "经济普查修订数",
    "estimate": "预计数",
}


@dataclass(frozen=True)
class Outcome:
    submission_id: int
    status: str  # imported | pending | refused | duplicate | failed
    report: dict[str, Any]

    @property
    def ok(self) -> bool:
        """The file was taken: imported, or (review=True) waiting for a reviewer."""
        return self.status in ("imported", "pending")


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
    review: bool = False,
    period: str | None = None,
    actor: str | None = None,
) -> Outcome:
    """Store, validate and (if clean) import one file; every outcome has a report.

    ``review=True`` keeps a clean file as ``pending`` with its rows instead of
    importing it; ``period`` is the period the sender says the file is for (kept
    on the submission; by default the rows' own period when they share one).
    ``actor`` (a username) adds an ``upload`` event to the audit log, in the
    transaction that stores the file.
    """
    digest = sha256(content)
    with factory() as session:
        earlier = find_submission(session, digest, TAKEN)
        earlier_id, earlier_status = (earlier.id, earlier.status) if earlier else (None, None)
    if earlier_id is not None:
        message = (
            f"已收到过内容完全相同的文件（提交编号 {earlier_id}），未重复导入"
            if earlier_status == "imported"
            else f"已收到过内容完全相同的文件（提交编号 {earlier_id}，"
            f"{STATUS_ZH[earlier_status]}），未重复提交"
        )
        report = _refusal(filename, message)
        return _stored(factory, filename, content, channel, user_id, report, "duplicate", actor)
    declared = None
    if period is not None:
        try:
            declared = parse_period(period)
        except NormaliseError as exc:
            report = _refusal(filename, f"申报期间“{period}”无法识别：{exc}")
            return _stored(factory, filename, content, channel, user_id, report, "refused", actor)
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
        return _stored(factory, filename, content, channel, user_id, report, "refused", actor)
    if review:
        return _pending(
            factory, filename, content, channel, user_id, report, result, declared, actor
        )
    outcome = _stored(factory, filename, content, channel, user_id, report, "received", actor)
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
        report = {**report, "ok": False, "failure": f"导入中断，未写入任何数据：{_reason(exc)}"}
        with storage_errors(), transaction(factory) as session:
            submission = session.get(models.Submission, outcome.submission_id)
            submission.status, submission.report = "failed", report
        return Outcome(outcome.submission_id, "failed", report)
    if recompute and (counts.inserted or counts.revised):
        refresh_progress(factory)
    return Outcome(outcome.submission_id, "imported", report)


# longer than the largest import takes (scripts/bench_intake.py: a million rows in
# about a minute): a file still importing after this was being imported by a
# process that died
INTERRUPTED_AFTER = timedelta(minutes=30)
INTERRUPTED = "导入中断（导入进程意外退出），未写入任何数据；可重新提交同一文件"


def recover_interrupted(factory: sessionmaker[Session], now: datetime | None = None) -> list[int]:
    """The scheduler's sweep for imports whose process was killed: their files are
    kept, nothing of their rows is (one transaction); they are marked failed."""
    before = (now or datetime.now(UTC)) - INTERRUPTED_AFTER
    with transaction(factory) as session:
        return mark_interrupted(session, before, INTERRUPTED)


def _pending(
    factory: sessionmaker[Session],
    filename: str,
    content: bytes,
    channel: str,
    user_id: int | None,
    report: dict[str, Any],
    result: Result,
    period: str | None,
    actor: str | None,
) -> Outcome:
    """The file, its rows and the audit event in one transaction: a reviewer never
    sees a pending file without its rows. If that fails the file is still kept
    (as failed, with the reason) in a transaction of its own."""
    rows = result.rows
    regions, periods = rows.region_code.unique().tolist(), rows.period.unique().tolist()
    try:
        with transaction(factory) as session:
            submission = store_submission(
                session, filename, content, channel, user_id, report, "pending"
            )
            submission.region_code = regions[0] if len(regions) == 1 else None
            submission.period = period or (periods[0] if len(periods) == 1 else None)
            add_rows(session, submission.id, rows)
            _audit_upload(session, submission, actor)
            return Outcome(submission.id, "pending", report)
    except Exception as exc:
        log.exception("待审核数据未能保存：%s", filename)
        report = {**report, "ok": False, "failure": f"待审核数据未能保存：{_reason(exc)}"}
        return _stored(factory, filename, content, channel, user_id, report, "failed", actor)


def _reason(exc: BaseException) -> str:
    """Why a write failed, for the submission's report: the user's words for a
    fault of the server's (disk full …), else the exception's name."""
    return storage_problem(exc) or type(exc).__name__


def _stored(
    factory: sessionmaker[Session],
    filename: str,
    content: bytes,
    channel: str,
    user_id: int | None,
    report: dict[str, Any],
    status: str,
    actor: str | None = None,
) -> Outcome:
    with storage_errors(), transaction(factory) as session:
        submission = store_submission(session, filename, content, channel, user_id, report, status)
        _audit_upload(session, submission, actor)
        return Outcome(submission.id, status, report)


def _audit_upload(session: Session, submission: models.Submission, actor: str | None) -> None:
    """The ``upload`` event of a person's file, whatever became of it (refused files
    too: who tried to send what is part of the record)."""
    if actor is None:
        return
    report = submission.report or {}
    audit.record(
        session,
        "upload",
        actor,
        user_id=submission.user_id,
        object_type="submission",
        object_id=str(submission.id),
        after={
            "filename": submission.filename,
            "sha256": submission.sha256,
            "status": submission.status,
            "period": submission.period,
            "rows": report.get("rows", 0),
            "errors": report.get("errors", 0),
        },
        detail=f"{STATUS_ZH.get(submission.status, submission.status)}：{submission.filename}",
    )
