"""Throw-away PostgreSQL databases, for the test suite, benchmarks and the load test.

Each gets a name of its own on the given server, so runs never see each other's
rows; it is dropped (connections forced off) when the block ends, whatever happened.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def postgres_database(
    server: str, prefix: str = "ccec_test", template: str | None = None
) -> Iterator[str]:
    """The URL of a new database on the server ``server`` points at: empty, or a copy of
    the database named ``template`` (which nobody may be connected to while it is copied;
    the test suite seeds one database per session and copies it, instead of seeding each)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    # pre-ping: the fault tests restart the server while this engine's connection waits
    admin = create_engine(server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
