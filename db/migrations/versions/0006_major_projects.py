"""major projects: the register (projects, their regions and annual plans), the
monthly dispatch reports, and reminders that name a project

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 08:15:09.318014

New tables and one nullable column: nothing stored changes. batch_alter_table
keeps SQLite working.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('projects',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('plan_id', sa.String(length=60), nullable=True),
    sa.Column('section', sa.String(length=40), nullable=True),
    sa.Column('waterway', sa.String(length=20), nullable=True),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('responsible_unit', sa.String(length=200), nullable=True),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.Column('total_investment', sa.Float(), nullable=False),
    sa.Column('plan_period_investment', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('remark', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('seed_line', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_projects_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_category'), ['category'], unique=False)

    op.create_table('project_plans',
    sa.Column('project_id', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('planned_investment', sa.Float(), nullable=False),
    sa.Column('basis', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_plans_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'year', name=op.f('pk_project_plans'))
    )
    op.create_table('project_regions',
    sa.Column('project_id', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_regions_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_project_regions_region_code_regions')),
    sa.PrimaryKeyConstraint('project_id', 'region_code', name=op.f('pk_project_regions'))
    )
    op.create_table('project_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('month_investment', sa.Float(), nullable=True),
    sa.Column('ytd_investment', sa.Float(), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=True),
    sa.Column('problems_resolved', sa.Boolean(), nullable=False),
    sa.Column('reported_by', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('sample', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_reports_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by'], ['users.id'], name=op.f('fk_project_reports_reported_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_reports'))
    )
    with op.batch_alter_table('project_reports', schema=None) as batch_op:
        batch_op.create_index('ix_project_reports_key', ['project_id', 'period', 'is_current'], unique=False)

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reminders_project_id_projects'), 'projects', ['project_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reminders_project_id_projects'), type_='foreignkey')
        batch_op.drop_column('project_id')

    with op.batch_alter_table('project_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_project_reports_key')

    op.drop_table('project_reports')
    op.drop_table('project_regions')
    op.drop_table('project_plans')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_category'))

    op.drop_table('projects')
