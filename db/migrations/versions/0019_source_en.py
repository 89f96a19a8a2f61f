"""indicators.source_en: the English name of the body that publishes each indicator

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 03:40:00

The English 指标 page showed the catalogue's source (两省市交通主管部门 …) in
Chinese. The column is filled from config/catalogue/indicators.yaml, which
requires it, when the catalogue is next stored (every start runs ``manage.py
init``); until then an existing row has none and the pages fall back to the
Chinese name.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(sa.Column("source_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.drop_column("source_en")
