"""Who acted when no account did: `audit_entry.actor` (`command_line` for a command run
on the server without `--user`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('actor')
