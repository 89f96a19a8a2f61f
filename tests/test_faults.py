"""Faults a production server meets, provoked for real: the importing process killed,
PostgreSQL restarted under the running app, two reviewers approving one file at the
same moment, the data folder's disk full or read-only. Each must end with a clear
answer, nothing half-written, nothing lost, and the app working again by itself.

The PostgreSQL restart needs the local server (pg_ctlcluster, root); the disk tests
mount a small tmpfs (root). Elsewhere they are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from config.settings import PROJECT_ROOT
from db import models
from db.catalogue import stored_catalogue
from db.errors import DISK_FULL, UNREACHABLE
from db.regions import load_directory
from db.scratch import postgres_database
from db.session import make_engine, make_session_factory, transaction
from db.users import account_of, create_token, create_user
from tests.helpers import approve_all_body, show_rows_body
from tests.helpers import data_dir as seeded
from tests.live import gunicorn, signed_in
from workflows.intake import INTERRUPTED, INTERRUPTED_AFTER, recover_interrupted
from workflows.review import submit

if TYPE_CHECKING:
    from tests.conftest import Seeds

HEADER = "地区,指标,期间,数值,单位,备注\n"


def _count(factory: sessionmaker[Session], model: type, **where: object) -> int:
    with factory() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return session.scalar(query)


def _environment(url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(data_dir),
        "LOAD_SAMPLE_DATA": "false",
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _monthly_rows(factory: sessionmaker[Session], rows: int, start_year: int = 1990) -> str:
    """``rows`` valid template rows: monthly figures of every unit, year after year."""
    with factory() as session:
        directory = load_directory(session)
        catalogue = stored_catalogue(session)
    units = [r for r in directory if not r.is_grouping and r.level != "province"]
    monthly = [i for i in catalogue.indicators.values() if i.frequency == "monthly"]
    lines = []
    year = start_year
    while len(lines) < rows:
        for indicator in monthly:
            for unit in units:
                for month in range(1, 13):
                    value = (len(lines) % 89) + 1.25
                    lines.append(
                        f"{unit.name_zh},{indicator.name_zh},{year}年{month}月,{value},"
                        f"{indicator.unit},"
                    )
        year += 1
    return HEADER + "\n".join(lines[:rows]) + "\n"


def _post_file(base: str, token: str, name: str, content: str) -> tuple[int, dict]:
    """POST /api/v1/submissions as a statistics system does (multipart)."""
    boundary = "ccecfaulttest"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content.encode()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        base + "/api/v1/submissions",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def _get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


# ------------------------------------------------- killed during an import ---


def test_flt001_an_import_killed_halfway_leaves_nothing_and_can_be_sent_again(
    published_url: str, tmp_path: Path
) -> None:
    db_url = published_url  # as import-file prepares an empty database (sample=False)
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    before = _count(factory, models.Observation)
    path = tmp_path / "月度数据.csv"
    path.write_text(_monthly_rows(factory, 200_000), encoding="utf-8")
    env = _environment(db_url, tmp_path / "data")
    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import-file", str(path)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while _count(factory, models.Submission, status="received") == 0:
        assert importer.poll() is None, "the import ended before its rows were being written"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)  # well into the transaction that writes the 200,000 rows
    assert importer.poll() is None, "the import finished before it could be killed"
    importer.kill()  # SIGKILL: no clean-up of any kind
    importer.wait()

    assert _count(factory, models.Observation) == before  # nothing half-written
    with factory() as session:
        [killed] = session.scalars(
            select(models.Submission).where(models.Submission.status == "received")
        ).all()
        assert killed.content == path.read_bytes()  # the file is kept
    # the scheduler's recovery sweep, once the import is clearly dead
    later = datetime.now(UTC) + INTERRUPTED_AFTER + timedelta(minutes=1)
    assert recover_interrupted(factory, now=later) == [killed.id]
    with factory() as session:
        failed = session.get(models.Submission, killed.id)
        assert failed.status == "failed" and failed.report["failure"] == INTERRUPTED

    again = _manage(env, "import-file", str(path))
    assert again.returncode == 0, again.stderr
    assert "已导入（新增 200000" in again.stdout
    assert _count(factory, models.Observation) == before + 200_000
    engine.dispose()


# ------------------------------------------------ PostgreSQL restarted ---


def _cluster() -> tuple[str, str] | None:
    """(version, name) of the local PostgreSQL cluster the test server runs on."""
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server or make_url(server).host not in ("127.0.0.1", "localhost"):
        return None
    if shutil.which("pg_lsclusters") is None or os.geteuid() != 0:
        return None
    listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    for line in listed.stdout.splitlines():
        version, name, port, *_ = line.split()
        if port == str(make_url(server).port or 5432):
            return version, name
    return None


def _pg(action: str, cluster: tuple[str, str]) -> None:
    subprocess.run(["pg_ctlcluster", *cluster, action], check=True, timeout=120)
    if action != "stop":
        subprocess.run(["pg_isready", "-q", "-t", "60", "-h", "127.0.0.1"], check=True)


@pytest.mark.exclusive  # the server restarted is the one every test worker uses
def test_flt002_postgresql_restarted_under_the_running_app(tmp_path: Path) -> None:
    cluster = _cluster()
    if cluster is None:
        pytest.skip("需要本机 PostgreSQL（TEST_DATABASE_URL 指向 127.0.0.1、pg_ctlcluster、root）")
    with postgres_database(os.environ["TEST_DATABASE_URL"], "ccec_fault") as url:
        env = _environment(url, tmp_path)
        assert _manage(env, "init").returncode == 0
        with gunicorn(env, tmp_path / "gunicorn.log", workers=2) as base:
            for _ in range(10):  # both workers hold pooled connections now
                assert _get(base, "/api/v1/indicators")[0] == 200
            _pg("restart", cluster)
            answers = [_get(base, "/api/v1/indicators")[0] for _ in range(20)]
            assert answers == [200] * 20  # stale connections replaced, no restart of the app
            _pg("stop", cluster)
            try:
                status, body = _get(base, "/api/v1/indicators")
                assert status == 503 and json.loads(body)["error"] == UNREACHABLE
                status, body = _get(base, "/health")
                assert status == 503 and json.loads(body)["database"]["ok"] is False
            finally:
                _pg("start", cluster)
            assert [_get(base, "/api/v1/indicators")[0] for _ in range(10)] == [200] * 10
            assert _get(base, "/health")[0] == 200


# ------------------------------------------- two reviewers at the same time ---


def test_flt003_two_reviewers_approving_one_file_at_once_import_it_once(
    ready_url: str, tmp_path: Path
) -> None:
    db_url = ready_url  # as ensure_ready(sample=False, published=False) leaves it
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        reporter = create_user(session, "cd", "成都-密码-2026", "reporter", regions=["510100"])
        create_user(session, "r1", "审核一-密码-2026", "reviewer")
        create_user(session, "r2", "审核二-密码-2026", "reviewer")
        account = account_of(reporter)
    content = (
        HEADER + "成都市,地区生产总值,2024年,23511.3,亿元,\n成都市,常住人口,2024年,2147.0,万人,\n"
    )
    pending = submit(factory, "成都-2024.csv", content.encode(), account)
    assert pending.status == "pending"
    env = _environment(db_url, tmp_path)
    with gunicorn(env, tmp_path / "gunicorn.log", workers=2) as base:
        reviewers = [
            signed_in(base, "r1", "审核一-密码-2026"),
            signed_in(base, "r2", "审核二-密码-2026"),
        ]
        start = threading.Barrier(2)
        answers: list[str] = []

        def post(client: urllib.request.OpenerDirector, body: dict) -> urllib.request.Request:
            return urllib.request.Request(
                base + "/_dash-update-component",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "Origin": base},
            )

        def approve(client: urllib.request.OpenerDirector) -> None:
            # each reviewer's page holds the file's rows (the view the decision names)
            chosen = show_rows_body([{"submission_id": pending.submission_id}])
            with client.open(post(client, chosen), timeout=60) as response:
                view = json.loads(response.read())["response"]["review-view"]["data"]
            request = post(client, approve_all_body(pending.submission_id, view))
            start.wait()
            try:
                with client.open(request, timeout=60) as response:
                    answer = json.loads(response.read())
                answers.append(json.dumps(answer, ensure_ascii=False))
            except urllib.error.HTTPError as failed:
                answers.append(f"HTTP {failed.code}: {failed.read()[:300]!r}")

        threads = [threading.Thread(target=approve, args=(c,)) for c in reviewers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
    assert len(answers) == 2
    won = [a for a in answers if "已通过" in a and "通过 2 行" in a]
    lost = [a for a in answers if a not in won]
    assert len(won) == 1 and len(lost) == 1, answers
    assert any(
        reason in lost[0]
        for reason in ("其他审核员同时审核", "已审核完毕", "不是待审核", "页面已过期")
    ), lost[0]
    assert _count(factory, models.Observation, layer="reported") == 2  # imported once
    assert _count(factory, models.AuditEvent, action="approve") == 3  # the file + 2 rows
    with factory() as session:
        submission = session.get(models.Submission, pending.submission_id)
        assert submission.status == "approved"
    engine.dispose()


# ------------------------------------------- disk full, folder read-only ---


@contextmanager
def small_disk(path: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` at ``path``: a disk that really fills up."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("需要 root 权限挂载 tmpfs 以模拟磁盘写满")
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"无法挂载 tmpfs：{mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(folder: Path) -> Path:
    """Write until the disk says no more."""
    filler = folder / "filler.bin"
    # Unbuffered: a buffered file keeps the chunk that did not fit and raises
    # ENOSPC again when it is closed.
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while True:
            os.write(descriptor, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(descriptor)
    return filler


def _system_token(url: str) -> str:
    """A token of the joint office's statistics system (any region)."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, "sys", "系统-密码-2026", "reviewer")
        token = create_token(session, "sys", "统计平台")
    engine.dispose()
    return token


def _integrity(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        result = conn.execute(text("PRAGMA integrity_check")).scalar_one()
    engine.dispose()
    return result


def test_flt004_a_full_disk_refuses_the_file_clearly_and_loses_nothing(
    seeds: Seeds, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk", 160) as data_dir:
        url = f"sqlite:///{seeded(seeds, data_dir, 'published') / 'monitor.sqlite'}"
        env = _environment("", data_dir)  # the database as init leaves it
        token = _system_token(url)
        first = HEADER + "成都市,地区生产总值,2024年,23511.3,亿元,\n"
        factory = make_session_factory(make_engine(url))
        big = _monthly_rows(factory, 60_000)
        with gunicorn(env, tmp_path / "gunicorn.log", workers=1) as base:
            assert _post_file(base, token, "first.csv", first)[0] == 201
            filler = _fill(data_dir)
            status, body = _post_file(base, token, "big.csv", big)
            # refused whole: either the file could not be kept at all (503), or it was
            # kept and its import failed as one transaction (422), naming the disk
            assert (status, body.get("error")) == (503, DISK_FULL) or (
                status == 422 and DISK_FULL in body["report"]["failure"]
            ), (status, str(body)[:500])
            # what was stored before is still there and still served
            status, observed = _get(base, "/api/v1/observations?indicator=gdp&region=510100")
            reported = [o for o in json.loads(observed)["observations"] if o["layer"] == "reported"]
            assert status == 200 and [o["value"] for o in reported] == [23511.3]
            filler.unlink()  # the administrator frees space; the same file is sent again
            status, body = _post_file(base, token, "big.csv", big)
            assert status == 201, str(body)[:500]
        assert _count(factory, models.Observation, layer="reported") == 60_001
        assert _integrity(url) == "ok"
        factory.kw["bind"].dispose()


def test_flt005_a_read_only_data_folder_is_named_not_a_traceback(
    seeds: Seeds, tmp_path: Path
) -> None:
    """The folder goes read-only (a remount after a disk error, a wrong permission):
    every way of starting refuses with the reason, and nothing stored changes."""
    with small_disk(tmp_path / "disk", 40) as data_dir:
        url = f"sqlite:///{seeded(seeds, data_dir, 'published') / 'monitor.sqlite'}"
        env = _environment("", data_dir)  # the database as init leaves it
        factory = make_session_factory(make_engine(url))
        stored = _count(factory, models.Observation)
        factory.kw["bind"].dispose()
        subprocess.run(["mount", "-o", "remount,ro", str(data_dir)], check=True)
        try:
            message = "不可写（所在文件系统为只读）"
            for command in (
                [sys.executable, "manage.py", "init"],
                [sys.executable, "-m", "dashboard", "--port", "0"],
            ):
                refused = subprocess.run(
                    command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
                )
                assert refused.returncode != 0 and message in refused.stderr, refused.stderr
                assert "Traceback" not in refused.stderr
            with pytest.raises(AssertionError):  # gunicorn's workers do not boot …
                with gunicorn(env, tmp_path / "gunicorn.log", workers=1, wait=15):
                    pass
            assert message in (tmp_path / "gunicorn.log").read_text()  # … and say why
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(data_dir)], check=True)
        factory = make_session_factory(make_engine(url))
        assert _count(factory, models.Observation) == stored
        factory.kw["bind"].dispose()
        assert _integrity(url) == "ok"
