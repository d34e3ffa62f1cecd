"""participants: NRP, desa, remembered columns

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant_columns', sa.JSON(), nullable=False,
                                      server_default='{}'))

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nrp', sa.String(length=14), nullable=True))
        batch_op.add_column(sa.Column('desa_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registration_desa_id_desa'), 'desa', ['desa_id'], ['id'])



def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_desa_id_desa'), type_='foreignkey')
        batch_op.drop_column('desa_id')
        batch_op.drop_column('nrp')

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('participant_columns')

