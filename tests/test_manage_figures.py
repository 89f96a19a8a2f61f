"""Published figures from the administrators' command line (extract-figures,
confirm-figures), run as a real process."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from config.settings import PROJECT_ROOT
from tests.helpers import data_dir, manage

if TYPE_CHECKING:
    from tests.conftest import Seeds

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


def test_cli013_appended_entries_load_with_the_published_layer_loader(
    seeds: Seeds, tmp_path: Path
) -> None:
    import shutil

    from db.observations import observations_frame
    from db.session import make_engine, make_session_factory
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
    # a database as ensure_ready(sample=False, published=False) leaves it
    with seeds.copy("sqlite", "ready", tmp_path, "load.sqlite") as url:
        engine = make_engine(url)
    factory = make_session_factory(engine)
    counts = load_published(factory, folder)
    frame = observations_frame(factory(), current_only=False)
    engine.dispose()
    assert counts.figures >= 8
    rows = frame[(frame.layer == "published") & (frame.region_code == "510000")]
    got = {(r.indicator_id, r.period, r.value) for r in rows.itertuples()}
    assert {("population", "2022", 8374.0), ("expressway_length", "2022", 9179.0)} <= got


def test_cli014_confirm_figures_stores_checked_entries_as_a_reviewers_confirmation(
    seeds: Seeds, tmp_path: Path
) -> None:
    """extract-figures --append-to, then confirm-figures --by a reviewer: the entries are in
    the published layer with an audit event each; again, nothing (exit 1); an entry without a
    URL or an account that is not a reviewer refuses the file (exit 2), all said in Chinese."""
    import yaml

    source = yaml.safe_load((BULLETINS / "deyang_2024_bulletin.yaml").read_text(encoding="utf-8"))
    data_dir(seeds, tmp_path)  # as init leaves it
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
