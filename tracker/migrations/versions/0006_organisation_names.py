"""Organisations are named in French and in Arabic.

The one `name` column becomes `name_fr` (French, or another Latin-script language: what
almost every name recorded so far was written in), and `name_ar` is added; either may
be empty, never both (the records service checks it). A name recorded in Arabic script
moves to `name_ar`, so an Arabic page shows it as its own and a French page falls back
to it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

organisation = sa.table(
    'organisation',
    sa.column('id', sa.Integer),
    sa.column('name_fr', sa.String),
    sa.column('name_ar', sa.String),
)


def written_in_arabic(text):
    """Whether most of the letters of `text` are Arabic (as the model decided in 2026-12)."""
    letters = [c for c in text or '' if c.isalpha()]
    arabic = sum(1 for c in letters if '\u0600' <= c <= '\u06ff' or '\ufb50' <= c <= '\ufeff')
    return arabic * 2 > len(letters)


def upgrade():
    with op.batch_alter_table('organisation') as batch:
        batch.alter_column(
            'name', new_column_name='name_fr', existing_type=sa.String(200), nullable=True
        )
        batch.add_column(sa.Column('name_ar', sa.String(length=200), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(organisation.c.id, organisation.c.name_fr)).all()
    for row_id, name in rows:
        if written_in_arabic(name):
            bind.execute(
                organisation.update()
                .where(organisation.c.id == row_id)
                .values(name_ar=name, name_fr=None)
            )


def downgrade():
    bind = op.get_bind()
    bind.execute(
        organisation.update()
        .where(organisation.c.name_fr.is_(None))
        .values(name_fr=organisation.c.name_ar)
    )
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('name_ar')
        batch.alter_column(
            'name_fr', new_column_name='name', existing_type=sa.String(200), nullable=False
        )
