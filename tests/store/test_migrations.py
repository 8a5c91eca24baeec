"""The migrations and the models describe the same schema, both ways."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from dft.core.models import Base
from dft.store.database import open_database
from dft.store.engine import create_database_engine
from dft.store.schema import alembic_config, head_revision
from dft.store.schema_compare import compare_server_default, include_object


def _upgrade(url: URL, target: str) -> None:
    engine = create_database_engine(url, foreign_keys=False)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, target)
    engine.dispose()


def _drift(url: URL) -> list[object]:
    engine = create_database_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": compare_server_default,
                "include_object": include_object,
                "render_as_batch": True,
            },
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return diff


def _schema(url: URL) -> dict[str, object]:
    engine = create_database_engine(url)
    inspector = inspect(engine)
    schema = {
        table: (
            sorted(
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ),
            sorted(
                (i["name"], tuple(i["column_names"]), i["unique"])
                for i in inspector.get_indexes(table)
            ),
            sorted(str(c["sqltext"]) for c in inspector.get_check_constraints(table)),
            sorted(str(fk["referred_table"]) for fk in inspector.get_foreign_keys(table)),
        )
        for table in inspector.get_table_names()
    }
    engine.dispose()
    return schema


def test_migrating_an_empty_database_to_head_gives_exactly_the_models(database_url: URL) -> None:
    _upgrade(database_url, "head")
    assert _drift(database_url) == []


def test_a_new_database_and_a_migrated_one_have_the_same_schema(
    database_url: URL, new_database_url: Callable[[], URL]
) -> None:
    migrated = database_url
    _upgrade(migrated, "head")
    created = new_database_url()
    open_database(created).close()
    assert _schema(created) == _schema(migrated)


def test_every_migration_downgrades_and_upgrades_again(database_url: URL) -> None:
    path = database_url
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in script.walk_revisions("base", "heads")][::-1]
    assert len(revisions) >= 2
    engine = create_database_engine(path, foreign_keys=False)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        for revision in revisions:
            command.upgrade(config, revision)
        for _ in revisions:
            command.downgrade(config, "-1")
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
    engine.dispose()
    assert _drift(path) == []
    assert head_revision() == revisions[-1]


def test_the_app_reads_the_same_revisions_as_alembic() -> None:
    from dft.store.schema import known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_upgrading_keys_the_split_and_adds_general_causes_and_not_yet_known(
    database_url: URL,
) -> None:
    """A database from before 0007 gets what a new one is seeded with, its own data kept."""
    from sqlalchemy import text

    from dft.core.taxonomy import list_taxonomy
    from tests.factories import connection_at_revision

    with connection_at_revision(database_url, "0006") as connection:
        for position, (name, controllable) in enumerate(
            [("Land", False), ("Customer service", True), ("Other", False), ("Weather", True)]
        ):
            connection.execute(
                text(
                    "INSERT INTO categories (name, controllable, position, retired)"
                    " VALUES (:name, :controllable, :position, false)"
                ),
                {"name": name, "controllable": controllable, "position": position},
            )
        for category_id, name in [(1, "Soil"), (2, "Rude"), (3, "Other"), (4, "Unspecified")]:
            connection.execute(
                text(
                    "INSERT INTO causes (category_id, name, description, position, retired)"
                    " VALUES (:category_id, :name, '', 0, false)"
                ),
                {"category_id": category_id, "name": name},
            )
    database = open_database(database_url)
    try:
        with database.sessions.begin() as session:
            taxonomy = list_taxonomy(session)
    finally:
        database.close()
    summary = [
        (c.name, c.key, c.controllable, [(x.name, x.general, x.key) for x in c.causes])
        for c in taxonomy
    ]
    assert summary == [
        ("Land", "land", False, [("Soil", False, None), ("Unspecified", True, None)]),
        (
            "Customer service",
            "customer_service",
            True,
            [("Rude", False, None), ("Unspecified", True, None)],
        ),
        ("Other", None, False, [("Other", True, None)]),
        ("Weather", None, True, [("Unspecified", True, None)]),
        (
            "Not yet known",
            "not_yet_known",
            None,
            [("Unknown — pending call", True, "pending_call")],
        ),
    ]


def test_upgrading_to_0009_makes_the_deals_and_calls_already_there_searchable(
    database_url: URL,
) -> None:
    """A database from 0008 keeps its rows, and every one of them is found without case
    or accents (filled and indexed by the migration)."""
    from datetime import date

    from sqlalchemy import text

    from dft.core.queries import DealFilter, fetch_deal_ids
    from tests.factories import connection_at_revision

    with connection_at_revision(database_url, "0008") as connection:
        for client, notes in [
            ("Hans Müller", "wants the lot back"),
            ("Élodie Martin", "Клиент переехал в Москву"),
            ("Yuki Tanaka", "東京の転勤で解約"),
            ("Ann Smith", ""),
        ]:
            connection.execute(
                text(
                    "INSERT INTO deals (client_name, contract_value_cents, fell_through_on,"
                    " notes, created_at, updated_at) VALUES (:client, 100, '2026-10-01',"
                    " :notes, '2026-10-02 00:00:00', '2026-10-02 00:00:00')"
                ),
                {"client": client, "notes": notes},
            )
        connection.execute(
            text(
                "INSERT INTO follow_ups (deal_id, due_on, notes, created_at, updated_at)"
                " VALUES (4, '2026-10-08', 'Die Bank sagt nein, Frau Größe',"
                " '2026-10-02 00:00:00', '2026-10-02 00:00:00')"
            )
        )
    database = open_database(database_url)
    try:
        with database.sessions.begin() as session:

            def found(term: str) -> set[int]:
                return set(fetch_deal_ids(session, DealFilter(text=term, today=date(2026, 11, 1))))

            assert found("MULLER") == {1}
            assert found("elodie") == {2}
            assert found("москву") == {2}
            assert found("転勤") == {3}
            assert found("東京の転勤") == {3}
            assert found("grosse") == {4}  # a call note
            assert found("smith") == {4}
            if session.get_bind().dialect.name == "postgresql":  # the test server has pg_trgm
                indexes = session.scalars(
                    text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")
                )
                assert sorted(indexes) == [
                    "ix_deals_search_text_trgm",
                    "ix_follow_ups_search_text_trgm",
                ]
    finally:
        database.close()
    assert _drift(database_url) == []


def test_the_migration_folds_as_the_app_does() -> None:
    """0009 keeps its own copy of the folding; the two must agree, or old rows go unfound."""
    import importlib

    from dft.core.search import fold

    migration = importlib.import_module(
        "dft.store.migrations.versions.0009_text_search_without_case_or_accents"
    )
    samples = ("Müller", "ÉLODIE", "Søren Łódź", "ΣΊΣΥΦΟΣ", "한국어", "がっこう", "Ｆｕｌｌ", "")
    for value in samples:
        assert migration._fold(value) == fold(value)
