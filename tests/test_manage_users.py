"""Accounts and tokens from the administrators' command line, run as a real process."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from tests.helpers import data_dir, manage

if TYPE_CHECKING:
    from tests.conftest import Seeds

# a reporter for 成都, the password read from standard input
CREATE_REPORTER = (
    "create-user",
    "cd_stat",
    "--role",
    "reporter",
    "--region",
    "成都",
    "--password-stdin",
)


def test_cli004_create_user_checks_role_region_and_password(seeds: Seeds, tmp_path: Path) -> None:
    data_dir(seeds, tmp_path)  # as init leaves it
    ok = manage(tmp_path, *CREATE_REPORTER, stdin="a-long-password\n")
    assert ok.returncode == 0, ok.stderr
    again = manage(tmp_path, *CREATE_REPORTER, stdin="a-long-password\n")
    assert again.returncode == 2 and "已存在" in again.stderr
    short = manage(
        tmp_path, "create-user", "x", "--role", "viewer", "--password-stdin", stdin="short\n"
    )
    assert short.returncode == 2 and "至少 12 位" in short.stderr


def test_cli011_create_user_and_change_user_refuse_weak_passwords(
    seeds: Seeds, tmp_path: Path
) -> None:
    """Issue 17 row 14 on the command line: the same rules as 用户管理."""
    data_dir(seeds, tmp_path)  # as init leaves it
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


def _audit(tmp_path: Path) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(tmp_path / "monitor.sqlite") as db:
        return db.execute(
            "SELECT action, actor, object_id, user_id FROM audit_events"
            " WHERE object_type IN ('user', 'token') ORDER BY id"
        ).fetchall()


def test_cli009_users_and_tokens_from_the_command_line_are_audited(
    seeds: Seeds, tmp_path: Path
) -> None:
    data_dir(seeds, tmp_path)  # as init leaves it
    created = manage(tmp_path, *CREATE_REPORTER, stdin="a-long-password\n")
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
