"""The read API against Datasette serving the same SQLite file (issue 19: within 1.2×).

    python scripts/bench_reads.py [--factor 10] [--repeat 10] [--datasette PATH]
                                  [--data-dir PATH]

1. a SQLite database with the sample data (``--factor`` times its observations,
   built as scripts/bench_dashboard.py builds it: every series copied to every
   unit, with earlier revisions);
2. the app as deployed (gunicorn, one sync worker: Datasette is one process too)
   and Datasette (``datasette serve`` on the same file, its row limit raised so
   that a table comes back whole) on two ports;
3. each read timed ``--repeat`` times over HTTP on 127.0.0.1, ours and
   Datasette's in turn (median; no compression asked for, as Datasette has
   none): one series, every current
   observation as JSON and as CSV (ours streamed from a cursor; Datasette's CSV
   with ``_stream=on``), and the progress of every target (ours: after an upload —
   the data version raised first, as an upload does before its recompute —,
   after a recompute — the progress version raised too, as a recompute that
   writes snapshots does, and the items of the new version stored as its
   background thread stores them right after its commit
   (``workflows.progress_views.progress_results``): a miss that reads that one
   row —, after a recompute whose items no process has stored yet (the first
   reader of the version: reads the snapshots and writes every item), and a hit,
   the reply kept for the version; Datasette: the snapshots table of the latest
   year, which is less than ours: no names, plans or provenance joined).

``--data-dir``: build the database there once and reuse it on later runs (building
the 10× one takes minutes; runs of two versions of the code back to back then read
the same file; a reused one is migrated to this code's head first, so run the
older code on a copy).

Datasette is a development tool here, not a dependency of the app: it is in
requirements-dev.txt (pinned in constraints.txt), not requirements.txt; the
``datasette`` beside this Python is used, or ``--datasette PATH``. Nothing is
asserted: the figures are for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_dashboard import build_database, free_port  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from db import models  # noqa: E402
from db.data_version import PROGRESS_ROW_ID, raise_version  # noqa: E402
from db.migrate import head_revision, upgrade  # noqa: E402
from db.session import make_engine, make_session_factory, transaction  # noqa: E402
from workflows.progress_views import progress_results  # noqa: E402

BIN = Path(sys.executable).parent


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def fetch(url: str) -> tuple[float, int]:
    """Milliseconds until the whole body has arrived, and its bytes."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as response:
        size = len(response.read())
    return (time.perf_counter() - started) * 1000, size


def wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer") from None
            time.sleep(0.3)


def timed(ours: str, theirs: str, repeat: int, before: object = None) -> list[float]:
    """Median ms and bytes of ``repeat`` fetches of each, taken in turn (ours, then
    theirs, then ours…) so that the load of a shared machine weighs on both alike;
    ``before()`` runs before each of ours (outside the timing). One fetch of each
    first, not counted."""
    fetch(ours)
    fetch(theirs)
    mine, other, sizes = [], [], [0, 0]
    for _ in range(repeat):
        if callable(before):
            before()
        elapsed, sizes[0] = fetch(ours)
        mine.append(elapsed)
        elapsed, sizes[1] = fetch(theirs)
        other.append(elapsed)
    return [statistics.median(mine), sizes[0], statistics.median(other), sizes[1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--datasette", default=str(BIN / "datasette") if (BIN / "datasette").exists() else ""
    )
    parser.add_argument("--data-dir", default="")
    args = parser.parse_args()
    if not args.datasette or not Path(args.datasette).exists():
        raise SystemExit(
            "Datasette not found: pip install -r requirements-dev.txt, or pass --datasette PATH"
        )
    version = subprocess.run(
        [args.datasette, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {version}; load average before {_load()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(args.data_dir or tmp)
        if args.data_dir and (data_dir / "monitor.sqlite").exists():
            url = f"sqlite:///{data_dir / 'monitor.sqlite'}"
            migrate_engine = make_engine(url)
            upgrade(migrate_engine)
            migrate_engine.dispose()
            print(f"  reusing {url} (migrated to {head_revision()})")
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            url = build_database(data_dir, args.factor)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with factory() as session:
            o, s = models.Observation, models.ProgressSnapshot
            current = session.scalar(select(func.count()).where(o.is_current))
            as_of = session.scalar(select(func.max(s.as_of)))
        print(f"  {current:,d} current observations; progress as of {as_of}")
        ours_port, theirs_port = free_port(), free_port()
        env = {**os.environ, "DATA_DIR": str(data_dir), "DATABASE_URL": url}
        ours = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{ours_port}",
             "--timeout", "300", "dashboard.wsgi:application"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        theirs = subprocess.Popen(
            [args.datasette, "serve", str(data_dir / "monitor.sqlite"), "--port",
             str(theirs_port), "--setting", "max_returned_rows", "1000000",
             "--setting", "sql_time_limit_ms", "120000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            a, b = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{theirs_port}/monitor"
            wait_up(a + "/api/v1/regions", ours)
            wait_up(b + ".json", theirs)

            def upload() -> None:  # as an accepted upload does: no reply kept
                with transaction(factory) as session:
                    raise_version(session)

            def recompute() -> None:  # as a recompute that wrote snapshots commits
                with transaction(factory) as session:
                    raise_version(session)
                    raise_version(session, PROGRESS_ROW_ID)

            def recompute_and_store() -> None:  # ... and its thread then stores
                recompute()
                progress_results(factory)

            rows = [
                (
                    "one series (gdp, 成都)",
                    (a + "/api/v1/observations?indicator=gdp&region=510100", None),
                    b + "/observations.json?indicator_id=gdp&region_code=510100"
                    "&is_current=1&_shape=array",
                ),
                (
                    "all current observations, JSON",
                    (a + "/api/v1/observations", None),
                    b + "/observations.json?is_current=1&_shape=array&_size=max",
                ),
                (
                    "all current observations, CSV",
                    (a + "/api/v1/observations?format=csv", None),
                    b + "/observations.csv?is_current=1&_stream=on&_size=max",
                ),
                (
                    "progress, after an upload",
                    (a + "/api/v1/progress", upload),
                    b + f"/progress_snapshots.json?as_of={as_of}&_shape=array&_size=max",
                ),
                (
                    "progress, after a recompute (miss)",
                    (a + "/api/v1/progress", recompute_and_store),
                    b + f"/progress_snapshots.json?as_of={as_of}&_shape=array&_size=max",
                ),
                (
                    "progress, miss, nothing stored",
                    (a + "/api/v1/progress", recompute),
                    b + f"/progress_snapshots.json?as_of={as_of}&_shape=array&_size=max",
                ),
                (
                    "progress, kept reply (hit)",
                    (a + "/api/v1/progress", None),
                    b + f"/progress_snapshots.json?as_of={as_of}&_shape=array&_size=max",
                ),
            ]
            print(f"\n  median of {args.repeat}, ms (bytes)")
            print(f"  {'read':34} {'ours':>18} {'Datasette':>18} {'ratio':>7}")
            for name, (mine, before), other in rows:
                ours_ms, ours_size, theirs_ms, theirs_size = timed(mine, other, args.repeat, before)
                print(
                    f"  {name:34} {ours_ms:7.1f} ({ours_size / 1e6:6.2f} MB) "
                    f"{theirs_ms:7.1f} ({theirs_size / 1e6:6.2f} MB) {ours_ms / theirs_ms:6.2f}×"
                )
        finally:
            for process in (ours, theirs):
                process.terminate()
                process.wait(timeout=20)
            engine.dispose()
    print(f"  load average after: {_load()}")


if __name__ == "__main__":
    main()
