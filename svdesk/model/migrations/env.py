"""Alembic environment: run from code (svdesk.model.db) with a live connection, never a CLI."""

from alembic import context

from svdesk.model.entities import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables. A no-op on PostgreSQL.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
