"""A measure's dates keep how precisely they were given: a year, a month or a day.

A start given as "2025" is stored as 1 January 2025 and an end as 31 December, each with
the precision "year", so that pages show "2025" and never an invented day. The dates
recorded before were all given as days.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

DATES = ('start_date', 'end_date')


def upgrade():
    with op.batch_alter_table('measure') as batch:
        for date in DATES:
            batch.add_column(sa.Column(f'{date}_precision', sa.String(length=5), nullable=True))
    for date in DATES:
        op.execute(
            f"UPDATE measure SET {date}_precision = 'day' WHERE {date} IS NOT NULL"
        )


def downgrade():
    with op.batch_alter_table('measure') as batch:
        for date in reversed(DATES):
            batch.drop_column(f'{date}_precision')
