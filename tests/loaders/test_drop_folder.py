from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.intake import sha256
from db.uploads import REFUSED
from loaders.drop_folder import process
from loaders.first_run import ensure_ready
from loaders.readers.sandbox import Limits


def test_drp001_files_are_imported_then_moved_with_their_report(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    ensure_ready(engine, factory, sample=False, published=False)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    header = "地区,指标,期间,数值,单位,备注\n"
    (incoming / "good.csv").write_text(
        header + "重庆市,地区生产总值,2022年,29129.03,亿元,\n", encoding="utf-8"
    )
    (incoming / "bad.csv").write_text(
        header + "火星,地区生产总值,2022年,1,亿元,\n", encoding="utf-8"
    )
    (incoming / "ignore.me").write_text("x", encoding="utf-8")
    results = {r.name: r.status for r in process(factory, tmp_path, settle=0)}
    assert results == {"bad.csv": "refused", "good.csv": "imported"}
    processed = sorted(p.name for p in (tmp_path / "processed").iterdir())
    failed = sorted(p.name for p in (tmp_path / "failed").iterdir())
    assert processed[0].endswith("-good.csv") and processed[1].endswith("-good.csv.report.json")
    report = json.loads((tmp_path / "failed" / failed[1]).read_text(encoding="utf-8"))
    assert report["status"] == "refused" and "未知地区“火星”" in report["problems"][0]["message"]
    assert (incoming / "ignore.me").exists()


def _refusals(factory: sessionmaker[Session]) -> list[models.AuditEvent]:
    with factory() as session:
        query = select(models.AuditEvent).where(models.AuditEvent.action == REFUSED)
        return list(session.scalars(query.order_by(models.AuditEvent.id)))


def test_drp002_links_and_other_non_regular_files_are_refused_unread(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """The issue's ``ln -s <any file> drop/incoming/x.csv``: the file's bytes were
    stored as a submission and a report echoed its cells."""
    ensure_ready(engine, factory, sample=False, published=False)
    secret = tmp_path / "secret.csv"
    secret.write_text("地区,指标,期间,数值,单位,备注\n重庆市,地区生产总值,2022年,1,亿元,机密\n")
    incoming = tmp_path / "drop" / "incoming"
    incoming.mkdir(parents=True)
    (incoming / "x.csv").symlink_to(secret)
    (incoming / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    os.mkfifo(incoming / "pipe.csv")  # would block a reader for ever
    results = {r.name: (r.status, r.submission_id) for r in process(factory, tmp_path / "drop", 0)}
    assert results == {n: ("refused", None) for n in ("x.csv", "dangling.csv", "pipe.csv")}
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(models.Submission)) == 0
    failed = tmp_path / "drop" / "failed"
    moved = [p for p in failed.iterdir() if p.name.endswith("-x.csv")]
    assert len(moved) == 1 and moved[0].is_symlink()  # the link itself was moved aside
    assert secret.read_text().endswith("机密\n")  # what it pointed to is untouched
    report = json.loads(Path(f"{moved[0]}.report.json").read_text(encoding="utf-8"))
    assert "是符号链接，不是普通文件：未读取" in report["problems"][0]["message"]
    assert "机密" not in json.dumps(report, ensure_ascii=False)
    events = _refusals(factory)
    assert sorted(e.after["filename"] for e in events) == ["dangling.csv", "pipe.csv", "x.csv"]
    assert all(e.actor == "投放目录" and e.object_id is None for e in events)
    assert not list(incoming.iterdir())


def test_drp003_files_over_the_size_limit_or_with_control_characters_are_refused(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    ensure_ready(engine, factory, sample=False, published=False)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
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
