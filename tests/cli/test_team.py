"""Every command on a team database: `--db postgresql+psycopg://...` or DFT_DATABASE."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from dft.store.location import without_password
from tests.cli.running import assert_one_line_error, run_dft
from tests.postgres_server import PASSWORD, PostgresServer


@pytest.fixture
def team(postgres_server: PostgresServer) -> Iterator[URL]:
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def full(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def test_every_command_works_on_a_team_database(team: URL, tmp_path: Path) -> None:
    db = ("--db", full(team))
    outputs = []

    def ok(*args: str, env: dict[str, str] | None = None) -> str:
        result = run_dft(*args, env=env)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout + result.stderr)
        return result.stdout

    ok("demo", *db, "--deals", "120", "--seed", "4")
    ok("add", *db, "--client", "Team Client", "--value", "$300,000", "--fell-through",
       "2026-10-12", "--cause", "Land/Lot not buildable", "--contract", "T-1")  # fmt: skip
    listed = json.loads(ok("list", *db, "--month", "2026-10", "--json"))
    assert any(deal["client"] == "Team Client" for deal in listed)
    summary = json.loads(ok("summary", *db, "--month", "2026-10", "--json"))
    assert summary["deals"] >= 1
    assert json.loads(ok("causes", *db, "--json"))[0]["category"] == "Land"
    ok("report", *db, "--month", "2026-10", "--out", str(tmp_path / "october.pdf"))
    assert (tmp_path / "october.pdf").read_bytes().startswith(b"%PDF")
    ok("export", *db, str(tmp_path / "deals.xlsx"))
    csv = tmp_path / "more.csv"
    csv.write_text(
        "client,contract_number,contract_value,fell_through_on,cause\n"
        "Imported Client,T-2,$250000,2026-10-20,Land/Lot not buildable\n",
        encoding="utf-8",
    )
    ok("import", *db, str(csv))
    # The password from the environment instead of the URL, the database from DFT_DATABASE.
    env = {"DFT_DATABASE": full(without_password(team)), "PGPASSWORD": PASSWORD}
    listed = json.loads(ok("list", "--month", "2026-10", "--json", env=env))
    assert {"Team Client", "Imported Client"} <= {deal["client"] for deal in listed}
    for output in outputs:
        assert PASSWORD not in output


def test_backup_on_a_server_says_what_to_use_instead(team: URL) -> None:
    run_dft("causes", "--db", full(team))  # creates it
    result = run_dft("backup", "--db", full(team))
    assert_one_line_error(result, 1, "pg_dump", "dft copy --to")
    assert PASSWORD not in result.stderr


def test_connection_problems_are_one_line_without_the_password(
    team: URL, postgres_server: PostgresServer
) -> None:
    wrong = team.set(password="wrong-" + PASSWORD)
    result = run_dft("list", "--db", full(wrong))
    assert_one_line_error(result, 1, "refused the password", "dft_test:***@")
    assert "wrong-" not in result.stderr
    assert PASSWORD not in result.stderr
    gone = team.set(port=1)
    result = run_dft("summary", "--month", "2026-10", "--db", full(gone))
    assert_one_line_error(result, 1, "cannot reach the database server at 127.0.0.1:1")
    assert PASSWORD not in result.stderr


def test_check_reports_a_team_databases_schema_and_deals(team: URL) -> None:
    run_dft("demo", "--db", full(team), "--deals", "30")
    result = run_dft("check", "--db", full(team))
    assert result.returncode == 0, result.stderr
    assert "Schema version" in result.stdout
    assert "up to date" in result.stdout
    assert "Deals:          30" in result.stdout
    assert "Result:         OK" in result.stdout
    assert PASSWORD not in result.stdout
    assert "***" in result.stdout
