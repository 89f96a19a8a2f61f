"""The users of the load test (scripts/load_test.py starts locust with this file).

Viewers open 总览, 指标 and 地区 as a browser does: the page, the static files
(bundles, stylesheets, plotly and dcc's async chunks: those Chromium fetched),
Dash's layout and dependencies, then every callback the browser sent on that
page (recorded from Chromium by the driver, replayed in order). Every request
says ``Accept-Encoding: gzip, deflate, br`` as Chromium does, and each viewer
keeps a browser cache: a static file is fetched on the viewer's first visit,
then not at all while its ``Cache-Control`` keeps it fresh, or revalidated with
``If-None-Match`` (a 304) when it says ``no-cache``. LOAD_COLD_SHARE of the
viewers start with an empty cache; the others are returning readers whose
browser holds the files as the driver fetched them. Reporters send
statistics files for their own region through the intake API, each file a new
set of values, and log what they sent and what the server answered, so that the
driver can check afterwards that every accepted row is stored once.

Settings come from the environment the driver sets: LOAD_PLAN (a JSON file),
LOAD_VIEWERS, LOAD_REPORTERS, LOAD_THINK (a viewer's seconds on a page, "min,max"),
LOAD_COLD_SHARE (the share of viewers whose browser cache starts empty),
LOAD_UPLOAD_LOG and LOAD_PAGE_LOG.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import random
import time

from locust import FastHttpUser, HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
UPLOAD_LOG = os.environ["LOAD_UPLOAD_LOG"]
PAGE_LOG = os.environ["LOAD_PAGE_LOG"]  # whole page visits, timed apart from the requests
THINK = [float(s) for s in os.environ.get("LOAD_THINK", "5,15").split(",")]
REPORTERS = itertools.count()
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
COLD_SHARE = float(os.environ.get("LOAD_COLD_SHARE", "0.2"))


def fresh_for_a_while(cache_control: str) -> bool:
    """Whether a browser reuses the file without asking (a max-age and no no-cache)."""
    return "max-age=" in cache_control and "no-cache" not in cache_control


class Viewer(FastHttpUser):
    """A leader or staff member reading pages, a few seconds on each."""

    fixed_count = int(os.environ.get("LOAD_VIEWERS", "50"))
    wait_time = between(*THINK)  # reading the page

    def on_start(self) -> None:
        # path -> (ETag, fresh): the browser's; a returning reader's holds the static files
        self.cache: dict[str, tuple[str, bool]] = {}
        if random.random() >= COLD_SHARE:
            self.cache = {p: (etag, fresh) for p, (etag, fresh) in PLAN["static_cache"].items()}

    def _static_files(self) -> str | None:
        """The static files as the browser's cache asks for them; a failure or None."""
        failure = None
        for path in PLAN.get("static", []):
            etag, fresh = self.cache.get(path, ("", False))
            if fresh:
                continue
            headers = {**BROWSER, **({"If-None-Match": etag} if etag else {})}
            name = "static files, revalidated" if etag else "static files, first visit"
            with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
                if response.status_code == 200:
                    cache_control = response.headers.get("Cache-Control", "")
                    self.cache[path] = (
                        response.headers.get("ETag", ""),
                        fresh_for_a_while(cache_control),
                    )
                elif response.status_code != 304:
                    failure = f"GET {path}: {response.status_code}"
                    response.failure(failure)
        return failure

    def _visit(self, name: str) -> None:
        visit = PLAN["visits"][name]
        started = time.perf_counter()
        failure = None
        for path in (visit["path"], None, "/_dash-layout", "/_dash-dependencies"):
            if path is None:  # the page's scripts and stylesheets, before Dash starts
                failure = self._static_files() or failure
                continue
            with self.client.get(
                path, name=f"{name} GET", headers=BROWSER, catch_response=True
            ) as response:
                if response.status_code != 200:
                    failure = f"GET {path}: {response.status_code}"
                    response.failure(failure)
        for body in visit["callbacks"]:
            with self.client.post(
                "/_dash-update-component",
                json=body,
                name=f"{name} callback",
                headers={"Origin": self.host, **BROWSER},
                catch_response=True,
            ) as response:
                if response.status_code not in (200, 204):
                    failure = f"callback {body.get('output', '')[:60]}: {response.status_code}"
                    response.failure(failure)
        entry = {"page": name, "ms": (time.perf_counter() - started) * 1000, "failure": failure}
        with open(PAGE_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")

    @task(3)
    def home(self) -> None:
        self._visit(random.choice(PLAN["groups"]["总览"]))

    @task(2)
    def indicator(self) -> None:
        self._visit(random.choice(PLAN["groups"]["指标"]))

    @task(2)
    def region(self) -> None:
        self._visit(random.choice(PLAN["groups"]["地区"]))


class Reporter(HttpUser):
    """A region's statistics system sending a file every few seconds."""

    fixed_count = int(os.environ.get("LOAD_REPORTERS", "5"))
    wait_time = between(2, 5)

    def on_start(self) -> None:
        reporters = PLAN["reporters"]
        self.reporter = reporters[next(REPORTERS) % len(reporters)]
        self.rng = random.Random(self.reporter["region"])

    @task
    def upload(self) -> None:
        rows = [
            [
                r["region"],
                r["indicator"],
                r["period"],
                round(r["value"] * self.rng.uniform(0.98, 1.02), 3),
                r["unit"],
                "",
            ]
            for r in self.reporter["rows"]
        ]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["地区", "指标", "期间", "数值", "单位", "备注"])
        writer.writerows(rows)
        content = buffer.getvalue().encode("utf-8")
        with self.client.post(
            "/api/v1/submissions",
            files={"file": (f"load-{self.reporter['region']}.csv", content, "text/csv")},
            headers={"Authorization": f"Bearer {self.reporter['token']}"},
            name="报送 API upload",
            catch_response=True,
        ) as response:
            try:
                body = response.json()
            except ValueError:
                body = {}
            # 201 imported at once (直报), 202 waiting for review
            if response.status_code not in (201, 202):
                response.failure(f"{response.status_code}: {str(body)[:200]}")
        entry = {
            "token": self.reporter["region"],
            "http": response.status_code,
            "submission_id": body.get("submission_id"),
            "status": body.get("status"),
            "rows": rows,
            "sent_at": time.time(),
        }
        with open(UPLOAD_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
