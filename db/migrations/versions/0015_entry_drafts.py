"""online entry (在线填报): drafts saved on the server per user, region and period

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:00:00

A reporter's form saved but not yet submitted is one row of entry_drafts (the
values typed, as JSON), unique per user, region and period; it is deleted when
the form is submitted, and with the user. Downgrade drops the table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'entry_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('region_code', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_entry_drafts_user_id_users'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['region_code'], ['regions.code'], name=op.f('fk_entry_drafts_region_code_regions')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_drafts')),
        sa.UniqueConstraint(
            'user_id', 'region_code', 'period',
            name=op.f('uq_entry_drafts_user_id_region_code_period'),
        ),
    )


def downgrade() -> None:
    op.drop_table('entry_drafts')
