"""What 公报读取 showed, sealed, so a confirmation stores only proposals the reviewer saw.

The page reads an uploaded bulletin on the server and shows its proposals, each under an id
(its place in the list). Nothing is stored at that moment, so the server cannot look the
proposals up later: instead it hands the page a ``view`` — the account, the file's name and
every proposal shown (indicator, region, period, value, unit, comparator, sentence), sealed
with an HMAC under the app's secret key (the same seal as 数据审核's, indicators/review_view.py,
with a purpose of its own so neither passes as the other). 确认入库 carries the view back with
the ids ticked; ``shown`` refuses a view this server did not seal or sealed for another
account, and ``chosen`` refuses an id the view does not hold — a crafted request, or a page of
another file. What is stored is then the sealed proposal, never what the request says it was;
only the value and period the reviewer corrected in the grid are taken from the request, and
the workflow records them as corrections.

Pure: no database, no web; the key is passed in.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from indicators.review_view import mac

PURPOSE = b"bulletin-view"
# what a proposal says, as the page showed it
FIELDS = ("indicator", "region", "period", "value", "unit", "comparator", "wording")


class ProposalViewError(ValueError):
    """A confirmation naming proposals the page did not hold; the message is Chinese."""


def face_of(proposal: Any) -> dict[str, Any]:
    """What the page shows of a proposal (an indicators.bulletin.Proposal), as sealed."""
    return {name: getattr(proposal, name) for name in FIELDS}


def seal_proposals(
    key: str | bytes, account_id: int, source: str, proposals: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The view of ``proposals`` (every one the page shows, id = its place) for the page to hold."""
    body = {
        "account_id": int(account_id),
        "source": str(source),
        "proposals": [{name: p.get(name) for name in FIELDS} for p in proposals],
    }
    return {**body, "seal": mac(key, _canonical(body), PURPOSE)}


def _canonical(body: Mapping[str, Any]) -> dict[str, Any]:
    """The body as sealed: each value a float, so the browser writing 473.0 back as 473
    (JavaScript has one kind of number) leaves the seal intact."""
    proposals = body.get("proposals")
    if not isinstance(proposals, list):
        return dict(body)
    return {
        **body,
        "proposals": [
            p | {"value": float(p["value"])}
            if isinstance(p, dict) and type(p.get("value")) in (int, float)
            else p
            for p in proposals
        ],
    }


def shown(key: str | bytes, view: Any, account_id: int) -> tuple[str, dict[int, dict[str, Any]]]:
    """The file's name and the proposals by id, if this server sealed the view for this account."""
    if not isinstance(view, Mapping) or not isinstance(view.get("seal"), str):
        raise ProposalViewError("页面未载入公报的候选数据，请先上传公报文件；未作任何更改")
    body = {name: view.get(name) for name in ("account_id", "source", "proposals")}
    try:
        genuine = hmac.compare_digest(mac(key, _canonical(body), PURPOSE), view["seal"])
    except (TypeError, ValueError):
        genuine = False
    if not genuine:
        raise ProposalViewError(
            "页面数据无法核验（已被改动或已过期），请重新上传公报文件；未作任何更改"
        )
    if body["account_id"] != account_id:
        raise ProposalViewError(
            "页面的候选数据不是为当前账号读取的，请重新上传公报文件；未作任何更改"
        )
    proposals = _canonical(body)["proposals"]
    return str(body["source"]), dict(enumerate(proposals if isinstance(proposals, list) else []))


def chosen(held: Mapping[int, Mapping[str, Any]], ids: Iterable[Any]) -> list[int]:
    """The ids ticked, in the page's order, each one a proposal the view holds."""
    picked: list[int] = []
    foreign: list[str] = []
    for raw in ids:
        try:
            number = int(raw)
        except (TypeError, ValueError):
            foreign.append(str(raw))
            continue
        if number in held and not isinstance(raw, bool):
            if number not in picked:
                picked.append(number)
        else:
            foreign.append(f"第 {number + 1} 条" if number >= 0 else str(raw))
    if foreign:
        raise ProposalViewError(
            f"候选数据 {'、'.join(foreign)} 不在您核对的页面上，不能入库（页面已过期或请求被改动）；"
            "未作任何更改"
        )
    return sorted(picked)
