"""Failed sign-ins are counted by account and client address; a reset password is changed.

`sign_in_attempt` holds one row per failed sign-in (the e-mail typed, the client address,
when), so a lock holds across workers and servers and only for the addresses that failed.
`user.must_change_password` is set when an administrator resets a password. The old
`failed_logins` and `locked_until` columns stay, unused, for servers still running the
previous release during an upgrade.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempt')),
    )
    op.create_index(
        'ix_sign_in_attempt_email_address_at', 'sign_in_attempt', ['email', 'address', 'at']
    )
    op.create_index('ix_sign_in_attempt_address_at', 'sign_in_attempt', ['address', 'at'])
    op.create_index('ix_sign_in_attempt_at', 'sign_in_attempt', ['at'])
    with op.batch_alter_table('user') as batch:
        batch.add_column(
            sa.Column(
                'must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade():
    with op.batch_alter_table('user') as batch:
        batch.drop_column('must_change_password')
    op.drop_index('ix_sign_in_attempt_at', table_name='sign_in_attempt')
    op.drop_index('ix_sign_in_attempt_address_at', table_name='sign_in_attempt')
    op.drop_index('ix_sign_in_attempt_email_address_at', table_name='sign_in_attempt')
    op.drop_table('sign_in_attempt')
