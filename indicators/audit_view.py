"""How an audit event reads on 审计日志: the change as "字段：旧值 → 新值", one line per
field that changed, and the object as a person names it ("报送 12 第 3 行"), never
raw JSON or "submission_row 3". Pure: the page passes the events' before and after
values and, for names, maps of indicator and region names."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from indicators.formatting import number

# field → (中文, English); fields not here are shown by their key
FIELD_NAMES = {
    "value": ("数值", "value"),
    "revision": ("修订次数", "revision"),
    "layer": ("数据层", "layer"),
    "decision": ("审核结果", "decision"),
    "comment": ("意见", "comment"),
    "status": ("状态", "status"),
    "role": ("角色", "role"),
    "display_name": ("姓名", "name"),
    "active": ("启用", "active"),
    "regions": ("地区", "regions"),
    "revoked": ("已撤销", "revoked"),
    "name": ("名称", "name"),
    "expires_at": ("有效期至", "expires"),
    "filename": ("文件名", "file name"),
    "size": ("大小（字节）", "size (bytes)"),
    "channel": ("渠道", "channel"),
    "reason": ("原因", "reason"),
    "period": ("期间", "period"),
    "rows": ("行数", "rows"),
    "errors": ("错误数", "errors"),
    "approved": ("通过行数", "rows approved"),
    "rejected": ("退回行数", "rows rejected"),
    "pending": ("待审行数", "rows pending"),
    "inserted": ("新增观测值", "observations added"),
    "revised": ("修订观测值", "observations revised"),
    "unchanged": ("未变观测值", "observations unchanged"),
    "month_investment": ("当月投资", "month's investment"),
    "ytd_investment": ("年初至今投资", "investment year to date"),
    "progress": ("进展", "progress"),
    "problems": ("问题", "problems"),
    "problems_resolved": ("问题已解决", "problems resolved"),
    "plans": ("年度计划投资", "planned investment"),
    "id": ("编号", "id"),
    "category": ("类别", "category"),
    "plan_id": ("所属规划", "plan"),
    "section": ("章节", "section"),
    "waterway": ("航道", "waterway"),
    "location": ("地点", "location"),
    "responsible_unit": ("责任单位", "responsible unit"),
    "start_year": ("开工年份", "start year"),
    "end_year": ("完工年份", "end year"),
    "total_investment": ("总投资", "total investment"),
    "plan_period_investment": ("“十四五”期间投资", "investment in the plan period"),
    "remark": ("备注", "remark"),
    "origin": ("登记方式", "origin"),
}
# what says which row an event concerns (shown in the object), and internal keys
IDENTITY = ("submission_id", "row_no", "indicator_id", "region_code", "unit")
HIDDEN = ("observation_id", "sha256", "address", "seed_line")
VALUE_WORDS = {
    "approved": ("通过", "approved"),
    "rejected": ("退回", "rejected"),
    "pending": ("待审", "pending"),
    "reported": ("报送数据", "reported"),
    "published": ("公开数据", "published"),
    "sample": ("示例数据", "sample"),
    "viewer": ("查看者", "viewer"),
    "reporter": ("报送员", "reporter"),
    "reviewer": ("审核员", "reviewer"),
    "admin": ("管理员", "administrator"),
}
OBJECT_NAMES = {
    "submission": ("报送", "submission"),
    "submission_row": ("报送行", "submission row"),
    "user": ("用户", "user"),
    "token": ("访问令牌", "token"),
    "project": ("重大项目", "project"),
    "file": ("文件", "file"),
    "client": ("客户端", "client"),
}


def _word(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value_text(value: Any, lang: str = "zh") -> str:
    """A field's value as it reads: words for codes, 是/否, numbers grouped, lists joined."""
    if _missing(value) or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _word(("是", "yes") if value else ("否", "no"), lang)
    if isinstance(value, int) and abs(value) < 10_000:
        return str(value)  # a year or a count: 2023, not 2,023
    if isinstance(value, int | float):
        return number(float(value))
    if isinstance(value, list | tuple):
        return ("、" if lang != "en" else ", ").join(value_text(v, lang) for v in value)
    if isinstance(value, dict):
        sep = "：" if lang != "en" else ": "
        return ("，" if lang != "en" else ", ").join(
            f"{k}{sep}{value_text(v, lang)}" for k, v in value.items()
        )
    return _word(VALUE_WORDS[value], lang) if value in VALUE_WORDS else str(value)


def changes_text(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, lang: str = "zh"
) -> list[str]:
    """One line per field that changed: "数值：120 → 125"; a field set where there
    was nothing: "审核结果：通过" (left out when empty); a field removed: "数值：120 → —".
    Fields that only say which row it is (IDENTITY) and internal keys (HIDDEN) are
    left out."""
    before = before if isinstance(before, Mapping) else {}
    after = after if isinstance(after, Mapping) else {}
    sep = "：" if lang != "en" else ": "
    lines = []
    row = "row_no" in after  # a submission row: its period is part of its name
    for key in dict.fromkeys([*before, *after]):
        if key in IDENTITY or key in HIDDEN or (row and key == "period"):
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        label = _word(FIELD_NAMES[key], lang) if key in FIELD_NAMES else key
        if key not in before:
            if not _missing(new):  # a field set empty where there was nothing says nothing
                lines.append(f"{label}{sep}{value_text(new, lang)}")
        else:
            lines.append(f"{label}{sep}{value_text(old, lang)} → {value_text(new, lang)}")
    return lines


def object_text(
    object_type: str | None,
    object_id: str | None,
    after: Mapping[str, Any] | None,
    lang: str = "zh",
    indicator_names: Mapping[str, str] | None = None,
    region_names: Mapping[str, str] | None = None,
) -> str:
    """What the event concerns, as a person names it: "报送 12 第 3 行 · 地区生产总值 ·
    成都市 · 2024" for a reviewed row, "用户 wang" for an account."""
    after = after if isinstance(after, Mapping) else {}
    if object_type == "submission_row" and after.get("submission_id") is not None:
        row = _row_text(after.get("submission_id"), after.get("row_no"), lang)
        indicator = str(after.get("indicator_id") or "")
        region = str(after.get("region_code") or "")
        parts = [
            row,
            (indicator_names or {}).get(indicator, indicator),
            (region_names or {}).get(region, region),
            after.get("period"),
        ]
        return " · ".join(str(p) for p in parts if p)
    kind = _word(OBJECT_NAMES[object_type], lang) if object_type in OBJECT_NAMES else object_type
    return " ".join(x for x in (_plain(kind), _plain(object_id)) if x)


def _plain(value: object) -> str:
    """A cell of the audit frame as text: a missing one (None, or NaN where pandas
    filled a column of events without an object) is empty, a number its digits."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _row_text(submission: Any, row_no: Any, lang: str) -> str:
    if lang == "en":
        return f"submission {submission}, row {row_no}"
    return f"报送 {submission} 第 {row_no} 行"
