"""indexes for speaker and room lookups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_room_course_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_room_course_id_name'), ['course_id', 'name'])

    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_room_id'), ['room_id'], unique=False)

    with op.batch_alter_table('session_speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_speaker_speaker_id'), ['speaker_id'], unique=False)


def downgrade():
    with op.batch_alter_table('session_speaker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_speaker_speaker_id'))

    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_room_id'))

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_room_course_id_name'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_room_course_id'), ['course_id', 'name'])

