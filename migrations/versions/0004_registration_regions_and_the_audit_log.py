"""registration, regions and the audit log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('code', name=op.f('uq_region_code'))
    )
    op.create_table('kecamatan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('variants', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_kecamatan_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kecamatan')),
    sa.UniqueConstraint('code', name=op.f('uq_kecamatan_code'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_audit_event_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_audit_event_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('front_titles', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('back_titles', sa.String(length=100), nullable=False),
    sa.Column('gender', sa.Enum('L', 'P', name='gender', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('nip', sa.String(length=18), nullable=True),
    sa.Column('rank', sa.String(length=100), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=80), nullable=False),
    sa.Column('kecamatan_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.Enum('registered', 'waitlisted', 'cancelled', name='registrationstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('badge_code', sa.String(length=32), nullable=False),
    sa.Column('personal_token', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_registration_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_registration_institution_id_institution')),
    sa.ForeignKeyConstraint(['kecamatan_id'], ['kecamatan.id'], name=op.f('fk_registration_kecamatan_id_kecamatan')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_registration_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('badge_code', name=op.f('uq_registration_badge_code')),
    sa.UniqueConstraint('course_id', 'number', name=op.f('uq_registration_course_id_number')),
    sa.UniqueConstraint('personal_token', name=op.f('uq_registration_personal_token'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_course_status', ['course_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_registration_active_nik', ['course_id', 'nik'], unique=True, sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))

    op.create_table('unit_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=80), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.CheckConstraint('seats >= 0', name=op.f('ck_unit_quota_seats_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_unit_quota_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_quota')),
    sa.UniqueConstraint('course_id', 'unit', name=op.f('uq_unit_quota_course_id_unit'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('registration_open', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('last_participant_number', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.create_foreign_key(batch_op.f('fk_course_region_id_region'), 'region', ['region_id'], ['id'])



def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_course_region_id_region'), type_='foreignkey')
        batch_op.drop_column('last_participant_number')
        batch_op.drop_column('registration_open')
        batch_op.drop_column('region_id')

    op.drop_table('unit_quota')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('uq_registration_active_nik', sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))
        batch_op.drop_index(batch_op.f('ix_registration_user_id'))
        batch_op.drop_index(batch_op.f('ix_registration_institution_id'))
        batch_op.drop_index('ix_registration_course_status')

    op.drop_table('registration')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_subject')
        batch_op.drop_index(batch_op.f('ix_audit_event_course_id'))

    op.drop_table('audit_event')
    op.drop_table('kecamatan')
    op.drop_table('region')
