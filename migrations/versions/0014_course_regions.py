"""course regions: one or more kabupaten/kota or whole provinces per course

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(region_id IS NULL) != (province_id IS NULL)', name=op.f('ck_course_region_region_or_province')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_region_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['province_id'], ['province.id'], name=op.f('fk_course_region_province_id_province')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_course_region_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_region')),
    sa.UniqueConstraint('course_id', 'province_id', name=op.f('uq_course_region_course_id_province_id')),
    sa.UniqueConstraint('course_id', 'region_id', name=op.f('uq_course_region_course_id_region_id'))
    )
    with op.batch_alter_table('course_region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_region_course_id'), ['course_id'], unique=False)

    # A course's one region becomes its first area.
    op.execute("INSERT INTO course_region (course_id, region_id) "
               "SELECT id, region_id FROM course WHERE region_id IS NOT NULL")
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_course_region_id_region'), type_='foreignkey')
        batch_op.drop_column('region_id')



def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_course_region_id_region'), 'region', ['region_id'], ['id'])

    # Back to one region per course: its first kabupaten/kota.
    op.execute("UPDATE course SET region_id = (SELECT MIN(region_id) FROM course_region "
               "WHERE course_region.course_id = course.id)")
    with op.batch_alter_table('course_region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_region_course_id'))

    op.drop_table('course_region')
