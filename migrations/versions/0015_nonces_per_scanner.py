"""nonces per scanner: a nonce is unique per scanner token or desk browser, not overall

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # Records made before keep their nonce without a scanner: no new scan finds them by it.
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scanner', sa.String(length=80), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_attendance_nonce'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_attendance_scanner_nonce'), ['scanner', 'nonce'])


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attendance_scanner_nonce'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_attendance_nonce'), ['nonce'])
        batch_op.drop_column('scanner')
