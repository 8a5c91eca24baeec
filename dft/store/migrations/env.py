"""Alembic environment. DFT Tracker hands over the connection to migrate on."""

from alembic import context

from dft.core.models import Base
from dft.store.schema_compare import compare_server_default, include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "DFT Tracker migrations run through dft.store (open_database), "
            "which passes the connection in config.attributes['connection']."
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=compare_server_default,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
