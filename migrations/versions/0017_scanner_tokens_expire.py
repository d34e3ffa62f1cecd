"""scanner tokens expire: the day after the course ends, unless an organiser extends them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('device_token', schema=None) as batch_op:
        batch_op.drop_column('valid_until')
