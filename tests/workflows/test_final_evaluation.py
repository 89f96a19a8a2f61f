"""终期评估 on a seeded database: only the published layer reaches a verdict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.session import make_engine, make_session_factory
from indicators.final_evaluation import VERDICTS
from workflows.final_evaluation import COLUMNS, final_evaluation
from workflows.published import PUBLISHED_DIR, parse_source_note, published_entries, source_note

THROUGH = 2025


@pytest.fixture(scope="module")
def factory(module_full_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(module_full_url)
    factory = make_session_factory(engine)
    yield factory
    engine.dispose()


def test_lfe001_every_verdict_rests_on_a_published_figure_with_its_source(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session:
        frame = final_evaluation(session, THROUGH)
        layers = dict(
            session.execute(select(models.Observation.id, models.Observation.layer)).all()
        )
        sample = session.scalar(
            select(models.Observation.id).where(models.Observation.layer == "sample").limit(1)
        )
    assert sample is not None, "the world holds 示例数据, which must not be used"
    assert list(frame.columns) == COLUMNS
    assert set(frame.verdict) <= set(VERDICTS)
    assert frame.target_id.is_unique
    judged = frame[frame.verdict != "no_data"]
    assert len(judged) >= 1
    direct = judged[judged.obs_id.notna()]
    assert {layers[int(i)] for i in direct.obs_id} == {"published"}
    for note in direct.source_note:
        parts = parse_source_note(note)
        assert parts["publisher"] and parts["wording"] and parts["grade"] in {"A", "B", "A/B"}
    missing = frame[frame.verdict == "no_data"]
    assert missing.completion.isna().all()
    assert (missing.figure_year.dropna() < THROUGH).all()  # only an earlier year, named


def test_lfe002_a_sample_figure_never_decides_a_final_verdict(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session:
        before = final_evaluation(session, THROUGH).set_index("target_id")
        candidates = session.scalars(
            select(models.Target)
            .join(models.Indicator, models.Indicator.id == models.Target.indicator_id)
            .where(
                models.Target.id.in_(list(before[before.verdict == "no_data"].index)),
                models.Target.year == THROUGH,
                models.Target.kind == "level",
                models.Target.unit == models.Indicator.unit,
            )
        ).all()
        assert candidates, "the catalogue has a 2025 level target without a published figure"
        target = candidates[0]
        unit = target.unit
        for layer in ("sample", "reported"):
            existing = session.scalar(
                select(models.Observation).where(
                    models.Observation.indicator_id == target.indicator_id,
                    models.Observation.region_code == target.scope_code,
                    models.Observation.period == str(THROUGH),
                    models.Observation.layer == layer,
                    models.Observation.is_current,
                )
            )
            if existing is None:
                session.add(
                    models.Observation(
                        indicator_id=target.indicator_id,
                        region_code=target.scope_code,
                        period=str(THROUGH),
                        layer=layer,
                        value=target.value,
                        unit=unit,
                    )
                )
            else:
                existing.value = target.value
        session.commit()
        after = final_evaluation(session, THROUGH).set_index("target_id")
    assert after.loc[target.id, "verdict"] == "no_data"
    assert after.verdict.value_counts().to_dict() == before.verdict.value_counts().to_dict()


def test_lfe003_a_target_due_after_the_year_is_not_evaluated(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session:
        years = dict(session.execute(select(models.Target.id, models.Target.year)).all())
        frame = final_evaluation(session, THROUGH)
        earlier = final_evaluation(session, 2022)
    assert all(years[t] <= THROUGH for t in frame.target_id)
    assert any(y > THROUGH for y in years.values())
    assert set(earlier.target_id) < set(frame.target_id)


def test_lfe004source_notes_split_back_into_their_parts() -> None:
    entries = published_entries(Path(PUBLISHED_DIR))
    assert len(entries) > 100
    for entry in entries:
        parts = parse_source_note(source_note(entry))
        assert parts["grade"] == entry["grade"]
        assert parts["publisher"] == entry["publisher"]
        assert parts["wording"].startswith(entry["wording"])
        assert parts["url"] == (entry.get("url") or "")
    assert parse_source_note(float("nan"))["publisher"] == ""
    assert parse_source_note("区县统计局报送")["publisher"] == "区县统计局报送"
