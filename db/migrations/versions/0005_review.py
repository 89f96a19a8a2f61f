"""review: the rows of a reporter's file await a reviewer (submission_rows); API tokens may expire

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:30:00.000000

A new table and one nullable column, so nothing stored changes: existing
submissions have no rows to review (they were imported at once) and existing
tokens stay valid until revoked. batch_alter_table keeps SQLite working.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('submission_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('row_no', sa.Integer(), nullable=False),
    sa.Column('sheet', sa.String(length=120), nullable=True),
    sa.Column('indicator_id', sa.String(length=80), nullable=False),
    sa.Column('region_code', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('observation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_submission_rows_decided_by_users')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_submission_rows_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['observation_id'], ['observations.id'], name=op.f('fk_submission_rows_observation_id_observations')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_submission_rows_region_code_regions')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_rows_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_rows'))
    )
    with op.batch_alter_table('submission_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_rows_decision'), ['decision'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_rows_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('submission_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_rows_submission_id'))
        batch_op.drop_index(batch_op.f('ix_submission_rows_decision'))

    op.drop_table('submission_rows')
