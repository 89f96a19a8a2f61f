"""Where one 20-row upload's time goes: POST /api/v1/submissions in-process, profiled.

    python scripts/profile_upload.py [--uploads 5] [--sqlite | --server postgresql+psycopg://…]

1. a database as ``manage.py init`` leaves it (regions, catalogue, sample and
   published layers, snapshots), SQLite in a scratch folder or a scratch
   database on ``--server`` (as scripts/bench_verdict.py makes them);
2. one direct-report (直报) account of 重庆市 with an API token, and the 20-row
   file scripts/bench_verdict.py sends (new values of the sample's latest year);
3. the app on the Flask test client; one upload first (warm: the file reader's
   forkserver, imports), then ``--uploads`` uploads, each profiled (cProfile),
   followed by the background recompute it asks for, run in this thread and
   profiled apart, and the /api/v1/progress read that shows the verdict;
4. printed: wall times (median), the time of the named steps (cumulative, per
   upload) and the top functions by cumulative time, with the load average.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_verdict import REGION, _load, csv_text, database_arguments, plan  # noqa: E402
from load_test import database  # noqa: E402

from config.settings import load_settings  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from workflows import progress  # noqa: E402
from workflows.first_run import ensure_ready  # noqa: E402
from workflows.intake import warm_up_reader  # noqa: E402

# the steps of an upload and of its recompute, by (file, function) of the profile
STEPS = [
    ("dashboard/auth.py", "bearer"),
    ("loaders/readers/sandbox.py", "read_untrusted"),
    ("workflows/intake.py", "_validated"),
    ("db/regions.py", "load_directory"),
    ("db/catalogue.py", "stored_catalogue"),
    ("db/intake.py", "history"),
    ("loaders/validate.py", "validate"),
    ("db/intake.py", "find_submission"),
    ("workflows/intake.py", "_stored"),
    ("db/intake.py", "import_observations"),
    ("workflows/vintage.py", "kept_problems"),
    ("workflows/intake.py", "_audit_upload"),
    ("workflows/progress.py", "recompute_changed"),
    ("db/observations.py", "current_observations"),
    ("indicators/progress_run.py", "affected_targets"),
    ("indicators/progress_run.py", "assess_all"),
    ("db/progress.py", "write_changed"),
    ("workflows/progress_views.py", "precompute_views"),
]


def steps(profile: cProfile.Profile, runs: int) -> list[tuple[str, float]]:
    """Cumulative ms per run of each named step found in ``profile``."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    found = []
    for file, name in STEPS:
        total = sum(
            value[3]
            for (path, _line, function), value in stats.items()
            if function == name and path.endswith(file)
        )
        if total:
            found.append((f"{file}:{name}", total * 1000 / runs))
    return found


def show(title: str, profile: cProfile.Profile, runs: int, top: int) -> None:
    print(f"\n{title}: named steps, ms per run (cumulative)")
    for label, ms in steps(profile, runs):
        print(f"  {label:52} {ms:8.1f}")
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument("--top", type=int, default=30)
    database_arguments(parser)
    args = parser.parse_args()
    print(
        f"{'SQLite' if args.sqlite else 'PostgreSQL'}, {args.uploads} uploads; "
        f"load average before {_load()}"
    )
    with tempfile.TemporaryDirectory() as tmp, database(args, Path(tmp)) as url:
        engine = make_engine(url)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        ensure_ready(engine, factory)
        print(f"  database as manage.py init leaves it: {time.perf_counter() - started:.1f} s")
        reporter = plan(url, 1)[0]
        indicator = reporter["rows"][0][0]
        settings = load_settings({"DATA_DIR": tmp})
        client = create_app(settings, factory).server.test_client()
        warm_up_reader()
        # the recompute runs below, in this thread, where the profiler sees it
        progress._kicker.kick = lambda _factory: None  # type: ignore[method-assign]

        def send(factor: float) -> Any:
            body = csv_text(reporter, factor).encode()
            return client.post(
                "/api/v1/submissions",
                data={"file": (io.BytesIO(body), "v.csv")},
                headers={"Authorization": f"Bearer {reporter['token']}"},
                content_type="multipart/form-data",
            )

        first = send(0.99)
        assert first.status_code == 201, first.get_json()
        progress.refresh_changes(factory)
        upload_profile, recompute_profile = cProfile.Profile(), cProfile.Profile()
        timings: dict[str, list[float]] = {"upload": [], "recompute": [], "read": []}
        for n in range(args.uploads):
            factor = 0.98 - n * 0.01
            started = time.perf_counter()
            upload_profile.enable()
            answer = send(factor)
            upload_profile.disable()
            timings["upload"].append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 201, answer.get_json()
            started = time.perf_counter()
            recompute_profile.enable()
            progress.refresh_changes(factory)
            recompute_profile.disable()
            timings["recompute"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            results = client.get(
                "/api/v1/progress", query_string={"region": REGION, "indicator": indicator}
            ).get_json()["results"]
            timings["read"].append((time.perf_counter() - started) * 1000)
            shown = {r["latest_value"] for r in results if r.get("scope_code") == REGION}
            expected = round(reporter["rows"][0][1] * factor, 6)
            assert shown == {expected}, (shown, expected)
        for label, values in timings.items():
            print(
                f"  {label:10} median {statistics.median(values):7.1f} ms  "
                f"(min {min(values):.1f}, max {max(values):.1f})"
            )
        show("POST /api/v1/submissions (20 rows)", upload_profile, args.uploads, args.top)
        show("background recompute and views", recompute_profile, args.uploads, args.top)
        engine.dispose()
    print(f"load average after {_load()}")


if __name__ == "__main__":
    main()
