"""Indexes for the public queries: public measures by collectivity, measures by sector.

`ix_measure_public` finds the public measures of some collectivities, or all of them
in collectivity order, and holds every column the public figures add up, so the
aggregations read the index alone. `ix_measure_sector_sector_key` finds the measures
of a sector.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index('ix_measure_public', ['review_state', 'deleted_at', 'territory_code', 'status', 'start_date', 'end_date', 'budget_planned', 'budget_spent', 'beneficiaries_total'], unique=False)

    with op.batch_alter_table('measure_sector', schema=None) as batch_op:
        batch_op.create_index('ix_measure_sector_sector_key', ['sector_key', 'measure_id'], unique=False)


def downgrade():
    with op.batch_alter_table('measure_sector', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_sector_sector_key')

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_public')
