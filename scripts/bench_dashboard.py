"""Server-side time of every page's callbacks, and 总览's time to first render.

    python scripts/bench_dashboard.py [--factors 1,100] [--repeat 20]

For each dataset (1 = the sample data as the app loads it; 100 = a hundred
times its observations, built as in bench_progress.py: every series copied to
every unit, with monthly/quarterly periods):

1. an app process is started on a fresh SQLite file holding that dataset, and
   headless Chromium (Playwright, Debian's chromium) visits every page and does
   the main interactions, while every request to ``/_dash-update-component``
   is recorded (exactly what the browser sends);
2. 总览's time to first render is read in the browser: from navigation start to
   the headline cards, the pillar chart and the map all drawn — cold (first
   visit) and warm (median of 5 reloads);
3. the recorded requests are replayed in-process through Flask's test client,
   ``--repeat`` times each, and the median and 95th percentile of the server
   time of each callback are printed (a callback = its outputs; the pages
   router is the callback that renders a page's layout);
4. whole page visits (the page, Dash's layout and dependencies, then the
   visit's callbacks, as scripts/locustfile.py sends them) are replayed twice:
   on a cache miss (the data version raised before each visit, as an accepted
   upload does: no reply is kept for it), after a recompute (the snapshots
   changed: the page data made again off the request, and the replies asked most
   rendered, as the recompute's thread does — "off-req." is that background work's
   time, not part of the visit) and on a hit; each is printed beside the floor, a
   minimal Dash app with one 10-point graph visited the same way
   (``floor_visit_ms``), as a ratio, with the load average before and after.

Nothing is asserted: the figures are for docs/dashboard-benchmark.txt.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_progress import enlarge  # noqa: E402
from dash_recording import CHROMIUM, Recorded, capture_callbacks  # noqa: E402
from floor_app import FLOOR_CALLBACK, build_floor_app  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from config.settings import load_settings  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from db.catalogue import stored_catalogue  # noqa: E402
from db.observations import replace_layer  # noqa: E402
from db.regions import load_directory  # noqa: E402
from db.session import make_engine, make_session_factory, transaction  # noqa: E402
from indicators.sample_data import generate  # noqa: E402
from workflows.first_run import ensure_ready  # noqa: E402
from workflows.progress import recompute_progress  # noqa: E402

# (page, path, interaction) — the interactions a user does on each page
VISITS: list[tuple[str, str, str | None]] = [
    ("总览", "/", None),
    ("总览 map by value", "/?map=gdp&mode=value", None),
    ("总览 English", "/?lang=en", None),
    ("指标", "/indicator?id=gdp&region=ccec", None),
    ("指标 other region", "/indicator?id=urbanization_rate&region=510100", None),
    ("地区", "/region?code=ccec", None),
    ("地区 compare", "/region?code=510100&compare=cq_central_urban", None),
    ("预期差距", "/outlook", None),
    ("进展报告", "/report", None),
    ("目标库", "/targets", None),
    ("目标库 one target", "/targets?target=outline-014", None),
    ("区划", "/regions?grouping=wandakai", None),
    ("数据校验", "/upload", None),
    ("方法", "/methodology", None),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_database(data_dir: Path, factor: int) -> str:
    url = f"sqlite:///{data_dir / 'monitor.sqlite'}"
    engine = make_engine(url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory)
    if factor > 1:
        with transaction(factory) as session:
            directory = load_directory(session)
            catalogue = stored_catalogue(session)
            sample = generate(catalogue, 2025, directory=directory)
            base = len(sample)
            big = enlarge(sample, catalogue, directory, factor)
            current = replace_layer(session, "sample", big, "示例数据（基准测试，放大）")
            revisions = add_revisions(session, math.ceil(base * factor / current))
        print(
            f"  {factor}x dataset: {current:,d} current observations (every unit, every "
            f"indicator, every period) and {revisions:,d} earlier revisions: "
            f"{(current + revisions) / base:.0f}x the sample's {base:,d} rows"
        )
        recompute_progress(factory)
    engine.dispose()
    return url


def add_revisions(session: Session, copies: int) -> int:
    """Earlier revisions of every current observation, as intake keeps them (not
    current; the current one gets the highest revision number): the key space of
    units × indicators × periods caps current rows, so history supplies the bulk."""
    session.execute(
        text("UPDATE observations SET revision = :n WHERE is_current AND layer = 'sample'"),
        {"n": copies},
    )
    added = 0
    for k in range(1, copies):
        added += session.execute(
            text(
                "INSERT INTO observations (indicator_id, region_code, period, layer, revision, "
                "value, unit, vintage, status, is_current, source_note, created_at) "
                "SELECT indicator_id, region_code, period, layer, :k, value * (1 - :k / 1000.0), "
                "unit, vintage, status, false, source_note, created_at FROM observations "
                "WHERE is_current AND layer = 'sample'"
            ),
            {"k": k},
        ).rowcount
    return added


def start_app(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return serving(process, f"http://127.0.0.1:{port}/api/v1/regions", 120)


def serving(process: subprocess.Popen[bytes], url: str, seconds: float) -> subprocess.Popen[bytes]:
    """``process`` once ``url`` answers (an error if it stops or ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer") from None
            time.sleep(0.3)


# 总览 is drawn: the headline cards, the pillar chart and the map
HOME_DRAWN = """() => !!(document.querySelector('#home-headline .headline-card')
    && document.querySelector('#home-pillars .barlayer .trace')
    && document.querySelector('#home-map .choroplethlayer path'))"""
# checked on every frame from the document's start (an init script), so that a page
# drawn before Playwright's ``goto`` returns is timed when it was drawn, not when asked
FIRST_RENDER = """(drawn) => {
    const check = () => {
        if (window.__firstRender === undefined && drawn()) window.__firstRender = performance.now();
        if (window.__firstRender === undefined) requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
}"""
COLD_VISITS = 3  # fresh browser contexts per app (the first one is also the server's first)
WARM_VISITS = 5  # reloads per app, the two apps in turn
# milestones of a cold visit, from the browser's own timings (ms since navigation)
MILESTONES = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const last = (match) => Math.max(0, ...res.filter(r => match(r.name)).map(r => r.responseEnd));
    return {
        'index received': nav.responseEnd,
        'DOMContentLoaded': nav.domContentLoadedEventEnd,
        'bundles received': last(n => n.includes('/_dash-component-suites/')
            && !n.includes('plotly.min.js') && !n.includes('async-')),
        'layout + dependencies': last(n => n.includes('/_dash-layout') || n.includes('/_dash-dependencies')),
        'first callback reply': Math.min(...res.filter(r => r.name.includes('_dash-update-component'))
            .map(r => r.responseEnd)),
        'plotly received': last(n => n.includes('plotly')),
        'last callback reply': last(n => n.includes('_dash-update-component')),
        'drawn': window.__firstRender,
    };
}"""


def start_floor(port: int) -> subprocess.Popen[bytes]:
    """The bare-Dash floor (scripts/floor_app.py) served as ``start_app`` serves the
    monitor (Flask's server, threaded), for the render times side by side."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from floor_app import application; application.run('127.0.0.1', {port})",
        ],
        cwd=ROOT / "scripts",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return serving(process, f"http://127.0.0.1:{port}/", 60)


def _timed_page(browser: Any, drawn: str) -> Any:
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.set_default_timeout(300_000)  # a shared machine under load: minutes, not 30 s
    page.add_init_script(f"({FIRST_RENDER})({drawn})")
    return page


def _drawn_at(page: Any) -> float:
    page.wait_for_function("() => window.__firstRender !== undefined", polling=50)
    return float(page.evaluate("window.__firstRender"))


def render_times(browser: Any, apps: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Time to first render of each app (name: (address, script saying it is drawn)),
    the apps in turn so that they share the machine's load: ``COLD_VISITS`` cold
    visits each (a new browser context: empty cache), then ``WARM_VISITS`` reloads
    each. Also the bytes and milestones of each app's first cold visit."""
    times: dict[str, Any] = {name: {"cold": [], "warm": []} for name in apps}
    for visit in range(COLD_VISITS):
        for name, (url, drawn) in apps.items():
            page = _timed_page(browser, drawn)
            moved = {"bytes": 0, "responses": 0}

            def count(request: Any, moved: dict[str, int] = moved) -> None:
                sizes = request.sizes()
                moved["bytes"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                moved["responses"] += 1

            page.on("requestfinished", count)
            page.goto(url)
            times[name]["cold"].append(_drawn_at(page))
            page.wait_for_load_state("networkidle")
            if visit == 0:
                times[name]["bytes"], times[name]["responses"] = moved["bytes"], moved["responses"]
                times[name]["milestones"] = page.evaluate(MILESTONES)
            page.context.close()
    pages = {name: _timed_page(browser, drawn) for name, (_, drawn) in apps.items()}
    for name, (url, _) in apps.items():
        pages[name].goto(url)
        _drawn_at(pages[name])
        pages[name].wait_for_load_state("networkidle")
    for _ in range(WARM_VISITS):
        for name, page in pages.items():
            page.reload()
            times[name]["warm"].append(_drawn_at(page))
            page.wait_for_load_state("networkidle")
    for page in pages.values():
        page.context.close()
    return times


def record(base: str, floor_base: str) -> tuple[list[Recorded], dict[str, Any]]:
    """Visit every page in Chromium; return the callback requests, and 总览's and the
    floor's render times (``render_times``)."""
    from floor_app import FLOOR_SETTLED
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        renders = render_times(
            browser, {"总览": (base + "/", HOME_DRAWN), "floor": (floor_base + "/", FLOOR_SETTLED)}
        )
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(300_000)
        requests = capture_callbacks(page, base, [(name, path) for name, path, _ in VISITS])
        browser.close()
    return requests, renders


def print_renders(renders: dict[str, Any], load_before: str) -> None:
    home, floor = renders["总览"], renders["floor"]
    print(
        f"  time to first render in Chromium (load average {load_before} before, "
        f"{_load()} after); cold: {COLD_VISITS} fresh browser contexts each, the first "
        f"also the server's first visit; warm: median of {WARM_VISITS} reloads; "
        "the two apps in turn"
    )
    print(
        f"  {'':8} {'cold 1st':>9} {'cold med':>9} {'warm med':>9} {'cold MB':>8} {'responses':>9}"
    )
    for name, got in renders.items():
        print(
            f"  {name:8} {got['cold'][0]:7.0f}ms {statistics.median(got['cold']):7.0f}ms "
            f"{statistics.median(got['warm']):7.0f}ms {got['bytes'] / 1e6:8.2f} {got['responses']:9d}"
        )
    cold = statistics.median(home["cold"]) / statistics.median(floor["cold"])
    warm = statistics.median(home["warm"]) / statistics.median(floor["warm"])
    print(f"  总览 ÷ floor: cold {cold:.2f}×, warm {warm:.2f}×")
    for name, got in renders.items():
        marks = ", ".join(f"{k} {v:.0f}" for k, v in got["milestones"].items() if v)
        print(f"  {name} first cold visit (ms since navigation): {marks}")


def label(body: dict[str, Any]) -> str:
    output = body.get("output", "")
    if "_pages_content" in output:
        return "render page (router)"
    return output.strip(".").replace("...", " + ")[:70]


def replay(url: str, requests: list[Recorded], repeat: int) -> None:
    engine = make_engine(url)
    app = create_app(load_settings(), make_session_factory(engine))
    client = app.server.test_client()
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    for page, path, body in requests:
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.post(path, json=body, headers={"Origin": "http://localhost"})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code not in (200, 204):
                raise RuntimeError(f"{page}: {label(body)} answered {response.status_code}")
            times[(page, label(body))].append(elapsed)
    print(f"  {'page':22} {'callback':52} {'n':>4} {'median':>9} {'p95':>9}")
    medians = []
    for (page, name), values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        medians.append(statistics.median(values))
        print(
            f"  {page:22} {name:52} {len(values):4d} {statistics.median(values):7.1f}ms {p95:7.1f}ms"
        )
    print(
        f"  all callbacks: median of medians {statistics.median(medians):.1f} ms, "
        f"slowest median {max(medians):.1f} ms"
    )
    engine.dispose()


def floor_visit_ms(repeat: int) -> float:
    """Median server time of one visit of a minimal Dash app (one 10-point graph
    drawn by a callback): what Dash and Flask cost before the monitor does anything."""
    client = floor_client()
    return statistics.median(floor_visit(client) for _ in range(max(repeat, 20)))


def floor_visit(client: Any) -> float:
    """One visit of the minimal app (``floor_client``), in ms of server time: the
    second of two in a row (the first after a monitor's page finds the processor's
    caches full of that page)."""
    _visit(client, "/", [("/_dash-update-component", FLOOR_CALLBACK)])
    return _visit(client, "/", [("/_dash-update-component", FLOOR_CALLBACK)])


def floor_client() -> Any:
    """A test client of the minimal Dash app the visits are compared with."""
    return build_floor_app(__name__ + "_floor").server.test_client()


def _visit(client: Any, path: str, callbacks: list[tuple[str, dict[str, Any]]]) -> float:
    """One page visit as a browser sends it, in ms of server time (no network). The
    garbage of what ran before is collected first, outside the time: a visit does not
    pay for the previous one's (the floor, visited between the monitor's pages, paid
    for theirs: 20 ms against 6.7 ms in a row)."""
    headers = {"Origin": "http://localhost", "Accept-Encoding": "gzip, deflate, br"}
    gc.collect()
    started = time.perf_counter()
    for url in (path, "/_dash-layout", "/_dash-dependencies"):
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    for url, body in callbacks:
        response = client.post(url, json=body, headers=headers)
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{path}: {label(body)} answered {response.status_code}")
    return (time.perf_counter() - started) * 1000


def replay_visits(url: str, requests: list[Recorded], repeat: int, floor: float) -> None:
    """Each recorded page's whole visit against the floor: on a cache miss (the data
    version raised, as an accepted upload does before its recompute: no reply kept),
    after a recompute (the snapshots' version raised too and the page data made
    again by the recompute, as workflows.progress does after its commit: this worker
    reads them from the database and derives every page's parts again), and on a hit.
    (Run on a version of the app without the data version, every visit is a miss.)"""
    try:
        from db.data_version import raise_version
    except ImportError:  # before issue 19: nothing to invalidate
        raise_version = None
    try:
        from db.data_version import PROGRESS_ROW_ID
        from workflows.progress_views import precompute_views
    except ImportError:  # before the page data were precomputed per version
        precompute_views = None
    import workflows.progress

    # what the recompute's thread does after its commit: the page data, then (since
    # dashboard/warm.py) the replies visitors ask most, rendered before they ask
    follow_up = getattr(workflows.progress, "after_recompute", precompute_views)

    # the bare app first: an app built after the monitor's and before its first request
    # would take the pages' callbacks, registered process-wide, from it
    bare = floor_client()
    for _ in range(5):
        floor_visit(bare)  # its first visits build Dash's index and register its bundles
    engine = make_engine(url)
    factory = make_session_factory(engine)
    app = create_app(load_settings(), factory)
    client = app.server.test_client()
    pages = {name: path for name, path, _ in VISITS}
    print(
        f"\n  whole page visits (server time, median of {repeat}); floor {floor:.1f} ms "
        "measured once, and per page: a floor visit right before each visit of the page "
        "(the ratios use the page's own floor, as the machine's load moves)"
    )
    print(
        f"  {'page':22} {'floor':>8} {'miss':>9} {'× floor':>8} {'recompute':>10} {'× floor':>8} "
        f"{'off-req.':>10} {'hit':>9} {'× floor':>8}"
    )
    for name, path in pages.items():
        callbacks = [(p, b) for n, p, b in requests if n == name]
        misses, recomputed, hits, floors, warmed = [], [], [], [], []
        for _ in range(repeat):
            if raise_version is not None:
                with transaction(factory) as session:
                    raise_version(session)  # as an accepted upload does
            floors.append(floor_visit(bare))
            misses.append(_visit(client, path, callbacks))
            if raise_version is not None and precompute_views is not None:
                with transaction(factory) as session:  # as the recompute's commit does
                    raise_version(session)
                    raise_version(session, PROGRESS_ROW_ID)
                started = time.perf_counter()
                follow_up(factory)  # the recompute's thread, off the request
                warmed.append((time.perf_counter() - started) * 1000)
                floors.append(floor_visit(bare))
                recomputed.append(_visit(client, path, callbacks))
            floors.append(floor_visit(bare))
            hits.append(_visit(client, path, callbacks))
        own = statistics.median(floors)
        miss, hit = statistics.median(misses), statistics.median(hits)
        after = (
            f"{statistics.median(recomputed):8.1f}ms {statistics.median(recomputed) / own:7.1f}× "
            f"{statistics.median(warmed):8.1f}ms"
            if recomputed
            else f"{'-':>10} {'-':>8} {'-':>10}"
        )
        print(
            f"  {name:22} {own:6.1f}ms {miss:7.1f}ms {miss / own:7.1f}× {after} "
            f"{hit:7.1f}ms {hit / own:7.1f}×"
        )
    engine.dispose()


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factors", default="1,100")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--render-only", action="store_true", help="only the render times in Chromium"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    factors = [int(f) for f in args.factors.split(",")]
    if len(factors) > 1:
        # one process per dataset, so that one dataset's memory and caches do not
        # weigh on the next one's figures
        for factor in factors:
            argv = [
                sys.executable,
                __file__,
                "--factors",
                str(factor),
                "--repeat",
                str(args.repeat),
                *(["--render-only"] if args.render_only else []),
            ]
            subprocess.run(argv, check=True)
        return
    for factor in factors:
        print(f"\n== dataset {factor}x the sample ==")
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp)
            started = time.perf_counter()
            url = build_database(data_dir, factor)
            print(f"  database built in {time.perf_counter() - started:.0f} s")
            port, floor_port = free_port(), free_port()
            process = start_app(data_dir, port)
            floor_process = start_floor(floor_port)
            load_before = _load()
            try:
                requests, renders = record(
                    f"http://127.0.0.1:{port}", f"http://127.0.0.1:{floor_port}"
                )
            finally:
                for server in (process, floor_process):
                    server.terminate()
                    server.wait(timeout=10)
            print_renders(renders, load_before)
            if args.render_only:
                continue
            os.environ["DATA_DIR"] = str(data_dir)
            os.environ["DATABASE_URL"] = url
            replay(url, requests, args.repeat)
            print(f"  load average before the visits: {_load()}")
            replay_visits(url, requests, args.repeat, floor_visit_ms(args.repeat))
            print(f"  load average after: {_load()}")


if __name__ == "__main__":
    main()
