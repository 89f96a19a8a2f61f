from dataclasses import replace

import pytest

from indicators.bulletin import Proposal
from workflows.bulletin import BulletinFileError, published_entries, read_bytes, read_text


def test_lbl001_html_tags_stripped(tmp_path):
    f = tmp_path / "a.html"
    f.write_text(
        "<html><script>x=1</script><p>上半年,成渝地区双城经济圈实现地区生产总值(GDP)40365.7亿元</p></html>"
    )
    assert read_text(f).strip() == "上半年,成渝地区双城经济圈实现地区生产总值(GDP)40365.7亿元"


def test_lbl002_refusals_in_chinese(tmp_path):
    f = tmp_path / "a.pdf"
    f.write_bytes(b"x")
    with pytest.raises(BulletinFileError, match="不支持"):
        read_text(f)
    g = tmp_path / "a.txt"
    g.write_text("一二三")
    with pytest.raises(BulletinFileError, match="文件过大"):
        read_text(g, max_bytes=2)


def test_lbl003_the_size_limit_is_the_upload_limit(tmp_path, monkeypatch):
    """MAX_UPLOAD_BYTES (config/settings.py), as on every channel: no limit of its own."""
    g = tmp_path / "a.txt"
    g.write_text("2024年全市实现地区生产总值32193.15亿元")
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "10")
    with pytest.raises(BulletinFileError, match="上限 10 字节"):
        read_text(g)
    with pytest.raises(BulletinFileError, match="文件过大"):
        read_bytes("a.txt", g.read_bytes())
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "1000")
    assert read_text(g).startswith("2024年")


def test_lbl004_gbk_and_the_html_title_as_its_first_line(tmp_path):
    f = tmp_path / "a.htm"
    f.write_bytes(
        "<html><head><title>2024年重庆市国民经济和社会发展统计公报</title></head>"
        "<body><p>全市实现地区生产总值32193.15亿元</p></body></html>".encode("gbk")
    )
    lines = [line for line in read_text(f).splitlines() if line.strip()]
    assert lines == ["2024年重庆市国民经济和社会发展统计公报", "全市实现地区生产总值32193.15亿元"]


def test_lbl005_published_entries_are_refused_without_what_the_layer_requires():
    proposal = Proposal(
        "gdp", "500000", "2024", 32193.15, "亿元", "全市实现地区生产总值32193.15亿元"
    )
    with pytest.raises(BulletinFileError, match="请注明发布者"):
        published_entries([proposal], "", None)
    with pytest.raises(BulletinFileError, match="只收 A、B"):
        published_entries([proposal], "重庆市统计局", None, grade="C")
    with pytest.raises(BulletinFileError, match="数据版本"):
        published_entries([proposal], "重庆市统计局", None, vintage="draft")
    with pytest.raises(BulletinFileError, match="--region"):
        published_entries([replace(proposal, region=None)], "重庆市统计局", None)
    [entry] = published_entries([proposal], "重庆市统计局", "https://tjj.cq.gov.cn/")
    assert entry["wording"] == proposal.wording and entry["grade"] == "B"


def test_lbl006_a_text_or_a_reading_too_large_for_a_bulletin_is_refused_in_chinese():
    """A 5 MB text kept the reader some 40 s and one long run without a full stop for minutes:
    more than MAX_TEXT_CHARS characters (a whole bulletin is 20,000–60,000) or more than
    MAX_PROPOSALS proposals (a bulletin gives tens) is refused with a message."""
    from workflows.bulletin import MAX_PROPOSALS, MAX_TEXT_CHARS, propose_from

    with pytest.raises(BulletinFileError, match="正文过长"):
        propose_from("2025年全市地区生产总值1亿元。" * (MAX_TEXT_CHARS // 10))
    lines = [f"{2025 - i % 9}年地区生产总值{10000 + i}亿元。\n" for i in range(MAX_PROPOSALS + 1)]
    with pytest.raises(BulletinFileError, match="候选数据过多"):
        propose_from("".join(lines), region="重庆市")


def test_lbl007_hostile_html_scripts_unclosed_tags_and_comments(tmp_path):
    """Script and style contents are no text, even when they hold tags; an unclosed script or
    comment leaves nothing to read (no proposals: the page says so), never an error."""
    f = tmp_path / "a.html"
    f.write_text(
        "<script>var a='<p>地区生产总值1亿元</p>';</script><style>p{x:1}</style>"
        "<p>2025年重庆市地区生产总值33757.93亿元</p>"
    )
    assert read_text(f).strip() == "2025年重庆市地区生产总值33757.93亿元"
    for page in ("<p>前言</p><script>alert(1)<p>正文", "<p>前言</p><!-- 正文"):
        f.write_text(page)
        assert read_text(f).strip() == "前言"
