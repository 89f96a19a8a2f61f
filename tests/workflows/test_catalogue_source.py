"""The database is the one catalogue at run time (issue 21).

A catalogue file changed and not yet loaded used to be read by intake, recompute
and templates while pages read the database: a target in the files but not in the
database made every recompute fail with ``FOREIGN KEY constraint failed`` on
progress_snapshots. Now the files count only once loaded, which every start does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

import workflows.catalogue
from db import models
from db.catalogue import stored_catalogue
from db.regions import load_directory
from indicators.reporting_duty import owed_indicators
from workflows.first_run import ensure_ready
from workflows.intake import receive
from workflows.progress import recompute_progress
from workflows.reminders import stored_expected_pairs

CHENGDU = "510100"
NEW_INDICATOR = "test_first_store_floor_area"
NEW_TARGET = "consumption_destination-900"


def _add_to_files(folder: Path) -> None:
    """A new indicator and a target on it for 成都 (quoting a real sentence)."""
    path = folder / "indicators.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    model = next(i for i in doc["indicators"] if i["id"] == "brand_first_stores")
    doc["indicators"].append(
        {**model, "id": NEW_INDICATOR, "name_zh": "首店测试指标", "name_en": "Test", "aliases": []}
    )
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    path = folder / "consumption_destination.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    model = next(e for e in doc["entries"] if e["id"] == "consumption_destination-002")
    doc["entries"].append({**model, "id": NEW_TARGET, "indicator": NEW_INDICATOR})
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _snapshot_targets(factory: sessionmaker[Session]) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(models.ProgressSnapshot.target_id)))


def _upload(factory: sessionmaker[Session], name: str) -> bool:
    content = "地区,指标,期间,数值,单位,备注\r\n成都市,首店测试指标,2024年,180,个,\r\n"
    return receive(factory, name, content.encode("utf-8-sig"), recompute=False).ok


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "catalogue"
    shutil.copytree(workflows.catalogue.CATALOGUE_DIR, copy)
    monkeypatch.setattr(workflows.catalogue, "CATALOGUE_DIR", copy)
    return copy


def test_cat101_a_changed_file_counts_only_once_loaded(
    engine: Engine, factory: sessionmaker[Session], folder: Path
) -> None:
    ensure_ready(engine, factory, sample=True, published=False)
    _add_to_files(folder)  # not loaded yet

    assert recompute_progress(factory) > 0  # once: FOREIGN KEY constraint failed
    with factory() as session:
        stored = stored_catalogue(session)
        directory = load_directory(session)
        expected = stored_expected_pairs(session)
    assert NEW_TARGET not in stored.entries and NEW_TARGET not in _snapshot_targets(factory)
    assert _snapshot_targets(factory) <= {t.id for t in stored.targets}
    assert NEW_INDICATOR not in {i.id for i in owed_indicators(stored, directory, CHENGDU)}
    assert (CHENGDU, NEW_INDICATOR) not in expected
    assert not _upload(factory, "before.csv")  # intake knows only the stored indicators

    report = ensure_ready(engine, factory, sample=True, published=False)  # a start
    assert report.targets_loaded > 0 and report.snapshots > 0
    with factory() as session:
        stored = stored_catalogue(session)
        expected = stored_expected_pairs(session)
    assert NEW_TARGET in stored.entries and NEW_TARGET in _snapshot_targets(factory)
    assert NEW_INDICATOR in {i.id for i in owed_indicators(stored, directory, CHENGDU)}
    assert (CHENGDU, NEW_INDICATOR) in expected
    assert _upload(factory, "after.csv")

    again = ensure_ready(engine, factory, sample=True, published=False)
    assert again.targets_loaded == 0 and again.snapshots == 0  # idempotent: nothing to do


def test_cat102_the_stored_catalogue_is_the_files_one(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    """What run-time readers get from the database equals what the files say (only
    the files' own spelling of a scope and the base-year quote, used by the checks
    before storing, are not kept; nor are a base year, upper value or stretch on a
    baseline or vision, which mean nothing there)."""
    ensure_ready(engine, factory, sample=False, published=False)
    with factory() as session:
        stored = stored_catalogue(session)
        directory = load_directory(session)
    files = workflows.catalogue.read_catalogue_files(directory)
    assert stored.plans == files.plans
    assert stored.indicators == files.indicators
    assert stored.indicators["airport_cargo_throughput"].facility  # indicators.facility
    assert stored.entries.keys() == files.entries.keys()
    for key, entry in files.entries.items():
        kept = stored.entries[key]
        assert kept.scope == directory[entry.scope_code].name_zh
        unkept = {"scope": entry.scope, "base_year_quote": entry.base_year_quote}
        if entry.is_baseline or entry.is_vision:
            unkept |= {"base_year": entry.base_year, "value_high": entry.value_high}
            unkept |= {"stretch": entry.stretch}
        assert kept.__dict__ | unkept == entry.__dict__, key


def test_cat103_a_start_reads_the_files_only_when_they_or_the_stored_rows_changed(
    engine: Engine,
    factory: sessionmaker[Session],
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every start used to read and check every file (0.7-1.1 s of CPU) to find nothing
    changed. Now it compares digests -- and still ships a changed file, and still puts
    back a row changed in the database by hand."""
    ensure_ready(engine, factory, sample=False, published=False)
    reads: list[Path] = []
    read = workflows.catalogue.read_catalogue_files

    def counted(directory, folder=workflows.catalogue.CATALOGUE_DIR, sources=None):  # type: ignore[no-untyped-def]
        reads.append(folder)
        return read(directory, folder, sources or workflows.catalogue.SOURCES_DIR)

    monkeypatch.setattr(workflows.catalogue, "read_catalogue_files", counted)

    assert ensure_ready(engine, factory, sample=False, published=False).targets_loaded == 0
    assert reads == []  # nothing changed: the files were not read

    _add_to_files(folder)
    assert ensure_ready(engine, factory, sample=False, published=False).targets_loaded > 0
    assert len(reads) == 1
    with factory() as session:
        assert NEW_TARGET in stored_catalogue(session).entries

    with factory.begin() as session:  # a target deleted and a quote edited in the database
        session.delete(session.get(models.Target, NEW_TARGET))
        session.get(models.Target, "consumption_destination-002").quote = "手改"
    assert ensure_ready(engine, factory, sample=False, published=False).targets_loaded > 0
    assert len(reads) == 2
    with factory() as session:
        restored = stored_catalogue(session)
    assert NEW_TARGET in restored.entries
    assert restored.entries["consumption_destination-002"].quote != "手改"

    assert ensure_ready(engine, factory, sample=False, published=False).targets_loaded == 0
    assert len(reads) == 2  # and skipped again

    workflows.catalogue.load_catalogue_into(factory, force=True)  # manage.py load-catalogue
    assert len(reads) == 3


def test_cat104_the_files_are_read_again_when_a_plan_text_changes(tmp_path: Path) -> None:
    """The in-process memory of the checked files is keyed by ``files_digest``, as the
    database's is: a changed plan text is read and checked again (it was keyed by the
    catalogue files' times alone, and a plan text could change unseen)."""
    from indicators.regions import load_region_directory

    sources = tmp_path / "sources"
    shutil.copytree(workflows.catalogue.SOURCES_DIR, sources)
    directory = load_region_directory(workflows.catalogue.CONFIG_DIR / "regions.yaml")
    first = workflows.catalogue.read_catalogue_files(directory, sources=sources)
    assert workflows.catalogue.read_catalogue_files(directory, sources=sources) is first
    text = next(p for p in sorted(sources.iterdir()) if p.suffix == ".txt")
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert workflows.catalogue.read_catalogue_files(directory, sources=sources) is not first
