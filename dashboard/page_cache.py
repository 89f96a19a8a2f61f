"""Pages cached by data version (issue 19 items 1 and 4).

A Dash callback reply of the public reading pages (the page router's rendered
layout of 总览, 指标, 地区, 区划, 预期差距, 进展报告, 目标库, 终期评估, 方法, and
each figure and table callback of those pages) and a read API answer depend
only on the stored data and on the request (address, language, the control
values: all in the callback's JSON or the API's URL). Each is computed once per
data version (db/data_version.py) and request, and then served:

1. from this worker's memory (``LRU_SIZE`` replies, each with its brotli/gzip
   bytes made once), or
2. from the ``page_cache`` table, where the first worker that computed it left
   it for the others (SQLite or PostgreSQL alike: nothing else to run).

Any accepted change raises the data version in its own transaction, so the next
request of every worker looks up new keys: nothing computed from older data is
served again, whichever worker or process made the change.

A reply whose computation read nothing but the progress snapshots and the reference
data (reads made inside ``dashboard.context.progress_only``; any other session opened,
or the data version asked for, counts as reading data) is kept by the **progress
version** instead (db/data_version.py: raised with every write to those tables, in
the same transaction): 进展报告, 预期差距, 目标库, 区划, 方法 and the header are not
computed again after an upload until its recompute changes snapshots. A reply whose
computation read, besides the reference data, only current observations through
``dashboard.context.observation_scope`` (指标's chart, table and map: one indicator;
地区: the regions shown; 总览's context cards and value map) and progress snapshots
through ``dashboard.context.snapshot_scope`` (指标's statuses: one indicator's) is kept
by the digest of exactly those rows (``db.observations.observations_digest``,
``db.progress.snapshots_digest``, taken before it is computed) and the reference version
— or the progress version, if it also read the snapshots whole: an upload of other
indicators or regions does not throw it away, nor the recompute of other indicators'
targets; one of its own does. What a request read is remembered per worker from its
last computation; the first time, it is kept by the data version. A request whose reads
are remembered is looked up by the digest key alone, any other by the progress key,
then the data key. A reply is written to the table by the worker's writer thread, off
the request, all waiting replies in one transaction.

Not cached, ever: pages and callbacks that depend on who is signed in (审核,
填报, 用户管理, 审计日志, 报送进度, 项目, 调度, 公报读取; 数据校验's checks, not its
page, which is a form the same for everyone; the header when someone is signed in:
it names the account) and downloads. The reading pages are the same for everyone allowed to read them;
when reading requires signing in, the sign-in guard (registered before) refuses
an anonymous request before the cache is looked at.

Every key and ETag also holds ``BUILD``, a digest of the program's source, so a new
release never serves what the previous one rendered from the same data.

The read API answers carry ``ETag`` (data version and address) with
``Cache-Control: private, no-cache``: a client that sends ``If-None-Match`` gets
304 without anything being computed or read but the version.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import queue
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from typing import Any

import brotli
import dash
from flask import Response, g, make_response, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from config.settings import PROJECT_ROOT
from dashboard.context import (
    Scope,
    database_name,
    forget_reads,
    observation_scopes,
    reads_data,
    reads_progress,
    reference_only,
    session_factory,
    versions,
)
from dashboard.transfer import MIN_SIZE, chosen_encoding
from db.data_version import (
    cached_reply,
    current_versions,
    drop_replies_before,
    store_reply,
    stored_replies,
)
from db.observations import observations_digest
from db.progress import snapshots_census, snapshots_digest
from db.session import transaction

log = logging.getLogger(__name__)

# the reading pages: the same for every reader; their callbacks' modules
PUBLIC_PATHS = frozenset(
    {
        "/",
        "/indicator",
        "/region",
        "/regions",
        "/outlook",
        "/report",
        "/targets",
        "/final",
        "/methodology",
        # 数据校验's page: the same for every reader (a form whose pickers list the
        # regions and indicators); its check callbacks are not cached (pages.upload is
        # not a public module: the check is counted per account and address)
        "/upload",
    }
)
PUBLIC_MODULES = frozenset(
    f"pages.{name}"
    for name in (
        "home",
        "indicator",
        "region",
        "regions",
        "outlook",
        "report",
        "targets",
        "final",
        "methodology",
    )
)
ROUTER_OUTPUT = "_pages_content.children"
# the same for every reader who is not signed in (a signed-in one's names the account,
# carries the sign-out form's CSRF token and the account's reminders)
ANONYMOUS_OUTPUTS = frozenset({"app-header.children"})
CALLBACK_PATH = "/_dash-update-component"
LRU_SIZE = 512
# replies one worker stores in the table per data version: the table is shared, and
# a crafted stream of distinct requests (random query strings) must not fill the disk
STORED_MAX = 400
REPLY_BR_QUALITY = 5  # made once per reply and worker: a little better than Compress's 4
REVALIDATE = "private, no-cache"


@dataclass
class Reply:
    """A computed reply and its compressed forms, made when first asked for."""

    body: bytes
    mimetype: str
    encoded: dict[str, bytes] = field(default_factory=dict)

    def encoded_as(self, encoding: str) -> bytes:
        if encoding not in self.encoded:
            if encoding == "br":
                self.encoded[encoding] = brotli.compress(self.body, quality=REPLY_BR_QUALITY)
            else:
                self.encoded[encoding] = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self.encoded[encoding]


_memory: OrderedDict[tuple[str, str], Reply] = OrderedDict()
_dropped_before: dict[str, int] = {}  # database -> the version whose older rows are gone
_stored: dict[tuple[str, int], int] = {}  # (database, version) -> replies this worker stored


def _code_digest() -> str:
    """A digest of the program's own source (the packages that shape a reply): a new
    release on an unchanged database must not serve pages the old code rendered (they
    showed the old status words after an upgrade), and every worker of one release
    computes the same digest."""
    digest = hashlib.sha256()
    for package in ("config", "dashboard", "db", "indicators", "loaders", "workflows"):
        for path in sorted((PROJECT_ROOT / package).rglob("*")):
            if path.suffix in (".py", ".css", ".js", ".yaml") and path.is_file():
                digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


BUILD = _code_digest()


def reply_key(kind: str, request_text: str, basis: str = "data") -> str:
    """The key of a reply: the program's build, the version it is kept by (``basis``:
    "data", the data version; "progress", the progress version alone; "reference",
    the reference data's version, for a reply whose other reads are digested in
    ``request_text``), the day (a page may say "overdue"), what was asked. Hashed: the
    table's key column is 64 characters."""
    day = datetime.now(UTC).date().isoformat()
    data, reference, progress = versions()
    version = {"progress": f"p{progress}", "reference": f"r{reference}"}.get(basis, str(data))
    text = "\x1f".join((kind, BUILD, version, day, request_text))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _memory_reply(key: str) -> Reply | None:
    """The reply for ``key`` from this worker's memory."""
    memory_key = (database_name(), key)
    reply = _memory.get(memory_key)
    if reply is not None:
        _memory.move_to_end(memory_key)
    return reply


def kept_reply(*keys: str) -> Reply | None:
    """The reply for the first of ``keys`` kept in this worker's memory or the
    shared table."""
    for key in keys:
        reply = _memory_reply(key)
        if reply is not None:
            return reply
    try:
        with session_factory()() as session:
            found = cached_reply(session, keys)
    except SQLAlchemyError:  # the cache is a help, never a reason to fail a page
        log.warning("页面缓存读取失败", exc_info=True)
        return None
    if found is None:
        return None
    reply = Reply(bytes(found[1]), "application/json")
    _remember((database_name(), found[0]), reply)  # by the key it was stored under
    return reply


def keep_reply(key: str, body: bytes, mimetype: str) -> Reply:
    """Remember ``body`` here and store it for the other workers. A reply kept by the
    progress version is stored in the table with the data version too (``version``
    says when a row may go): the next upload drops it from the table, not from the
    memories of the workers that hold it. The table is written by this worker's
    writer thread, off the request (``_write_pending``)."""
    reply = Reply(body, mimetype)
    _remember((database_name(), key), reply)
    version = versions()[0]
    counted = (database_name(), version)
    if _stored.get(counted, 0) >= STORED_MAX:
        return reply  # this worker keeps it in memory only
    if counted not in _stored:
        # counted from what the table holds: a worker started since (a restart, a
        # worker gunicorn replaced after its timeout) must not store another STORED_MAX
        _stored.clear()
        _stored[counted] = _table_count(version)
        if _stored[counted] >= STORED_MAX:
            return reply
    _stored[counted] = _stored.get(counted, 0) + 1
    _pending.put(_Pending(session_factory(), database_name(), key, version, body))
    _start_writer()
    return reply


def _table_count(version: int) -> int:
    """The replies stored for ``version`` (once per version and worker)."""
    try:
        with session_factory()() as session:
            return stored_replies(session, version)
    except SQLAlchemyError:
        log.warning("页面缓存读取失败", exc_info=True)
        return STORED_MAX  # unknown: keep replies in memory only


@dataclass(frozen=True)
class _Pending:
    """A reply waiting to be stored in the table."""

    factory: sessionmaker[Session]
    database: str
    key: str
    version: int
    body: bytes


_pending: queue.Queue[_Pending] = queue.Queue()
_writer: list[threading.Thread] = []
_writer_lock = threading.Lock()


def _start_writer() -> None:
    """This process's writer thread (a forked worker starts its own)."""
    with _writer_lock:
        if not _writer or not _writer[0].is_alive():
            _writer[:] = [threading.Thread(target=_write_pending, name="页面缓存写入", daemon=True)]
            _writer[0].start()


def _write_pending() -> None:
    """Store the replies computed meanwhile, all that are waiting in one transaction per
    database (a visit's callbacks arrive together): writing each in its own transaction
    inside its request was a sixth of a miss's server time on SQLite (a commit each)."""
    while True:
        batch = [_pending.get()]
        while True:
            try:
                batch.append(_pending.get_nowait())
            except queue.Empty:
                break
        try:
            for database in dict.fromkeys(item.database for item in batch):
                _store([item for item in batch if item.database == database])
        finally:
            for _ in batch:
                _pending.task_done()


def _store(items: list[_Pending]) -> None:
    database, newest = items[0].database, max(item.version for item in items)
    try:
        with transaction(items[0].factory) as session:
            if _dropped_before.get(database, 0) < newest:
                drop_replies_before(session, newest)
                _dropped_before[database] = newest
            for item in items:
                if item.version == newest:  # an older version's rows are gone already
                    store_reply(session, item.key, item.version, item.body)
    except SQLAlchemyError:
        log.warning("页面缓存写入失败", exc_info=True)


def flush() -> None:
    """Wait until every reply computed so far is in the table (tests, benchmarks)."""
    _pending.join()


def _remember(memory_key: tuple[str, str], reply: Reply) -> None:
    _keep_newest(_memory, memory_key, reply, LRU_SIZE)


def _keep_newest(store: OrderedDict[Any, Any], key: Any, value: Any, limit: int) -> None:
    """``store[key] = value`` as the newest entry, the oldest dropped past ``limit``:
    each per-worker memory here is bounded so (a stream of crafted requests cannot
    grow it)."""
    store[key] = value
    store.move_to_end(key)
    while len(store) > limit:
        store.popitem(last=False)


def _send(reply: Reply, response: Response | None = None) -> Response:
    """``reply`` as the client takes it (compressed once per worker, not by Compress
    per request), in ``response`` or a new one."""
    encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
    response = response or Response(mimetype=reply.mimetype)
    if encoding and len(reply.body) >= MIN_SIZE:
        response.set_data(reply.encoded_as(encoding))
        response.headers["Content-Encoding"] = encoding
    else:
        response.set_data(reply.body)
    response.headers["Vary"] = "Accept-Encoding"
    return response


# ------------------------------------------------------- Dash callbacks ---


def _callback_modules(app: dash.Dash) -> dict[str, str | None]:
    return {
        output: getattr(entry.get("callback"), "__module__", None)
        for output, entry in app.callback_map.items()
    }


def cacheable_callback(
    payload: dict[str, Any], modules: dict[str, str | None], signed_in: bool
) -> bool:
    """Whether a callback request's reply depends only on the data and the request."""
    output = payload.get("output", "")
    if "download" in output:
        return False
    if output in ANONYMOUS_OUTPUTS:
        return not signed_in
    if ROUTER_OUTPUT in output:
        paths = [
            i.get("value")
            for i in payload.get("inputs", [])
            if isinstance(i, dict) and i.get("property") == "pathname"
        ]
        return len(paths) == 1 and paths[0] in PUBLIC_PATHS
    return modules.get(output) in PUBLIC_MODULES


# ------------------------------------------------ what visitors ask for ---

# the WSGI environ key of a request dashboard.warm makes (a browser cannot set it: headers
# arrive as HTTP_*): not counted as a visitor's
WARMING = "ccec.warming"
ASKED_MAX = 256  # distinct requests counted per database and worker
ASKED_BODY_MAX = 64 * 1024
_asked: dict[str, Counter[tuple[str, bytes]]] = {}
_asked_lock = threading.Lock()


def _note_asked(path: str, body: bytes) -> None:
    """Count a cacheable callback request as the browser sent it (its path and JSON body):
    what dashboard.warm renders before visitors ask. Bounded: a stream of distinct crafted
    requests fills ``ASKED_MAX`` entries until the next warm halves the counts."""
    if len(body) > ASKED_BODY_MAX:
        return
    with _asked_lock:
        counts = _asked.setdefault(database_name(), Counter())
        if (path, body) in counts or len(counts) < ASKED_MAX:
            counts[(path, body)] += 1


def most_asked(database: str, count: int) -> list[tuple[str, bytes]]:
    """The ``count`` callback requests asked most often of this worker on ``database``,
    most first; the counts are then halved (those asked once are forgotten), so what
    is asked now outweighs what was asked long ago."""
    with _asked_lock:
        counts = _asked.get(database, Counter())
        top = [asked for asked, _ in counts.most_common(count)]
        _asked[database] = Counter({k: n // 2 for k, n in counts.items() if n // 2})
    return top


@dataclass(frozen=True)
class Reads:
    """What a callback's computation read, beside the reference data: the observation
    and snapshot filters (``dashboard.context.Scope``), and whether it read the progress
    snapshots outside ``snapshot_scope``."""

    scopes: tuple[Scope, ...]
    progress: bool


@dataclass(frozen=True)
class _Keys:
    """The keys a missed callback request was looked up by, and what it read then."""

    progress: str
    data: str
    text: str
    seen: Reads | None  # what its last computation read, if any was seen
    scoped: str | None  # the key by the digest of those, taken before it ran

    def for_reads(self, read_data: bool, reads: Reads) -> str:
        """The key a reply is kept by, from what its computation read.

        - anything read that only the data version follows (projects, submissions, an
          unmarked session): the data version;
        - besides the reference data, only current observations read through
          ``observation_scope`` and snapshots through ``snapshot_scope`` (with the
          snapshots read whole if ``reads.progress``): the digest of those rows, taken
          before the computation (the rows it read are as new or newer, never older),
          with the progress version if ``reads.progress``, else the reference
          version — if the reads are the ones the digest was taken of; else, the first
          time a request is seen by this worker, the data version, and the reads are
          remembered for the next request. An upload to other indicators and regions
          (and the submission it writes) does not throw such a reply away, nor, for
          one that read snapshots only through ``snapshot_scope``, the recompute of
          other targets;
        - nothing but the snapshots and the reference data: the progress version."""
        if read_data or not reads.scopes:
            _reads_seen.pop((database_name(), self.text), None)  # looked up by these keys
            return self.data if read_data else self.progress
        _remember_reads(self.text, reads)
        return self.scoped if self.scoped is not None and reads == self.seen else self.data


# what each request's computation read, per worker and database
_reads_seen: OrderedDict[tuple[str, str], Reads] = OrderedDict()
SCOPES_MAX = 2048


def _remember_reads(text: str, reads: Reads) -> None:
    _keep_newest(_reads_seen, (database_name(), text), reads, SCOPES_MAX)


def _digest(session: Session, scope: Scope) -> str:
    kind, keys = scope
    if kind in ("snapshots:census", "snapshots:statuses"):
        return snapshots_census(session, statuses=kind == "snapshots:statuses")
    if kind.startswith("snapshots:"):
        return snapshots_digest(session, **{kind.removeprefix("snapshots:"): keys})
    return observations_digest(session, **{kind: keys})


# the last digest key of each request, per worker and database, with the versions it
# was taken at: while neither the data nor the progress version moves, no row a digest
# follows has changed, and the key is not taken again (a hit costs no query)
_last_keys: OrderedDict[tuple[str, str], tuple[object, str]] = OrderedDict()


def scoped_key(text: str, reads: Reads) -> str | None:
    """The key of the reply to ``text`` by the digest of the current observations and
    snapshots ``reads`` selects, and the version its other reads follow (None if they
    cannot be read now). None too if the progress version moved since this request
    read it: the worker's per-version page data (dashboard.data.views) would then be
    older than the snapshots digested."""
    memo = (database_name(), text)
    taken_at = (versions(), reads, datetime.now(UTC).date())  # the day is in every key
    last = _last_keys.get(memo)
    if last is not None and last[0] == taken_at:
        _last_keys.move_to_end(memo)
        return last[1]
    key = _digest_key(text, reads)
    if key is not None:
        _keep_newest(_last_keys, memo, (taken_at, key), SCOPES_MAX)
    return key


def _digest_key(text: str, reads: Reads) -> str | None:
    try:
        with reference_only(), session_factory()() as session:
            digests = [
                f"{kind}:{','.join(keys)}={_digest(session, (kind, keys))}"
                for kind, keys in reads.scopes
            ]
            moved = current_versions(session)[2] != versions()[2]
    except SQLAlchemyError:  # the cache is a help, never a reason to fail a page
        log.warning("页面缓存读取失败", exc_info=True)
        return None
    if moved:
        return None
    basis = "progress" if reads.progress else "reference"
    return reply_key("callback", "\x1f".join([text, *digests]), basis)


def init_page_cache(app: dash.Dash) -> None:
    """Serve the reading pages' callback replies per data version. Register after
    the sign-in guard and the request checks (they refuse before the cache)."""
    server = app.server

    def reply_from_cache() -> Response | None:
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        payload = request.get_json(silent=True)
        signed_in = bool(current_user and current_user.is_authenticated)
        if not isinstance(payload, dict) or not cacheable_callback(
            payload, _callback_modules(app), signed_in
        ):
            return None
        if not request.environ.get(WARMING):
            _note_asked(request.path, request.get_data())
        asked = {k: payload.get(k) for k in ("output", "outputs", "inputs", "state")}
        asked["changed"] = payload.get("changedPropIds")
        text = json.dumps(asked, sort_keys=True, ensure_ascii=False)
        keys = (reply_key("callback", text, "progress"), reply_key("callback", text))
        seen = _reads_seen.get((database_name(), text))
        # what read observations or snapshots through a scope is kept by their digest
        # (only its first computation by the data version): looked up by that alone
        reply = None if seen is not None else kept_reply(*keys)
        if reply is not None:
            return _send(reply)
        scoped = scoped_key(text, seen) if seen is not None else None
        reply = kept_reply(scoped) if scoped is not None else None
        if reply is not None:
            return _send(reply)
        g.ccec_reply_keys = _Keys(*keys, text, seen, scoped)
        forget_reads()  # from here on, what the callback reads decides the key
        return None

    def keep_computed(response: Response) -> Response:
        keys = g.pop("ccec_reply_keys", None)
        if (
            keys
            and response.status_code == 200
            and response.mimetype == "application/json"
            and not response.is_streamed
            and "Content-Encoding" not in response.headers
        ):
            key = keys.for_reads(reads_data(), Reads(observation_scopes(), reads_progress()))
            return _send(keep_reply(key, response.get_data(), response.mimetype), response)
        return response

    server.before_request(reply_from_cache)
    server.after_request(keep_computed)


# -------------------------------------------------------------- read API ---


def versioned_read(
    view: Callable[..., ResponseReturnValue] | None = None,
    *,
    shared: bool = True,
    basis: str = "data",
) -> Any:
    """A read API route answered per version: 304 to a client that holds the
    current ``ETag``, else the reply kept for this version and address, else
    computed once and kept.

    ``basis="progress"``: for a route that reads only what the progress version
    follows (the snapshots and the reference data, db/data_version.py ``PROGRESS``),
    kept and tagged by that version, so an upload before its recompute changes
    nothing for it. ``shared=False``: kept in this worker's memory only, for a route
    that computes its answer from data the worker keeps per version (cheaper than
    writing the reply to ``page_cache`` and reading it back, and no write on
    SQLite's one writer lock per version).

    Use as ``@versioned_read`` or ``@versioned_read(shared=False, basis="progress")``."""
    if view is None:
        return lambda inner: versioned_read(inner, shared=shared, basis=basis)

    @wraps(view)
    def answer(*args: Any, **kwargs: Any) -> Response:
        data, _, progress = versions()
        version = f"p{progress}" if basis == "progress" else f"v{data}"
        digest = hashlib.sha256(request.full_path.encode("utf-8")).hexdigest()[:16]
        etag = f"{version}-{BUILD}-{digest}"
        if request.if_none_match.contains(etag):
            response = Response(status=304)
        else:
            key = reply_key("api", request.full_path, basis)
            reply = kept_reply(key) if shared else _memory_reply(key)
            if reply is None:
                response = make_response(view(*args, **kwargs))
                if response.status_code != 200 or response.mimetype != "application/json":
                    return response  # refusals and streamed files are not kept
                if shared:
                    keep_reply(key, response.get_data(), response.mimetype)
                else:
                    reply = Reply(response.get_data(), response.mimetype)
                    _remember((database_name(), key), reply)
            else:
                response = _send(reply)
        response.set_etag(etag)
        response.headers["Cache-Control"] = REVALIDATE
        g.ccec_revalidate = True  # dashboard.security keeps the ETag and this Cache-Control
        return response

    return answer
