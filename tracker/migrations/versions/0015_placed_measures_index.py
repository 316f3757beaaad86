"""An index of the measures recorded at a place (with a latitude and a longitude).

The map marks every public measure recorded at a place. Few are: without an index of
those alone, each new map after a record changed read the whole measure table to
find them, seconds at a national scale. A partial index holds those rows alone, in
the order the map lists them; on SQLite and on PostgreSQL. It leads with the columns
that keep the public ones, as `ix_measure_public` does, so that SQLite's planner, which
gathers no statistics of its own, prefers it for the map's query.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 23:55:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

PLACED = sa.text('latitude IS NOT NULL')


def upgrade():
    op.create_index(
        'ix_measure_placed',
        'measure',
        ['review_state', 'deleted_at', 'territory_code', 'id'],
        sqlite_where=PLACED,
        postgresql_where=PLACED,
    )


def downgrade():
    op.drop_index('ix_measure_placed', table_name='measure')
