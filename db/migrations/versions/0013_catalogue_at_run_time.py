"""the database is the run-time catalogue: indicators keep their aliases and measure

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 20:50:00

Intake, recompute, templates, reminders and the sample generator read the catalogue
from the database (db.catalogue.stored_catalogue) instead of the YAML files, so
the two fields of an indicator that they need and the tables lacked are stored:
aliases (the other names statistics tables use for it, a JSON list) and measure
(what a count target's series holds: stock, flow or nothing). Both are null until
the catalogue is loaded again, which ``manage.py init`` and every start do.
Downgrade drops them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aliases', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('measure', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_column('measure')
        batch_op.drop_column('aliases')
