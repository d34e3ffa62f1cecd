"""certificate training kind: the jenis the civil-servant system's training history asks for

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate_settings') as batch_op:
        batch_op.add_column(sa.Column('training_kind', sa.String(length=40), nullable=False,
                                      server_default='Bimtek'))


def downgrade():
    with op.batch_alter_table('certificate_settings') as batch_op:
        batch_op.drop_column('training_kind')
