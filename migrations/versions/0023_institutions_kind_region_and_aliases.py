"""institutions: kind, region and aliases

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('institution_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_institution_alias_institution_id_institution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution_alias')),
    sa.UniqueConstraint('key', name=op.f('uq_institution_alias_key'))
    )
    with op.batch_alter_table('institution_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_alias_institution_id'), ['institution_id'], unique=False)

    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('perangkat_daerah', 'penyelenggara_pemilu', 'badan_adhoc', 'polri', 'tni', 'instansi_vertikal', 'perguruan_tinggi', 'lainnya', name='institutionkind', native_enum=False, create_constraint=True), server_default='lainnya', nullable=False))
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_institution_region_id_region'), 'region', ['region_id'], ['id'])



def downgrade():
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_institution_region_id_region'), type_='foreignkey')
        batch_op.drop_column('region_id')
        # The enum's CHECK goes with its column, or SQLite's copy of the table names it.
        batch_op.drop_constraint(batch_op.f('ck_institution_institutionkind'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('institution_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institution_alias_institution_id'))

    op.drop_table('institution_alias')
