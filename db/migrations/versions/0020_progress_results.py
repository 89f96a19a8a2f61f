"""/api/v1/progress's items, written once per progress version: progress_results

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 07:00:00

One row per progress version (data_version row 3) and as-of year (0: the latest):
each assessment's JSON as the read API answers it (indicators/progress_results.py),
stored by the background recompute right after its commit, or by the first web
worker that needs it, and read by every other worker instead of the snapshots
(issue 19 item 4: the first request of a new version was 4.75x Datasette).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_results",
        sa.Column("version", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("as_of", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", "as_of", name=op.f("pk_progress_results")),
    )


def downgrade() -> None:
    op.drop_table("progress_results")
