"""badge jobs: a course's badges are printed in the background, with progress

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'badge_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=True),
        sa.Column('registration_ids', sa.JSON(), nullable=True),
        sa.Column('pdf_file', sa.String(length=80), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='batchstatus',
                                    native_enum=False, create_constraint=True,
                                    length=7), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'],
                                name=op.f('fk_badge_job_course_id_course'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['institution_id'], ['institution.id'],
                                name=op.f('fk_badge_job_institution_id_institution'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'],
                                name=op.f('fk_badge_job_requested_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_job')),
    )
    with op.batch_alter_table('badge_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_job_course_id'), ['course_id'], unique=False)


def downgrade():
    with op.batch_alter_table('badge_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_job_course_id'))
    op.drop_table('badge_job')
