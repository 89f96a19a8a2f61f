"""what the pages derive from the snapshots, once per version: progress_views

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:10:00

One row per progress version (data_version row 3, raised with any write to the
snapshots or the reference data): the merged snapshots, the previous-period
comparison, the headline picks, each indicator's unit statuses and the pillar
counts as JSON (indicators/progress_views.py), stored by the first process that
computes them and read by every web worker (issue 19 item 1).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_views",
        sa.Column("version", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_progress_views")),
    )


def downgrade() -> None:
    op.drop_table("progress_views")
