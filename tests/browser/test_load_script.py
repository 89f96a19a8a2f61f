"""scripts/load_test.py, small: the whole chain (init, gunicorn, scheduler, callbacks
recorded in Chromium, locust, the row checks) runs and finds nothing wrong. The
figures in docs/performance.md come from the full-size run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config.settings import PROJECT_ROOT


@pytest.mark.exclusive  # a load test: not beside another worker's tests
def test_lts001_a_short_load_test_passes_its_checks() -> None:
    server = os.environ.get("TEST_DATABASE_URL")
    backend = ["--server", server] if server else ["--sqlite"]
    run = subprocess.run(
        [
            sys.executable,
            "scripts/load_test.py",
            "--viewers",
            "4",
            "--reporters",
            "2",
            "--duration",
            "12",
            "--workers",
            "2",
            "--think",
            "1,2",
            *backend,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "result: 0 failed requests, 0 server tracebacks, 0 failed checks" in run.stdout
    uploads = next(line for line in run.stdout.splitlines() if "uploads:" in line)
    assert " 0 accepted" not in uploads  # reporters did upload
    assert "all page visits" in run.stdout
