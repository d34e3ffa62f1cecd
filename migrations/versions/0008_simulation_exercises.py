"""simulation exercises: scenario, objectives, teams, MSEL injects, responses, ratings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exercise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('scenario', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'running', 'paused', 'ended', name='exercisestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('elapsed_seconds', sa.Integer(), nullable=False),
    sa.Column('clock_started_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_exercise_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_exercise_session_id_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise'))
    )
    with op.batch_alter_table('exercise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_course_id'), ['course_id'], unique=False)

    op.create_table('exercise_staff',
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('facilitator', 'evaluator', name='staffrole', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_exercise_staff_exercise_id_exercise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_exercise_staff_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('exercise_id', 'user_id', 'role', name=op.f('pk_exercise_staff'))
    )
    op.create_table('objective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('capability', sa.String(length=200), nullable=False),
    sa.Column('evaluation_points', sa.Text(), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('improvements', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_objective_exercise_id_exercise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objective'))
    )
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_exercise_id'), ['exercise_id'], unique=False)

    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_team_exercise_id_exercise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('exercise_id', 'number', name=op.f('uq_team_exercise_id_number'))
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_exercise_id'), ['exercise_id'], unique=False)

    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Enum('P', 'S', 'M', 'U', name='rating', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['evaluator_id'], ['user.id'], name=op.f('fk_evaluation_evaluator_id_user')),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_evaluation_exercise_id_exercise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_evaluation_objective_id_objective'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_evaluation_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation')),
    sa.UniqueConstraint('objective_id', 'team_id', 'evaluator_id', name=op.f('uq_evaluation_objective_id_team_id_evaluator_id'))
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_exercise_id'), ['exercise_id'], unique=False)

    op.create_table('improvement_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_improvement_action_exercise_id_exercise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_improvement_action_objective_id_objective'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_action'))
    )
    with op.batch_alter_table('improvement_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_action_exercise_id'), ['exercise_id'], unique=False)

    op.create_table('inject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('scenario_time', sa.String(length=60), nullable=False),
    sa.Column('planned_offset_minutes', sa.Integer(), nullable=False),
    sa.Column('delivery', sa.Enum('message', 'phone', 'social', 'field_report', 'news', name='delivery', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('sender', sa.String(length=200), nullable=False),
    sa.Column('to_all_teams', sa.Boolean(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('expected_actions', sa.Text(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('released_at', sa.DateTime(), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_inject_exercise_id_exercise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_inject_objective_id_objective'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['released_by_id'], ['user.id'], name=op.f('fk_inject_released_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inject')),
    sa.UniqueConstraint('exercise_id', 'number', name=op.f('uq_inject_exercise_id_number'))
    )
    with op.batch_alter_table('inject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inject_exercise_id'), ['exercise_id'], unique=False)

    op.create_table('team_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('ketua', 'juru_bicara', 'notulis', 'anggota', name='teamrole', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_team_member_exercise_id_exercise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_team_member_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_member_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_member')),
    sa.UniqueConstraint('exercise_id', 'registration_id', name=op.f('uq_team_member_exercise_id_registration_id'))
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_team_id'), ['team_id'], unique=False)
        batch_op.create_index('uq_team_member_team_role', ['team_id', 'role'], unique=True, postgresql_where=sa.text("role != 'anggota'"), sqlite_where=sa.text("role != 'anggota'"))

    op.create_table('inject_target',
    sa.Column('inject_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inject_id'], ['inject.id'], name=op.f('fk_inject_target_inject_id_inject'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_inject_target_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('inject_id', 'team_id', name=op.f('pk_inject_target'))
    )
    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inject_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['inject_id'], ['inject.id'], name=op.f('fk_response_inject_id_inject'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['registration.id'], name=op.f('fk_response_submitted_by_id_registration')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_response_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('inject_id', 'team_id', name=op.f('uq_response_inject_id_team_id'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_inject_id'), ['inject_id'], unique=False)



def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_inject_id'))

    op.drop_table('response')
    op.drop_table('inject_target')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index('uq_team_member_team_role', postgresql_where=sa.text("role != 'anggota'"), sqlite_where=sa.text("role != 'anggota'"))
        batch_op.drop_index(batch_op.f('ix_team_member_team_id'))

    op.drop_table('team_member')
    with op.batch_alter_table('inject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inject_exercise_id'))

    op.drop_table('inject')
    with op.batch_alter_table('improvement_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_action_exercise_id'))

    op.drop_table('improvement_action')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_exercise_id'))

    op.drop_table('evaluation')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_exercise_id'))

    op.drop_table('team')
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_exercise_id'))

    op.drop_table('objective')
    op.drop_table('exercise_staff')
    with op.batch_alter_table('exercise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_course_id'))

    op.drop_table('exercise')
