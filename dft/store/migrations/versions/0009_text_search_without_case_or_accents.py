"""text search without case or accents: a folded copy of the searched text, trigram-indexed

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 04:30:00

Deals and calls get ``search_text``, their searched text folded (no case, no
accents); the rows already there are filled here. SQLite indexes it with an
FTS5 trigram table kept in step by triggers; PostgreSQL with pg_trgm's GIN
operator class, when the server lets the extension be created (else searches
scan, as before).

A later migration that rebuilds ``deals`` or ``follow_ups`` on SQLite (batch
mode) drops the triggers with the table: it must create them again.
"""

import logging
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here, not imported: a migration must keep doing what it did when
# it was written (the same folding as dft/core/search.py at this revision).
_KEPT_MARKS = frozenset({"\u3099", "\u309a"})
# Letters Unicode does not decompose that readers still see as a letter with a mark.
_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe"}
)
BATCH = 5000
# table -> the columns folded into its search_text, in order
SEARCHED = {
    "deals": ("client_name", "contract_number", "notes"),
    "follow_ups": ("notes", "client_words"),
}


def _fold(value: str | None) -> str:
    if not value:
        return ""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(_PLAIN_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _KEPT_MARKS)
    return unicodedata.normalize("NFC", bare)


def _searchable(values: Sequence[str | None]) -> str:
    return "\n".join(_fold(v) for v in values if v)


def _sqlite_ddl(table: str) -> list[str]:
    fts = f"{table}_search"
    forget = (
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    )
    learn = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}',"
        f" content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {learn} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {forget} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {table}"
        f" BEGIN {forget} {learn} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _fill(connection: sa.Connection, table: str, columns: Sequence[str]) -> None:
    """Every row's folded text, a batch at a time (ids ascending, memory flat)."""
    after = 0
    while True:
        rows = connection.execute(
            sa.text(
                f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > :after"
                " ORDER BY id LIMIT :batch"
            ),
            {"after": after, "batch": BATCH},
        ).all()
        if not rows:
            return
        updates = [{"id": r[0], "text": _searchable(r[1:])} for r in rows]
        updates = [u for u in updates if u["text"]]
        if updates:
            connection.execute(
                sa.text(f"UPDATE {table} SET search_text = :text WHERE id = :id"), updates
            )
        after = rows[-1][0]


def upgrade() -> None:
    connection = op.get_bind()
    for table, columns in SEARCHED.items():
        op.add_column(table, sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        _fill(connection, table, columns)
    if connection.dialect.name == "sqlite":
        for table in SEARCHED:
            for statement in _sqlite_ddl(table):
                connection.exec_driver_sql(statement)
        return
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        # Not on this server, or not ours to create: searches scan instead.
        logging.getLogger("dft.store.migrations").warning(
            "The PostgreSQL server does not offer the pg_trgm extension: "
            "text searches read every deal instead of an index."
        )
        return
    for table in SEARCHED:
        connection.exec_driver_sql(
            f"CREATE INDEX ix_{table}_search_text_trgm ON {table}"
            " USING gin (search_text gin_trgm_ops)"
        )


def downgrade() -> None:
    connection = op.get_bind()
    for table in SEARCHED:
        if connection.dialect.name == "sqlite":
            for trigger in ("insert", "delete", "update"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_search_{trigger}")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}_search")
        else:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_search_text_trgm")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("search_text")
