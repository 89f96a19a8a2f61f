"""indicators.facility: a summed indicator measured at facilities and sites

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 15:30:00

The 示例数据 split every summed indicator of a grouping over all its members, so
总览's map showed 机场货邮吞吐量 and 港口货物吞吐量 in every district and city.
config/catalogue/indicators.yaml now says of every ``sum`` indicator whether it
is measured at facilities and sites (airports, ports, hubs, zones, listed
projects …), and the sample generator does not split those. An existing row
reads false until the catalogue is next stored (every start runs ``manage.py
init``); ``manage.py load-sample`` then regenerates the sample.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(
            sa.Column("facility", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.drop_column("facility")
