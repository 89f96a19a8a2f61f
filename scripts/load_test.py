"""Load test: viewers browse while reporters upload, against gunicorn on PostgreSQL.

    python scripts/load_test.py [--viewers 50] [--reporters 5] [--duration 120]
                                [--workers 4] [--server URL | --sqlite]

1. a new database (on the PostgreSQL server ``--server`` names, default
   TEST_DATABASE_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test; or a
   SQLite file with ``--sqlite``) is prepared as production prepares it:
   ``manage.py init`` with the sample data; one reporter account and API token
   per region of ``--reporters``;
2. the app runs as deploy/ccec-monitor.service runs it (gunicorn, ``--workers``)
   with the scheduler as its own process, on loopback only;
3. headless Chromium opens each page once and the callback requests it sends
   are recorded (scripts/dash_recording.py);
4. locust (scripts/locustfile.py) runs ``--viewers`` viewers on 总览, 指标 and
   地区 and ``--reporters`` reporters sending files through the API, for
   ``--duration`` seconds; its figures are printed per page and in total:
   requests, failures, throughput, median and 95th percentile;
5. the database is checked against what the reporters sent: every upload has
   exactly one submission, every file the API accepted is imported, each
   indicator × region × period has one current value — the last one sent —
   and the rows the imports reported writing are the rows stored.

With ``--floor`` the same viewers, think times and browser caches are put on the
bare-Dash floor (scripts/floor_app.py: one graph filled by one callback) served by
gunicorn with the same workers, and no reporters, no database: what the framework
alone gives on this machine, against which the monitor's figures are read.

Exits 1 when any request failed or any check does not hold.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from dash_recording import record_visits  # noqa: E402
from floor_app import FLOOR_SETTLED  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from db import models  # noqa: E402
from db.admin import add_user, command_line, issue_token  # noqa: E402
from db.observations import observations_frame  # noqa: E402
from db.scratch import postgres_database  # noqa: E402
from db.session import make_engine, make_session_factory, transaction  # noqa: E402

BIN = Path(sys.executable).parent
# (group, visit name, path): what viewers open; each visit is recorded once
VISITS = [
    ("总览", "总览", "/"),
    ("总览", "总览 map by value", "/?map=gdp&mode=value"),
    ("指标", "指标 GDP circle", "/indicator?id=gdp&region=ccec"),
    ("指标", "指标 urbanisation Chengdu", "/indicator?id=urbanization_rate&region=510100"),
    ("地区", "地区 circle", "/region?code=ccec"),
    ("地区", "地区 Chengdu vs Chongqing centre", "/region?code=510100&compare=cq_central_urban"),
]
GROUPS = {g: [n for g2, n, _ in VISITS if g2 == g] for g in ("总览", "指标", "地区")}
REPORTER_REGIONS = ["510100", "500000", "510600", "510700", "511300", "510500", "500101", "511500"]
UPLOAD_PERIOD = "2024"
ROWS_PER_FILE = 20
PASSWORD = "load-test-password"  # 12+ characters, not common: db.users.check_password


@contextlib.contextmanager
def database(args: argparse.Namespace, data_dir: Path) -> Iterator[str]:
    if args.sqlite:
        yield f"sqlite:///{data_dir / 'monitor.sqlite'}"
        return
    with postgres_database(args.server, "ccec_load") as url:
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(
    env: dict[str, str], url: str, reporters: int, trusted: bool = True
) -> list[dict[str, Any]]:
    """``manage.py init`` as production runs it, then reporters with tokens and the rows
    each will send (its region's sample values for 2024, as a template to vary)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "init"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    print(f"  manage.py init (catalogue + sample data): {time.perf_counter() - started:.1f} s")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    plan = []
    actor = command_line("load_test")
    for region in REPORTER_REGIONS[:reporters]:
        with transaction(factory) as session:
            # through the audited administration functions, as manage.py does
            add_user(session, actor, f"load-{region}", PASSWORD, "reporter", None, regions=[region])
            # trusted: the region's statistics system sends directly (直报), rows imported
            # at once; else a statistician's files wait for the joint office's review
            token = issue_token(session, actor, f"load-{region}", "load test", trusted=trusted)
            frame = observations_frame(session, region=region, start=UPLOAD_PERIOD)
        frame = frame[(frame.period == UPLOAD_PERIOD) & (frame.layer == "sample")]
        rows = [
            {
                "region": region,
                "indicator": row.indicator_id,
                "period": row.period,
                "value": float(row.value),
                "unit": row.unit,
            }
            for row in frame.head(ROWS_PER_FILE).itertuples()
        ]
        plan.append({"region": region, "token": token, "rows": rows})
    engine.dispose()
    return plan


def browser_cache(base: str, static: list[str]) -> dict[str, list[Any]]:
    """What a returning viewer's browser holds: each static file's ETag and whether
    its Cache-Control lets the browser reuse it without asking (fetched once here)."""
    kept = {}
    for path in static:
        ask = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip, br"})
        with urllib.request.urlopen(ask, timeout=60) as answer:
            answer.read()
            cache_control = answer.headers.get("Cache-Control", "")
            fresh = "max-age=" in cache_control and "no-cache" not in cache_control
            kept[path] = [answer.headers.get("ETag", ""), fresh]
    return kept


def wait_until_up(
    base: str, process: subprocess.Popen[bytes], log: Path, path: str = "/health"
) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + path, timeout=2)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.3)


def run_locust(
    base: str, plan_file: Path, upload_log: Path, args: argparse.Namespace, out: Path
) -> list[dict[str, str]]:
    users = args.viewers + args.reporters
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan_file),
        "LOAD_UPLOAD_LOG": str(upload_log),
        "LOAD_VIEWERS": str(args.viewers),
        "LOAD_REPORTERS": str(args.reporters),
        "LOAD_THINK": args.think,
        "LOAD_COLD_SHARE": str(args.cold_share),
        "LOAD_PAGE_LOG": str(out / "pages.jsonl"),
    }
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "scripts" / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "30",
        "--csv",
        str(out / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=False, capture_output=True)
    with open(out / "locust_failures.csv", encoding="utf-8") as failures:
        for row in csv.DictReader(failures):
            print(f"  failure ×{row['Occurrences']}: {row['Name']}: {row['Error'][:300]}")
    with open(out / "locust_stats.csv", encoding="utf-8") as stats:
        return list(csv.DictReader(stats))


def _line(
    name: str, count: int, failed: int, rate: float, median: float, p95: float, top: float
) -> None:
    print(
        f"  {name:44} {count:8d} {failed:6d} {rate:7.1f} {median:7.0f}ms {p95:7.0f}ms {top:7.0f}ms"
    )


def print_stats(stats: list[dict[str, str]], page_log: Path, duration: int) -> int:
    """The table of figures (requests as locust measured them, whole page visits
    from the viewers' log); returns the number of failures."""
    print(
        f"  {'':44} {'requests':>8} {'failed':>6} {'per s':>7} {'median':>9} {'p95':>9} {'max':>9}"
    )
    failures = 0
    for row in stats:
        name = f"{row['Type']} {row['Name']}" if row["Type"] else "all HTTP requests"
        if not row["Type"]:
            failures += int(row["Failure Count"])
        _line(
            name,
            int(row["Request Count"]),
            int(row["Failure Count"]),
            float(row["Requests/s"]),
            float(row["50%"]),
            float(row["95%"]),
            float(row["Max Response Time"]),
        )
    lines = page_log.read_text(encoding="utf-8").splitlines() if page_log.exists() else []
    visits = [json.loads(line) for line in lines]  # none when no visit finished in time
    groups = {
        "page visit " + g: [v for v in visits if v["page"] in names] for g, names in GROUPS.items()
    }
    for name, chosen in [*groups.items(), ("all page visits", visits)]:
        times = sorted(v["ms"] for v in chosen) or [0.0]
        failed = sum(1 for v in chosen if v["failure"])
        _line(
            name,
            len(chosen),
            failed,
            len(chosen) / duration,
            statistics.median(times),
            times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            times[-1],
        )
    return failures


def verify(url: str, upload_log: Path, review: bool = False) -> list[str]:
    """What the reporters sent against what the database holds; the problems found
    (``review``: every accepted file waits for review with all its rows, nothing is
    imported)."""
    entries = [json.loads(line) for line in upload_log.read_text(encoding="utf-8").splitlines()]
    problems = []
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        ids = [e["submission_id"] for e in entries]
        submissions = session.execute(
            select(models.Submission.id, models.Submission.status, models.Submission.report).where(
                models.Submission.channel == "api"
            )
        ).all()
        statuses = {i: status for i, status, _ in submissions}
        reports = {i: report for i, _, report in submissions}
        if None in ids or len(set(ids)) != len(ids):
            problems.append("an upload has no submission id, or two uploads share one")
        if set(ids) != set(statuses):
            problems.append(
                f"{len(entries)} uploads logged but {len(statuses)} API submissions stored"
            )
        accepted = [e for e in entries if e["http"] == (202 if review else 201)]
        expected = "pending" if review else "imported"
        wrong = [
            e["submission_id"] for e in accepted if statuses.get(e["submission_id"]) != expected
        ]
        if wrong:
            problems.append(f"accepted uploads not {expected}: {wrong[:10]}")
        if review:
            waiting = session.scalar(
                select(func.count()).where(models.SubmissionRow.decision == "pending")
            )
            sent = sum(len(e["rows"]) for e in accepted)
            if waiting != sent:
                problems.append(f"{sent} rows sent for review, {waiting} waiting")
        duplicates = session.execute(
            select(func.count()).select_from(
                select(models.Observation.indicator_id)
                .where(models.Observation.is_current)
                .group_by(
                    models.Observation.indicator_id,
                    models.Observation.region_code,
                    models.Observation.period,
                    models.Observation.layer,
                )
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
        if duplicates:
            problems.append(f"{duplicates} keys with more than one current value")
        # the value sent last (an unchanged value keeps the row of the file that set it)
        last: dict[tuple[str, str, str], float] = {}
        for entry in sorted([] if review else accepted, key=lambda e: e["submission_id"]):
            for region, indicator, period, value, _unit, _note in entry["rows"]:
                last[(indicator, region, period)] = value
        reported = observations_frame(session, current_only=False)
        reported = reported[reported.layer == "reported"]
        current = reported[reported.is_current]
        stored = {
            (r.indicator_id, r.region_code, r.period): float(r.value) for r in current.itertuples()
        }
        differing = [
            k
            for k in set(stored) | set(last)
            if k not in stored or k not in last or abs(stored[k] - last[k]) > 1e-9
        ]
        if differing:
            examples = "; ".join(
                f"{k}: stored {stored.get(k)}, sent {last.get(k)}" for k in sorted(differing)[:3]
            )
            problems.append(
                f"{len(differing)} keys whose current value is not the last sent ({examples})"
            )
        written = sum(
            reports[i].get("inserted", 0) + reports[i].get("revised", 0)
            for i in ids
            if statuses.get(i) == "imported"
        )
        if written != len(reported):
            problems.append(f"imports report {written} rows written, {len(reported)} stored")
    engine.dispose()
    print(
        f"  uploads: {len(entries)} sent, {len(accepted)} accepted "
        f"({'202, for review' if review else '201'}), "
        f"{len(statuses)} submissions stored; {len(reported)} reported rows stored "
        f"({len(current)} current); imports reported {written} rows written"
    )
    return problems


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_plan(
    base: str, plan: dict[str, Any], args: argparse.Namespace, data_dir: Path
) -> list[dict[str, str]]:
    """locust on the plan written to ``data_dir``; the reporters log to uploads.jsonl."""
    plan_file = data_dir / "plan.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    upload_log = data_dir / "uploads.jsonl"
    upload_log.touch()
    return run_locust(base, plan_file, upload_log, args, data_dir)


def serve(args: argparse.Namespace, app: str, env: dict[str, str], log: Any, port: int) -> Any:
    """gunicorn as deploy/ccec-monitor.service runs it, on loopback, with ``app`` (the
    floor is found in scripts/)."""
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            *(["--pythonpath", str(ROOT / "scripts")] if app.startswith("floor_app") else []),
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def floor(args: argparse.Namespace) -> int:
    """``--floor``: the viewers on the bare-Dash floor; the same table, no checks."""
    args.reporters = 0
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; FLOOR (bare Dash, scripts/floor_app.py): "
        f"{args.viewers} viewers for {args.duration} s, gunicorn {args.workers} workers, "
        f"viewers read each page {args.think} s, {args.cold_share:.0%} of them with an empty "
        f"browser cache; load average before {_load()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = data_dir / "server.log"
        with open(log_path, "w") as log:
            server = serve(args, "floor_app:application", dict(os.environ), log, port)
            try:
                wait_until_up(base, server, log_path, "/")
                static: list[str] = []
                recorded = record_visits(base, [("floor", "/")], static, FLOOR_SETTLED)
                callbacks = [body for _, _, body in recorded]
                plan = {
                    # every visit of the monitor's mix is a visit of the floor's one page
                    "visits": {
                        name: {"path": "/", "callbacks": callbacks} for _, name, _ in VISITS
                    },
                    "groups": GROUPS,
                    "static": static,
                    "static_cache": browser_cache(base, static),
                    "reporters": [],
                }
                print(
                    f"  callbacks per page visit (recorded in Chromium): {len(callbacks)}; "
                    f"static files a browser fetches: {len(static)}"
                )
                stats = run_plan(base, plan, args, data_dir)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=60)
        failures = print_stats(stats, data_dir / "pages.jsonl", args.duration)
        errors = [line for line in log_path.read_text().splitlines() if "Traceback" in line]
    print(f"  load average after: {_load()}")
    print(f"  result: {failures} failed requests, {len(errors)} server tracebacks")
    return 1 if failures or errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--reporters", type=int, default=5, choices=range(0, 9))
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--think", default="5,15", help="seconds a viewer reads a page, min,max (default 5,15)"
    )
    parser.add_argument(
        "--cold-share",
        type=float,
        default=0.2,
        help="share of viewers whose browser cache starts empty (default 0.2; the others "
        "return with the static files cached, as a daily reader's browser holds them)",
    )
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument(
        "--review",
        action="store_true",
        help="reporters' files wait for the joint office's review (untrusted tokens) instead "
        "of being imported at once",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="the bare-Dash floor (scripts/floor_app.py) instead of the monitor: the same "
        "viewers, no reporters, no database",
    )
    args = parser.parse_args()
    if args.floor:
        return floor(args)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}; "
        f"{args.viewers} viewers + {args.reporters} reporters"
        f"{' (files wait for review)' if args.review else ''} for {args.duration} s, "
        f"gunicorn {args.workers} workers, {'SQLite' if args.sqlite else 'PostgreSQL'}, "
        f"viewers read each page {args.think} s, {args.cold_share:.0%} of them with an empty "
        f"browser cache; load average before {_load()} "
        "(the machine is shared: compare runs made back to back, as ratios)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        with database(args, data_dir) as url:
            env = {
                **os.environ,
                "DATA_DIR": str(data_dir),
                "DATABASE_URL": url,
                "LOAD_SAMPLE_DATA": "true",
            }
            reporters = prepare(env, url, args.reporters, trusted=not args.review)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log_path = data_dir / "server.log"
            with open(log_path, "w") as log:
                server = serve(args, "dashboard.wsgi:application", env, log, port)
                scheduler = subprocess.Popen(
                    [sys.executable, "manage.py", "scheduler"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                try:
                    wait_until_up(base, server, log_path)
                    static: list[str] = []
                    recorded = record_visits(
                        base, [(name, path) for _, name, path in VISITS], static
                    )
                    plan = {
                        "visits": {
                            name: {
                                "path": path,
                                "callbacks": [b for n, _, b in recorded if n == name],
                            }
                            for _, name, path in VISITS
                        },
                        "groups": GROUPS,
                        "static": static,
                        "static_cache": browser_cache(base, static),
                        "reporters": reporters,
                    }
                    counts = ", ".join(
                        f"{name} {len(v['callbacks'])}" for name, v in plan["visits"].items()
                    )
                    print(f"  callbacks per page visit (recorded in Chromium): {counts}")
                    print(f"  static files a browser fetches (recorded in Chromium): {len(static)}")
                    stats = run_plan(base, plan, args, data_dir)
                    upload_log = data_dir / "uploads.jsonl"
                finally:
                    for process in (server, scheduler):
                        process.send_signal(signal.SIGTERM)
                    for process in (server, scheduler):
                        process.wait(timeout=60)
            failures = print_stats(stats, data_dir / "pages.jsonl", args.duration)
            problems = verify(url, upload_log, args.review)
            errors = [line for line in log_path.read_text().splitlines() if "Traceback" in line]
    print(f"  load average after: {_load()}")
    for problem in problems:
        print(f"  CHECK FAILED: {problem}")
    print(
        f"  result: {failures} failed requests, {len(errors)} server tracebacks, "
        f"{len(problems)} failed checks"
    )
    return 1 if failures or problems or errors else 0


if __name__ == "__main__":
    sys.exit(main())
