import pytest

from loaders.bulletin import BulletinFileError, read_text


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
