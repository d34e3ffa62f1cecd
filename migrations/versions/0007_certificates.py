"""certificates: settings, eligibility overrides, certificates and batches

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='batchstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('rendered', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_batch_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_certificate_batch_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_batch'))
    )
    with op.batch_alter_table('certificate_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_batch_course_id'), ['course_id'], unique=False)

    op.create_table('certificate_settings',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('number_pattern', sa.String(length=120), nullable=False),
    sa.Column('izin_counts', sa.Boolean(), nullable=False),
    sa.Column('heading', sa.Text(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('signing_place', sa.String(length=100), nullable=False),
    sa.Column('signing_date', sa.Date(), nullable=True),
    sa.Column('logo', sa.String(length=80), nullable=False),
    sa.Column('partner_logo', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_settings_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_certificate_settings'))
    )
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=120), nullable=False),
    sa.Column('verification_code', sa.String(length=14), nullable=False),
    sa.Column('attended_jp', sa.Integer(), nullable=False),
    sa.Column('total_jp', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('pdf_file', sa.String(length=200), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=False),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_certificate_issued_by_id_user')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_certificate_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], name=op.f('fk_certificate_revoked_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('course_id', 'seq', name=op.f('uq_certificate_course_id_seq')),
    sa.UniqueConstraint('number', name=op.f('uq_certificate_number')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_certificate_verification_code'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('uq_certificate_valid_registration', ['registration_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))

    op.create_table('eligibility_override',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_eligibility_override_decided_by_id_user')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_eligibility_override_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_eligibility_override'))
    )


def downgrade():
    op.drop_table('eligibility_override')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('uq_certificate_valid_registration', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_certificate_registration_id'))

    op.drop_table('certificate')
    op.drop_table('certificate_settings')
    with op.batch_alter_table('certificate_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_batch_course_id'))

    op.drop_table('certificate_batch')
