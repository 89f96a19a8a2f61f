from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.intake import sha256
from db.session import transaction
from db.uploads import REFUSED
from db.users import create_user
from loaders.readers.sandbox import Limits
from workflows.drop_folder import process


@pytest.fixture
def db_url(ready_url: str) -> str:
    """Each test here gets its own copy of the 'ready' seed (tests/conftest.py SEEDS)."""
    return ready_url


def _users(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        create_user(session, "cq", "cq-password-1", "reporter", "重庆填报员", ["500000"])
        create_user(session, "office", "office-password", "reviewer", "联合办公室")
        create_user(session, "leader", "leader-password", "viewer", "领导")


HEADER = "地区,指标,期间,数值,单位,备注\n"


def test_drp001_each_file_has_a_sender_and_follows_the_senders_workflow(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """incoming/<username>/: a reporter's file waits for review, a reviewer's is
    imported, another region's rows are refused; a file in incoming/ itself, or in
    the folder of a viewer or of nobody, has no sender and is refused unread."""
    _users(factory)
    incoming = tmp_path / "incoming"
    for folder in ("cq", "office", "leader", "nobody"):
        (incoming / folder).mkdir(parents=True)
    row = "重庆市,地区生产总值,2022年,29129.03,亿元,\n"
    (incoming / "cq" / "good.csv").write_text(HEADER + row, encoding="utf-8")
    (incoming / "cq" / "chengdu.csv").write_text(
        HEADER + "成都市,地区生产总值,2022年,20817.5,亿元,\n", encoding="utf-8"
    )
    (incoming / "cq" / "bad.csv").write_text(HEADER + "火星,地区生产总值,2022年,1,亿元,\n")
    (incoming / "office" / "direct.csv").write_text(
        HEADER + "重庆市,常住人口,2022年,3213.34,万人,\n", encoding="utf-8"
    )
    (incoming / "leader" / "l.csv").write_text(HEADER + row, encoding="utf-8")
    (incoming / "nobody" / "n.csv").write_text(HEADER + row, encoding="utf-8")
    (incoming / "root.csv").write_text(HEADER + row, encoding="utf-8")
    (incoming / "cq" / "ignore.me").write_text("x", encoding="utf-8")
    results = {r.name: r.status for r in process(factory, tmp_path, settle=0)}
    assert results == {
        "good.csv": "pending",
        "chengdu.csv": "refused",
        "bad.csv": "refused",
        "direct.csv": "imported",
        "l.csv": "refused",
        "n.csv": "refused",
        "root.csv": "refused",
    }
    with factory() as session:
        submissions = {
            s.filename: (s.status, s.user_id is not None, s.channel)
            for s in session.scalars(select(models.Submission))
        }
        uploads = {
            e.after["filename"]: (e.actor, e.after["channel"], e.after["status"])
            for e in session.scalars(
                select(models.AuditEvent).where(models.AuditEvent.action == "upload")
            )
        }
        reported = session.scalar(
            select(func.count())
            .select_from(models.Observation)
            .where(models.Observation.layer == "reported")
        )
    assert submissions["good.csv"] == ("pending", True, "drop")
    assert submissions["direct.csv"] == ("imported", True, "drop")
    assert reported == 1  # the reviewer's; the reporter's waits for review
    assert uploads["good.csv"] == ("cq", "drop", "pending")
    assert uploads["direct.csv"] == ("office", "drop", "imported")
    assert uploads["chengdu.csv"] == ("cq", "drop", "refused")
    processed = sorted(p.name for p in (tmp_path / "processed").iterdir())
    assert any(n.endswith("-good.csv") for n in processed)
    failed = tmp_path / "failed"
    reports = {
        p.name.split("-", 2)[-1]: json.loads(p.read_text(encoding="utf-8"))
        for p in failed.iterdir()
        if p.name.endswith(".report.json")
    }
    message = {n: json.dumps(r, ensure_ascii=False) for n, r in reports.items()}
    assert "未知地区“火星”" in message["bad.csv.report.json"]
    assert "没有报送人" in message["root.csv.report.json"]
    assert "无报送权限" in message["l.csv.report.json"]
    assert "不是有效的账号名" in message["n.csv.report.json"]
    refusals = {e.after["filename"]: e.actor for e in _refusals(factory)}
    assert refusals == dict.fromkeys(("root.csv", "l.csv", "n.csv"), "投放目录")
    assert (incoming / "cq" / "ignore.me").exists()


def _refusals(factory: sessionmaker[Session]) -> list[models.AuditEvent]:
    with factory() as session:
        query = select(models.AuditEvent).where(models.AuditEvent.action == REFUSED)
        return list(session.scalars(query.order_by(models.AuditEvent.id)))


def test_drp002_links_and_other_non_regular_files_are_refused_unread(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """The issue's ``ln -s <any file> drop/incoming/x.csv``: the file's bytes were
    stored as a submission and a report echoed its cells."""
    secret = tmp_path / "secret.csv"
    secret.write_text("地区,指标,期间,数值,单位,备注\n重庆市,地区生产总值,2022年,1,亿元,机密\n")
    incoming = tmp_path / "drop" / "incoming"
    incoming.mkdir(parents=True)
    (incoming / "x.csv").symlink_to(secret)
    (incoming / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    os.mkfifo(incoming / "pipe.csv")  # would block a reader for ever
    _users(factory)  # in an account's folder a link is refused all the same
    (incoming / "cq").mkdir()
    (incoming / "cq" / "y.csv").symlink_to(secret)
    results = {r.name: (r.status, r.submission_id) for r in process(factory, tmp_path / "drop", 0)}
    assert results == {n: ("refused", None) for n in ("x.csv", "dangling.csv", "pipe.csv", "y.csv")}
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(models.Submission)) == 0
    failed = tmp_path / "drop" / "failed"
    moved = [p for p in failed.iterdir() if p.name.endswith("-x.csv")]
    assert len(moved) == 1 and moved[0].is_symlink()  # the link itself was moved aside
    assert secret.read_text().endswith("机密\n")  # what it pointed to is untouched
    report = json.loads(Path(f"{moved[0]}.report.json").read_text(encoding="utf-8"))
    assert "是符号链接，不是普通文件：未读取" in report["problems"][0]["message"]
    assert "机密" not in json.dumps(report, ensure_ascii=False)
    events = {e.after["filename"]: e for e in _refusals(factory)}
    assert sorted(events) == ["dangling.csv", "pipe.csv", "x.csv", "y.csv"]
    assert "符号链接" in events["y.csv"].after["reason"] and events["y.csv"].actor == "cq"
    assert all(e.object_id is None for e in events.values())
    assert [p.name for p in incoming.iterdir()] == ["cq"] and not list((incoming / "cq").iterdir())


def test_drp003_files_over_the_size_limit_or_with_control_characters_are_refused(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _users(factory)
    incoming = tmp_path / "incoming" / "cq"
    incoming.mkdir(parents=True)
    big = "地区,指标,期间,数值,单位,备注\n" + "重庆市,地区生产总值,2022年,1,亿元,\n" * 100
    (incoming / "big.csv").write_text(big, encoding="utf-8")
    (incoming / "bad\nname.csv").write_text("地区,指标\n", encoding="utf-8")
    results = process(factory, tmp_path, settle=0, limits=Limits(max_upload_bytes=1000))
    assert {(r.name, r.status, r.submission_id) for r in results} == {
        ("big.csv", "refused", None),
        ("bad\nname.csv", "refused", None),
    }
    events = {e.after["filename"]: e for e in _refusals(factory)}
    assert set(events) == {"big.csv", "badname.csv"}
    assert events["big.csv"].object_id == sha256(big.encode())  # hashed, not kept
    assert events["big.csv"].after["size"] == len(big.encode())
    assert "超过上限 1,000 字节" in events["big.csv"].after["reason"]
    assert "控制字符" in events["badname.csv"].after["reason"]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(models.Submission)) == 0
    assert not list(incoming.iterdir())
