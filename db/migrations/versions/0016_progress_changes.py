"""accepted changes not yet assessed: progress_changes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 20:50:00

One row per indicator × region an accepted change touched, written in the
transaction that changed the observations and deleted by the incremental
recompute that served it (workflows/progress.py), so a process killed between
the two leaves the row for the next run. No foreign keys: a change to a region
or indicator later removed from the catalogue is simply served as nothing to do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'progress_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.String(length=80), nullable=False),
        sa.Column('region_code', sa.String(length=40), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_changes')),
    )


def downgrade() -> None:
    op.drop_table('progress_changes')
