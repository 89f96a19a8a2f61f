"""sessions and sign-in: a per-user session version; sign-in throttles

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:00:00

users.session_version (integer, 0 for every existing account) is copied into the
session cookie at sign-in and compared on every request: raising it ends every
session of the account, copies of the cookie included (sign-out, password, role,
region or state change). sign_in_throttles holds the failed sign-in counters and
their back-off (db/sign_in_throttle.py), so the limit holds across app workers.
Nothing stored changes meaning; existing sessions (which carry no version) end.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default=sa.text('0'), nullable=False)
        )

    op.create_table('sign_in_throttles',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttles'))
    )
    with op.batch_alter_table('sign_in_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttles_last_at'), ['last_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sign_in_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttles_last_at'))

    op.drop_table('sign_in_throttles')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
