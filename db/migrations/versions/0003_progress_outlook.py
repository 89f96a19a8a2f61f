"""progress snapshots: the DNS weather symbol (expected shortfall) and the series assessed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:53:29.000000

Four nullable columns, so the snapshots already stored stay valid until the
next recompute fills them in, and the series the assessment saw (JSON, empty
for rows stored before). batch_alter_table keeps SQLite working.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('progress_snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outlook', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('outlook_projected', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('outlook_shortfall', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('outlook_note', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('series', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table('progress_snapshots', schema=None) as batch_op:
        batch_op.drop_column('series')
        batch_op.drop_column('outlook_note')
        batch_op.drop_column('outlook_shortfall')
        batch_op.drop_column('outlook_projected')
        batch_op.drop_column('outlook')
