"""bounded text fields: every text a user types has a maximum length in its column

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# table -> {column: length}; the forms refuse longer texts with a message.
BOUNDED = {
    'attendance': {'reason': 500},
    'certificate': {'revoked_reason': 500},
    'certificate_settings': {'heading': 500, 'statement': 1000},
    'eligibility_override': {'reason': 500},
    'evaluation': {'notes': 2000},
    'exercise': {'scenario': 5000},
    'improvement_action': {'action': 1000},
    'inject': {'expected_actions': 2000, 'message': 2000},
    'objective': {'evaluation_points': 2000, 'improvements': 2000, 'strengths': 2000},
    'response': {'text': 5000},
    'session': {'description': 2000},
    'speaker': {'bio': 2000},
}


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table, columns in BOUNDED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                # A longer text typed before the bound is cut rather than refused here.
                using = {'postgresql_using': f'left({column}, {length})'} if postgresql else {}
                batch_op.alter_column(column, existing_type=sa.Text(),
                                      type_=sa.String(length=length), **using)


def downgrade():
    for table, columns in BOUNDED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(column, existing_type=sa.String(length=length),
                                      type_=sa.Text())
