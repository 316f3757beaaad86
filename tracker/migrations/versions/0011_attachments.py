"""Documents attached as evidence to measures and to assessments' answers.

Each document's bytes are kept in the database (BLOB on SQLite, bytea on PostgreSQL),
so that a backup holds them and every server shares them; two link tables say which
measure or answer each belongs to.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_attachment_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    op.create_table('measure_attachment',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_measure_attachment_attachment_id_attachment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_attachment_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'attachment_id', name=op.f('pk_measure_attachment'))
    )
    with op.batch_alter_table('measure_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_measure_attachment_attachment_id', ['attachment_id'], unique=False)

    op.create_table('assessment_answer_attachment',
    sa.Column('assessment_answer_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_answer_id'], ['assessment_answer.id'], name='fk_assessment_answer_attachment_answer', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_assessment_answer_attachment_attachment_id_attachment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_answer_id', 'attachment_id', name=op.f('pk_assessment_answer_attachment'))
    )
    with op.batch_alter_table('assessment_answer_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_answer_attachment_attachment_id', ['attachment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assessment_answer_attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_answer_attachment_attachment_id')

    op.drop_table('assessment_answer_attachment')
    with op.batch_alter_table('measure_attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_attachment_attachment_id')

    op.drop_table('measure_attachment')
    op.drop_table('attachment')
