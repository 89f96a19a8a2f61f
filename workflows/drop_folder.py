"""The drop folder: files placed in ``incoming/<username>/`` are received as that
account's submissions, then moved to ``processed/`` or ``failed/`` with their
report beside them.

One workflow for every channel: the account's region scope applies as on
数据填报, a reporter's file waits for review (待审核) and a reviewer's or an
administrator's is imported, and each file writes an ``upload`` audit event naming
the account and the channel. A file in ``incoming/`` itself has no sender and is
refused with a report, as is every file of a subfolder that names no active
account allowed to report (a viewer, a stranger).

Run by the scheduler process every few minutes, or once by
``manage.py process-drop-folder``. A file still being written (changed in the
last seconds) is left for the next run.

Only regular files are read, and never through a link: a symbolic link (to
/etc/shadow, to the database …), a FIFO or a device in ``incoming/`` is refused
without being opened (``os.lstat``, then ``O_NOFOLLOW``), as is a file over
MAX_UPLOAD_BYTES or one whose name holds control characters. A refused entry is
moved to ``failed/`` (the link itself, not what it points to) with a report, the
refusal is logged and recorded in the audit log (``upload_refused``), and
nothing of it is stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from db.errors import storage_errors
from db.session import transaction
from db.uploads import CHANNEL_ZH, record_refusal
from db.users import account_of, user_named
from indicators.access import Account, can_review, report_scope
from loaders.readers.sandbox import Limits, current_limits
from workflows.intake import STATUS_ZH, filename_problem, receive, refusal_report, safe_filename

log = logging.getLogger(__name__)

SETTLE_SECONDS = 5.0
SUFFIXES = {".csv", ".txt", ".xlsx", ".xls"}
ACTOR = CHANNEL_ZH["drop"]


@dataclass(frozen=True)
class DropResult:
    name: str
    status: str
    submission_id: int | None  # None: refused before anything was stored


class Refused(Exception):
    """An entry of ``incoming/`` that is not read (the message is Chinese)."""


def folders(root: Path) -> tuple[Path, Path, Path]:
    paths = (root / "incoming", root / "processed", root / "failed")
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)
    return paths


def process(
    factory: sessionmaker[Session],
    root: Path,
    settle: float = SETTLE_SECONDS,
    limits: Limits | None = None,
) -> list[DropResult]:
    incoming, processed, failed = folders(root)
    limits = limits or current_limits()
    results = []
    for entry in sorted(incoming.iterdir()):
        try:
            info = os.lstat(entry)
        except FileNotFoundError:
            continue  # taken away meanwhile
        if stat.S_ISDIR(info.st_mode):  # a real folder, never a link to one
            sender = _sender(factory, entry.name)
            for path in sorted(entry.iterdir()):
                if path.suffix.lower() in SUFFIXES:
                    results.extend(_take(factory, path, sender, failed, processed, settle, limits))
        elif entry.suffix.lower() in SUFFIXES:
            results.extend(_take(factory, entry, NO_SENDER, failed, processed, settle, limits))
    return results


NO_SENDER = (
    "直接放在投放目录 incoming/ 下的文件没有报送人：未读取；请放入 incoming/<用户名>/ 子目录"
)


def _sender(factory: sessionmaker[Session], folder: str) -> Account | str:
    """The account a subfolder of ``incoming/`` names, or why its files are refused."""
    with factory() as session:
        user = user_named(session, folder)
        account = account_of(user) if user is not None and user.active else None
    if account is None:
        return f"子目录“{safe_filename(folder)}”不是有效的账号名：未读取（应为 incoming/<用户名>/）"
    if report_scope(account) == set():
        return f"账号“{account.username}”无报送权限：未读取"
    return account


def _take(
    factory: sessionmaker[Session],
    path: Path,
    sender: Account | str,
    failed: Path,
    processed: Path,
    settle: float,
    limits: Limits,
) -> list[DropResult]:
    """Receive one entry for ``sender`` (a reason instead refuses it); [] while it
    may still be being copied in."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return []  # taken away meanwhile
    if stat.S_ISDIR(info.st_mode) or time.time() - info.st_mtime < settle:
        return []  # a folder is not a file; a fresh file is perhaps still being copied in
    actor = sender.username if isinstance(sender, Account) else ACTOR
    try:
        if isinstance(sender, str) and not stat.S_ISLNK(info.st_mode):
            raise Refused(sender)  # no sender: not read (a link is refused as a link)
        content = _read(path, info, limits)
    except Refused as refused:
        return [_refuse(factory, path, failed, info, str(refused), actor)]
    assert isinstance(sender, Account)  # _read refused every link
    outcome = receive(
        factory,
        path.name,
        content,
        channel="drop",
        user_id=sender.id,
        allowed_regions=report_scope(sender),
        review=not can_review(sender),
        actor=sender.username,
        limits=limits,
    )
    if outcome.submission_id is None:  # refused for its size or shape, recorded by intake
        _move(path, failed, _refused_stamp(path), {"status": outcome.status, **outcome.report})
        return [DropResult(path.name, outcome.status, None)]
    target = processed if outcome.status in ("imported", "pending", "duplicate") else failed
    stamp = f"{outcome.submission_id:06d}-{path.name}"
    report = {"status": outcome.status, "submission_id": outcome.submission_id}
    _move(path, target, stamp, {**report, **outcome.report})
    return [DropResult(path.name, outcome.status, outcome.submission_id)]


def _read(path: Path, info: os.stat_result, limits: Limits) -> bytes:
    """The bytes of a regular file, opened without following a link; Refused otherwise."""
    if stat.S_ISLNK(info.st_mode):
        raise Refused("是符号链接，不是普通文件：未读取（投放目录只接受文件本身）")
    if not stat.S_ISREG(info.st_mode):
        raise Refused("不是普通文件（管道、设备或套接字）：未读取")
    if problem := filename_problem(path.name):
        raise Refused(problem)
    if info.st_size > limits.max_upload_bytes:
        raise Refused(_too_large(info.st_size, limits))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:  # replaced by a link since lstat (ELOOP), or unreadable
        raise Refused(f"无法安全打开（{error.strerror}）：未读取") from None
    with os.fdopen(fd, "rb") as file:
        opened = os.fstat(file.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise Refused("不是普通文件：未读取")
        content = file.read(limits.max_upload_bytes + 1)
    if len(content) > limits.max_upload_bytes:  # grew since lstat
        raise Refused(_too_large(len(content), limits))
    return content


def _too_large(size: int, limits: Limits) -> str:
    return (
        f"文件大小 {size:,} 字节，超过上限 {limits.max_upload_bytes:,} 字节：请拆分成较小的文件后"
        "重新投放"
    )


def _digest(path: Path, info: os.stat_result) -> str | None:
    """The sha256 of a regular file (read in pieces, never through a link), for the
    record of its refusal; None for anything else."""
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _refuse(
    factory: sessionmaker[Session],
    path: Path,
    failed: Path,
    info: os.stat_result,
    reason: str,
    actor: str = ACTOR,
) -> DropResult:
    """Log it, record it (no bytes), move the entry itself aside with a report."""
    name = safe_filename(path.name)
    log.warning("投放目录拒收：%s：%s", name, reason)
    with storage_errors(), transaction(factory) as session:
        record_refusal(
            session,
            actor=actor,
            channel="drop",
            filename=name,
            size=info.st_size if stat.S_ISREG(info.st_mode) else None,
            digest=_digest(path, info),
            reason=reason,
        )
    report = {
        "status": "refused",
        "status_zh": STATUS_ZH["refused"],
        **refusal_report(name, reason),
    }
    _move(path, failed, _refused_stamp(path), report)
    return DropResult(path.name, "refused", None)


def _refused_stamp(path: Path) -> str:
    return f"refused-{datetime.now(UTC):%Y%m%d%H%M%S%f}-{safe_filename(path.name)}"


def _move(path: Path, target: Path, stamp: str, report: dict[str, Any]) -> None:
    """Move the entry (a link is moved as the link) and write its report beside it."""
    shutil.move(str(path), target / stamp)
    (target / f"{stamp}.report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
