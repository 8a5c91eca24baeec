"""Alembic environment. DFT Tracker hands over the connection to migrate on."""

from alembic import context

from dft.core.models import Base

config = context.config
target_metadata = Base.metadata


def _strip_default(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    while value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    return value.strip("'\"")


def compare_server_default(
    _context: object,
    _inspected_column: object,
    _metadata_column: object,
    inspected_default: str | None,
    _metadata_default: object,
    rendered_metadata_default: str | None,
) -> bool:
    """SQLite reports ``''`` back as ``('')``; only a real difference counts as drift."""
    return _strip_default(inspected_default) != _strip_default(rendered_metadata_default)


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
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
