"""The administrators' command line, run as a real process: help, init, migrations,
sample data, the scheduler, reminders, backup and restore (accounts and tokens in
test_manage_users.py, published figures in test_manage_figures.py: three files, so
that pytest-xdist's ``--dist loadfile`` can run them on different workers).

Only the tests of init itself start from an empty folder; the others copy the database
init leaves (``tests.helpers.data_dir``): a real init costs seconds of CPU."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from config.settings import PROJECT_ROOT
from tests.helpers import data_dir, manage

if TYPE_CHECKING:
    from tests.conftest import Seeds

# Every command, in the order --help lists them: a command dropped or renamed fails here.
COMMANDS = [
    "init",
    "migrate",
    "downgrade",
    "check",
    "load-regions",
    "load-catalogue",
    "load-published",
    "load-sample",
    "recompute-progress",
    "import-file",
    "process-drop-folder",
    "create-token",
    "list-tokens",
    "revoke-token",
    "make-template",
    "mark-overdue",
    "scheduler",
    "extract-targets",
    "extract-figures",
    "confirm-figures",
    "resolve-region",
    "create-user",
    "list-users",
    "change-user",
    "backup",
    "restore",
]


def test_cli001_help_lists_every_command(tmp_path: Path) -> None:
    """``--help`` lists exactly the commands above, each with a Chinese description, and
    every command the README, docs and deploy files tell an administrator to run is one."""
    out = manage(tmp_path, "--help").stdout
    # "    name   description", or a long name alone with its description on the next line
    listed = dict(re.findall(r"^ {4}([a-z][a-z-]*)[ \n]+(\S[^\n]*)$", out, re.MULTILINE))
    assert list(listed) == COMMANDS
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in listed.values()), listed
    told = set()
    for path in [
        PROJECT_ROOT / "README.md",
        *PROJECT_ROOT.glob("docs/*.md"),
        *PROJECT_ROOT.glob("deploy/*"),
    ]:
        told |= set(re.findall(r"manage\.py ([a-z][a-z-]*)", path.read_text("utf-8")))
    assert {"init", "scheduler", "backup", "restore"} <= told  # the search finds them
    assert told <= set(COMMANDS), told - set(COMMANDS)


def test_cli002_init_then_resolve(tmp_path: Path) -> None:
    init = manage(tmp_path, "init")
    assert init.returncode == 0, init.stderr
    assert "迁移前版本：空库" in init.stdout and "示例数据" in init.stdout
    result = manage(tmp_path, "resolve-region", "Chengdu", "万达开", "成度")
    assert "Chengdu\t510100\t成都市\tcity" in result.stdout
    assert "万达开\twandakai" in result.stdout
    assert "未知地区“成度”；您是否要找：成都市" in result.stderr
    assert result.returncode == 1


def test_cli003_check_migrate_downgrade(tmp_path: Path) -> None:
    assert manage(tmp_path, "migrate").returncode == 0
    assert "一致" in manage(tmp_path, "check").stdout
    assert "base" in manage(tmp_path, "downgrade").stdout


@pytest.mark.parametrize("keep", ["1"])
def test_cli005_backup_is_a_complete_sqlite_copy(seeds: Seeds, tmp_path: Path, keep: str) -> None:
    data_dir(seeds, tmp_path)  # as init leaves it
    for _ in range(2):
        result = manage(tmp_path, "backup", "--keep", keep)
        assert result.returncode == 0, result.stderr
    copies = list((tmp_path / "backups").glob("monitor-*.sqlite"))
    assert len(copies) == 1  # retention kept the newest only
    original = sqlite3.connect(tmp_path / "monitor.sqlite")
    copy = sqlite3.connect(copies[0])
    query = "SELECT code, name_zh FROM regions ORDER BY code"
    assert copy.execute(query).fetchall() == original.execute(query).fetchall()


def test_cli006_sample_and_recompute(seeds: Seeds, tmp_path: Path) -> None:
    data_dir(seeds, tmp_path)  # as init leaves it (test_cli002 runs init on an empty folder)
    again = manage(tmp_path, "init")  # init on a ready database changes nothing
    assert "示例数据" in again.stdout
    assert "新载入地区 0 个，目标库条目 0 条，示例数据 0 条，评估快照 0 个" in again.stdout
    sample = manage(tmp_path, "load-sample")
    assert sample.returncode == 0 and "非真实统计" in sample.stdout
    again = manage(tmp_path, "recompute-progress", "--as-of", "2024")
    assert again.returncode == 0 and "已重新评估" in again.stdout


def test_cli007_scheduler_process_starts_and_stops(seeds: Seeds, tmp_path: Path) -> None:
    data_dir(seeds, tmp_path)  # as init leaves it: the scheduler's subject is not the first start
    env = {**os.environ, "DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "scheduler"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "调度进程已启动" in process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()


def test_cli008_mark_overdue_writes_each_reminder_once(seeds: Seeds, tmp_path: Path) -> None:
    data_dir(seeds, tmp_path, "published")  # as mark-overdue prepares an empty folder
    first = manage(tmp_path, "mark-overdue", "--today", "2026-04-01")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("新增逾期提醒 ") and "（截至 2026-04-01）" in first.stdout
    assert int(first.stdout.split()[1]) > 0
    again = manage(tmp_path, "mark-overdue", "--today", "2026-04-01")
    assert again.stdout.startswith("新增逾期提醒 0 条")
    bad = manage(tmp_path, "mark-overdue", "--today", "2026-02-30")
    assert bad.returncode == 2 and "日期“2026-02-30”无效，应写作 YYYY-MM-DD" in bad.stderr


def test_cli010_restore_asks_for_confirmation_then_brings_the_rows_back(
    seeds: Seeds, tmp_path: Path
) -> None:
    data_dir(seeds, tmp_path)  # as init leaves it
    manage(
        tmp_path,
        "create-user",
        "office",
        "--role",
        "reviewer",
        "--password-stdin",
        stdin="a-long-password\n",
    )
    saved = manage(tmp_path, "backup").stdout.split("已备份到 ", 1)[1].strip()
    with sqlite3.connect(tmp_path / "monitor.sqlite") as db:
        db.execute("DELETE FROM user_regions")
        db.execute("DELETE FROM users")
    refused = manage(tmp_path, "restore", saved)
    assert refused.returncode == 2 and "确认请加 --yes" in refused.stderr
    done = manage(tmp_path, "restore", saved, "--yes")
    assert done.returncode == 0 and "已从" in done.stdout, done.stderr
    assert "office\t" in manage(tmp_path, "list-users").stdout
    missing = manage(tmp_path, "restore", str(tmp_path / "none.sqlite"), "--yes")
    assert missing.returncode == 2 and "备份文件不存在" in missing.stderr


def test_cli015_the_parser_imports_no_database_or_data_libraries() -> None:
    """Each command imports what it uses when it runs: building the parser (``--help``,
    and every command before it starts) imports no pandas, SQLAlchemy or alembic, which
    cost 1.6 s of CPU in every manage.py process when manage.py imported them at its top."""
    code = (
        "import sys, manage; manage.build_parser().format_help(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pandas', 'numpy', 'sqlalchemy', 'alembic', 'db', 'workflows', 'loaders'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
