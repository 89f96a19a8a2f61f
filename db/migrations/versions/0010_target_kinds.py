"""target kinds: the indicators' ordered scale and trend limit; 远景目标 (visions)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:30:00

indicators.scale names the ordered scale of a class indicator (waterway_grade,
road_grade, water_quality_class: indicators/scales.py), whose observations hold
class numbers; indicators.trend_limit is the natural limit (a 100 % rate) near
which Open SDG's no-target trend cut-offs shrink. Both are null for every
existing indicator. visions holds the goals plans set in words for 2035 (到2035年，
建成实力雄厚、特色鲜明的双城经济圈 …), each with its sentence and the indicator it
concerns, and no value: they are shown, never judged. Class, rank and relative
targets (一级航道, 全国前三, 翻一番) live in targets as kinds 'class', 'rank' and
'relative' and need no column. Downgrade drops the three; the catalogue reload
writes them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scale', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('trend_limit', sa.Float(), nullable=True))

    op.create_table('visions',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('indicator_id', sa.String(length=80), nullable=False),
    sa.Column('scope_code', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.String(length=60), nullable=False),
    sa.Column('section', sa.String(length=200), nullable=True),
    sa.Column('seed_line', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_visions_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_visions_plan_id_plans')),
    sa.ForeignKeyConstraint(['scope_code'], ['regions.code'], name=op.f('fk_visions_scope_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visions'))
    )
    with op.batch_alter_table('visions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visions_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visions_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visions_scope_code'), ['scope_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visions_scope_code'))
        batch_op.drop_index(batch_op.f('ix_visions_plan_id'))
        batch_op.drop_index(batch_op.f('ix_visions_indicator_id'))

    op.drop_table('visions')

    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_column('trend_limit')
        batch_op.drop_column('scale')
