"""typeable badge codes: every participant gets one; the old code keeps working

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# As in bimtek.registration.badge_codes at this revision, written out so that this
# revision builds the same codes whatever that module becomes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _new_code() -> str:
    data = [secrets.choice(ALPHABET) for _ in range(9)]
    total = sum(weight * ALPHABET.index(c) for weight, c in enumerate(data, start=1))
    check = next(c for c in ALPHABET if (total + 10 * ALPHABET.index(c)) % 31 == 0)
    return "".join(data) + check


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legacy_badge_code', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_registration_legacy_badge_code'), ['legacy_badge_code'])
    connection = op.get_bind()
    registration = sa.table('registration', sa.column('id', sa.Integer),
                            sa.column('badge_code', sa.String),
                            sa.column('legacy_badge_code', sa.String))
    ids = connection.scalars(sa.select(registration.c.id)).all()
    codes = set()
    while len(codes) < len(ids):
        codes.add(_new_code())
    for row_id, code in zip(ids, codes):
        connection.execute(registration.update().where(registration.c.id == row_id).values(
            legacy_badge_code=registration.c.badge_code, badge_code=code))


def downgrade():
    connection = op.get_bind()
    registration = sa.table('registration', sa.column('badge_code', sa.String),
                            sa.column('legacy_badge_code', sa.String))
    connection.execute(registration.update().where(
        registration.c.legacy_badge_code.is_not(None)).values(
        badge_code=registration.c.legacy_badge_code))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registration_legacy_badge_code'), type_='unique')
        batch_op.drop_column('legacy_badge_code')
