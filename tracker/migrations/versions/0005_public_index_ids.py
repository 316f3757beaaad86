"""On PostgreSQL, `ix_measure_public` also holds the measures' ids.

The territory pages and the sectors and partners of a territory read the ids of its
public measures: with the ids in the index PostgreSQL reads the index alone, where it
read the whole measure table. An INCLUDE column, which only PostgreSQL has; SQLite,
which answers these queries otherwise, keeps the index as it was.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = [
    'review_state', 'deleted_at', 'territory_code', 'status', 'start_date', 'end_date',
    'budget_planned', 'budget_spent', 'beneficiaries_total',
]


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_measure_public', table_name='measure')
    op.create_index('ix_measure_public', 'measure', COLUMNS, postgresql_include=['id'])


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_measure_public', table_name='measure')
    op.create_index('ix_measure_public', 'measure', COLUMNS)
