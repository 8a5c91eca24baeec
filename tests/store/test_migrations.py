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


def test_upgrading_to_0010_keeps_every_deal_and_call_and_their_figures(database_url: URL) -> None:
    """0010 only swaps indexes: the rows stay, and the month's figures read from 0009's
    database are the same figures after it."""
    from datetime import date

    from sqlalchemy import text

    from dft.analytics.breakdowns import by_responsible_role
    from dft.analytics.follow_ups import follow_up_metrics
    from dft.core.queries import DealFilter
    from tests.factories import connection_at_revision

    october = DealFilter(fell_from=date(2026, 10, 1), fell_to=date(2026, 10, 31))
    today = date(2026, 11, 24)
    with connection_at_revision(database_url, "0009") as connection:
        for client, role, day in [("Ann", "Buyer", 3), ("Bo", "Lender", 9), ("Cy", "Buyer", 20)]:
            connection.execute(
                text(
                    "INSERT INTO deals (client_name, contract_value_cents, fell_through_on,"
                    " responsible_role, created_at, updated_at) VALUES (:client, 100,"
                    " :fell, :role, '2026-10-02 00:00:00', '2026-10-02 00:00:00')"
                ),
                {"client": client, "role": role, "fell": date(2026, 10, day)},
            )
        for deal, due, done, outcome in [
            (1, "2026-10-05", "2026-10-05 10:00:00", "no_answer"),
            (1, "2026-10-06", "2026-10-06 10:00:00", "reached"),
            (2, "2026-10-12", None, None),  # overdue
        ]:
            connection.execute(
                text(
                    "INSERT INTO follow_ups (deal_id, due_on, done_at, outcome, created_at,"
                    " updated_at) VALUES (:deal, :due, :done, :outcome,"
                    " '2026-10-02 00:00:00', '2026-10-02 00:00:00')"
                ),
                {"deal": deal, "due": due, "done": done, "outcome": outcome},
            )
    database = open_database(database_url)
    try:
        with database.sessions.begin() as session:
            assert session.scalar(text("SELECT count(*) FROM deals")) == 3
            assert session.scalar(text("SELECT count(*) FROM follow_ups")) == 3
            roles = {s.label: s.deals for s in by_responsible_role(session, october)}
            assert roles == {"Buyer": 2, "Lender": 1}
            calls = follow_up_metrics(session, october, today)
            assert (calls.deals, calls.reached.count, calls.overdue) == (3, 1, 1)
            assert calls.attempts_until_reached == {2: 1}
            assert calls.days_to_first_call == {2: 1}
    finally:
        database.close()
    indexes = index_names(database_url, "deals", "follow_ups")
    assert {"ix_deals_live_month_figures", "ix_follow_ups_deal_calls"} <= indexes
    assert not {"ix_deals_live_month_totals", "ix_follow_ups_deal_id"} & indexes
    assert _drift(database_url) == []


def index_names(url: URL, *tables: str) -> set[str]:
    engine = create_database_engine(url)
    try:
        inspector = inspect(engine)
        return {str(i["name"]) for table in tables for i in inspector.get_indexes(table)}
    finally:
        engine.dispose()


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
