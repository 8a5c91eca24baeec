"""Opening a team database on PostgreSQL: create, upgrade, refuse, and say why without secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL

from dft.core.models import Deal
from dft.store.database import (
    ConnectionLostError,
    DatabaseError,
    NotADftDatabaseError,
    SchemaTooNewError,
    open_database,
)
from dft.store.location import display_url, without_password
from dft.store.schema import head_revision
from tests.factories import database_at_first_revision
from tests.postgres_server import PASSWORD, ROLE, PostgresServer


@pytest.fixture
def url(postgres_server: PostgresServer) -> Iterator[URL]:
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def tables(url: URL) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_new_team_database_is_created_seeded_and_stamped(url: URL) -> None:
    database = open_database(url)
    try:
        assert database.created
        assert database.path is None
        assert database.daily_backup is None
        with database.engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == (
                head_revision()
            )
            assert connection.scalar(text("SELECT count(*) FROM causes")) > 10
        assert PASSWORD not in database.location
        assert "***" in database.location
        assert PASSWORD not in database.reopen_location
        assert database.short_name == f"{url.database} on 127.0.0.1"
    finally:
        database.close()
    again = open_database(url)
    assert not again.created
    assert again.upgraded_from is None
    again.close()


def test_a_team_database_of_the_first_version_upgrades_with_its_data(url: URL) -> None:
    database_at_first_revision(url)
    database = open_database(url)
    try:
        assert database.upgraded_from == "0001"
        assert database.pre_upgrade_backup is None  # the server's own backups apply
        with database.sessions.begin() as session:
            deal = session.get(Deal, 1)
            assert deal is not None
            assert (deal.client_name, deal.contract_value_cents) == ("Old Client", 31415926)
            assert deal.created_by is None
            assert deal.follow_ups == []
    finally:
        database.close()


def execute(url: URL, statement: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_someone_elses_database_on_the_server_is_refused_untouched(url: URL) -> None:
    execute(url, "CREATE TABLE recipes (name TEXT)")
    with pytest.raises(NotADftDatabaseError, match="not a DFT Tracker one"):
        open_database(url)
    assert tables(url) == {"recipes"}


def test_a_team_database_from_a_newer_version_is_refused_untouched(url: URL) -> None:
    open_database(url).close()
    execute(url, "UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(SchemaTooNewError, match="newer version"):
        open_database(url)


def test_a_wrong_password_is_said_without_showing_any_password(url: URL) -> None:
    wrong = url.set(password="not-the-" + PASSWORD)
    with pytest.raises(DatabaseError) as caught:
        open_database(wrong)
    message = str(caught.value)
    assert "refused the password" in message
    assert f"user '{ROLE}'" in message
    assert PASSWORD not in message
    assert "not-the-" not in message


def test_an_unreachable_server_is_said_plainly(postgres_server: PostgresServer) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = postgres_server.url("dft").set(port=port)
    with pytest.raises(ConnectionLostError) as caught:
        open_database(unreachable)
    assert f"cannot reach the database server at 127.0.0.1:{port}" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert display_url(unreachable) in str(caught.value)


def test_a_missing_database_on_the_server_is_named(postgres_server: PostgresServer) -> None:
    with pytest.raises(DatabaseError, match=r"there is no database 'nope' on 127\.0\.0\.1"):
        open_database(postgres_server.url("nope"))


def test_the_password_may_come_from_pgpassword(url: URL, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    open_database(without_password(url)).close()


def test_the_password_may_come_from_pgpass(
    url: URL, monkeypatch: pytest.MonkeyPatch, isolated_user_folders: Path
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    pgpass = isolated_user_folders / ".pgpass"
    escaped = PASSWORD.replace("\\", "\\\\").replace(":", "\\:")
    pgpass.write_text(f"127.0.0.1:{url.port}:*:{ROLE}:{escaped}\n", encoding="utf-8")
    pgpass.chmod(0o600)  # libpq ignores a .pgpass others can read
    open_database(without_password(url)).close()
