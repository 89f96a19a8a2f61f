"""What the summary views pick: headline targets, counts by pillar and status,
which target a map shows for each unit."""

from __future__ import annotations

import pandas as pd

from indicators.summary import (
    SHOWN_ORDER,
    covered_units,
    gap_share,
    headline_targets,
    largest_gaps,
    merge_duplicates,
    own_unit,
    ranked_off_track,
    status_by_scope,
    status_counts,
    unit_statuses,
)
from tests.helpers import small_directory

COLUMNS = [
    "target_id",
    "indicator_id",
    "scope_code",
    "target_year",
    "as_of",
    "status",
    "pillar",
    "headline",
]


def _snapshots(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def test_sum001_headline_takes_the_target_due_soonest_per_indicator() -> None:
    frame = _snapshots(
        [
            ("gdp-2035", "gdp", "ccec", 2035, 2024, "on_track", "overall", True),
            ("gdp-2025", "gdp", "ccec", 2025, 2024, "limited", "overall", True),
            ("gdp-2020", "gdp", "ccec", 2020, 2024, "met", "overall", True),
            ("rd-2025", "rd", "ccec", 2025, 2024, "on_track", "innovation", True),
            ("air-2025", "air", "ccec", 2025, 2024, "on_track", "ecology", False),
            ("rd-cd", "rd", "510100", 2025, 2024, "deterioration", "innovation", True),
        ]
    )
    picked = headline_targets(frame)
    assert list(picked.target_id) == ["gdp-2025", "rd-2025"]  # pillar order: overall first


def test_sum002_a_passed_target_stands_only_when_no_later_one_exists() -> None:
    frame = _snapshots(
        [
            ("a-2020", "a", "ccec", 2020, 2024, "met", "overall", True),
            ("a-2022", "a", "ccec", 2022, 2024, "missed", "overall", True),
        ]
    )
    assert list(headline_targets(frame).target_id) == ["a-2022"]


def test_sum003_without_circle_targets_other_scopes_headline_targets_are_shown() -> None:
    frame = _snapshots([("x", "gdp", "510100", 2025, 2024, "limited", "overall", True)])
    assert list(headline_targets(frame).target_id) == ["x"]


def test_sum004_counts_by_pillar_merge_met_into_achieved_and_keep_pillar_order() -> None:
    frame = _snapshots(
        [
            ("1", "a", "ccec", 2025, 2024, "met", "ecology", False),
            ("2", "b", "ccec", 2025, 2024, "achieved", "ecology", False),
            ("3", "c", "ccec", 2025, 2024, "missed", "overall", False),
            ("4", "d", "ccec", 2025, 2024, "insufficient", "ecology", False),
            ("5", "e", "ccec", 2025, 2024, "limited", "overall", False),
            ("6", "f", "ccec", 2025, 2024, "deterioration", "overall", False),
        ]
    )
    counts = status_counts(frame)
    assert counts.loc["overall", "behind"] == 2  # 滞后于时序进度: limited and deterioration
    assert list(counts.index) == ["overall", "ecology"]
    assert list(counts.columns) == list(SHOWN_ORDER) and "met" not in counts.columns
    assert counts.loc["ecology", "achieved"] == 2 and counts.loc["ecology", "insufficient"] == 1
    assert counts.loc["overall", "missed"] == 1 and counts.loc["overall"].sum() == 3


def test_sum005_scopes_cover_members_units_below_a_province_or_themselves() -> None:
    directory = small_directory()
    assert covered_units(directory, "wandakai") == {"500101", "500154"}
    assert covered_units(directory, "500000") == {"500000", "500101", "500154"}
    assert covered_units(directory, "510100") == {"510100"}
    assert covered_units(directory, "nowhere") == set()


def test_sum006_a_unit_is_coloured_only_by_its_own_target() -> None:
    """A unit without a target of its own is never given a wider scope's status
    (all of 四川 painted "missed" from a circle-wide target); it is listed as
    under the narrowest wider target. A grouping's target is not its members'."""
    directory = small_directory()
    frame = _snapshots(
        [
            ("circle", "gdp", "ccec", 2025, 2024, "missed", "overall", True),
            ("wdk", "gdp", "wandakai", 2025, 2024, "deterioration", "overall", False),
            ("cd", "gdp", "510100", 2025, 2024, "on_track", "overall", False),
            ("other", "rd", "wandakai", 2025, 2024, "met", "innovation", False),
        ]
    )
    shown = unit_statuses(frame, directory, "gdp")
    assert {c: r.target_id for c, r in shown.own.items()} == {"510100": "cd"}
    assert shown.wider["500101"].target_id == "wdk" and shown.wider["500154"].target_id == "wdk"
    assert "510100" not in shown.wider
    circle_only = unit_statuses(frame[frame.target_id == "circle"], directory, "gdp")
    assert circle_only.own == {}
    assert {r.target_id for r in circle_only.wider.values()} == {"circle"}
    assert {"500101", "500154", "510100"} <= set(circle_only.wider)
    assert unit_statuses(frame, directory, "nothing").own == {}


def test_sum007_a_grouping_of_one_unit_is_that_units_own_target() -> None:
    directory = small_directory()
    assert own_unit(directory, "510100") == "510100"
    assert own_unit(directory, "wandakai") is None  # two members
    assert own_unit(directory, "500000") == "500000"  # the province's own shape, not its units'
    assert own_unit(directory, "nowhere") is None


def _targets(rows: list[tuple]) -> pd.DataFrame:
    columns = ["target_id", "plan_id", "plan_title", "target_value", "target_unit", "comparator"]
    columns += ["status"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(
        indicator_id="commute",
        scope_code="ccec",
        kind="level",
        target_year=2025,
        unit="小时",
        target_value_high=None,
        target_base_year=None,
    )


def test_sum008_a_target_set_in_several_plans_appears_once_with_its_plans() -> None:
    """中心城市间1小时通达 is set by 纲要, 碳达峰方案 and 联合实施方案: one row, the
    纲要's, naming all three plans; a target judged differently stays apart."""
    frame = _targets(
        [
            ("carbon_peak-003", "carbon_peak", "碳达峰实施方案", 1, "小时", "at_most", "met"),
            ("joint-001", "joint", "联合实施方案", 60, "分钟", "at_most", "met"),  # same, in 分钟
            ("outline-023", "outline", "规划纲要", 1, "小时", "at_most", "met"),
            ("other-001", "other", "另一规划", 1.5, "小时", "at_most", "missed"),  # another value
            ("about-001", "about", "约数规划", 1, "小时", "about", "limited"),  # judged otherwise
        ]
    )
    frame["target_value"] = frame.target_value.astype(float)
    frame.loc[frame.target_id == "joint-001", "target_value"] = 1.0  # as the catalogue stores it
    merged = merge_duplicates(frame)
    assert list(merged.target_id) == ["outline-023", "other-001", "about-001"]
    first = merged.iloc[0]
    assert first.same_targets == ["outline-023", "carbon_peak-003", "joint-001"]
    assert first.plans == ["规划纲要", "碳达峰实施方案", "联合实施方案"]
    assert merged.iloc[1].same_targets == ["other-001"]
    assert merge_duplicates(frame.iloc[0:0]).empty


def test_sum009_a_target_in_another_unit_or_for_another_year_is_not_merged() -> None:
    frame = _targets(
        [
            ("a-001", "a", "甲", 3.1, "亿吨", "at_least", "missed"),
            ("b-001", "b", "乙", 31000, "万吨", "at_least", "missed"),  # the same in 万吨
        ]
    ).assign(unit="万吨")
    assert list(merge_duplicates(frame).same_targets) == [["a-001", "b-001"]]
    later = frame.assign(target_year=[2025, 2027])
    assert len(merge_duplicates(later)) == 2


def _gaps(rows: list[tuple]) -> pd.DataFrame:
    columns = ["target_id", "scope_code", "status", "headline", "gap", "target_value"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(target_unit="亿元", unit="亿元", kind="level")


def test_sum010_off_track_list_leads_with_headline_targets_then_the_largest_gap() -> None:
    """进展报告's ranked list: headline first, then by the gap as a share of the
    target (30 亿元 short of 100 before 500 short of 10,000), gaps that cannot be
    sized last; targets on track are not in it."""
    frame = _gaps(
        [
            ("small", "ccec", "missed", False, 500.0, 10_000.0),
            ("large", "500000", "limited", False, 30.0, 100.0),
            ("head", "ccec", "needs_acceleration", True, 1.0, 1_000.0),
            ("unsized", "ccec", "deterioration", False, None, 50.0),
            ("fine", "ccec", "on_track", False, 5.0, 10.0),
        ]
    )
    ranked = ranked_off_track(frame)
    assert list(ranked.target_id) == ["head", "large", "small", "unsized"]
    assert ranked.gap_share.round(3).tolist()[:3] == [0.001, 0.3, 0.05]
    assert list(largest_gaps(frame, 2).target_id) == ["large", "small"]  # by size alone
    assert ranked_off_track(frame.iloc[0:0]).empty


def test_sum011_gap_share_only_where_the_target_is_a_quantity_in_the_series_unit() -> None:
    frame = _gaps(
        [
            ("converted", "ccec", "missed", False, 0.5, 1.0),  # 1万亿元 = 10,000 亿元
            ("zero", "ccec", "missed", False, 2.0, 0.0),
            ("class", "ccec", "missed", False, 1.0, 3.0),
            ("ahead", "ccec", "missed", False, -4.0, 10.0),
        ]
    )
    frame.loc[0, "target_unit"] = "万亿元"
    frame.loc[2, "kind"] = "class"
    shares = gap_share(frame)
    assert shares.iloc[0] == 0.5 / 10_000
    assert shares.iloc[1:].isna().all()


def test_sum012_table_by_region_counts_shown_statuses_most_targets_first() -> None:
    frame = _gaps(
        [
            ("a", "ccec", "met", False, None, 1.0),
            ("b", "500000", "achieved", False, None, 1.0),
            ("c", "500000", "missed", False, None, 1.0),
            ("d", "500000", "insufficient", False, None, 1.0),
        ]
    )
    table = status_by_scope(frame)
    assert list(table.index) == ["500000", "ccec"]
    assert list(table.columns) == [*SHOWN_ORDER, "total"]
    assert table.loc["500000"].to_dict() == {
        **dict.fromkeys(SHOWN_ORDER, 0),
        "achieved": 1,
        "missed": 1,
        "insufficient": 1,
        "total": 3,
    }
    assert table.loc["ccec", "achieved"] == 1  # met reads as achieved
