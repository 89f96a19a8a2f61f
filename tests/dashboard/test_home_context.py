"""总览's context cards over a full database (published layer and sample data): the
circle's GDP, population and GDP per head with year, share of the nation, the layer
and sources, in both languages; a synthetic figure reads 示例数据."""

from __future__ import annotations

import json
from collections.abc import Iterator

import dash
import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from config.settings import load_settings
from dashboard.app import create_app
from db.intake import import_observations
from db.session import make_engine, make_session_factory, transaction
from tests.helpers import find_prop, layout
from workflows.first_run import ensure_ready


@pytest.fixture(scope="module")
def factory(module_db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(module_db_url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory)
    yield factory
    engine.dispose()


@pytest.fixture(scope="module")
def app(factory: sessionmaker[Session]) -> dash.Dash:
    return create_app(load_settings({}), factory)


def _context(page: str) -> str:
    """The cards' part of a rendered page (its serialised layout)."""
    cards = find_prop(json.loads(page), "id", "home-context")
    assert cards, "no context cards on 总览"
    return json.dumps(cards, ensure_ascii=False)


def test_hctx001_cards_show_published_figures_with_year_share_and_layer(app: dash.Dash) -> None:
    zh = _context(layout(app, "/"))
    # the circle's own published figures (config/published/figures.yaml): GDP 2025 is
    # "超9万亿元" (a lower bound), population 2024 9853.5万人
    assert "经济圈概况" in zh
    assert "超过 90,000亿元" in zh and "（2025）" in zh
    assert "占全国 6.4%以上" in zh  # 90000 / 1401879 (NBS 2025), a bound like its numerator
    assert "9,854万人" in zh and "占全国 7.0%" in zh  # 9853.5 / 140828 (NBS 2024)
    assert "88,293元" in zh and "为全国平均的 92.2%" in zh  # per head 2024, computed
    assert "由地区生产总值与年末常住人口计算" in zh
    assert "公开数据" in zh and "stats.gov.cn" in zh
    assert "增速：无可比的上年数" in zh  # a bound gives no growth; 2023 population not held


def test_hctx002_cards_in_english(app: dash.Dash) -> None:
    en = _context(layout(app, "/", lang="en"))
    assert "The circle at a glance" in en
    assert "over 9 trillion yuan" in en and "over 6.4% of China" in en
    assert "7.0% of China" in en and "92.2% of the national average" in en
    assert "computed from GRP and year-end population" in en and "published" in en
    # the sources quote Chinese wording; the cards' own words are English
    assert "经济圈概况" not in en and "占全国 " not in en and "由地区生产总值" not in en


def test_hctx003_a_synthetic_figure_reads_sample(
    app: dash.Dash, factory: sessionmaker[Session]
) -> None:
    """A sample figure of a later year than any published one for the circle: the card
    shows it and says 示例数据 (the published layer wins only year by year)."""
    row = pd.DataFrame(
        [("population", "ccec", "2026", 9900.0, "万人", None)],
        columns=["indicator_id", "region_code", "period", "value", "unit", "note"],
    )
    with transaction(factory) as session:
        import_observations(
            session, row, layer="sample", vintage="final", submission_id=None, user_id=None
        )
    zh = _context(layout(app, "/"))
    assert "9,900万人" in zh and "（2026）" in zh and "示例数据" in zh


def test_hctx004_a_broken_national_file_leaves_the_cards_without_shares(
    app: dash.Dash, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.components import context_cards as module
    from workflows.national_totals import NationalTotalsError

    def broken() -> pd.DataFrame:
        raise NationalTotalsError("全国总量第 1 条：缺少 publisher")

    monkeypatch.setattr(module, "national_totals", broken)
    zh = _context(layout(app, "/"))
    assert "超过 90,000亿元" in zh and "占全国 6.4%" not in zh
    assert "占全国：未载全国同年数" in zh and "全国总量第 1 条：缺少 publisher" in zh
