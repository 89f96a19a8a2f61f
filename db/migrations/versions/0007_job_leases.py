"""job leases: one process at a time recomputes progress, and none is forgotten

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 10:20:00

A new table with one row per leased job ('progress'); nothing stored changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    leases = op.create_table('job_leases',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_leases'))
    )
    op.bulk_insert(leases, [{'name': 'progress', 'dirty': False}])


def downgrade() -> None:
    op.drop_table('job_leases')
