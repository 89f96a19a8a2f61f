"""The sealed view of 公报读取's proposals (indicators/bulletin_view.py): only ids the page held,
for the account it was read for, under this server's key, and never a review page's seal."""

from __future__ import annotations

import pytest

from indicators.bulletin_view import ProposalViewError, chosen, seal_proposals, shown
from indicators.review_view import ViewError, check, seal

KEY = "server-key"
FACE = {
    "indicator": "gdp",
    "region": "500000",
    "period": "2024",
    "value": 32193.15,
    "unit": "亿元",
    "comparator": "equal",
    "wording": "2024年,全市实现地区生产总值32193.15亿元",
}


def test_bv001_a_sealed_view_gives_back_what_was_shown() -> None:
    view = seal_proposals(KEY, 7, "cq_2024_annual.txt", [FACE, FACE | {"period": "2023"}])
    source, held = shown(KEY, view, 7)
    assert source == "cq_2024_annual.txt" and held == {0: FACE, 1: FACE | {"period": "2023"}}
    assert chosen(held, ["1", 0, 1]) == [0, 1]


def test_bv004_a_whole_number_written_back_by_the_browser_keeps_the_seal() -> None:
    view = seal_proposals(KEY, 7, "deyang.txt", [FACE | {"value": 473.0}])
    # JSON through JavaScript: 473.0 comes back as 473
    _, held = shown(KEY, {**view, "proposals": [FACE | {"value": 473}]}, 7)
    assert held[0]["value"] == 473.0 and isinstance(held[0]["value"], float)


def test_bv002_ids_not_held_tampering_and_other_accounts_are_refused() -> None:
    view = seal_proposals(KEY, 7, "a.txt", [FACE])
    _, held = shown(KEY, view, 7)
    with pytest.raises(ProposalViewError, match="第 3 条 不在您核对的页面上"):
        chosen(held, [0, 2])
    with pytest.raises(ProposalViewError, match="不在您核对的页面上"):
        chosen(held, ["x"])
    with pytest.raises(ProposalViewError, match="无法核验"):
        shown(KEY, {**view, "proposals": [FACE | {"value": 1.0}]}, 7)
    with pytest.raises(ProposalViewError, match="无法核验"):
        shown("another-key", view, 7)
    with pytest.raises(ProposalViewError, match="不是为当前账号读取的"):
        shown(KEY, view, 8)
    with pytest.raises(ProposalViewError, match="页面未载入"):
        shown(KEY, None, 7)


def test_bv003_a_review_seal_and_a_proposal_seal_do_not_pass_as_each_other() -> None:
    review = seal(KEY, 1, 7, [(1, "gdp", "500000", "2024", 1.0, "亿元", "pending")])
    with pytest.raises(ProposalViewError):
        shown(KEY, {**review, "source": "", "proposals": []}, 7)
    proposals = seal_proposals(KEY, 7, "a.txt", [])
    forged = {"submission_id": 1, "account_id": 7, "rows": [], "pending": [], "digest": ""}
    with pytest.raises(ViewError):
        check(KEY, forged | {"seal": proposals["seal"]}, 1, 7)
