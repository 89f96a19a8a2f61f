"""indicators.definition_en: the English definition of each indicator

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:55:00

The English pages showed the Chinese definition (issue 18, item 9). The column
is filled from config/catalogue/indicators.yaml, which requires it, when the
catalogue is next stored (every start runs ``manage.py init``); until then an
existing row has none and the pages fall back to the Chinese sentence.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(sa.Column("definition_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.drop_column("definition_en")
