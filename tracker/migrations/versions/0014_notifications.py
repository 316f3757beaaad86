"""Accounts keep the language they last used the site in (their e-mails are written in
it, French until they use another) and their home page visits (what changed since the
previous one is listed there).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(
            sa.Column('language', sa.String(length=8), nullable=False, server_default='fr')
        )
        batch.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column('previous_visit_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('user') as batch:
        batch.drop_column('previous_visit_at')
        batch.drop_column('last_seen_at')
        batch.drop_column('language')
