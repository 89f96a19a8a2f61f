"""scheduler secrets: clear the jobs that hold the database URL with its password

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 10:00:00

Until now each job stored by the scheduler's persistent job store (APScheduler's
own table ``apscheduler_jobs``, not one of ours) carried DATABASE_URL, password
included, in its pickled arguments: in the database and so in every backup. The
jobs now read the URL from the settings when they run. This deletes the stored
jobs; the scheduler process adds them again, without the URL, when it next
starts (it replaces its jobs at every start anyway). Backups taken before this
revision still hold the old rows: rotate the database password if they may have
been seen. Downgrade changes nothing (there is nothing to put back).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

JOB_TABLE = 'apscheduler_jobs'  # SQLAlchemyJobStore's default table name


def upgrade() -> None:
    bind = op.get_bind()
    if sa.inspect(bind).has_table(JOB_TABLE):
        op.execute(sa.table(JOB_TABLE).delete())


def downgrade() -> None:
    pass
