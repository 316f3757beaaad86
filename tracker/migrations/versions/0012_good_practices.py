"""A validated measure may be marked a good practice by its region's coordinator.

The mark is three columns on the measure: the coordinator's note on what made it work
and what it needed, when it was marked and by whom. Nothing is marked before.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 07:15:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measure') as batch:
        batch.add_column(sa.Column('good_practice_note', sa.Text(), nullable=True))
        batch.add_column(
            sa.Column('good_practice_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column('good_practice_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_measure_good_practice_by_id_user'), 'user', ['good_practice_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('measure') as batch:
        batch.drop_constraint(op.f('fk_measure_good_practice_by_id_user'), type_='foreignkey')
        batch.drop_column('good_practice_by_id')
        batch.drop_column('good_practice_at')
        batch.drop_column('good_practice_note')
