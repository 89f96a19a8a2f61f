"""Figures built from plain values (dashboard/figures.py), without a page or a database."""

from __future__ import annotations

import pandas as pd

from dashboard.figures import LABEL_HEADROOM, category_progress_chart, indicator_chart


def test_fig001_category_progress_bars_total_and_expected_line() -> None:
    figure = category_progress_chart(
        ["现代基础设施网络", "科技创新中心"], [0.84, None], 0.8, 0.92, "zh"
    )
    [bars] = figure["data"]
    assert bars["x"] == ["现代基础设施网络", "科技创新中心", "合计"]
    assert bars["y"] == [84.0, None, 80.0]
    assert bars["text"] == ["84%", "无计划", "80%"]
    [line] = figure["layout"]["shapes"]
    assert line["y0"] == line["y1"] == 92.0
    assert figure["layout"]["annotations"][0]["text"] == "时序进度 92%"
    english = category_progress_chart(["Infrastructure"], [None], 0.5, 0.25, "en")
    assert english["data"][0]["x"] == ["Infrastructure", "All"]
    assert english["data"][0]["text"] == ["no plan", "50%"]
    assert english["layout"]["annotations"][0]["text"] == "expected 25%"


def test_fig002_the_target_label_has_room_above_its_star_and_faces_inwards() -> None:
    """The y axis reaches a fifth of the values' span above the highest target
    star, so its label (drawn above the star) lies inside the plot; a star in the
    chart's right half has its label on the left, one in the left half on the
    right — neither is cut at the plot's edge (390 px, a phone)."""
    series = pd.DataFrame(
        {"period": [2018, 2020, 2025], "value": [3100.0, 3500.0, 4700.0], "layer_name": "示例"}
    )
    targets = pd.DataFrame(
        {"year": [2022, 2027], "value": [4000.0, 5000.0], "label": ["4,000公里左右", "≥5,000公里"]}
    )
    figure = indicator_chart(series, "公里", targets, pd.DataFrame(), "zh", 0)
    stars = next(trace for trace in figure.data if "text" in trace.mode)
    assert list(stars.textposition) == ["top right", "top left"]  # middle: 2022.5
    (reach,) = figure.layout.yaxis.autorangeoptions.include
    assert reach == 5000.0 + LABEL_HEADROOM * (5000.0 - 3100.0)
    bare = indicator_chart(series, "公里", targets.iloc[:0], pd.DataFrame(), "zh", 0)
    assert bare.layout.yaxis.autorangeoptions.include is None  # no star, no room made


def test_fig003_a_published_bound_is_drawn_and_told_as_a_bound() -> None:
    """中欧班列 "超5000列" is at least 5,000: drawn as a plain point on the line it read as
    the year's figure. A bound is a triangle (up: at least), its hover and the legend say
    下限; a series without bounds keeps its round points and no extra legend entry."""
    series = pd.DataFrame(
        {
            "period": ["2023", "2024", "2025"],
            "value": [5300.0, 5700.0, 5000.0],
            "layer_name": ["公开数据", "公开数据", "公开数据"],
            "bound": ["", "", "lower"],
        }
    )
    figure = indicator_chart(series, "列", pd.DataFrame(), pd.DataFrame(), "zh", 0)
    actual = figure.data[0]
    assert list(actual.marker.symbol) == ["circle", "circle", "triangle-up"]
    assert [row[1] for row in actual.customdata] == ["", "", "，下限（超过、突破、以上）"]
    assert "%{customdata[1]}" in actual.hovertemplate
    key = [trace for trace in figure.data if trace.name == "下限（超过、突破、以上）"]
    assert len(key) == 1 and key[0].marker.symbol == "triangle-up"
    english = indicator_chart(series, "trains", pd.DataFrame(), pd.DataFrame(), "en", 0)
    assert english.data[0].customdata[2][1] == ", lower bound (more than)"
    plain = indicator_chart(series.assign(bound=""), "列", pd.DataFrame(), pd.DataFrame(), "zh", 0)
    assert set(plain.data[0].marker.symbol) == {"circle"} and len(plain.data) == 1
