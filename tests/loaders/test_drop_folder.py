from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from loaders.drop_folder import process
from loaders.first_run import ensure_ready


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
