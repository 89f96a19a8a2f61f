"""The administrators' command line, run as a real process."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import PROJECT_ROOT
from tests.helpers import manage

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
    assert manage(tmp_path, "init").returncode == 0
    result = manage(tmp_path, "resolve-region", "Chengdu", "万达开", "成度")
    assert "Chengdu\t510100\t成都市\tcity" in result.stdout
    assert "万达开\twandakai" in result.stdout
    assert "未知地区“成度”；您是否要找：成都市" in result.stderr
    assert result.returncode == 1


def test_cli003_check_migrate_downgrade(tmp_path: Path) -> None:
    assert manage(tmp_path, "migrate").returncode == 0
    assert "一致" in manage(tmp_path, "check").stdout
    assert "base" in manage(tmp_path, "downgrade").stdout


def test_cli004_create_user_checks_role_region_and_password(tmp_path: Path) -> None:
    manage(tmp_path, "init")
    reporter = [
        "create-user",
        "cd_stat",
        "--role",
        "reporter",
        "--region",
        "成都",
        "--password-stdin",
    ]
    ok = manage(tmp_path, *reporter, stdin="a-long-password\n")
    assert ok.returncode == 0, ok.stderr
    again = manage(tmp_path, *reporter, stdin="a-long-password\n")
    assert again.returncode == 2 and "已存在" in again.stderr
    short = manage(
        tmp_path, "create-user", "x", "--role", "viewer", "--password-stdin", stdin="short\n"
    )
    assert short.returncode == 2 and "至少 12 位" in short.stderr


def test_cli011_create_user_and_change_user_refuse_weak_passwords(tmp_path: Path) -> None:
    """Issue 17 row 14 on the command line: the same rules as 用户管理."""
    manage(tmp_path, "init")
    create = ["create-user", "leader", "--role", "viewer", "--password-stdin"]
    for weak, reason in [
        ("aaaaaaaaaa", "至少 12 位"),
        ("password1234", "过于常见"),
        ("Leader-2026!", "与用户名相同"),
    ]:
        refused = manage(tmp_path, *create, stdin=weak + "\n")
        assert refused.returncode == 2 and reason in refused.stderr, refused.stderr
    assert "leader" not in manage(tmp_path, "list-users").stdout
    assert manage(tmp_path, *create, stdin="领导-看板-密码-2026\n").returncode == 0
    change = ["change-user", "leader", "--password-stdin"]
    weak = manage(tmp_path, *change, stdin="qwertyqwerty\n")
    assert weak.returncode == 2 and "重复" in weak.stderr
    assert manage(tmp_path, *change, stdin="领导-新的看板密码-2026\n").returncode == 0
    events = [action for action, *_ in _audit(tmp_path)]
    assert events == ["user_create", "user_change"]


@pytest.mark.parametrize("keep", ["1"])
def test_cli005_backup_is_a_complete_sqlite_copy(tmp_path: Path, keep: str) -> None:
    manage(tmp_path, "init")
    for _ in range(2):
        result = manage(tmp_path, "backup", "--keep", keep)
        assert result.returncode == 0, result.stderr
    copies = list((tmp_path / "backups").glob("monitor-*.sqlite"))
    assert len(copies) == 1  # retention kept the newest only
    original = sqlite3.connect(tmp_path / "monitor.sqlite")
    copy = sqlite3.connect(copies[0])
    query = "SELECT code, name_zh FROM regions ORDER BY code"
    assert copy.execute(query).fetchall() == original.execute(query).fetchall()


def test_cli006_sample_and_recompute(tmp_path: Path) -> None:
    assert "示例数据" in manage(tmp_path, "init").stdout
    sample = manage(tmp_path, "load-sample")
    assert sample.returncode == 0 and "非真实统计" in sample.stdout
    again = manage(tmp_path, "recompute-progress", "--as-of", "2024")
    assert again.returncode == 0 and "已重新评估" in again.stdout


def test_cli007_scheduler_process_starts_and_stops(tmp_path: Path) -> None:
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


def test_cli008_mark_overdue_writes_each_reminder_once(tmp_path: Path) -> None:
    first = manage(tmp_path, "mark-overdue", "--today", "2026-04-01")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("新增逾期提醒 ") and "（截至 2026-04-01）" in first.stdout
    assert int(first.stdout.split()[1]) > 0
    again = manage(tmp_path, "mark-overdue", "--today", "2026-04-01")
    assert again.stdout.startswith("新增逾期提醒 0 条")
    bad = manage(tmp_path, "mark-overdue", "--today", "2026-02-30")
    assert bad.returncode == 2 and "日期“2026-02-30”无效，应写作 YYYY-MM-DD" in bad.stderr


def _audit(tmp_path: Path) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(tmp_path / "monitor.sqlite") as db:
        return db.execute(
            "SELECT action, actor, object_id, user_id FROM audit_events"
            " WHERE object_type IN ('user', 'token') ORDER BY id"
        ).fetchall()


def test_cli009_users_and_tokens_from_the_command_line_are_audited(tmp_path: Path) -> None:
    manage(tmp_path, "init")
    created = manage(
        tmp_path,
        "create-user",
        "cd_stat",
        "--role",
        "reporter",
        "--region",
        "成都",
        "--password-stdin",
        stdin="a-long-password\n",
    )
    assert created.returncode == 0, created.stderr
    changed = manage(tmp_path, "change-user", "cd_stat", "--region", "德阳", "--region", "成都")
    assert changed.returncode == 0 and "已修改用户 cd_stat" in changed.stdout
    listed = manage(tmp_path, "list-users").stdout
    assert "cd_stat\tcd_stat\treporter\t510100,510600\t启用" in listed
    off = manage(tmp_path, "change-user", "cd_stat", "--deactivate")
    assert "停用" in manage(tmp_path, "list-users").stdout and off.returncode == 0
    bad = manage(tmp_path, "change-user", "nobody", "--role", "viewer")
    assert bad.returncode == 2 and "用户“nobody”不存在" in bad.stderr

    issued = manage(
        tmp_path, "create-token", "cd_stat", "--name", "成都接口", "--expires-in-days", "30"
    )
    assert issued.returncode == 0 and "30 天后失效" in issued.stdout
    tokens = manage(tmp_path, "list-tokens").stdout.splitlines()
    assert tokens[1].startswith("1\t成都接口\tcd_stat\t") and tokens[1].split("\t")[4]
    assert (
        manage(
            tmp_path, "create-token", "cd_stat", "--name", "x", "--expires-in-days", "0"
        ).returncode
        == 2
    )
    assert "已撤销令牌 1" in manage(tmp_path, "revoke-token", "1").stdout
    assert manage(tmp_path, "list-tokens").stdout.splitlines()[1].split("\t")[5]

    events = _audit(tmp_path)
    assert [e[0] for e in events] == [
        "user_create",
        "user_change",
        "user_change",
        "token_create",
        "token_revoke",
    ]
    assert all(
        actor.startswith("manage.py:") and user_id is None for _, actor, _, user_id in events
    )


def test_cli010_restore_asks_for_confirmation_then_brings_the_rows_back(tmp_path: Path) -> None:
    manage(tmp_path, "init")
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


BULLETINS = PROJECT_ROOT / "tests" / "fixtures" / "bulletins"


def test_cli012_extract_figures_exit_codes(tmp_path: Path) -> None:
    """0 only when something was proposed; a file with nothing recognisable is 1; a file
    the reader refuses, or a region that does not resolve, is 2 — each said in Chinese."""
    result = manage(tmp_path, "extract-figures", str(BULLETINS / "cq_2024_q1.txt"))
    assert result.returncode == 0, result.stderr
    assert "地区 重庆市，4 条候选数据" in result.stdout
    assert "gdp\t500000\t2024-01/03\t7232.03\t亿元\t6.2\t据重庆市政府网站消息" in result.stdout
    empty = tmp_path / "empty.txt"
    empty.write_text("全市经济运行总体平稳，稳中有进。", encoding="utf-8")
    result = manage(tmp_path, "extract-figures", str(empty))
    assert result.returncode == 1 and "未找到可识别的指标数据" in result.stderr
    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    result = manage(tmp_path, "extract-figures", str(pdf))
    assert result.returncode == 2 and "不支持的文件类型" in result.stderr
    result = manage(tmp_path, "extract-figures", str(empty), "--region", "成度")
    assert result.returncode == 2 and "未知地区“成度”" in result.stderr
    result = manage(
        tmp_path, "extract-figures", str(BULLETINS / "cq_2024_q1.txt"), "--append-to", "x.yaml"
    )
    assert result.returncode == 2 and "请注明发布者" in result.stderr


def test_cli013_appended_entries_load_with_the_published_layer_loader(tmp_path: Path) -> None:
    import shutil

    from db.observations import observations_frame
    from db.session import make_engine, make_session_factory
    from workflows.first_run import ensure_ready
    from workflows.published import PUBLISHED_DIR, load_published

    folder = tmp_path / "published"
    shutil.copytree(PUBLISHED_DIR, folder)
    before = (folder / "figures.yaml").read_text(encoding="utf-8")
    result = manage(
        tmp_path,
        "extract-figures",
        str(BULLETINS / "sc_2022_bulletin.txt"),
        "--publisher",
        "四川省统计局、国家统计局四川调查总队",
        "--url",
        "http://yc.smartjx.com/shehui/2023/0322/253017335.html",
        "--grade",
        "A/B",
        "--append-to",
        str(folder / "figures.yaml"),
    )
    assert result.returncode == 0, result.stderr
    assert "已追加 8 条" in result.stdout
    text = (folder / "figures.yaml").read_text(encoding="utf-8")
    assert text.startswith(before) and "公报读取候选（sc_2022_bulletin.txt" in text
    engine = make_engine(f"sqlite:///{tmp_path / 'load.sqlite'}")
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, sample=False, published=False)
    counts = load_published(factory, folder)
    frame = observations_frame(factory(), current_only=False)
    engine.dispose()
    assert counts.figures >= 8
    rows = frame[(frame.layer == "published") & (frame.region_code == "510000")]
    got = {(r.indicator_id, r.period, r.value) for r in rows.itertuples()}
    assert {("population", "2022", 8374.0), ("expressway_length", "2022", 9179.0)} <= got


def test_cli014_confirm_figures_stores_checked_entries_as_a_reviewers_confirmation(
    tmp_path: Path,
) -> None:
    """extract-figures --append-to, then confirm-figures --by a reviewer: the entries are in
    the published layer with an audit event each; again, nothing (exit 1); an entry without a
    URL or an account that is not a reviewer refuses the file (exit 2), all said in Chinese."""
    import yaml

    source = yaml.safe_load((BULLETINS / "deyang_2024_bulletin.yaml").read_text(encoding="utf-8"))
    assert manage(tmp_path, "init").returncode == 0
    for name, role in (("office", "reviewer"), ("leader", "viewer")):
        created = manage(
            tmp_path,
            *("create-user", name, "--role", role, "--password-stdin"),
            stdin="a-long-password\n",
        )
        assert created.returncode == 0, created.stderr
    entries = tmp_path / "deyang.yaml"
    extracted = manage(
        tmp_path,
        *("extract-figures", str(BULLETINS / "deyang_2024_bulletin.txt")),
        *("--publisher", source["publisher"], "--url", source["url"], "--grade", "A"),
        *("--append-to", str(entries)),
    )
    assert extracted.returncode == 0, extracted.stderr
    done = manage(tmp_path, "confirm-figures", str(entries), "--by", "office")
    assert done.returncode == 0, done.stderr
    assert "已入库 7 条公开数据" in done.stdout and "第 1 条（gdp 510600 2024）" in done.stdout
    with sqlite3.connect(tmp_path / "monitor.sqlite") as db:
        stored = db.execute(
            "SELECT count(*) FROM observations WHERE layer = 'published' AND region_code = '510600'"
        ).fetchone()[0]
        audited = db.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'confirm_figure' AND actor = 'office'"
        ).fetchone()[0]
    assert (stored, audited) == (7, 7)
    again = manage(tmp_path, "confirm-figures", str(entries), "--by", "office")
    assert again.returncode == 1 and "未入库任何数据" in again.stdout
    refused = manage(tmp_path, "confirm-figures", str(entries), "--by", "leader")
    assert refused.returncode == 2 and "错误：" in refused.stderr
    bare = tmp_path / "bare.yaml"
    bare.write_text(entries.read_text(encoding="utf-8").replace(source["url"], "null"), "utf-8")
    refused = manage(tmp_path, "confirm-figures", str(bare), "--by", "office")
    assert refused.returncode == 2 and "请填写原文网址" in refused.stderr
