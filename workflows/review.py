"""The review workflow: a reporter submits a file, a reviewer approves or rejects it.

``submit`` is the reporter's entry point: the account may only send rows of its
own regions (the validator names every row that is not), and a clean file waits
as 待审核 with its rows. ``decide`` is the reviewer's: the whole submission or
row by row, with a comment (required to reject). Approved rows become current
through db.intake.import_observations, so a changed value is a revision that
keeps the one it replaces; rejected rows stay recorded with the comment. Each
decision is one transaction — rows, observations, submission status and audit
events commit together or not at all — and the submission is locked first, so
two reviewers deciding at once cannot import the same rows twice.

Authorization is checked here, on the server, whatever the page shows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from db import audit, models
from db.intake import ImportCounts, current_values, import_observations
from db.review import (
    APPROVED,
    PENDING,
    REJECTED,
    REPORTED,
    decision_counts,
    link_observations,
    lock_submission,
    row_face,
    rows_of,
    set_decision,
)
from db.session import transaction
from indicators.access import ROLE_ZH, AccessDenied, Account, report_scope, require_review
from indicators.review_view import View, fingerprint
from indicators.vintages import VINTAGES
from loaders.readers.sandbox import Limits
from workflows.intake import STATUS_ZH, Outcome, receive
from workflows.progress import EXPECTED_SECONDS, kick
from workflows.vintage import MIXED, file_rows, kept_problems

log = logging.getLogger(__name__)

LAYER = REPORTED
DECISION_ZH = {PENDING: "待审核", APPROVED: "已通过", REJECTED: "已退回"}
# what a reviewer asks for → what a row becomes
WORDS = {"approve": APPROVED, "reject": REJECTED}


class ReviewError(ValueError):
    """A decision that cannot be taken as asked; the message is Chinese and names
    the rows. Nothing was changed."""


@dataclass(frozen=True)
class ReviewOutcome:
    """What one decision did, for the page to say and the tests to check."""

    submission_id: int
    status: str  # the submission's: pending | approved | rejected | partly_approved
    approved: int  # rows approved by this decision
    rejected: int  # rows rejected by this decision
    pending: int  # rows of the submission still awaiting a decision
    inserted: int  # approved rows that are a new indicator × region × period
    revised: int  # approved rows that revise an accepted value
    unchanged: int  # approved rows equal to the accepted value (nothing written)
    # approved rows of an older release than the value held: kept as history (较新的修订值已存在)
    kept_newer: int = 0

    @property
    def message(self) -> str:
        parts = [f"提交编号 {self.submission_id}：{STATUS_ZH[self.status]}"]
        if self.approved:
            parts.append(
                f"通过 {self.approved} 行（新增 {self.inserted}，修订 {self.revised}，"
                f"未变 {self.unchanged}）"
            )
        if self.kept_newer:
            parts.append(
                f"{self.kept_newer} 行为较旧版本，较新的修订值已存在，未覆盖（存为历史版本）"
            )
        if self.rejected:
            parts.append(f"退回 {self.rejected} 行")
        if self.pending:
            parts.append(f"尚有 {self.pending} 行待审核")
        if self.inserted or self.revised:
            parts.append(f"进展评估在后台重新计算，约 {EXPECTED_SECONDS} 秒内更新")
        return "；".join(parts)


def submit(
    factory: sessionmaker[Session],
    filename: str,
    content: bytes,
    account: Account | None,
    period: str | None = None,
    *,
    vintage: str | None = None,
    default_indicator: str | None = None,
    default_region: str | None = None,
    address: str | None = None,
    limits: Limits | None = None,
    channel: str = "upload",
) -> Outcome:
    """A reporter's upload: checked against the account's regions, then kept as
    待审核 (nothing imported), with an ``upload`` audit event.

    A reporter may send rows of its regions and of their districts; a row of any
    other region refuses the whole file, the report naming each such row (the
    validator's ``allowed_regions`` check, as for API tokens). ``channel`` is
    ``upload`` (数据填报's file) or ``online`` (the online form, filed as the
    template's CSV). Reviewers and
    administrators may send any region's rows; viewers none (AccessDenied).
    """
    return receive(
        factory,
        filename,
        content,
        channel=channel,
        user_id=account.id if account else None,
        allowed_regions=_scope(account),
        vintage=vintage,
        default_indicator=default_indicator,
        default_region=default_region,
        review=True,
        period=period,
        actor=account.username if account else None,
        address=address,
        limits=limits,
    )


def decide(
    factory: sessionmaker[Session],
    submission_id: int,
    account: Account | None,
    decisions: dict[int, str] | str,
    comment: str,
    *,
    view: View | None = None,
    recompute: bool = True,
) -> ReviewOutcome:
    """Approve or reject a pending submission, whole (``"approve"``/``"reject"``: every
    row still pending) or row by row (``{row_id: "approve" | "reject"}``, row ids as
    in db.review.submission_rows_frame).

    Raises AccessDenied unless the account may review, and ReviewError (nothing
    changed) for an unknown submission or row, a row already decided, an unknown
    decision, or a rejection without a comment. Approved rows are imported into
    the reported layer with the submission's vintage, created by the reporter who
    sent them; the reviewer is recorded as the rows' ``decided_by``. Progress is
    recomputed afterwards when a value changed (``recompute=False`` skips it).
    """
    require_review(account)
    assert account is not None  # for the type checker: require_review refused None
    comment = (comment or "").strip()
    now = datetime.now(UTC)
    with transaction(factory) as session:
        submission = lock_submission(session, submission_id)
        if submission is None:
            raise ReviewError(f"提交编号 {submission_id} 不存在")
        rows = rows_of(session, submission_id)
        if not rows:
            raise ReviewError(
                f"提交编号 {submission_id}（{STATUS_ZH.get(submission.status, submission.status)}）"
                "不是待审核的提交，没有可审核的数据行"
            )
        if view is not None:  # a stale page first: it explains any refusal below
            _still_shown(view, submission_id, rows)
        plan = _plan(submission, rows, decisions)
        if view is not None:
            _held(view, plan)
        approve = [row for row, decision in plan if decision == APPROVED]
        reject = [row for row, decision in plan if decision == REJECTED]
        if reject and not comment:
            raise ReviewError(f"退回须填写审核意见（{_where_all(reject)}）")
        for chosen, decision in ((approve, APPROVED), (reject, REJECTED)):
            ids = [row.id for row in chosen]
            if set_decision(session, ids, decision, comment or None, account.id, now) != len(ids):
                raise ReviewError(f"提交编号 {submission_id} 已被其他审核员同时审核，请刷新后重试")
        counts = _approve(session, submission, approve, account, comment)
        _audit_rejections(session, submission, reject, account, comment)
        outcome = _close(session, submission, account, comment, now, approve, reject, counts)
    if recompute and (counts.inserted or counts.revised):
        kick(factory)  # the changes were recorded with the rows; the verdicts follow
    return outcome


def _scope(account: Account | None) -> set[str] | None:
    """The regions an account may submit rows for; None means any."""
    if account is None:
        raise AccessDenied("请先登录再报送数据")
    scope = report_scope(account)
    if scope is None or scope:
        return scope
    raise AccessDenied(f"账号“{account.username}”（{ROLE_ZH[account.role]}）无报送权限")


def _plan(
    submission: models.Submission,
    rows: list[models.SubmissionRow],
    decisions: dict[int, str] | str,
) -> list[tuple[models.SubmissionRow, str]]:
    """(row, approved | rejected) for every row the decision covers, checked: the
    rows belong to the submission, are still pending, and the words are known."""
    if isinstance(decisions, str):
        decision = _word(decisions)
        pending = [row for row in rows if row.decision == PENDING]
        if not pending:
            raise ReviewError(
                f"提交编号 {submission.id} 已审核完毕"
                f"（{STATUS_ZH.get(submission.status, submission.status)}），不能再次审核"
            )
        return [(row, decision) for row in pending]
    if not decisions:
        raise ReviewError("未选择要审核的数据行")
    try:  # a page's JSON turns the row ids into strings
        decisions = {int(row_id): word for row_id, word in decisions.items()}
    except (TypeError, ValueError) as exc:
        raise ReviewError(f"数据行编号无效：{exc}") from None
    by_id = {row.id: row for row in rows}
    unknown = sorted(set(decisions) - set(by_id))
    if unknown:
        listed = "、".join(str(i) for i in unknown)
        raise ReviewError(f"数据行 {listed} 不属于提交编号 {submission.id}")
    plan = [(by_id[row_id], _word(word, by_id[row_id])) for row_id, word in decisions.items()]
    done = [row for row, _ in plan if row.decision != PENDING]
    if done:
        raise ReviewError(
            "；".join(
                f"{_where(row)}已审核（{DECISION_ZH.get(row.decision, row.decision)}），"
                "不能再次审核"
                for row in sorted(done, key=lambda r: (r.row_no, r.id))
            )
        )
    return sorted(plan, key=lambda item: (item[0].row_no, item[0].id))


def _still_shown(view: View, submission_id: int, rows: list[models.SubmissionRow]) -> None:
    """Refuse a decision taken on a page of another file, or whose rows no longer
    say what the page showed (decided by someone else since)."""
    if view.submission_id != submission_id:
        raise ReviewError(f"页面显示的不是提交编号 {submission_id}，请刷新后重新审核；未作任何更改")
    if fingerprint(row_face(row) for row in rows if row.id in view.rows) != view.digest:
        raise ReviewError(
            f"提交编号 {submission_id} 的数据行在您打开页面后已变更（可能已被其他审核员审核），"
            "页面已过期；未作任何更改，请刷新后重新审核"
        )


def _held(view: View, plan: list[tuple[models.SubmissionRow, str]]) -> None:
    """Refuse a decision covering rows the reviewer's page did not hold."""
    missing = [row for row, _ in plan if row.id not in view.rows]
    if missing:
        raise ReviewError(
            f"{_where_all(missing)}不在您审核的页面上，不能审核（页面已过期或请求被改动）；"
            "未作任何更改，请刷新后重新审核"
        )


def _word(word: str, row: models.SubmissionRow | None = None) -> str:
    decision = WORDS.get(str(word).strip().lower())
    if decision is None:
        where = f"{_where(row)}：" if row is not None else ""
        raise ReviewError(f"{where}审核决定“{word}”无效，应为 approve（通过）或 reject（退回）")
    return decision


def _approve(
    session: Session,
    submission: models.Submission,
    rows: list[models.SubmissionRow],
    account: Account,
    comment: str,
) -> ImportCounts:
    """Import approved rows as the reporter's, link each row to the observation now
    current for it, and record one ``approve`` event per row (before → after)."""
    if not rows:
        return ImportCounts(0, 0, 0)
    keys = [(row.indicator_id, row.region_code, row.period) for row in rows]
    before = current_values(session, LAYER, keys)
    report = submission.report or {}
    given = report.get("vintage") if report.get("vintage_given") else None
    # the vintage rule of a direct import: a census note in the file makes its years a
    # census revision; an older release never replaces a newer one (kept as history)
    frame, vintage = file_rows(
        pd.DataFrame(
            {
                "indicator_id": [row.indicator_id for row in rows],
                "region_code": [row.region_code for row in rows],
                "period": [row.period for row in rows],
                "value": [row.value for row in rows],
                "unit": [row.unit for row in rows],
                "note": [row.note for row in rows],
            }
        ),
        given,
        report.get("census_revision"),
    )
    counts = import_observations(
        session,
        frame,
        layer=LAYER,
        vintage=vintage,
        submission_id=submission.id,
        user_id=submission.user_id,
        source_note=f"{VINTAGES.get(vintage, MIXED)}；{submission.filename}",
    )
    after = current_values(session, LAYER, keys)
    link_observations(session, {row.id: after[key][0] for row, key in zip(rows, keys, strict=True)})
    for row, key in zip(rows, keys, strict=True):
        audit.record(
            session,
            "approve",
            account.username,
            user_id=account.id,
            object_type="submission_row",
            object_id=str(row.id),
            before=_value(before.get(key)),
            after={
                **_identity(row),
                **(_value(after[key]) or {}),
                "decision": APPROVED,
                "comment": comment or None,
            },
            detail=f"提交编号 {submission.id} {_where(row)}",
        )
    return counts


def _audit_rejections(
    session: Session,
    submission: models.Submission,
    rows: list[models.SubmissionRow],
    account: Account,
    comment: str,
) -> None:
    """One ``reject`` event per row: the value accepted now (which stays) and the
    value that was refused."""
    if not rows:
        return
    keys = [(row.indicator_id, row.region_code, row.period) for row in rows]
    before = current_values(session, LAYER, keys)
    for row, key in zip(rows, keys, strict=True):
        audit.record(
            session,
            "reject",
            account.username,
            user_id=account.id,
            object_type="submission_row",
            object_id=str(row.id),
            before=_value(before.get(key)),
            after={**_identity(row), "value": row.value, "decision": REJECTED, "comment": comment},
            detail=f"提交编号 {submission.id} {_where(row)}",
        )


def _close(
    session: Session,
    submission: models.Submission,
    account: Account,
    comment: str,
    now: datetime,
    approve: list[models.SubmissionRow],
    reject: list[models.SubmissionRow],
    counts: ImportCounts,
) -> ReviewOutcome:
    """Set the submission's status from its rows (pending while any row is) and
    record the submission's own event: ``approve`` if this decision approved any
    row, else ``reject``."""
    tally = decision_counts(session, submission.id)
    if tally[PENDING]:
        status = PENDING
    elif tally[APPROVED] and tally[REJECTED]:
        status = "partly_approved"
    else:
        status = APPROVED if tally[APPROVED] else REJECTED
    previous = submission.status
    report: dict[str, Any] = dict(submission.report or {})
    for name in ("inserted", "revised", "unchanged"):
        report[name] = report.get(name, 0) + getattr(counts, name)
    if counts.kept:
        report["kept_newer"] = report.get("kept_newer", 0) + len(counts.kept)
        kept = kept_problems(session, submission.filename, counts.kept)
        report["problems"] = [*report.get("problems", []), *kept]
    report["review"] = {"approved": tally[APPROVED], "rejected": tally[REJECTED]}
    submission.status, submission.report = status, report
    submission.reviewed_by, submission.reviewed_at = account.id, now
    if comment:
        submission.review_comment = comment
    audit.record(
        session,
        "approve" if approve else "reject",
        account.username,
        user_id=account.id,
        object_type="submission",
        object_id=str(submission.id),
        before={"status": previous},
        after={
            "status": status,
            "approved": len(approve),
            "rejected": len(reject),
            "pending": tally[PENDING],
            "inserted": counts.inserted,
            "revised": counts.revised,
            "unchanged": counts.unchanged,
            "kept_newer": len(counts.kept),
            "comment": comment or None,
        },
        detail=f"{STATUS_ZH[status]}：{submission.filename}",
    )
    return ReviewOutcome(
        submission.id,
        status,
        len(approve),
        len(reject),
        tally[PENDING],
        counts.inserted,
        counts.revised,
        counts.unchanged,
        len(counts.kept),
    )


def _identity(row: models.SubmissionRow) -> dict[str, Any]:
    return {
        "submission_id": row.submission_id,
        "row_no": row.row_no,
        "indicator_id": row.indicator_id,
        "region_code": row.region_code,
        "period": row.period,
        "unit": row.unit,
    }


def _value(current: tuple[int, float, int] | None) -> dict[str, Any] | None:
    """An observation as an audit value: None when there was none."""
    if current is None:
        return None
    observation_id, value, revision = current
    return {"layer": LAYER, "observation_id": observation_id, "value": value, "revision": revision}


def _where(row: models.SubmissionRow | None) -> str:
    if row is None:
        return ""
    return f"工作表 {row.sheet} 第 {row.row_no} 行" if row.sheet else f"第 {row.row_no} 行"


def _where_all(rows: list[models.SubmissionRow]) -> str:
    return "、".join(_where(row) for row in rows)
