"""Pages cached by data version (issue 19 items 1 and 4): a reply computed by one
worker is served by another from the shared table, an accepted upload through
another worker invalidates it, the read API answers 304 to a client holding the
current ETag, and what depends on the signed-in user is never cached."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import brotli
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from config.settings import load_settings
from dashboard import page_cache
from dashboard.app import create_app
from dashboard.page_cache import cacheable_callback
from db import models
from db.data_version import PROGRESS_ROW_ID, current_version, current_versions, raise_version
from db.session import make_engine, make_session_factory, transaction
from db.users import create_token, create_user
from tests.helpers import router_body, sign_in
from workflows.progress import wait_for_progress

ORIGIN = {"Origin": "http://localhost"}
OUTPUTS = (("body", "children"), ("share", "href"))
INPUTS = (("indicator", "gdp"), ("region", "500000"))
# the 指标 page's table tab for 重庆's GDP, as the browser asks for it (the chart's
# figures travel as plotly's base64 arrays, the table's as text)
INDICATOR_BODY: dict[str, Any] = {
    "output": "..ind-body.children...ind-share.href..",
    "outputs": [{"id": f"ind-{part}", "property": prop} for part, prop in OUTPUTS],
    "inputs": [{"id": f"ind-{part}", "property": "value", "value": v} for part, v in INPUTS]
    + [{"id": "ind-tabs", "property": "active_tab", "value": "table"}],
    "state": [{"id": "url", "property": "search", "value": "?id=gdp&region=500000"}],
    "changedPropIds": ["ind-region.value"],
}


@pytest.fixture(scope="module")
def world(module_ready_url: str) -> Iterator[dict[str, Any]]:
    factory = make_session_factory(engine := make_engine(module_ready_url))
    with transaction(factory) as session:  # a region's system that sends directly (直报)
        create_user(session, "pc_cq", "password-1234", "reporter", regions=["500000"])
        token = create_token(session, "pc_cq", "重庆直报系统", trusted=True)
    # two workers: two apps on one database (as gunicorn's processes are); each
    # serves a request before the next is made, so that each takes the pages' callbacks
    clients = []
    for _ in range(2):
        clients.append(create_app(load_settings({}), factory).server.test_client())
        assert clients[-1].get("/_dash-dependencies").status_code == 200
    yield {"factory": factory, "token": token, "first": clients[0], "second": clients[1]}
    engine.dispose()


def upload(client: FlaskClient, token: str, value: str) -> None:
    body = f"地区,指标,期间,数值,单位,备注\n重庆市,地区生产总值,2025年,{value},亿元,\n"
    response = client.post(
        "/api/v1/submissions",
        data={"file": (io.BytesIO(body.encode("utf-8")), "cq.csv")},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert wait_for_progress()  # the verdict's recompute runs after the answer (item 2)


def rendered(client: FlaskClient, **headers: str) -> Any:
    response = client.post(
        "/_dash-update-component", json=INDICATOR_BODY, headers={**ORIGIN, **headers}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


# 进展报告 for 重庆 (the page router's reply): drawn from the progress snapshots and the
# reference data alone, it shows each target's latest figure as the recompute assessed it
REPORT_BODY = router_body("/report", "?scope=500000")


MARKED = b'{"marked": true}'


def posted(client: FlaskClient, body: dict[str, Any]) -> str:
    response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def stored_rows(factory: Any) -> list[tuple[str, int]]:
    with factory() as session:
        return list(session.execute(select(models.PageCache.key, models.PageCache.version)))


def test_pgc001_an_upload_on_another_worker_invalidates_the_page(world) -> None:
    first, second, factory = world["first"], world["second"], world["factory"]
    upload(second, world["token"], "30111.22")
    page = rendered(first).get_data(as_text=True)
    assert "30,111" in page or "30111" in page
    page_cache.flush()  # the worker's writer thread stores it, off the request
    with factory() as session:
        version = current_version(session)
    rows = stored_rows(factory)
    assert [v for _, v in rows] == [version]  # kept for the other workers, this version only
    # the other worker serves the stored reply instead of computing it: marked, it shows
    marked = page.replace("30,111", "MARKED").replace("30111", "MARKED").encode()
    with transaction(factory) as session:
        session.execute(update(models.PageCache).values(body=marked))
    page_cache._memory.clear()  # the other worker is another process: its memory is its own
    page_cache._reads_seen.clear()  # and what it saw read
    assert "MARKED" in rendered(second).get_data(as_text=True)
    # an accepted upload through that worker raises the version: every worker recomputes
    upload(second, world["token"], "31222.33")
    with factory() as session:
        assert current_version(session) > version
    again = rendered(first).get_data(as_text=True)
    assert "MARKED" not in again and ("31,222" in again or "31222" in again)
    from_second = rendered(second).get_data(as_text=True)
    assert "31,222" in from_second or "31222" in from_second
    page_cache.flush()
    with factory() as session:
        assert {v for _, v in stored_rows(factory)} == {current_version(session)}


def test_pgc002_a_cached_reply_is_sent_compressed(world) -> None:
    plain = rendered(world["first"])
    for _ in range(2):  # computed or not, the same bytes arrive
        packed = rendered(world["first"], **{"Accept-Encoding": "gzip, br"})
        assert packed.headers["Content-Encoding"] == "br"
        assert packed.headers["Cache-Control"] == "no-store"
        assert brotli.decompress(packed.get_data()) == plain.get_data()


def test_pgc003_read_api_answers_304_while_the_data_version_stands(world) -> None:
    client = world["first"]
    answer = client.get("/api/v1/progress")
    assert answer.status_code == 200
    etag = answer.headers["ETag"]
    assert answer.headers["Cache-Control"] == "private, no-cache"
    again = client.get("/api/v1/progress", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get("/api/v1/progress?region=重庆市", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another address, another ETag
    second = world["second"].get("/api/v1/progress", headers={"If-None-Match": etag})
    assert second.status_code == 304  # the version is the database's: any worker agrees
    upload(world["second"], world["token"], "32333.44")
    changed = client.get("/api/v1/progress", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    refused = client.get("/api/v1/progress?as_of=二〇二五")
    assert refused.status_code == 400  # refusals are answered, not kept


@pytest.mark.parametrize(
    ("output", "path", "signed_in", "cached"),
    [
        (".._pages_content.children..._pages_store.data..", "/", False, True),
        (".._pages_content.children..._pages_store.data..", "/", True, True),
        (".._pages_content.children..._pages_store.data..", "/indicator", False, True),
        (".._pages_content.children..._pages_store.data..", "/review", False, False),
        (".._pages_content.children..._pages_store.data..", "/admin", False, False),
        (".._pages_content.children..._pages_store.data..", "/submit", False, False),
        # 数据校验's page is a form the same for everyone; its check is not kept
        (".._pages_content.children..._pages_store.data..", "/upload", True, True),
        ("..upload-summary.children...upload-grid.rowData..", "/upload", False, False),
        ("..home-map.figure...home-share.href..", "/", False, True),
        ("..review-rows.rowData...review-view.data..", "/review", False, False),
        ("app-header.children", "/", False, True),
        ("app-header.children", "/", True, False),
        ("ind-download.data", "/indicator", False, False),
    ],
)
def test_pgc004_only_pages_the_same_for_every_reader_are_cached(
    output: str, path: str, signed_in: bool, cached: bool
) -> None:
    modules = {
        "..home-map.figure...home-share.href..": "pages.home",
        "..review-rows.rowData...review-view.data..": "pages.review",
        "ind-download.data": "pages.indicator",
        "..upload-summary.children...upload-grid.rowData..": "pages.upload",
        "app-header.children": None,
    }
    payload = {
        "output": output,
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path}],
    }
    assert cacheable_callback(payload, modules, signed_in) is cached


def test_pgc006_a_new_release_does_not_serve_what_the_old_one_rendered(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Upgraded code on an unchanged database showed the old status words from the cache:
    the program's build is part of every key and ETag."""
    client = world["first"]
    etag = client.get("/api/v1/progress").headers["ETag"]
    assert client.get("/api/v1/progress", headers={"If-None-Match": etag}).status_code == 304
    monkeypatch.setattr(page_cache, "BUILD", "next-release")
    upgraded = client.get("/api/v1/progress", headers={"If-None-Match": etag})
    assert upgraded.status_code == 200 and upgraded.headers["ETag"] != etag
    assert len(page_cache.BUILD) and page_cache._code_digest() == page_cache._code_digest()


def test_pgc007_a_reply_is_kept_by_the_versions_of_what_it_read(world) -> None:
    """A page drawn from the progress snapshots and the reference data alone (进展报告)
    is kept by the progress version: a change that leaves the snapshots (an upload
    before its recompute, a project) does not throw it away, while a page showing
    observations (指标) is computed again; the recompute of an accepted upload on
    another worker (it changes snapshots) invalidates the report."""
    first, second, factory = world["first"], world["second"], world["factory"]
    page_cache._memory.clear()
    page_cache._reads_seen.clear()  # what 指标 reads is not known yet: kept by data version
    report = posted(first, REPORT_BODY)
    indicator = rendered(first).get_data(as_text=True)
    assert len(page_cache._memory) == 2
    for reply in page_cache._memory.values():  # mark what this worker keeps
        reply.body, reply.encoded = MARKED, {}
    with transaction(factory) as session:  # as an upload before its recompute does
        raise_version(session)
    assert posted(first, REPORT_BODY) == MARKED.decode()  # kept: it read no observation
    assert rendered(first).get_data(as_text=True) == indicator  # computed again
    # another worker, its memory empty, gives the same report (the table's row went
    # with the data version: the workers that computed it keep it in memory)
    page_cache._memory.clear()
    assert posted(second, REPORT_BODY) == report
    with transaction(factory) as session:  # a recompute that changed the snapshots
        raise_version(session)
        raise_version(session, PROGRESS_ROW_ID)
    for reply in page_cache._memory.values():
        reply.body, reply.encoded = MARKED, {}
    assert posted(first, REPORT_BODY) == report  # computed again, not the marked one
    # an accepted upload through the other worker: its recompute changes snapshots and
    # raises the progress version, so the first worker's kept report is not served
    with factory() as session:
        progress = current_versions(session)[2]
    for reply in page_cache._memory.values():
        reply.body, reply.encoded = MARKED, {}
    upload(second, world["token"], "34555.66")
    with factory() as session:
        assert current_versions(session)[2] > progress
    assert posted(first, REPORT_BODY) not in (MARKED.decode(), "")


def test_pgc008_progress_answers_are_kept_in_the_worker_not_the_table(world) -> None:
    """/api/v1/progress is made from the worker's copy of the year's assessments
    (per progress version): its answers stay in the worker's memory, with no write to
    ``page_cache`` for every data version an upload makes; another worker makes its
    own, the same; a snapshot written by another process shows on both."""
    first, second, factory = world["first"], world["second"], world["factory"]
    upload(second, world["token"], "33444.55")
    query = "/api/v1/progress?region=500000"
    before = stored_rows(factory)
    answer = first.get(query)
    assert answer.status_code == 200 and answer.get_json()["count"] > 0
    assert first.get(query).get_data() == answer.get_data()
    assert second.get(query).get_data() == answer.get_data()
    assert stored_rows(factory) == before  # nothing written
    target = answer.get_json()["results"][0]["target_id"]
    with transaction(factory) as session:  # as a recompute elsewhere writes a snapshot
        session.execute(
            update(models.ProgressSnapshot)
            .where(models.ProgressSnapshot.target_id == target)
            .values(latest_value=12345.5)
        )
    for client in (first, second):
        rows = client.get(query).get_json()["results"]
        assert [r["latest_value"] for r in rows if r["target_id"] == target] == [12345.5]


def test_pgc009_a_reply_drawn_for_an_administrator_is_not_served_to_anyone_else(world) -> None:
    """The attack of 2026-12-07: the router's inputs sent in another order, the search
    named "pathname" with the value "/" and the pathname named "search" with "/admin".
    The cache read the names (总览, the same for everyone); Dash took the values by
    position and drew 用户管理 for the signed-in administrator, which was then served,
    with the accounts' names, to an anonymous client sending the same request. Now the
    request check refuses inputs not in the callback's own places, for everyone."""
    factory = world["factory"]
    with transaction(factory) as session:
        create_user(session, "pc_admin", "pc-admin-password-2026", "admin", "缓存管理员")
    crafted = {
        **REPORT_BODY,
        "inputs": [
            {"id": "_pages_location", "property": "search", "value": "/admin"},
            {"id": "_pages_location", "property": "pathname", "value": "/"},
        ],
    }
    admin = create_app(load_settings({}), factory).server.test_client()
    sign_in(admin, "pc_admin", "pc-admin-password-2026")
    rows = stored_rows(factory)
    for client in (admin, world["first"]):
        response = client.post("/_dash-update-component", json=crafted, headers=ORIGIN)
        said = response.get_data(as_text=True)
        assert response.status_code == 400 and "pc_cq" not in said, said[:300]
        assert (
            "回调请求的 inputs 第 1 项与回调定义不符（应为 _pages_location.pathname）"
            in (response.get_json()["error"])
        )
    assert stored_rows(factory) == rows
    # the browser's own order still renders, also without "state" (the browser leaves it
    # out when a callback has none)
    assert "pc_cq" not in posted(world["first"], REPORT_BODY)
    assert "pc_cq" not in posted(admin, {k: v for k, v in REPORT_BODY.items() if k != "state"})


def test_pgc010_a_restarted_worker_does_not_store_another_full_share(world, monkeypatch) -> None:
    """The attack of 2026-12-07: 5,000 crafted requests (odd and 10 KB ``lang`` values)
    left the table at STORED_MAX rows, the worker's count; but the count lived in the
    worker's memory only, so each new worker process (a restart, a worker gunicorn
    replaced after its timeout) stored STORED_MAX more for the same data version. It
    now starts from what the table holds for the version."""
    monkeypatch.setattr(page_cache, "STORED_MAX", 3)
    factory, client = world["factory"], world["first"]
    with transaction(factory) as session:
        raise_version(session)  # a version of its own: no rows stored for it yet
    with factory() as session:
        version = current_version(session)

    def crafted(n: int) -> None:
        body = {**REPORT_BODY, "inputs": [dict(i) for i in REPORT_BODY["inputs"]]}
        body["inputs"][1]["value"] = f"?lang=../../{n}" + "x" * 10_000
        posted(client, body)
        page_cache.flush()

    def rows() -> int:
        return sum(1 for _, v in stored_rows(factory) if v == version)

    for n in range(5):
        crafted(n)
    assert rows() == 3
    page_cache._stored.clear()  # a new worker process, same data version
    for n in range(5, 10):
        crafted(n)
    assert rows() == 3


# 总览 (the page router's reply): observations (the context cards) and the snapshots
HOME_BODY = router_body("/")


def test_pgc011_a_warmed_reply_is_the_freshly_computed_one_byte_for_byte(world) -> None:
    """After an accepted upload's recompute, the worker that served it renders the
    requests its visitors asked most (dashboard/warm.py): the next visit of any worker
    is a hit, and what it gets is exactly what computing the page afresh gives."""
    first, second, factory = world["first"], world["second"], world["factory"]
    page_cache._asked.clear()
    for body in (HOME_BODY, REPORT_BODY, INDICATOR_BODY, HOME_BODY):
        posted(first, body)  # what visitors asked for
    page_cache._memory.clear()
    upload(second, world["token"], "35666.22")  # waits for the recompute and its warming
    warmed = {reply.body for reply in page_cache._memory.values()}
    assert len(warmed) == 3  # nothing else asked meanwhile: the three replies, nothing more
    page_cache.flush()
    bodies = (HOME_BODY, REPORT_BODY, INDICATOR_BODY)
    served = [posted(first, body).encode() for body in bodies]
    assert len(page_cache._memory) == 3 and set(served) == warmed  # hits, nothing computed
    assert b"35,666" in served[2] or b"35666" in served[2]
    with factory() as session:  # stored for the other workers, as computed
        assert set(session.scalars(select(models.PageCache.body))) == warmed
    page_cache._memory.clear()  # the other worker: its memory empty, the table holds them
    assert [posted(second, body).encode() for body in bodies] == served
    # computed afresh: no reply kept anywhere
    page_cache._memory.clear()
    with transaction(factory) as session:
        session.execute(models.PageCache.__table__.delete())
    fresh = [posted(first, body).encode() for body in bodies]
    assert fresh == served


def test_pgc012_a_change_from_another_process_is_not_served_the_warmed_reply(world) -> None:
    """Warmed replies are kept by the versions they read, like any other: an upload
    committed through another engine (another process, whose recompute warms nothing
    here) raises the data version, and the next visit computes the page again."""
    first, second, factory = world["first"], world["second"], world["factory"]
    page_cache._asked.clear()
    posted(first, INDICATOR_BODY)
    upload(second, world["token"], "36777.11")  # recomputed and warmed in this process
    assert "36,777" in posted(first, INDICATOR_BODY) or "36777" in posted(first, INDICATOR_BODY)
    page_cache.flush()
    for reply in page_cache._memory.values():
        reply.body, reply.encoded = MARKED, {}
    with transaction(factory) as session:
        session.execute(update(models.PageCache).values(body=MARKED))
    with factory() as session:
        url = session.get_bind().url
    other = make_engine(url.render_as_string(hide_password=False))
    try:
        with transaction(make_session_factory(other)) as session:
            session.execute(
                update(models.Observation)
                .where(
                    models.Observation.indicator_id == "gdp",
                    models.Observation.region_code == "500000",
                    models.Observation.period == "2025",
                    models.Observation.is_current.is_(True),
                )
                .values(value=37888.11)
            )
    finally:
        other.dispose()
    again = posted(first, INDICATOR_BODY)
    assert again != MARKED.decode() and ("37,888" in again or "37888" in again)


def test_pgc013_warming_counts_visitors_only_and_forgets_slowly(world) -> None:
    """What the warming replays is what visitors asked (its own requests are not counted),
    most asked first; each warm halves the counts, and reading behind a sign-in
    warms nothing (an anonymous replay would be refused)."""
    from dashboard import warm

    first = world["first"]
    page_cache._asked.clear()
    for body in (REPORT_BODY, HOME_BODY, HOME_BODY, HOME_BODY):
        posted(first, body)
    database = next(iter(page_cache._asked))
    counts = page_cache._asked[database]
    assert sorted(counts.values()) == [1, 3]
    app = create_app(load_settings({}), world["factory"])
    assert warm.warm(app) == 2  # both answered, not counted as asked
    assert list(page_cache._asked[database].values()) == [1]  # 3 // 2; 1 // 2 forgotten
    assert warm.warm(app, stop=lambda: True) == 0
    from workflows import progress

    hook = progress._after_recompute.get(world["factory"])
    assert hook is not None  # the last unguarded app's
    guarded = create_app(load_settings({}, read_requires_login=True), world["factory"])
    assert guarded.server.extensions["ccec_monitor"]["settings"].read_requires_login
    assert progress._after_recompute.get(world["factory"]) is hook  # none registered


def _observation(factory: Any, indicator: str, value: float, period: str = "2026") -> int:
    """A current reported observation of 重庆 written as any channel writes one (no
    recompute: the snapshots and the progress version stay)."""
    with transaction(factory) as session:
        row = models.Observation(
            indicator_id=indicator,
            region_code="500000",
            period=period,
            layer="reported",
            value=value,
            unit="亿元" if indicator == "gdp" else "万人",
        )
        session.add(row)
        session.flush()
        return row.id


def test_pgc014_a_page_showing_observations_is_kept_until_those_change(world) -> None:
    """指标 (重庆's GDP, table) read only GDP's observations besides the snapshots and the
    reference data: a change elsewhere (another indicator's row, a submission) leaves it
    kept; a new GDP row, or one retired, on another worker, has it computed again."""
    first, second, factory = world["first"], world["second"], world["factory"]
    page_cache._memory.clear()
    page_cache._reads_seen.clear()
    rendered(first)  # kept by the data version; what it read is remembered
    with transaction(factory) as session:
        raise_version(session)
    page = rendered(first).get_data(as_text=True)  # kept by the digest of GDP's rows
    for reply in page_cache._memory.values():
        reply.body, reply.encoded = MARKED, {}
    _observation(factory, "population", 3300.5)  # another indicator: data version raised
    assert rendered(first).get_data() == MARKED  # kept: GDP's rows did not change
    gdp = _observation(factory, "gdp", 98765.4)  # on another worker: a new GDP figure
    assert "98,765" in rendered(first).get_data(as_text=True)
    # the same rows again give the same key: the reply kept for them (here marked) is
    # theirs; forgotten, the page is drawn again from them
    page_cache._memory.clear()
    with transaction(factory) as session:  # retired, nothing written in its place
        session.execute(
            update(models.Observation).where(models.Observation.id == gdp).values(is_current=False)
        )
    again = rendered(first).get_data(as_text=True)
    assert "98,765" not in again and again == page  # as before the new row
    page_cache._memory.clear()  # the other worker, knowing nothing, draws the same
    assert rendered(second).get_data(as_text=True) == page


def _rewrite_snapshot(factory: Any, indicator: str) -> None:
    """A recompute that changed one snapshot of ``indicator``'s targets."""
    of_indicator = select(models.Target.id).where(models.Target.indicator_id == indicator)
    _rewrite(factory, models.ProgressSnapshot.target_id.in_(of_indicator))


def _rewrite(factory: Any, *where: Any, **changed: Any) -> dict[str, Any]:
    """A recompute that changed one latest snapshot ``where`` selects: the row deleted and
    written again (db.progress.write_changed) with the fields ``changed``, the progress
    version raised; the row's fields."""
    s = models.ProgressSnapshot
    with transaction(factory) as session:
        latest = session.scalar(select(func.max(s.as_of)))
        old = session.scalars(select(s).where(s.as_of == latest, *where).limit(1)).one()
        values = {c.name: getattr(old, c.name) for c in s.__table__.columns if c.name != "id"}
        session.execute(s.__table__.delete().where(s.id == old.id))
        session.add(s(**{**values, **changed}))
    return values


CHART_BODY = {
    **INDICATOR_BODY,
    "inputs": [
        *INDICATOR_BODY["inputs"][:2],
        {"id": "ind-tabs", "property": "active_tab", "value": "chart"},
    ],
}


def test_pgc015_a_page_showing_one_indicator_outlives_other_indicators_recomputes(world) -> None:
    """指标 (重庆's GDP, chart: its targets' statuses) read GDP's snapshots through
    snapshot_scope and GDP's observations: a recompute that changed another indicator's snapshots (the progress
    version raised) leaves it kept, on every worker; one that changed a GDP snapshot
    has it computed again. Pages that read the snapshots whole (进展报告) are computed
    again after either."""
    first, second, factory = world["first"], world["second"], world["factory"]
    page_cache._memory.clear()
    page_cache._reads_seen.clear()
    posted(first, CHART_BODY)  # kept by the data version; what it read is remembered
    seen = next(iter(page_cache._reads_seen.values()))
    assert seen.scopes == (("snapshots:indicators", ("gdp",)), ("indicators", ("gdp",)))
    assert not seen.progress
    with transaction(factory) as session:
        raise_version(session)
    page = posted(first, CHART_BODY)  # kept by the digests of GDP's rows
    report = posted(first, REPORT_BODY)
    for reply in page_cache._memory.values():
        reply.body, reply.encoded = MARKED, {}
    _rewrite_snapshot(factory, "population")  # another indicator's recompute
    assert posted(first, CHART_BODY) == MARKED.decode()  # kept
    assert posted(first, REPORT_BODY) == report  # read the snapshots whole: drawn again
    # the other worker, knowing nothing (its memory its own: the table's row went with
    # the data version), draws the same
    page_cache._memory.clear()
    page_cache._reads_seen.clear()
    assert posted(second, CHART_BODY) == page  # kept by the data version (first time)
    assert posted(second, CHART_BODY) == page  # by the digests
    for reply in page_cache._memory.values():
        reply.body, reply.encoded = MARKED, {}
    assert posted(second, CHART_BODY) == MARKED.decode()  # and kept
    _rewrite_snapshot(factory, "gdp")  # GDP's own: drawn again, the same figures
    assert posted(second, CHART_BODY) == page


def test_pgc016_no_digest_key_while_the_progress_version_moves(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot digest is taken after the request read the progress version, which
    keeps the worker's page data: if a recompute committed in between, the page would be
    drawn from older data than the digest says — no digest key then, the reply is kept
    by the data version read before."""
    first, factory = world["first"], world["factory"]
    page_cache._memory.clear()
    page_cache._reads_seen.clear()
    with transaction(factory) as session:  # computed here, not taken from the table
        session.execute(models.PageCache.__table__.delete())
    page = posted(first, CHART_BODY)  # what it read is remembered
    with transaction(factory) as session:  # an upload: the data version's key misses
        raise_version(session)
    keys: list[str | None] = []
    real = page_cache.scoped_key

    def racing(text: str, reads: page_cache.Reads) -> str | None:
        with transaction(factory) as session:  # a recompute commits meanwhile
            raise_version(session)
            raise_version(session, PROGRESS_ROW_ID)
        keys.append(real(text, reads))
        return keys[-1]

    monkeypatch.setattr(page_cache, "scoped_key", racing)
    assert posted(first, CHART_BODY) == page
    assert keys == [None]


def _rewrite_scope_snapshot(factory: Any, scopes: tuple[str, ...]) -> str:
    """A recompute that changed one latest snapshot of one of ``scopes``; which scope."""
    return str(_rewrite(factory, models.ProgressSnapshot.scope_code.in_(scopes))["scope_code"])


REGION_BODY = router_body("/region", "?code=500000")


def test_pgc017_a_region_outlives_recomputes_of_scopes_it_does_not_show(world) -> None:
    """地区 (重庆) read the latest snapshots' census (which targets and scopes they hold)
    and the snapshots of 重庆 and of the scopes it lies under: the recompute of a
    Sichuan city's target leaves it kept; one of 重庆's own, or of 川渝's (it lies under
    it), has it drawn again."""
    first, factory = world["first"], world["factory"]
    page_cache._memory.clear()
    page_cache._reads_seen.clear()
    posted(first, REGION_BODY)
    seen = next(iter(page_cache._reads_seen.values()))
    assert not seen.progress and ("snapshots:census", ()) in seen.scopes
    regions = dict(seen.scopes)["snapshots:regions"]
    assert "500000" in regions and "sichuan_chongqing" in regions and "510100" not in regions
    with transaction(factory) as session:
        raise_version(session)
    page = posted(first, REGION_BODY)  # kept by the digests
    sichuan = tuple(sorted({"510100", "510000", "510700", "511300", "chengdu_metro_area"}))
    for scope in (sichuan, ("500000",), ("sichuan_chongqing",)):
        for reply in page_cache._memory.values():
            reply.body, reply.encoded = MARKED, {}
        changed = _rewrite_scope_snapshot(factory, scope)
        again = posted(first, REGION_BODY)
        expected = page if changed in regions else MARKED.decode()  # drawn again / kept
        assert (changed, again) == (changed, expected)
    assert changed == "sichuan_chongqing"


def test_pgc018_the_overview_outlives_recomputes_that_move_no_status(world) -> None:
    """总览 read the statuses of the latest snapshots (and the year before's), which
    targets they hold, and the figures of the headline targets alone: a recompute that
    changed another target's figures and not its status leaves it kept; one that moved
    a status, or changed a headline target's figures, has it drawn again."""
    first, factory = world["first"], world["factory"]
    page_cache._memory.clear()
    page_cache._reads_seen.clear()
    posted(first, HOME_BODY)
    seen = dict(next(iter(page_cache._reads_seen.values())).scopes)
    headline = seen["snapshots:targets"]
    assert "snapshots:statuses" in seen and headline
    with transaction(factory) as session:
        raise_version(session)
    page = posted(first, HOME_BODY)  # kept by the digests
    s = models.ProgressSnapshot

    def marked() -> None:
        for reply in page_cache._memory.values():
            reply.body, reply.encoded = MARKED, {}

    marked()
    _rewrite(factory, s.target_id.not_in(headline))  # written again, its status the same
    assert posted(first, HOME_BODY) == MARKED.decode()  # kept
    marked()
    _rewrite(factory, s.target_id.in_(headline))  # a headline target's figures
    assert posted(first, HOME_BODY) == page  # drawn again: the same
    marked()
    # a target not assessable before is now judged (its status moved), or back again
    old = _rewrite(
        factory, s.target_id.not_in(headline), s.status == "insufficient", status="limited"
    )
    assert old["status"] == "insufficient"
    assert posted(first, HOME_BODY) not in (MARKED.decode(), page)  # drawn again: a new tally


def test_pgc019_a_hit_takes_no_digest_while_no_version_moves(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digests are taken once per data and progress version and request: a visit
    while nothing changed reads no row to find its reply; an upload (the data version)
    has them taken again."""
    first, factory = world["first"], world["factory"]
    page_cache._memory.clear()
    page_cache._reads_seen.clear()
    taken: list[str] = []
    real = page_cache._digest_key

    def counted(text: str, reads: page_cache.Reads) -> str | None:
        taken.append(text)
        return real(text, reads)

    monkeypatch.setattr(page_cache, "_digest_key", counted)
    page = posted(first, CHART_BODY)  # what it reads is learnt: no digest yet
    with transaction(factory) as session:
        raise_version(session)
    assert [posted(first, CHART_BODY) for _ in range(3)] == [page] * 3
    assert len(taken) == 1
    with transaction(factory) as session:
        raise_version(session)
    assert posted(first, CHART_BODY) == page and len(taken) == 2
