"""one current dispatch report per project and month: a unique partial index

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 18:40:00

Two filings of one project-month validated in one session and written in another
could both stay current. Where that happened, the later report (the higher id)
stays current and the earlier ones are kept as superseded versions, as a
correction would have left them; then project_reports gets a unique index on
(project_id, period) over the current rows. Downgrade drops the index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE project_reports SET is_current = false WHERE is_current AND id NOT IN "
        "(SELECT max(id) FROM project_reports WHERE is_current GROUP BY project_id, period)"
    )
    op.create_index(
        'uq_project_reports_current',
        'project_reports',
        ['project_id', 'period'],
        unique=True,
        sqlite_where=sa.text('is_current'),
        postgresql_where=sa.text('is_current'),
    )


def downgrade() -> None:
    op.drop_index('uq_project_reports_current', table_name='project_reports')
