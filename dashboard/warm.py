"""Page replies rendered before a visitor asks (issue 19: the first visitor after an
upload or a recompute gets a kept reply, not a miss).

Each worker counts the cacheable callback requests its visitors send
(``dashboard.page_cache.most_asked``: the path and the JSON body exactly as the browser
posted them). After each recompute this process serves on the app's database
(``workflows.progress.after_recompute``: in the recompute's background thread, off any
request, once the page data of the new snapshots are made), the ``WARM_MAX`` requests
asked most are replayed through the app itself — Flask's test client, anonymous: the
same sign-in guard, request checks, cache keys and code as a visitor's request — so each
reply is computed once for the new versions, kept in this worker's memory and stored in
``page_cache`` for the other workers. A reply already kept is a hit and costs nothing.

Nothing here can serve stale data: a warmed reply is kept under the key the request
computes from the versions it read, like any other. It stops at the first request
after another change waits (that change's recompute comes first and warms again), and
does nothing when reading requires signing in (an anonymous replay is refused).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable

import dash

from dashboard.context import EXTENSION, database_name
from dashboard.page_cache import WARMING, flush, most_asked
from workflows.progress import on_recomputed

log = logging.getLogger(__name__)
# requests replayed per recompute: a visit of 总览, 指标 or 地区 asks 3–5 callbacks, so the
# few most visited pages in both languages
WARM_MAX = 24
# the test client's host: the origin the sign-in guard accepts for a callback POST
_HOST = "localhost"


def init_warming(app: dash.Dash) -> None:
    """Warm ``app``'s most asked replies after each recompute of its database that this
    process serves (the app held weakly: tests build many apps in one process)."""
    server = app.server
    if server.extensions[EXTENSION]["settings"].read_requires_login:
        return
    ref = weakref.ref(app)

    def hook(stop: Callable[[], bool]) -> None:
        kept = ref()
        if kept is not None:
            warm(kept, stop)

    on_recomputed(server.extensions[EXTENSION]["session_factory"], hook)


def warm(app: dash.Dash, stop: Callable[[], bool] = lambda: False) -> int:
    """Replay the most asked callback requests of ``app``'s database; how many answered
    (hits included). Stops before a request when ``stop()``."""
    server = app.server
    with server.app_context():
        database = database_name()
    client = server.test_client()
    answered = 0
    for path, body in most_asked(database, WARM_MAX):
        if stop():
            break
        response = client.post(
            path,
            data=body,
            content_type="application/json",
            headers={"Origin": f"http://{_HOST}"},
            environ_base={WARMING: True},
        )
        answered += response.status_code == 200
    flush()  # in the table for the other workers when this returns
    log.info("页面预热：%d 个回调", answered)
    return answered
