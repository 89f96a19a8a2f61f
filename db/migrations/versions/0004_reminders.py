"""reminders: notes to reporters that figures are overdue (报送提醒)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:11:24.720558

A new table, so nothing stored changes. The unique constraint on
(region, indicator, period, kind) is what makes the daily overdue job
idempotent. create_table works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('region_code', sa.String(length=40), nullable=False),
    sa.Column('indicator_id', sa.String(length=80), nullable=True),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_reminders_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_reminders_region_code_regions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('region_code', 'indicator_id', 'period', 'kind', name=op.f('uq_reminders_region_code_indicator_id_period_kind'))
    )


def downgrade() -> None:
    op.drop_table('reminders')
