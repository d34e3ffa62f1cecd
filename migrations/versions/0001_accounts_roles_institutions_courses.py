"""accounts, roles, institutions and courses

Revision ID: 0001
Revises: 
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution')),
    sa.UniqueConstraint('name', name=op.f('uq_institution_name')),
    sa.UniqueConstraint('short_name', name=op.f('uq_institution_short_name'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('programme', sa.String(length=300), nullable=False),
    sa.Column('batch', sa.Integer(), nullable=False),
    sa.Column('host_institution_id', sa.Integer(), nullable=True),
    sa.Column('facilitator_institution_id', sa.Integer(), nullable=True),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('min_attendance_percent', sa.Integer(), nullable=False),
    sa.Column('signatory_position', sa.String(length=200), nullable=False),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signatory_nip', sa.String(length=18), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'finished', name='coursestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_course_capacity_positive')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_course_ends_after_start')),
    sa.CheckConstraint('min_attendance_percent BETWEEN 1 AND 100', name=op.f('ck_course_min_attendance_percent_range')),
    sa.ForeignKeyConstraint(['facilitator_institution_id'], ['institution.id'], name=op.f('fk_course_facilitator_institution_id_institution')),
    sa.ForeignKeyConstraint(['host_institution_id'], ['institution.id'], name=op.f('fk_course_host_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course')),
    sa.UniqueConstraint('code', name=op.f('uq_course_code'))
    )
    op.create_table('user_institution',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_user_institution_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_institution_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'institution_id', name=op.f('pk_user_institution'))
    )
    op.create_table('user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'organiser', 'desk', 'facilitator', 'hr', 'participant', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_role_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role'))
    )
    op.create_table('course_assignment',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'organiser', 'desk', 'facilitator', 'hr', 'participant', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_assignment_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_course_assignment_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'course_id', 'role', name=op.f('pk_course_assignment'))
    )


def downgrade():
    op.drop_table('course_assignment')
    op.drop_table('user_role')
    op.drop_table('user_institution')
    op.drop_table('course')
    op.drop_table('user')
    op.drop_table('institution')
