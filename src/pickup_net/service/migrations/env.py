"""Alembic environment of the pickup-net database: runs on the connection `migrate.py` passes in.

The caller holds the transaction (and the lock that keeps two processes from migrating at once),
so every revision applies together or not at all.
"""

from alembic import context

from pickup_net.service.db_models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
