"""A backup restored finds every row, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.backup import BackupError, backup, restore
from db.projects import file_report
from db.session import transaction
from db.users import create_user
from workflows.first_run import ensure_ready


def row_counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in models.Base.metadata.sorted_tables
        }


def test_bak001_a_restored_backup_has_every_row_back(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    ensure_ready(engine, factory, sample=False, published=False)
    with transaction(factory) as session:
        create_user(session, "office", "a-long-password", "reviewer")
        file_report(session, "HY06", "2026-10", 8.5, "大坝浇筑", "office")
    before = row_counts(factory)
    assert before["projects"] == 48 and before["targets"] > 300 and before["project_reports"] == 1
    saved = backup(engine, tmp_path / "backups")
    # then things go wrong: rows deleted, a value changed
    with transaction(factory) as session:
        session.execute(delete(models.ProjectReport))
        session.execute(update(models.Project).values(total_investment=0))
    assert row_counts(factory)["project_reports"] == 0
    restore(engine, saved)
    assert row_counts(factory) == before
    with factory() as session:
        assert session.get(models.Project, "HY06").total_investment == 113.0
        assert session.scalar(select(models.ProjectReport.ytd_investment)) == 8.5


def test_bak002_a_missing_or_foreign_file_is_refused_in_chinese(
    engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(BackupError, match="备份文件不存在"):
        restore(engine, tmp_path / "none.sqlite")
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(BackupError, match="不是 .* 备份"):
        restore(engine, other)


def test_bak003_an_in_memory_database_is_refused_in_chinese(tmp_path: Path) -> None:
    """SQLite in memory has no file: a clear refusal, not a driver TypeError on None."""
    memory = create_engine("sqlite://")
    with pytest.raises(BackupError, match="内存中的 SQLite"):
        backup(memory, tmp_path / "backups")
    saved = tmp_path / "monitor.sqlite"
    saved.write_bytes(b"")
    with pytest.raises(BackupError, match="内存中的 SQLite"):
        restore(memory, saved)
