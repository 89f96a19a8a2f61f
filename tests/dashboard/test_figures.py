"""Figures built from plain values (dashboard/figures.py), without a page or a database."""

from __future__ import annotations

from dashboard.figures import category_progress_chart


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
