"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine


class BackupError(RuntimeError):
    pass


def backup(engine: Engine, dest_dir: Path, keep: int = 14) -> Path:
    """Write a consistent copy of the database into ``dest_dir``; keep the newest ``keep``."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    backend = engine.url.get_backend_name()
    if backend == "sqlite":
        target = dest_dir / f"monitor-{stamp}.sqlite"
        source = sqlite3.connect(engine.url.database)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        finally:
            source.close()
    elif backend == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("未找到 pg_dump，请安装 PostgreSQL 客户端")
        target = dest_dir / f"monitor-{stamp}.dump"
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(
            ["pg_dump", "--format=custom", f"--file={target}", url],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    else:
        raise BackupError(f"不支持备份数据库类型 {backend}")
    _prune(dest_dir, target.suffix, keep)
    return target


def _prune(dest_dir: Path, suffix: str, keep: int) -> None:
    backups = sorted(dest_dir.glob(f"monitor-*{suffix}"))
    for old in backups[:-keep] if keep > 0 else []:
        old.unlink()
