"""izin counts on the course: one attendance rule for every page, export and certificate

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

COPY_TO_COURSE = """
UPDATE course SET izin_counts = (
    SELECT certificate_settings.izin_counts FROM certificate_settings
    WHERE certificate_settings.course_id = course.id)
WHERE EXISTS (SELECT 1 FROM certificate_settings WHERE certificate_settings.course_id = course.id)
"""
COPY_TO_SETTINGS = """
UPDATE certificate_settings SET izin_counts = (
    SELECT course.izin_counts FROM course WHERE course.id = certificate_settings.course_id)
"""


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('izin_counts', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute(COPY_TO_COURSE)
    with op.batch_alter_table('certificate_settings', schema=None) as batch_op:
        batch_op.drop_column('izin_counts')


def downgrade():
    with op.batch_alter_table('certificate_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('izin_counts', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute(COPY_TO_SETTINGS)
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('izin_counts')
