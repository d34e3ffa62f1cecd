"""agenda: rooms, sessions, speakers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('speaker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('front_titles', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('back_titles', sa.String(length=100), nullable=False),
    sa.Column('match_key', sa.String(length=200), nullable=False),
    sa.Column('rank', sa.String(length=100), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('agenda_token', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_speaker_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker')),
    sa.UniqueConstraint('agenda_token', name=op.f('uq_speaker_agenda_token'))
    )
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_match_key'), ['match_key'], unique=False)

    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('is_plenary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_room_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room')),
    sa.UniqueConstraint('course_id', 'name', name=op.f('uq_room_course_id'))
    )
    op.create_table('session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('registration', 'opening', 'material', 'discussion', 'simulation', 'break', 'closing', name='sessionkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('jp', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.CheckConstraint('jp >= 0', name=op.f('ck_session_jp_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_session_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_session_room_id_room'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session')),
    sa.UniqueConstraint('uid', name=op.f('uq_session_uid'))
    )
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.create_index('ix_session_course_day', ['course_id', 'day', 'starts_at'], unique=False)

    op.create_table('session_speaker',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('narasumber', 'moderator', 'fasilitator', name='speakerrole', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_session_speaker_session_id_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['speaker.id'], name=op.f('fk_session_speaker_speaker_id_speaker')),
    sa.PrimaryKeyConstraint('session_id', 'speaker_id', name=op.f('pk_session_speaker'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_jp', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agenda_version', sa.Integer(), nullable=False,
                                      server_default='0'))



def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('agenda_version')
        batch_op.drop_column('declared_jp')

    op.drop_table('session_speaker')
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_index('ix_session_course_day')

    op.drop_table('session')
    op.drop_table('room')
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_match_key'))

    op.drop_table('speaker')
