"""The drop folder: files placed in ``incoming/`` are imported as submissions,
then moved to ``processed/`` or ``failed/`` with their report beside them.

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
from loaders.intake import STATUS_ZH, filename_problem, receive, refusal_report, safe_filename
from loaders.readers.sandbox import Limits, current_limits

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
    for path in sorted(incoming.iterdir()):
        if path.suffix.lower() not in SUFFIXES:
            continue
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue  # taken away meanwhile
        if stat.S_ISDIR(info.st_mode):
            continue
        if time.time() - info.st_mtime < settle:
            continue  # perhaps still being copied in
        try:
            content = _read(path, info, limits)
        except Refused as refused:
            results.append(_refuse(factory, path, failed, info, str(refused)))
            continue
        outcome = receive(factory, path.name, content, channel="drop", limits=limits)
        if outcome.submission_id is None:  # refused for its size or shape, recorded by intake
            _move(path, failed, _refused_stamp(path), {"status": outcome.status, **outcome.report})
            results.append(DropResult(path.name, outcome.status, None))
            continue
        target = processed if outcome.status in ("imported", "duplicate") else failed
        stamp = f"{outcome.submission_id:06d}-{path.name}"
        report = {"status": outcome.status, "submission_id": outcome.submission_id}
        _move(path, target, stamp, {**report, **outcome.report})
        results.append(DropResult(path.name, outcome.status, outcome.submission_id))
    return results


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
) -> DropResult:
    """Log it, record it (no bytes), move the entry itself aside with a report."""
    name = safe_filename(path.name)
    log.warning("投放目录拒收：%s：%s", name, reason)
    with storage_errors(), transaction(factory) as session:
        record_refusal(
            session,
            actor=ACTOR,
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
