"""Backups and restores: SQLite through its online backup API, PostgreSQL
through pg_dump (custom format) and pg_restore."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine


class BackupError(RuntimeError):
    pass


def _sqlite_file(engine: Engine) -> str:
    """The SQLite database's file: an in-memory database has none to copy to or from."""
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("内存中的 SQLite 数据库没有文件，无法备份或恢复")
    return database


def backup(engine: Engine, dest_dir: Path, keep: int = 14) -> Path:
    """Write a consistent copy of the database into ``dest_dir``; keep the newest ``keep``."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    backend = engine.url.get_backend_name()
    if backend == "sqlite":
        target = dest_dir / f"monitor-{stamp}.sqlite"
        source = sqlite3.connect(_sqlite_file(engine))
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


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup ``source`` (as written by
    :func:`backup`). SQLite: page by page through the online backup API, so
    open connections see the restored file; PostgreSQL: ``pg_restore --clean``
    in one transaction, so a failed restore leaves the database as it was."""
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    backend = engine.url.get_backend_name()
    engine.dispose()  # no pooled connection holds locks while the contents are replaced
    if backend == "sqlite":
        if source.suffix != ".sqlite":
            raise BackupError(f"{source.name} 不是 SQLite 备份（应为 .sqlite）")
        with sqlite3.connect(source) as backup_file, sqlite3.connect(_sqlite_file(engine)) as live:
            backup_file.backup(live)
        return
    if backend == "postgresql":
        if shutil.which("pg_restore") is None:
            raise BackupError("未找到 pg_restore，请安装 PostgreSQL 客户端")
        if source.suffix != ".dump":
            raise BackupError(f"{source.name} 不是 PostgreSQL 备份（应为 .dump）")
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={url}",
                str(source),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
        return
    raise BackupError(f"不支持恢复数据库类型 {backend}")
