"""Receive a statistics file: keep it, read it, check it, import it — or say why not.

The order matters for "never lost, never half-written": the file is stored as
received (bytes and hash) in a transaction of its own first; the import of its
rows is a second transaction that either completes or leaves nothing; the
submission's status and report say which. Accepted changes trigger a progress
recompute.

With ``review=True`` (a reporter's upload, see workflows/review.py) a clean file
is not imported: it is stored as 待审核 together with its validated rows, in one
transaction, and a reviewer's decision imports them later.

Files are read in a confined child process (loaders/readers/sandbox.py). A file
refused for its size or shape — too large, too many rows, columns or cells, or
parsing it went past the memory or time limit — is not stored: an
``upload_refused`` audit event records its name, hash, size, sender and the
reason (db/uploads.py). The sender's right to submit is settled before the
duplicate check, so nobody learns that a file they may not send was received.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from db import audit, models
from db.errors import storage_errors, storage_problem
from db.intake import (
    figures_held,
    find_submission,
    history,
    import_observations,
    mark_interrupted,
    sha256,
    store_submission,
)
from db.review import add_rows
from db.session import transaction
from db.uploads import (
    ANONYMOUS,
    CHANNEL_ZH,
    anonymous_checks_since,
    record_anonymous_check,
    record_refusal,
)
from indicators import identify
from indicators.access import AccessDenied
from indicators.normalise import NormaliseError, parse_period
from indicators.vintages import VINTAGES
from loaders.readers import RawTable, ReadError
from loaders.readers.sandbox import (
    LimitError,
    Limits,
    check_size,
    current_limits,
    read_untrusted,
    warm_up,
)
from loaders.templates import render
from loaders.validate import ERROR, Context, Problem, Result, blank_warning, validate
from workflows.progress import kick
from workflows.reference import reference_data
from workflows.vintage import MIXED, census_note, file_rows, kept_problems

log = logging.getLogger(__name__)


def warm_up_reader() -> None:
    """Start the sandboxed file reader's forkserver now (a web worker, when it starts):
    never a reason to fail, a first upload then starts it itself."""
    try:
        warm_up()
    except Exception:
        log.warning("文件解析子进程预启动失败，将在首次上传时启动", exc_info=True)


STATUS_ZH = {
    "imported": "已导入",
    "refused": "未通过校验，未导入",
    "empty": "无可导入数据，未导入",
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


@dataclass(frozen=True)
class Outcome:
    submission_id: int | None  # None: refused for size or shape, not stored
    status: str  # imported | pending | refused | empty (无可导入数据) | duplicate | failed
    report: dict[str, Any]

    @property
    def ok(self) -> bool:
        """The file was taken: imported, or (review=True) waiting for a reviewer."""
        return self.status in ("imported", "pending")


@dataclass(frozen=True)
class Sender:
    """Who sent a file, for the record of a refusal: a user name (or 匿名), the
    channel (check | upload | api | drop | cli), the account and the client address."""

    actor: str
    channel: str
    user_id: int | None = None
    address: str | None = None


# C0/C1 controls (NUL among them: PostgreSQL refuses it in text) and the bidi
# overrides that make "abc\u202excod.csv" look like another name
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MAX_FILENAME = 255  # submissions.filename


def _control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in _BIDI


def filename_problem(filename: str) -> str | None:
    """Why a submitted file name is refused (in Chinese), or None."""
    if any(_control(ch) for ch in filename):
        return "文件名含有控制字符（如 NUL、换行或文字方向控制符）：请改名后重新上传"
    return None


def safe_filename(filename: str) -> str:
    """The name without control characters, at most 255 characters (the extension
    kept): what is stored, whatever entry point the file came by."""
    cleaned = "".join(ch for ch in filename if not _control(ch)).strip() or "upload"
    if len(cleaned) <= MAX_FILENAME:
        return cleaned
    suffix = PurePath(cleaned).suffix
    suffix = suffix if len(suffix) <= 16 else ""
    return cleaned[: MAX_FILENAME - len(suffix)] + suffix


def refusal_report(filename: str, message: str) -> dict[str, Any]:
    """A report of one error that concerns the whole file."""
    return _refusal(filename, message)


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
    limits: Limits | None = None,
    sender: Sender | None = None,
) -> tuple[Result | None, dict[str, Any]]:
    """Read and validate without storing anything (the dry run people ask for first).

    A file refused for its size or shape is recorded (``upload_refused``, no bytes)
    when ``sender`` says who sent it."""
    filename = safe_filename(filename)
    result, report, refused = _check(
        factory,
        filename,
        content,
        allowed_regions=allowed_regions,
        layer=layer,
        default_indicator=default_indicator,
        default_region=default_region,
        limits=limits,
    )
    if refused is not None and sender is not None:
        _record_refusal(factory, sender, filename, content, refused)
    return result, report


def _check(
    factory: sessionmaker[Session],
    filename: str,
    content: bytes,
    *,
    allowed_regions: set[str] | None,
    layer: str,
    default_indicator: str | None,
    default_region: str | None,
    limits: Limits | None,
) -> tuple[Result | None, dict[str, Any], LimitError | None]:
    try:
        table: RawTable = read_untrusted(filename, content, limits)
    except LimitError as exc:
        return None, _refusal(filename, str(exc)), exc
    except ReadError as exc:
        return None, _refusal(filename, str(exc)), None
    result, context = _validated(
        factory,
        table.records,
        filename,
        allowed_regions=allowed_regions,
        layer=layer,
        default_indicator=default_indicator,
        default_region=default_region,
        layout=table.layout,
    )
    report = {**result.report(), "layout": table.layout, "encoding": table.encoding}
    if result.missing and result.unnamed:
        _propose_missing(factory, result, report, context)
    census = census_note(table.notes)
    if census is not None:  # said in the report; receive() applies it
        report["census_revision"] = {"note": census[0], "years": list(census[1] or [])}
    return result, report, None


def check_records(
    factory: sessionmaker[Session],
    records: pd.DataFrame,
    filename: str,
    *,
    allowed_regions: set[str] | None,
    layer: str = "reported",
    default_indicator: str | None = None,
    default_region: str | None = None,
    layout: str = "template",
    grouped: bool = True,
) -> Result:
    """Validate records read from a file — or typed into the online form, which
    builds the template's records — against the regions, the catalogue and the
    layer's history: the one check every channel goes through. A template (or
    form) with most rows blank gets the blank warning."""
    return _validated(
        factory,
        records,
        filename,
        allowed_regions=allowed_regions,
        layer=layer,
        default_indicator=default_indicator,
        default_region=default_region,
        layout=layout,
        grouped=grouped,
    )[0]


def _validated(
    factory: sessionmaker[Session],
    records: pd.DataFrame,
    filename: str,
    *,
    allowed_regions: set[str] | None,
    layer: str,
    default_indicator: str | None,
    default_region: str | None,
    layout: str,
    grouped: bool = True,
) -> tuple[Result, Context]:
    with factory() as session:
        reference = reference_data(session)
        context = Context(
            reference.directory,
            reference.catalogue.indicators,
            allowed_regions,
            {},
            default_indicator,
            default_region,
            skip_unknown=layout in ("nbs", "yearbook"),
        )
        # the outlier check looks only at rows the sender may report: their history
        context.history = history(session, layer, context.reportable())
    result = validate(records, filename, context, grouped=grouped)
    if layout == "template" and (blank := blank_warning(result, filename)) is not None:
        result.problems.insert(0, blank)
    return result, context


def _propose_missing(
    factory: sessionmaker[Session], result: Result, report: dict[str, Any], context: Context
) -> None:
    """A file naming no indicator (or region) whose values agree with the figures held of
    exactly one: say which, on the 缺少… error and as ``report["proposed"]`` (the pages
    offer it in the picker); nothing is imported on the guess."""
    missing = result.missing or ""
    keys = {key for key, _, _ in result.unnamed}
    periods = {period for _, period, _ in result.unnamed}
    with factory() as session:
        held = figures_held(session, missing, keys, periods)
    found = identify.propose(result.unnamed, held)
    if found is None:
        return
    if missing == "指标":
        name, option = context.indicators[found.code].name_zh, f"--indicator {found.code}"
    else:
        name, option = context.directory[found.code].name_zh, f"--region {found.code}"
    report["proposed"] = {
        "field": missing,
        "code": found.code,
        "name": name,
        "agreeing": found.agreeing,
        "compared": found.compared,
    }
    hint = (
        f"。按文件中的数值，它很可能是“{name}”：{found.compared} 个可对照的数值中 "
        f"{found.agreeing} 个与本系统已有的公开或报送数据一致。请确认后在“{missing}”选项中选择它"
        f"（命令行 {option}）"
    )
    for problem in report["problems"]:
        if problem["message"].startswith(f"缺少{missing}："):
            problem["message"] += hint


def _record_refusal(
    factory: sessionmaker[Session],
    sender: Sender,
    filename: str,
    content: bytes,
    refused: LimitError,
) -> None:
    """The audit event of a file refused for size or shape; its bytes are not kept."""
    log.warning(
        "拒收文件（%s，%s）：%s（%s 字节）：%s",
        CHANNEL_ZH.get(sender.channel, sender.channel),
        sender.actor,
        filename,
        len(content),
        refused.problem,
    )
    with storage_errors(), transaction(factory) as session:
        record_refusal(
            session,
            actor=sender.actor,
            channel=sender.channel,
            filename=filename,
            size=len(content),
            digest=sha256(content),
            reason=refused.problem,
            user_id=sender.user_id,
            address=sender.address,
        )


CHECK_WINDOW = timedelta(minutes=10)


def allow_anonymous_check(
    factory: sessionmaker[Session],
    address: str,
    limit: int,
    filename: str | None = None,
    size: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Whether one more anonymous check from ``address`` is allowed (at most ``limit``
    per 10 minutes, counted in the database, so across the app's workers); an
    allowed check is recorded, a refused one is not (it cannot flood the log)."""
    since = (now or datetime.now(UTC)) - CHECK_WINDOW
    with storage_errors(), transaction(factory) as session:
        if anonymous_checks_since(session, address, since) >= limit:
            return False
        record_anonymous_check(session, address, filename, size)
        return True


def record_unread_refusal(
    factory: sessionmaker[Session], sender: Sender, filename: str, size: int | None, reason: str
) -> None:
    """The audit event of a request refused before its bytes were read (413): the
    size it declared, who, why — no hash."""
    with storage_errors(), transaction(factory) as session:
        record_refusal(
            session,
            actor=sender.actor,
            channel=sender.channel,
            filename=filename,
            size=size,
            digest=None,
            reason=reason,
            user_id=sender.user_id,
            address=sender.address,
        )


def receive(
    factory: sessionmaker[Session],
    filename: str,
    content: bytes,
    *,
    channel: str = "upload",
    user_id: int | None = None,
    allowed_regions: set[str] | None = None,
    layer: str = "reported",
    vintage: str | None = None,
    default_indicator: str | None = None,
    default_region: str | None = None,
    recompute: bool = True,
    force_vintage: bool = False,
    review: bool = False,
    period: str | None = None,
    actor: str | None = None,
    address: str | None = None,
    limits: Limits | None = None,
) -> Outcome:
    """Store, validate and (if clean) import one file; every outcome has a report.

    ``review=True`` keeps a clean file as ``pending`` with its rows instead of
    importing it; ``period`` is the period the sender says the file is for (kept
    on the submission; by default the rows' own period when they share one).
    ``actor`` (a username) adds an ``upload`` event to the audit log, in the
    transaction that stores the file.

    ``allowed_regions`` empty (a viewer) may send nothing: AccessDenied, nothing
    stored. A file refused for its size or shape (``limits``, by default the
    settings') is not stored either (Outcome without a submission id; an
    ``upload_refused`` audit event instead, naming ``actor`` or the account, and
    ``address``). The duplicate check comes after validation: a sender learns
    that the same bytes were received only if the file is one they may send.
    """
    if allowed_regions is not None and not allowed_regions:
        raise AccessDenied("该账号无报送权限（不能报送任何地区的数据），文件未保存")
    filename = safe_filename(filename)
    limits = limits or current_limits()

    def sender() -> Sender:  # asked only for a refusal
        return Sender(_actor(factory, actor, user_id, channel), channel, user_id, address)

    try:
        check_size(filename, len(content), limits)
    except LimitError as too_large:
        _record_refusal(factory, sender(), filename, content, too_large)
        return Outcome(None, "refused", _refusal(filename, str(too_large)))
    declared = None
    if period is not None:
        try:
            declared = parse_period(period)
        except NormaliseError as exc:
            report = _refusal(filename, f"申报期间“{period}”无法识别：{exc}")
            return _stored(factory, filename, content, channel, user_id, report, "refused", actor)
    result, report, refused = _check(
        factory,
        filename,
        content,
        allowed_regions=allowed_regions,
        layer=layer,
        default_indicator=default_indicator,
        default_region=default_region,
        limits=limits,
    )
    if refused is not None:  # recorded, not stored
        _record_refusal(factory, sender(), filename, content, refused)
        return Outcome(None, "refused", {**report, "vintage": vintage})
    # the vintage as the file's notes say (a census note makes its years a census revision)
    # unless one is given; kept in the report so that approving a reviewed file applies it
    if result is not None and result.ok:
        label = file_rows(result.rows, vintage, report.get("census_revision"))[1]
    else:
        label = vintage or "initial"
    report = {**report, "vintage": label, "vintage_given": vintage is not None}
    if result is None or not result.ok:
        status = "empty" if result is not None and result.nothing else "refused"
        return _stored(factory, filename, content, channel, user_id, report, status, actor)
    # only now, with the sender's right to every row settled, may it hear of a duplicate
    with factory() as session:
        earlier = find_submission(session, sha256(content), TAKEN)
        seen = (earlier.id, earlier.status) if earlier else None
    if seen is not None:
        earlier_id, earlier_status = seen
        message = (
            f"已收到过内容完全相同的文件（提交编号 {earlier_id}），未重复导入"
            if earlier_status == "imported"
            else f"已收到过内容完全相同的文件（提交编号 {earlier_id}，"
            f"{STATUS_ZH[earlier_status]}），未重复提交"
        )
        report = _refusal(filename, message)
        return _stored(factory, filename, content, channel, user_id, report, "duplicate", actor)
    if review:
        return _pending(
            factory, filename, content, channel, user_id, report, result, declared, actor
        )
    # no vintage given: a census-revision note in the file makes its years a census revision
    rows, vintage = file_rows(result.rows, vintage, report.get("census_revision"))
    report = {**report, "vintage": vintage}
    # the upload event is written with the import's outcome (imported or failed)
    outcome = _stored(factory, filename, content, channel, user_id, report, "received", None)
    try:
        with transaction(factory) as session:
            counts = import_observations(
                session,
                rows,
                layer=layer,
                vintage=vintage,
                submission_id=outcome.submission_id,
                user_id=user_id,
                source_note=f"{VINTAGES.get(vintage, MIXED)}；{filename}",
                force=force_vintage,
            )
            kept = kept_problems(session, filename, counts.kept)
            report = {
                **report,
                "inserted": counts.inserted,
                "revised": counts.revised,
                "unchanged": counts.unchanged,
                "kept_newer": sum(p["count"] for p in kept),
                "warnings": report["warnings"] + sum(p["count"] for p in kept),
                "problems": [*report["problems"], *kept],
            }
            submission = _stored_submission(session, outcome)
            submission.status, submission.report = "imported", report
            _audit_upload(session, submission, actor)
    except Exception as exc:  # nothing of the import stays; the file and the reason do
        log.exception("导入失败：%s", filename)
        report = {**report, "ok": False, "failure": f"导入中断，未写入任何数据：{_reason(exc)}"}
        with storage_errors(), transaction(factory) as session:
            submission = _stored_submission(session, outcome)
            submission.status, submission.report = "failed", report
            _audit_upload(session, submission, actor)
        return Outcome(outcome.submission_id, "failed", report)
    if recompute and (counts.inserted or counts.revised):
        # the changes were recorded with the rows; the verdicts follow in the background
        report = {**report, "progress": kick(factory)}
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


def _actor(
    factory: sessionmaker[Session], actor: str | None, user_id: int | None, channel: str
) -> str:
    """Who a refusal names: the given user name, the account's, else the channel."""
    if actor:
        return actor
    if user_id is not None:
        with factory() as session:
            user = session.get(models.User, user_id)
            if user is not None:
                return user.username
    return CHANNEL_ZH.get(channel, channel) if channel != "check" else ANONYMOUS


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


def _stored_submission(session: Session, outcome: Outcome) -> models.Submission:
    """The submission ``_stored`` wrote for ``outcome``, to be brought up to date."""
    found = (
        session.get(models.Submission, outcome.submission_id)
        if outcome.submission_id is not None
        else None
    )
    if found is None:  # _stored always writes one; only a deletion meanwhile gets here
        raise RuntimeError(f"提交记录 {outcome.submission_id} 不存在，无法更新其状态")
    return found


def _audit_upload(session: Session, submission: models.Submission, actor: str | None) -> None:
    """The ``upload`` event of a file sent by an account, whatever became of it
    (refused files too: who tried to send what is part of the record), on every
    channel: 数据填报, the API, the drop folder."""
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
            "channel": submission.channel,
            "sha256": submission.sha256,
            "status": submission.status,
            "period": submission.period,
            "rows": report.get("rows", 0),
            "errors": report.get("errors", 0),
        },
        detail=f"{STATUS_ZH.get(submission.status, submission.status)}：{submission.filename}",
    )


@dataclass(frozen=True)
class Template:
    """A reporting template file and what it was made for."""

    content: bytes
    region_code: str
    region_name: str
    period: str
    count: int  # indicators listed


def reporting_template(
    factory: sessionmaker[Session], region: str, period: str, fmt: str = "xlsx"
) -> Template:
    """The template pre-filled for ``region`` (any spelling the regions know) and
    ``period``, from the stored regions and catalogue (the API and the command
    line); raises RegionError or NormaliseError, in Chinese, for a name or a
    period that cannot be read."""
    with factory() as session:
        reference = reference_data(session)
        place = reference.directory.resolve(region)
        canonical = parse_period(period)
        content, count = render(
            session, reference.catalogue, reference.directory, place.code, canonical, fmt
        )
    return Template(content, place.code, place.name_zh, canonical, count)
