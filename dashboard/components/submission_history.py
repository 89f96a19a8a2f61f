"""A reporter's own submissions (我的报送记录) on 数据填报, whatever the channel
(a file or the online form): what became of each."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag

from dashboard.components.grid import grid
from dashboard.context import session_factory
from db.review import submissions_of
from db.uploads import CHANNEL_ZH
from indicators.access import Account
from workflows.intake import STATUS_ZH

GRID = "submit-history"
COLUMNS = [
    ("submission_id", "编号", "No.", 80),
    ("received_at", "提交时间", "Submitted", 170),
    ("channel_name", "方式", "Channel", 100),
    ("filename", "文件", "File", 220),
    ("status_name", "状态", "State", 110),
    ("rows", "行数", "Rows", 80),
    ("review_comment", "审核意见", "Reviewer's comment", 300),
]


def history_rows(account: Account, lang: str) -> list[dict[str, Any]]:
    with session_factory()() as session:
        frame = submissions_of(session, account.id)
    if frame.empty:
        return []
    zh = lang != "en"
    frame = frame.assign(
        status_name=frame.status.map(lambda s: STATUS_ZH.get(s, s) if zh else s),
        channel_name=frame.channel.map(lambda c: CHANNEL_ZH.get(c, c) if zh else c),
        received_at=frame.received_at.astype(str).str[:19],
        review_comment=frame.review_comment.fillna(""),
    )
    return frame[[c for c, *_ in COLUMNS if c in frame.columns]].to_dict(orient="records")


def history_grid(account: Account, lang: str) -> dag.AgGrid:
    return grid(GRID, COLUMNS, lang, rows=history_rows(account, lang), height=300)
