"""The column-wise template reader gives exactly the general reader's records."""

from __future__ import annotations

import pandas as pd

from loaders.readers import read_file
from loaders.readers.fast import fast_template

ROWS = [
    "地区,指标,期间,数值,单位,备注",
    "重庆市,地区生产总值,2022年,29129.03,亿元,初步核算",
    " 四川省 ,地区生产总值(亿元),2022年,\u30005.67万亿,,",
    "",
    "成都市,常住人口城镇化率,2023,79.48,%,",
    "成都市,地区生产总值,2023年,,亿元,缺报",
]


def test_rfa001_same_records_as_the_general_path() -> None:
    content = ("\n".join(ROWS) + "\n").encode("utf-8-sig")
    general = read_file("small.csv", content)  # under the size threshold: general path
    fast = fast_template("small.csv", content, min_bytes=0)
    assert fast is not None and fast.layout == general.layout == "template"
    assert fast.encoding == general.encoding
    pd.testing.assert_frame_equal(fast.records, general.records)


def test_rfa002_files_with_notes_or_another_shape_take_the_general_path() -> None:
    with_note = ("\n".join(ROWS) + "\n注：示例\n").encode("utf-8")
    assert fast_template("n.csv", with_note, min_bytes=0) is None
    wide = "地区,2022年,2023年\n重庆市,1,2\n".encode()
    assert fast_template("w.csv", wide, min_bytes=0) is None
