"""the data version (one row raised with every stored change the pages show) and the page cache

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:00:00

Web workers key what they keep (rendered pages, callback replies, the read API's
answers) by this number (db/data_version.py raises it in the transaction of the
change), instead of re-reading aggregates of the observations and snapshots on
every request; page_cache holds those replies for the workers to share.
Downgrade drops both tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(
        table,
        [{"id": 1, "version": 1, "changed_at": None}, {"id": 2, "version": 1, "changed_at": None}],
    )
    op.create_table(
        "page_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_page_cache")),
    )
    op.create_index(op.f("ix_page_cache_version"), "page_cache", ["version"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_page_cache_version"), table_name="page_cache")
    op.drop_table("page_cache")
    op.drop_table("data_version")
