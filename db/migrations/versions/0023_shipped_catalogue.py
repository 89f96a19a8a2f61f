"""shipped_catalogue: what the last shipping of the catalogue files left

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 22:10:00

Every start (the app, each gunicorn worker, each ``manage.py`` command that sets up
the database) read and checked all catalogue files against their plan texts to
find, nearly always, that nothing had changed: 0.7-1.1 s of CPU each. One row now
holds a digest of the files, the regions and the code that reads them, and a digest
of the catalogue rows that shipping left; a start that finds both unchanged skips
the files (workflows/catalogue.py). An empty table means "read the files", so a
database upgraded to this revision ships once more on its next start.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shipped_catalogue",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("files_digest", sa.String(length=64), nullable=False),
        sa.Column("rows_digest", sa.String(length=64), nullable=False),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipped_catalogue")),
    )


def downgrade() -> None:
    op.drop_table("shipped_catalogue")
