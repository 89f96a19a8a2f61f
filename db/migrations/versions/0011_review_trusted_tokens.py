"""trusted API tokens (直报): a token an administrator marks as a trusted system imports at once

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 18:30:00

api_tokens.trusted: files sent with a reporter's token wait for review like
uploads from the page; a token marked trusted (a statistics system the joint
office has agreed to take figures from directly, 直报) imports them at once.
Every existing token becomes untrusted. Downgrade drops the column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('trusted', sa.Boolean(), server_default=sa.text('false'), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('trusted')
