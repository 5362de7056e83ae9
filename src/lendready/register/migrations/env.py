"""Alembic's entry point for the register: run by :func:`lendready.register.migrate.upgrade`.

There is no ``alembic.ini``: the caller hands over an open connection in
``config.attributes["connection"]``, so the migrations use exactly the
connection (and the credentials libpq found) that lendready itself uses, and
nothing about the database is written to a file.
"""

from __future__ import annotations

from alembic import context

from lendready.register.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only lendready runs these migrations
    raise RuntimeError("the register's migrations are run by lendready (lendready register upgrade)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
