"""speakers remember who added them: contacts and private link for them, course organisers and admins

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_speaker_created_by_id_user', 'user', ['created_by_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.drop_constraint('fk_speaker_created_by_id_user', type_='foreignkey')
        batch_op.drop_column('created_by_id')
