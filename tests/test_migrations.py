"""The migrations build exactly the schema the models describe, and undo it."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from bimtek.extensions import db
from tests.support.apps import build_app


def test_models_and_migrations_agree_and_downgrade_to_base_works(database_factory, tmp_path):
    app = build_app(database_factory.create(), tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "user" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
