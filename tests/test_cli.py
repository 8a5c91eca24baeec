"""The command line, run as the user runs it: a subprocess on a temporary database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dft import __version__
from dft.core.deals import trash_deal
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.factories import add_deal


def run_dft(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dft", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], code: int, *needles: str
) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite3")


def test_version() -> None:
    result = run_dft("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"dft {__version__}"


def test_causes_json_lists_the_taxonomy_in_order(db: str) -> None:
    result = run_dft("causes", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    taxonomy = json.loads(result.stdout)
    assert [c["category"] for c in taxonomy][:2] == ["Land", "Customer service"]
    assert taxonomy[0]["controllable"] is False
    assert taxonomy[1]["controllable"] is True
    assert taxonomy[0]["causes"][0] == {"name": "Lot not buildable", "retired": False}
    text = run_dft("causes", "--db", db).stdout
    assert "Customer service (controllable)" in text
    assert "  - Phone tag / voicemail runaround" in text


def test_add_then_list(db: str) -> None:
    result = run_dft(
        "--db",
        db,
        "add",
        "--client",
        "Maria Lopez",
        "--value",
        "$412,500.00",
        "--fell-through",
        "2026-10-03",
        "--signed",
        "2026-05-14",
        "--cause",
        "Customer service/Phone tag / voicemail runaround",
        "--contract",
        "C-2041",
        "--salesperson",
        "Dana Whitfield",
        "--lead-source",
        "Referral",
        "--community",
        "Cedar Ridge",
        "--lot",
        "Lot 12",
        "--role",
        "Project manager",
        "--notes",
        "Eight hours of phone tag for one appointment.",
    )
    assert result.returncode == 0, result.stderr
    deal_id = int(result.stdout.strip())
    assert "created new salesperson 'Dana Whitfield'" in result.stderr

    listed = json.loads(run_dft("list", "--json", "--month", "2026-10", "--db", db).stdout)
    assert listed == [
        {
            "id": deal_id,
            "client": "Maria Lopez",
            "contract_number": "C-2041",
            "contract_value_cents": 41_250_000,
            "signed_on": "2026-05-14",
            "fell_through_on": "2026-10-03",
            "category": "Customer service",
            "cause": "Phone tag / voicemail runaround",
            "cause_status": "suspected",
            "salesperson": "Dana Whitfield",
            "lead_source": "Referral",
            "community": "Cedar Ridge",
            "next_follow_up_on": "2026-10-06",
        }
    ]
    assert json.loads(run_dft("list", "--json", "--month", "2026-09", "--db", db).stdout) == []
    assert json.loads(run_dft("list", "--json", "--category", "land", "--db", db).stdout) == []
    table = run_dft("list", "--db", db).stdout
    assert "Maria Lopez" in table
    assert "$412,500.00" in table


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--value", "-100"], ["--value", "negative"]),
        (["--value", "lots"], ["--value", "not an amount"]),
        (["--fell-through", "2026-13-01"], ["--fell-through", "YYYY-MM-DD"]),
        (["--signed", "2026-10-20"], ["fell_through_on", "before it was signed"]),
        (["--cause", "Land/Martians"], ["--cause", "unknown cause"]),
        (["--status", "maybe"], ["--status", "invalid choice"]),
        (["--salesperson", "Dana Whitfeld"], ["did you mean 'Dana Whitfield'", "--create-names"]),
    ],
)
def test_add_refuses_bad_input_with_one_line_and_exit_2(
    db: str, args: list[str], needles: list[str]
) -> None:
    seed = run_dft(
        "add",
        "--db",
        db,
        "--client",
        "Seed",
        "--value",
        "1",
        "--fell-through",
        "2026-10-01",
        "--cause",
        "Other",
        "--salesperson",
        "Dana Whitfield",
    )
    assert seed.returncode == 0, seed.stderr
    base = {
        "--client": "Pat",
        "--value": "100",
        "--fell-through": "2026-10-15",
        "--cause": "Other/Other",
    }
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [part for pair in base.items() for part in pair]
    result = run_dft("add", "--db", db, *flat)
    assert_one_line_error(result, 2, *needles)
    assert len(json.loads(run_dft("list", "--json", "--db", db).stdout)) == 1


def test_a_missing_required_flag_is_one_line_and_exit_2(db: str) -> None:
    assert_one_line_error(run_dft("add", "--db", db, "--client", "Pat"), 2, "required")


def test_bad_month_is_exit_2(db: str) -> None:
    assert_one_line_error(run_dft("summary", "--month", "October", "--db", db), 2, "YYYY-MM")
    assert_one_line_error(run_dft("list", "--month", "2026-13", "--db", db), 2, "YYYY-MM")
    assert_one_line_error(run_dft("list", "--category", "Weather", "--db", db), 2, "unknown")


def test_summary_json_against_the_hand_computed_month(tmp_path: Path) -> None:
    path = tmp_path / "summary.sqlite3"
    database = open_database(sqlite_url(path))
    with database.sessions.begin() as session:
        for day in range(1, 8):
            add_deal(
                session,
                cause="Lot not buildable",
                contract_value_cents=10_000_001,
                fell_through_on=date(2026, 10, day),
                signed_on=None,
            )
        for day in range(1, 18):
            add_deal(
                session,
                cause="Slow response / long waits",
                contract_value_cents=20_000_003,
                fell_through_on=date(2026, 10, day + 10),
                signed_on=None,
            )
        add_deal(session, cause="Loan denied", fell_through_on=date(2026, 9, 30), signed_on=None)
        add_deal(session, cause="Loan denied", fell_through_on=date(2026, 11, 1), signed_on=None)
        trash_deal(
            session,
            add_deal(
                session,
                cause="Lot not buildable",
                fell_through_on=date(2026, 10, 2),
                signed_on=None,
            ),
        )
    database.close()

    result = run_dft("summary", "--month", "2026-10", "--json", "--db", str(path))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["month"] == "2026-10"
    assert summary["deals"] == 24
    assert summary["lost_value_cents"] == 7 * 10_000_001 + 17 * 20_000_003
    categories = {c["name"]: c for c in summary["categories"]}
    assert categories["Land"] == {
        "name": "Land",
        "controllable": False,
        "deals": 7,
        "share": 0.2917,
        "lost_value_cents": 70_000_007,
    }
    assert categories["Customer service"]["share"] == 0.7083
    assert categories["Customer service"]["lost_value_cents"] == 340_000_051
    assert summary["causes"][0] == {
        "category": "Customer service",
        "name": "Slow response / long waits",
        "deals": 17,
        "share": 0.7083,
        "lost_value_cents": 340_000_051,
    }
    text = run_dft("summary", "--month", "2026-10", "--db", str(path)).stdout
    assert "24 deal(s)" in text
    assert "29.2%" in text
    assert "70.8%" in text
    assert "$3,400,000.51" in text


def test_demo_same_seed_same_data(tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        db = str(tmp_path / f"{name}.sqlite3")
        result = run_dft("demo", "--deals", "150", "--seed", "42", "--db", db)
        assert result.returncode == 0, result.stderr
        assert "Added 150 sample deals" in result.stdout
        outputs.append(run_dft("list", "--json", "--db", db).stdout)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) == 150
    assert_one_line_error(run_dft("demo", "--deals", "0", "--db", db), 2, "--deals")


def test_database_from_the_environment(tmp_path: Path) -> None:
    env_db = tmp_path / "from-env.sqlite3"
    result = run_dft("demo", "--deals", "5", env={"DFT_DATABASE": str(env_db)})
    assert result.returncode == 0, result.stderr
    assert str(env_db) in result.stdout
    flag_db = tmp_path / "from-flag.sqlite3"
    result = run_dft(
        "demo", "--deals", "5", "--db", str(flag_db), env={"DFT_DATABASE": str(env_db)}
    )
    assert str(flag_db) in result.stdout


def test_a_file_that_is_not_a_database_is_exit_1_with_a_clear_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = run_dft("list", "--db", str(bogus))
    assert_one_line_error(result, 1, str(bogus), "not a DFT Tracker database")
    assert bogus.read_text() == "not a database"


def test_report_writes_each_format_and_refuses_bad_requests(tmp_path: Path) -> None:
    path = tmp_path / "report.sqlite3"
    database = open_database(sqlite_url(path))
    with database.sessions.begin() as session:
        add_deal(
            session,
            cause="Lot not buildable",
            client_name="Reportclient",
            salesperson="Dana Whitfield",
            fell_through_on=date(2026, 10, 5),
            signed_on=None,
        )
    database.close()  # fmt: skip
    for suffix in ("pdf", "xlsx", "csv", "html"):
        out = tmp_path / f"october.{suffix}"
        result = run_dft("report", "--month", "2026-10", "--out", str(out), "--db", str(path))
        assert result.returncode == 0, result.stderr
        assert "October 2026 report (1 deals)" in result.stdout
        assert out.stat().st_size > 500
    assert "Reportclient" in (tmp_path / "october.csv").read_text(encoding="utf-8")
    scoped = tmp_path / "dana.csv"
    result = run_dft("report", "--month", "2026-10", "--out", str(scoped),
                     "--salesperson", "Dana Whitfield", "--db", str(path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    base = ["report", "--month", "2026-10", "--db", str(path)]
    assert_one_line_error(run_dft(*base, "--out", str(tmp_path / "x.doc")), 2, "unknown format")
    assert_one_line_error(
        run_dft(*base, "--out", str(tmp_path / "missing" / "x.pdf")), 2, "does not exist"
    )
    assert_one_line_error(
        run_dft(*base, "--out", str(tmp_path / "x.pdf"), "--community", "Atlantis"),
        2,
        "unknown community 'Atlantis'",
    )
    assert not (tmp_path / "x.pdf").exists()


def test_import_prints_a_summary_and_every_error(tmp_path: Path, db: str) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "Deal Name,Amount,Close Date,Lost Reason,Deal owner\n"
        'Pat Doe,"$12,500.00",5/20/2024 7:42,Slow response / long waits,Dana Whitfield\n'
        "Sam Roe,9000,5/21/2024,Loan denied,Dana Whitfield\n",
        encoding="utf-8",
    )
    dry = run_dft("import", str(good), "--dry-run", "--db", db)
    assert dry.returncode == 0, dry.stderr
    assert "2 rows read, would add 2 deals" in dry.stdout
    assert json.loads(run_dft("list", "--json", "--db", db).stdout) == []
    first = run_dft("import", str(good), "--db", db)
    assert "2 rows read, added 2 deals, 0 skipped as already present" in first.stdout
    again = run_dft("import", str(good), "--db", db)
    assert "added 0 deals, 2 skipped as already present" in again.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "client,contract_value,fell_through_on,cause\n"
        "A,-5,2024-05-01,Other\n"
        "B,100,someday,Other\n"
        "C,100,2024-05-03,Martians\n",
        encoding="utf-8",
    )
    result = run_dft("import", str(bad), "--db", db)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert "row 2, column 'contract_value'" in lines[0]
    assert "row 3, column 'fell_through_on'" in lines[1]
    assert "row 4, column 'cause'" in lines[2]
    assert "3 problem(s); nothing was imported" in lines[-1]
    assert len(json.loads(run_dft("list", "--json", "--db", db).stdout)) == 2
    mapped = tmp_path / "mapped.csv"
    mapped.write_text("Who,Sum,Day,Why\nZed,100,2024-06-01,Space debris\n", encoding="utf-8")
    created = run_dft("import", str(mapped), "--db", db, "--create-causes", "--map", "Who=client",
                      "--map", "Sum=contract_value", "--map", "Day=fell_through_on",
                      "--map", "Why=cause")  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "new cause: Imported causes/Space debris" in created.stdout


def test_export_writes_csv_with_follow_ups_and_xlsx(tmp_path: Path, db: str) -> None:
    assert run_dft("demo", "--deals", "60", "--db", db).returncode == 0
    out = tmp_path / "deals.csv"
    result = run_dft("export", str(out), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "Exported 60 deals" in result.stdout
    assert (tmp_path / "deals-follow-ups.csv").exists()
    month = run_dft("export", str(tmp_path / "m.xlsx"), "--month", "2026-10", "--db", db)
    assert month.returncode == 0, month.stderr
    assert_one_line_error(
        run_dft("export", str(tmp_path / "x.txt"), "--db", db), 2, ".csv or .xlsx"
    )
