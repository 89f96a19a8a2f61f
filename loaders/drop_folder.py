"""The drop folder: files placed in ``incoming/`` are imported as submissions,
then moved to ``processed/`` or ``failed/`` with their report beside them.

Run by the scheduler process every few minutes, or once by
``manage.py process-drop-folder``. A file still being written (changed in the
last seconds) is left for the next run.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from loaders.intake import receive

SETTLE_SECONDS = 5.0
SUFFIXES = {".csv", ".txt", ".xlsx", ".xls"}


@dataclass(frozen=True)
class DropResult:
    name: str
    status: str
    submission_id: int


def folders(root: Path) -> tuple[Path, Path, Path]:
    paths = (root / "incoming", root / "processed", root / "failed")
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)
    return paths


def process(
    factory: sessionmaker[Session], root: Path, settle: float = SETTLE_SECONDS
) -> list[DropResult]:
    incoming, processed, failed = folders(root)
    results = []
    for path in sorted(incoming.iterdir()):
        if not path.is_file() or path.suffix.lower() not in SUFFIXES:
            continue
        if time.time() - path.stat().st_mtime < settle:
            continue  # perhaps still being copied in
        outcome = receive(factory, path.name, path.read_bytes(), channel="drop")
        target = processed if outcome.status in ("imported", "duplicate") else failed
        stamp = f"{outcome.submission_id:06d}-{path.name}"
        shutil.move(str(path), target / stamp)
        (target / f"{stamp}.report.json").write_text(
            json.dumps(
                {
                    "status": outcome.status,
                    "submission_id": outcome.submission_id,
                    **outcome.report,
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        results.append(DropResult(path.name, outcome.status, outcome.submission_id))
    return results
