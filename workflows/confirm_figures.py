"""The joint office confirms figures into the published layer (公开数据, issue 20 item 1).

The bulletin reader (indicators/bulletin.py) only proposes; a reviewer reads each proposal
against its sentence and confirms it — on 公报读取 (dashboard/pages/bulletin.py) or with
``manage.py confirm-figures FILE.yaml --by USER`` for entries in the figures.yaml format.
Either way the figure is written by workflows.published.store_entry, the YAML loader's own write
path: layer ``published``, the source note with grade, publisher, the sentence and the URL, the
bound its comparator states, and the vintage rule of db.intake (an older release than the
figure held is kept as history, never silently made current).

``confirm`` checks the account (reviewers and administrators), refuses the whole request with a
Chinese message when the citation is incomplete (publisher, an http(s) URL, vintage, grade, the
sentence), and then takes each figure in turn: one that cannot be stored (an unknown indicator
or region, a unit other than the catalogue's, a period or value that cannot be read, the same
figure twice, the value already held) is skipped with its reason; the others are written in one
transaction with one ``confirm_figure`` audit event each (the value held before, the figure
after, any correction of the proposal), the data version raised and the progress recompute
marked (db.progress.mark_changed, through import_observations) in that same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml
from sqlalchemy.orm import Session, sessionmaker

from config.settings import load_settings
from db import audit
from db.catalogue import indicator_names, indicator_units
from db.intake import current_values, observation_history
from db.regions import region_names
from db.session import transaction
from db.users import account_of, user_named
from indicators.access import AccessDenied, Account, require_review
from indicators.normalise import NormaliseError, parse_number, parse_period
from indicators.reporting_duty import impossible_value
from indicators.vintages import GRADES, VINTAGE_ORDER, VINTAGES
from workflows.progress import EXPECTED_SECONDS, kick
from workflows.published import ENTRY_FIELDS, entry_region, store_entry
from workflows.vintage import KEPT_NEWER

ACTION = "confirm_figure"
LAYER = "published"
COMPARATORS = ("equal", "about", "at_least", "at_most")


class ConfirmError(ValueError):
    """A confirmation refused as a whole, with a Chinese message; nothing was stored."""


@dataclass(frozen=True)
class Figure:
    """One figure to confirm: how the page or file names it (第 3 条（地区生产总值 2024）), the
    figures.yaml entry, and the proposal as read when the reviewer corrected it (else None)."""

    label: str
    entry: dict[str, Any]
    proposed: dict[str, Any] | None = None


@dataclass(frozen=True)
class Confirmed:
    """What one confirmation did: the figures made current, those kept as history (a newer
    release is held), and those skipped, each with its reason."""

    stored: tuple[str, ...] = ()
    kept: tuple[tuple[str, str], ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    observation_ids: tuple[int, ...] = field(default=(), compare=False)

    @property
    def written(self) -> int:
        return len(self.stored) + len(self.kept)

    def results(self) -> dict[str, str]:
        """What became of each figure, by its label, in Chinese: for the rows of a page."""
        return (
            dict.fromkeys(self.stored, "已入库")
            | {label: f"存为历史版本：{why}" for label, why in self.kept}
            | {label: f"跳过：{why}" for label, why in self.skipped}
        )

    @property
    def message(self) -> str:
        """In Chinese, naming the rows; never a success when nothing was stored."""
        if self.stored:
            parts = [f"已入库 {len(self.stored)} 条公开数据：{'、'.join(self.stored)}"]
        else:
            parts = ["未入库任何数据"]
        if self.kept:
            parts.append(
                f"{len(self.kept)} 条存为历史版本（{KEPT_NEWER}）："
                + "；".join(f"{label}：{why}" for label, why in self.kept)
            )
        if self.skipped:
            parts.append(
                f"跳过 {len(self.skipped)} 条："
                + "；".join(f"{label}：{why}" for label, why in self.skipped)
            )
        if self.stored:
            parts.append(f"进展评估在后台重新计算，约 {EXPECTED_SECONDS} 秒内更新")
        return "。".join(parts) + "。"


def citation(publisher: Any, url: Any, vintage: Any, grade: Any) -> dict[str, str]:
    """The citation every confirmed figure carries, checked: a publisher, an http(s) URL with
    a host, a known vintage and grade. Raises ConfirmError naming what is missing."""
    problems = citation_problems(publisher, url, vintage, grade)
    if problems:
        raise ConfirmError("；".join(problems) + "；未作任何更改")
    return {
        "publisher": str(publisher).strip(),
        "url": str(url).strip(),
        "vintage": str(vintage),
        "grade": str(grade),
    }


def citation_problems(publisher: Any, url: Any, vintage: Any, grade: Any) -> list[str]:
    problems = []
    if not isinstance(publisher, str) or not publisher.strip():
        problems.append("请填写发布者（如 重庆市统计局），公开数据每条都须注明出处")
    address = url.strip() if isinstance(url, str) else ""
    if not address:
        problems.append("请填写原文网址（URL），公开数据每条都须可查到原文")
    else:
        parts = urlparse(address)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in address:
            problems.append(f"原文网址“{address}”无效，应以 http:// 或 https:// 开头")
    if vintage not in VINTAGE_ORDER:
        problems.append(f"数据版本“{vintage}”无效，应为：{'、'.join(VINTAGE_ORDER)}")
    if grade not in GRADES:
        problems.append(f"可信度等级“{grade}”无效，公开数据只收 {'、'.join(GRADES)} 级")
    return problems


def _check_citations(figures: Sequence[Figure]) -> None:
    """Every figure cited in full, else the whole request refused, naming the rows."""
    problems = []
    for figure in figures:
        e = figure.entry
        found = citation_problems(
            e.get("publisher"), e.get("url"), e.get("vintage"), e.get("grade")
        )
        if not isinstance(e.get("wording"), str) or not e["wording"].strip():
            found.append("缺少原文语句（wording）")
        if e.get("comparator", "equal") not in COMPARATORS:
            found.append(f"口径“{e.get('comparator')}”无效，应为：{'、'.join(COMPARATORS)}")
        problems += [f"{figure.label}：{p}" for p in found]
    if problems:
        raise ConfirmError("；".join(problems) + "；未作任何更改")


def _normalised(
    entry: dict[str, Any], units: dict[str, str], names: dict[str, str], places: set[str]
) -> dict[str, Any]:
    """The entry with its period canonical and its value a number; raises ValueError with the
    reason a figure cannot be stored (the value also outside the indicator's allowed range,
    the intake validator's rule: no negative amount, a share within 0–100)."""
    indicator = entry.get("indicator")
    if indicator not in units:
        raise ValueError(f"指标“{indicator}”不在目标库中")
    if entry.get("region") in (None, "", "？"):
        raise ValueError("地区未识别（请在“地区”中选择后重新读取文件）")
    region = entry_region(entry)
    if region is None or region not in places:
        raise ValueError(f"地区“{entry.get('region')}”不在地区主数据中")
    if entry.get("unit") != units[indicator]:
        raise ValueError(f"单位“{entry.get('unit')}”与目标库该指标的单位“{units[indicator]}”不一致")
    value = parse_number(entry.get("value"))
    if value.value is None or value.prefix or value.sign:
        raise ValueError(f"数值“{entry.get('value')}”无效，请填写数字")
    impossible = impossible_value(names.get(indicator, indicator), units[indicator], value.value)
    if impossible:
        raise ValueError(f"数值 {value.value:g} 不可能：{impossible}")
    return entry | {"period": parse_period(entry.get("period")), "value": value.value}


def confirm(
    factory: sessionmaker[Session],
    figures: Sequence[Figure],
    account: Account | None,
    *,
    recompute: bool = True,
) -> Confirmed:
    """Store ``figures`` in the published layer as the account's confirmation.

    Raises AccessDenied unless the account may review, and ConfirmError (nothing stored) when
    no figure is given or a citation is incomplete. Each figure that cannot be stored is
    skipped with its reason; the rest commit together with their audit events."""
    require_review(account)
    assert account is not None  # for the type checker: require_review refused None
    if not figures:
        raise ConfirmError("未勾选要入库的候选数据；未作任何更改")
    _check_citations(figures)
    stored: list[str] = []
    kept: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    ids: list[int] = []
    with transaction(factory) as session:
        units = indicator_units(session)
        places = set(region_names(session))
        names = indicator_names(session)
        first: dict[tuple[str, str, str], str] = {}
        for figure in figures:
            try:
                entry = _normalised(figure.entry, units, names, places)
            except (ValueError, NormaliseError) as error:
                skipped.append((figure.label, str(error)))
                continue
            region = entry_region(entry)
            assert region is not None  # _normalised refused an entry without one
            key = (entry["indicator"], region, entry["period"])
            if key in first:
                skipped.append(
                    (figure.label, f"与{first[key]}是同一指标、地区、期间，只入库前一条")
                )
                continue
            first[key] = figure.label
            before = current_values(session, LAYER, [key]).get(key)
            counts = store_entry(session, entry)
            if counts.unchanged:
                skipped.append(
                    (figure.label, f"公开数据层已有相同数值 {entry['value']:g}，未重复写入")
                )
                continue
            observation = [o for o in observation_history(session, *key) if o.layer == LAYER][-1]
            ids.append(observation.id)
            if counts.kept:
                kept.append((figure.label, _newer(session, key)))
            else:
                stored.append(figure.label)
            _record(session, account, figure, entry, names, before, observation, bool(counts.kept))
    outcome = Confirmed(tuple(stored), tuple(kept), tuple(skipped), tuple(ids))
    if recompute and stored:
        kick(factory)  # the changes were marked with the figures; the verdicts follow
    return outcome


def _newer(session: Session, key: tuple[str, str, str]) -> str:
    """Which release is held instead, in Chinese."""
    held = [o for o in observation_history(session, *key) if o.layer == LAYER and o.is_current]
    if not held:
        return "较新的修订值已存在"
    vintage = held[-1].vintage or "initial"
    return f"库中已有{VINTAGES.get(vintage, vintage)} {held[-1].value:g}，本条为较旧版本"


def _record(
    session: Session,
    account: Account,
    figure: Figure,
    entry: dict[str, Any],
    names: dict[str, str],
    before: tuple[int, float, int] | None,
    observation: Any,
    history: bool,
) -> None:
    """One audit event per figure: the value held before, the figure as stored, the correction."""
    after = {
        "layer": LAYER,
        "observation_id": observation.id,
        "revision": observation.revision,
        "current": not history,
        **{name: entry.get(name) for name in ENTRY_FIELDS if name != "covers"},
    }
    if figure.proposed is not None:
        after["proposed"] = figure.proposed
    audit.record_by(
        session,
        ACTION,
        account,
        object_type="observation",
        object_id=str(observation.id),
        before=(
            None
            if before is None
            else {
                "layer": LAYER,
                "observation_id": before[0],
                "value": before[1],
                "revision": before[2],
            }
        ),
        after=after,
        detail=(
            f"{figure.label}：{names.get(entry['indicator'], entry['indicator'])} "
            f"{entry['period']} {entry['value']:g}{entry['unit']}"
            + ("（存为历史版本）" if history else "")
        ),
    )


def _differs(shown: Any, given: Any) -> bool:
    """Whether the grid's cell says something else than the proposal (23244.31 and
    "23244.31" are the same figure)."""
    if given is None or given == shown:
        return False
    try:
        return float(str(given).replace(",", "")) != float(shown)
    except (TypeError, ValueError):
        return str(given).strip() != str(shown)


def proposal_figures(
    held: dict[int, dict[str, Any]],
    picked: Sequence[int],
    edits: dict[int, dict[str, Any]],
    cite: dict[str, str],
    names: dict[str, str],
) -> list[Figure]:
    """The ticked proposals (``picked``, ids of the sealed view ``held``) as figures.yaml
    entries with the page's citation: every field as the proposal was read and shown, except
    the value and period the reviewer corrected in the grid (``edits``, by id), which are
    taken and recorded as corrections."""
    figures = []
    for number in picked:
        p = held[number]
        entry = {
            "indicator": p.get("indicator"),
            "region": p.get("region"),
            "period": p.get("period"),
            "value": p.get("value"),
            "unit": p.get("unit"),
            "comparator": p.get("comparator") or "equal",
            "vintage": cite["vintage"],
            "grade": cite["grade"],
            "publisher": cite["publisher"],
            "url": cite["url"],
            "wording": p.get("wording"),
            "covers": None,
        }
        edit = edits.get(number, {})
        # a correction is read as the text typed in the grid's cell (its cells are text), as
        # the online form reads a value: a number the request sends (1e308) is refused as
        # "1e+308" is
        changed = {f: str(edit[f]) for f in ("value", "period") if _differs(p.get(f), edit.get(f))}
        name = names.get(str(p.get("indicator")), str(p.get("indicator")))
        label = f"第 {number + 1} 条（{name} {p.get('period')}）"
        proposed = {f: p.get(f) for f in changed} if changed else None
        figures.append(Figure(label, entry | changed, proposed))
    return figures


class _NoAliases(yaml.SafeLoader):
    """YAML without aliases: an entry names each value once. An alias is refused where it
    is read, so a file of nested aliases (a "billion laughs") cannot make the names of its
    entries, or the messages about them, billions of characters long."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("文件使用了别名（*），条目的每个值须直接写出")
        return super().compose_node(parent, index)


SCALARS = (str, int, float, date, type(None))


def figures_in(path: Path, max_bytes: int | None = None) -> list[Figure]:
    """The entries of a figures.yaml-format file (``manage.py extract-figures --append-to``
    writes them), each named by its place and what it is; ConfirmError when the file is larger
    than ``max_bytes`` (default MAX_UPLOAD_BYTES, every upload channel's limit), uses YAML
    aliases, or is not a list of entries whose values are single values."""
    limit = load_settings().max_upload_bytes if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            raise ConfirmError(f"{path.name} 过大：{size} 字节，上限 {limit} 字节；未作任何更改")
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoAliases)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfirmError(f"无法读取 {path.name}：{error}") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfirmError(
            f"{path.name} 应为公开数据条目的列表（config/published/figures.yaml 格式）"
        )
    nested = [
        f"第 {n} 条的 {key}"
        for n, e in enumerate(entries, start=1)
        for key, value in e.items()
        if not isinstance(value, SCALARS)
    ]
    if nested:
        raise ConfirmError(
            f"{path.name}：{'、'.join(str(k)[:80] for k in nested[:10])} 应为单个值（文字或数字），"
            "不能是列表或映射；未作任何更改"
        )
    return [
        Figure(f"第 {n} 条（{e.get('indicator')} {e.get('region')} {e.get('period')}）", e)
        for n, e in enumerate(entries, start=1)
    ]


def confirm_file(
    factory: sessionmaker[Session], path: Path, username: str, *, recompute: bool = True
) -> Confirmed:
    """``manage.py confirm-figures``: the file's entries confirmed by the account ``username``
    (a reviewer or administrator of the app, named in the audit log)."""
    figures = figures_in(path)
    with factory() as session:
        user = user_named(session, username)
        account = account_of(user) if user is not None and user.active else None
    if account is None:
        raise AccessDenied(f"用户“{username}”不存在或已停用，不能确认公开数据")
    return confirm(factory, figures, account, recompute=recompute)
