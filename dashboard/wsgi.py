"""The WSGI application for a production server (several workers):

    gunicorn --workers 4 --bind 127.0.0.1:8050 dashboard.wsgi:application

The database is prepared once, before the workers start, by
``python manage.py init`` (deploy/ccec-monitor.service runs it as
ExecStartPre), never by each worker: concurrent migrations would race. Do not
use ``--preload``: each worker opens its own engine after the fork. Scheduled
jobs run in their own process (``python manage.py scheduler``), so they run
once, not once per worker.
"""

from __future__ import annotations

from config.logs import configure_logging
from config.settings import data_dir_problem, load_settings
from dashboard.app import create_app
from db.session import make_engine, make_session_factory
from workflows.intake import warm_up_reader

settings = load_settings()
if problem := data_dir_problem(settings):
    raise SystemExit(f"错误：{problem}")
configure_logging(settings)
application = create_app(
    settings, make_session_factory(make_engine(settings.sqlalchemy_url))
).server
# the file reader's forkserver started before this worker takes its first request:
# started in the first upload's request, a reporter's first file waited 3-10 s for it
# under load; started beside the first requests (a thread), the files that came in
# the first seconds after a start still waited 0.6-1.3 s (bench_verdict.py). The
# master holds the socket meanwhile: requests wait for a ready worker instead.
warm_up_reader()
