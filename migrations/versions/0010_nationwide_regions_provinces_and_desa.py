"""nationwide regions: provinces and desa

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('province',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_province')),
    sa.UniqueConstraint('code', name=op.f('uq_province_code'))
    )
    op.create_table('desa',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kecamatan_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=13), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('variants', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['kecamatan_id'], ['kecamatan.id'], name=op.f('fk_desa_kecamatan_id_kecamatan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desa')),
    sa.UniqueConstraint('code', name=op.f('uq_desa_code'))
    )
    with op.batch_alter_table('desa', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desa_kecamatan_id'), ['kecamatan_id'], unique=False)

    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_region_province_id'), ['province_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_region_province_id_province'), 'province', ['province_id'], ['id'])



def downgrade():
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_region_province_id_province'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_region_province_id'))
        batch_op.drop_column('province_id')

    with op.batch_alter_table('desa', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desa_kecamatan_id'))

    op.drop_table('desa')
    op.drop_table('province')
