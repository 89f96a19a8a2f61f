"""progress_snapshots.latest_bound: the latest figure is a published bound

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08 01:00:00

A figure published as a bound ("超5000列": at least 5,000) decides a verdict only as
a bound, and the pages showed it as the year's figure itself ("5,000列（2025）").
The snapshot now says whether its latest figure is a lower or an upper bound (NULL:
the value itself), so every page can write "≥5,000列（2025，下限）". The snapshots
already stored read NULL until recomputed: a full recompute is asked for here (the
progress lease's request flag), which the next upload's recompute or the scheduler's
recovery job serves; it rewrites only the snapshots whose latest figure is a bound.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("progress_snapshots") as batch_op:
        batch_op.add_column(sa.Column("latest_bound", sa.String(length=8), nullable=True))
    leases = sa.table("job_leases", sa.column("name", sa.String), sa.column("dirty", sa.Boolean))
    op.execute(leases.update().where(leases.c.name == "progress").values(dirty=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_snapshots") as batch_op:
        batch_op.drop_column("latest_bound")
