"""Time and peak memory of a full progress recompute.

    python scripts/bench_progress.py

1. The sample data (示例数据) as the app loads it: the pure assessment
   (``assess_all``) and the whole stored recompute on a SQLite file
   (load catalogue and observations, assess, write snapshots).
2. Larger synthetic datasets built from the sample: every series copied to
   every administrative unit, with monthly / quarterly periods where the
   indicator's frequency allows, and the groupings' own series removed so that
   their figures are derived from members. Sizes 10x, 50x and 100x the sample's
   observations, to show how the time grows with the number of observations.
"""

from __future__ import annotations

import itertools
import math
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.catalogue import stored_catalogue  # noqa: E402
from db.observations import current_observations  # noqa: E402
from db.regions import load_directory  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from indicators.catalogue import load_catalogue  # noqa: E402
from indicators.progress_run import assess_all  # noqa: E402
from indicators.regions import load_region_directory  # noqa: E402
from indicators.sample_data import generate  # noqa: E402
from workflows.first_run import ensure_ready  # noqa: E402
from workflows.intake import receive  # noqa: E402
from workflows.progress import (  # noqa: E402
    recompute_changed,
    recompute_progress,
    wait_for_progress,
)

CONFIG = ROOT / "config"
PERIODS = {
    "monthly": [f"-{m:02d}" for m in range(1, 13)],
    "quarterly": [f"Q{q}" for q in range(1, 5)],
    "annual": [],
}


def measure(label: str, rows: int, fn) -> float:  # type: ignore[no-untyped-def]
    """Wall time of a plain run (best of three), then peak memory of a traced one."""
    elapsed = math.inf
    for _ in range(3):
        started = time.perf_counter()
        fn()
        elapsed = min(elapsed, time.perf_counter() - started)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:44} {rows:>9,d} obs  {elapsed * 1000:9.1f} ms  peak {peak / 2**20:7.1f} MiB")
    return elapsed


def enlarge(sample: pd.DataFrame, catalogue, directory, factor: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    units = [r.code for r in directory if not r.is_grouping and r.level != "province"]
    groupings = {r.code for r in directory if r.is_grouping and r.members}
    frames = []
    base = sample[~sample.region_code.isin(groupings)]
    for i, unit in enumerate(units):
        copy = sample.assign(region_code=unit, value=sample.value * (1 + i / 100))
        frames.append(copy)
        for freq, suffixes in PERIODS.items():
            ids = [k for k, v in catalogue.indicators.items() if v.frequency == freq]
            part = copy[copy.indicator_id.isin(ids)]
            frames += [part.assign(period=part.period + s) for s in suffixes]
    big = pd.concat([base, *frames], ignore_index=True)
    target = len(sample) * factor
    big = (
        big.iloc[:target]
        if len(big) >= target
        else pd.concat([big] * (target // len(big) + 1), ignore_index=True).iloc[:target]
    )
    big = big.drop_duplicates(["indicator_id", "region_code", "period"])
    return big.assign(id=range(1, len(big) + 1), layer="sample")


def _twenty_rows(factory, step: float) -> str:  # type: ignore[no-untyped-def]
    """A 20-row upload (CSV): 20 cities' sample figures of 2025, revised by ``step`` %."""
    with factory() as session:
        current = current_observations(session)
        directory = load_directory(session)
        catalogue = stored_catalogue(session)
    cities = {r.code for r in directory if not r.is_grouping and not directory.children(r.code)}
    rows = current[(current.period == "2025") & current.region_code.isin(cities)]
    rows = rows[rows.indicator_id.isin({e.indicator_id for e in catalogue.targets})]
    lines = ["地区,指标,期间,数值,单位,备注"]
    for row in rows.head(20).itertuples():
        indicator = catalogue.indicators[row.indicator_id]
        value = round(row.value * (1 + step / 100), 2)
        lines.append(
            f"{directory[row.region_code].name_zh},{indicator.name_zh},2025年,{value},{row.unit},"
        )
    return "\n".join(lines) + "\n"


def incremental_vs_full(factory) -> None:  # type: ignore[no-untyped-def]
    """A 20-row upload: the request before (import, then a full recompute in the
    request) and now (import, record the changes, kick the background job), and
    the recompute a change needs, full vs incremental. Each run revises the same
    20 figures by a new step, so every run imports 20 changed values."""
    steps = itertools.cycle([0.5, -0.5])  # ± 0.5 % of the current figure: no outlier

    def upload(recompute: bool):  # type: ignore[no-untyped-def]
        content = _twenty_rows(factory, next(steps)).encode()
        started = time.perf_counter()
        outcome = receive(factory, "bench.csv", content, vintage="final", recompute=recompute)
        if not recompute:  # before: the request recomputed every target itself
            recompute_progress(factory)
        took = time.perf_counter() - started
        assert outcome.status == "imported", outcome.report
        wait_for_progress(60)
        return took

    for label, recompute in (
        ("before: import + full recompute", False),
        ("now: import + kick", True),
    ):
        times = sorted(upload(recompute) for _ in range(5))
        print(f"upload request, 20 rows, {label:31} median {times[2] * 1000:7.1f} ms")

    def changed(job) -> float:  # type: ignore[no-untyped-def]
        content = _twenty_rows(factory, next(steps)).encode()
        outcome = receive(factory, "bench.csv", content, vintage="final", recompute=False)
        assert outcome.report.get("revised") == 20, outcome.report
        started = time.perf_counter()
        job(factory)
        return time.perf_counter() - started

    for label, job in (("full", recompute_progress), ("incremental", recompute_changed)):
        times = sorted(changed(job) for _ in range(5))
        print(
            f"stored recompute after a 20-row upload, {label:12} median {times[2] * 1000:7.1f} ms"
        )


def main() -> None:
    directory = load_region_directory(CONFIG / "regions.yaml")
    catalogue = load_catalogue(CONFIG / "catalogue", directory, CONFIG / "sources")
    sample = generate(catalogue, 2025)
    frame = sample.assign(id=range(1, len(sample) + 1), layer="sample")
    print(f"{len(catalogue.targets)} targets; sample {len(sample)} observations")
    measure("assess_all, sample", len(frame), lambda: assess_all(catalogue, directory, frame, 2025))
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite")
        factory = make_session_factory(engine)
        ensure_ready(engine, factory)
        measure(
            "stored recompute (SQLite), sample", len(frame), lambda: recompute_progress(factory)
        )
        incremental_vs_full(factory)
        engine.dispose()
    timings = []
    for factor in (10, 50, 100):
        big = enlarge(sample, catalogue, directory, factor)
        elapsed = measure(
            f"assess_all, {factor}x (members, sub-annual)",
            len(big),
            lambda big=big: assess_all(catalogue, directory, big, 2025),
        )
        timings.append((len(big), elapsed))
    (n1, t1), (n2, t2) = timings[0], timings[-1]
    print(f"growth: {n2 / n1:.1f}x the observations took {t2 / t1:.1f}x the time")


if __name__ == "__main__":
    main()
