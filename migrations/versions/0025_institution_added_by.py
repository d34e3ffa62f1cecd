"""institutions remember who added them: an organiser may name one they added as a course's host

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_institution_created_by_id_user', 'user',
                                    ['created_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_constraint('fk_institution_created_by_id_user', type_='foreignkey')
        batch_op.drop_column('created_by_id')
