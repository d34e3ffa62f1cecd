"""issuing institutions: the institutions in whose name an organiser may issue certificates,
and the one each certificate was issued for

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_issuing_institution',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['institution_id'], ['institution.id'],
            name=op.f('fk_user_issuing_institution_institution_id_institution'),
            ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_user_issuing_institution_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'institution_id',
                                name=op.f('pk_user_issuing_institution')),
    )
    # Organisers keep issuing for the hosts of the courses they organise already.
    op.execute(
        "INSERT INTO user_issuing_institution (user_id, institution_id) "
        "SELECT DISTINCT course_assignment.user_id, course.host_institution_id "
        "FROM course_assignment JOIN course ON course.id = course_assignment.course_id "
        "WHERE course_assignment.role = 'organiser' AND course.host_institution_id IS NOT NULL"
    )

    with op.batch_alter_table('certificate') as batch_op:
        batch_op.add_column(sa.Column('issuer_institution_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_certificate_issuer_institution_id_institution'), 'institution',
            ['issuer_institution_id'], ['id'])
    # Certificates issued so far were issued in their course's host's name.
    op.execute(
        "UPDATE certificate SET issuer_institution_id = "
        "(SELECT host_institution_id FROM course WHERE course.id = certificate.course_id)"
    )


def downgrade():
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_certificate_issuer_institution_id_institution'), type_='foreignkey')
        batch_op.drop_column('issuer_institution_id')
    op.drop_table('user_issuing_institution')
