"""What a reviewer's page holds, sealed, so a decision can only cover rows it showed.

数据审核 shows a file's rows; a decision names rows by id. The server must not
approve a row the reviewer never had on the page — a stale page after another
reviewer's decision, a file other than the one shown, or a crafted request. When
the page shows a file it is given a ``view``: the submission, the account, the
ids of every row shown, which of them were pending, and a fingerprint of what
each row said (indicator, region, period, value, unit, decision), sealed with an
HMAC under the app's secret key. A decision carries the view back; ``check``
refuses, in Chinese, a view that is not sealed by this server, belongs to
another account or file, or does not hold every row the decision names, and
``fingerprint`` of the rows as they are now must equal the view's — else the page
was stale.

Pure: no database, no web; the rows and the key are passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# (row id, indicator, region, period, value, unit, decision)
RowFace = tuple[int, str, str, str, float, str, str]


class ViewError(ValueError):
    """A decision whose rows the reviewer's page did not hold; the message is Chinese."""


@dataclass(frozen=True)
class View:
    """A checked view: the rows a page showed and what they said then."""

    submission_id: int
    rows: frozenset[int]
    pending: tuple[int, ...]  # in the order shown
    digest: str


def fingerprint(rows: Iterable[RowFace]) -> str:
    """A digest of what the rows say, independent of their order."""
    text = json.dumps(
        sorted(
            [int(i), ind, reg, per, repr(float(v)), unit, dec]
            for i, ind, reg, per, v, unit, dec in rows
        ),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def seal(
    key: str | bytes, submission_id: int, account_id: int, rows: Iterable[RowFace]
) -> dict[str, Any]:
    """The view of ``rows`` (every row the page shows) for the page to hold."""
    faces = list(rows)
    body = {
        "submission_id": int(submission_id),
        "account_id": int(account_id),
        "rows": [int(face[0]) for face in faces],
        "pending": [int(face[0]) for face in faces if face[6] == "pending"],
        "digest": fingerprint(faces),
    }
    return {**body, "seal": mac(key, body)}


def check(
    key: str | bytes, view: Mapping[str, Any] | None, submission_id: int, account_id: int
) -> View:
    """The view a page sent back, if this server sealed it for this account and file."""
    if not isinstance(view, Mapping) or not isinstance(view.get("seal"), str):
        raise ViewError("页面未载入该文件的数据行，请重新选择文件后再审核；未作任何更改")
    body = {
        name: view.get(name)
        for name in ("submission_id", "account_id", "rows", "pending", "digest")
    }
    try:
        genuine = hmac.compare_digest(mac(key, body), view["seal"])
    except (TypeError, ValueError):
        genuine = False
    if not genuine:
        raise ViewError("页面数据无法核验（已被改动或已过期），请刷新后重新审核；未作任何更改")
    if body["submission_id"] != submission_id or body["account_id"] != account_id:
        raise ViewError(
            f"页面显示的不是提交编号 {submission_id} 的数据行，请刷新后重新审核；未作任何更改"
        )
    return View(
        submission_id,
        frozenset(body["rows"] or ()),
        tuple(body["pending"] or ()),
        str(body["digest"]),
    )


def mac(key: str | bytes, body: Mapping[str, Any], purpose: bytes = b"review-view") -> str:
    """The HMAC of ``body`` under the app's key; ``purpose`` keeps a seal made for one page
    (the review's rows, 公报读取's proposals) from passing as another's."""
    raw = key.encode() if isinstance(key, str) else key
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(raw, purpose + b"\0" + text.encode(), hashlib.sha256).hexdigest()
