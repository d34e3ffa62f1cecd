"""signatories: who signs certificates electronically (a PKCS#12 file an admin registered),
and each course's signatory

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signatory',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('nip', sa.String(length=18), nullable=False),
        sa.Column('position', sa.String(length=200), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=False),
        sa.Column('key_file', sa.String(length=80), nullable=False),
        sa.Column('certificate_pem', sa.Text(), nullable=False),
        sa.Column('chain_pem', sa.Text(), nullable=False),
        sa.Column('certificate_sha256', sa.String(length=64), nullable=False),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('not_before', sa.DateTime(), nullable=False),
        sa.Column('not_after', sa.DateTime(), nullable=False),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_signatory_created_by_id_user')),
        sa.ForeignKeyConstraint(['institution_id'], ['institution.id'],
                                name=op.f('fk_signatory_institution_id_institution')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signatory')),
    )
    with op.batch_alter_table('signatory') as batch_op:
        batch_op.create_index(batch_op.f('ix_signatory_certificate_sha256'),
                              ['certificate_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_signatory_institution_id'), ['institution_id'],
                              unique=False)
    with op.batch_alter_table('certificate_settings') as batch_op:
        batch_op.add_column(sa.Column('signatory_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_certificate_settings_signatory_id_signatory'), 'signatory',
            ['signatory_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('certificate_settings') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_certificate_settings_signatory_id_signatory'), type_='foreignkey')
        batch_op.drop_column('signatory_id')
    with op.batch_alter_table('signatory') as batch_op:
        batch_op.drop_index(batch_op.f('ix_signatory_institution_id'))
        batch_op.drop_index(batch_op.f('ix_signatory_certificate_sha256'))
    op.drop_table('signatory')
