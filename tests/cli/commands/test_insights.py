"""dft insights: the period's insights as JSON (the issue's keys) and as readable tables."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from dft.core import settings
from dft.core.follow_ups import record_follow_up
from dft.core.signed_contracts import set_signed_contracts
from dft.core.taxonomy import find_cause
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.cli.running import assert_one_line_error, run_dft, run_main
from tests.factories import add_deal

LAND = "Land/Lot not buildable"
RUDE = "Customer service/Rude or dismissive remark"
SLOW = "Customer service/Slow response / long waits"


@pytest.fixture
def db(tmp_path: Path) -> str:
    """October 2026: Ana's two deals, each settled by one call (one by Ben, one by Ana
    herself, who changed the cause); Ben's deal, never called; one September deal."""
    path = tmp_path / "insights.sqlite3"
    database = open_database(sqlite_url(path))
    with database.sessions.begin() as session:
        a1 = add_deal(session, LAND, client_name="A1", salesperson="Ana Lopez",
                      contract_value_cents=30_000_000, fell_through_on=date(2026, 10, 1),
                      signed_on=None, resold_on=date(2026, 10, 11),
                      resale_price_cents=29_000_000)  # fmt: skip
        a2 = add_deal(session, RUDE, client_name="A2", salesperson="Ana Lopez",
                      contract_value_cents=20_000_000, fell_through_on=date(2026, 10, 2),
                      signed_on=None, deposit_cents=500_000,
                      deposit_outcome="forfeited")  # fmt: skip
        add_deal(session, LAND, client_name="B1", salesperson="Ben Ortiz",
                 contract_value_cents=10_000_000, fell_through_on=date(2026, 10, 3),
                 signed_on=None)  # fmt: skip
        add_deal(session, LAND, client_name="S1", salesperson="Ben Ortiz",
                 fell_through_on=date(2026, 9, 3), signed_on=None)  # fmt: skip
        record_follow_up(session, a1, outcome="reached", done_at=datetime(2026, 10, 5, 10),
                         caller="Ben Ortiz", cause_result="confirmed")  # fmt: skip
        record_follow_up(session, a2, outcome="reached", done_at=datetime(2026, 10, 6, 10),
                         caller="ana lopez", cause_result="changed",
                         changed_to_cause_id=find_cause(session, SLOW).id)  # fmt: skip
        set_signed_contracts(session, date(2026, 10, 1), 10)
        settings.set_int(session, settings.CANCELLATION_BENCHMARK_BASIS_POINTS, 2_000)
        settings.set_int(session, settings.CARRYING_COST_CENTS_PER_DAY, 5_000)
    database.close()
    return str(path)


def insights(db: str, *args: str) -> list[str]:
    return ["insights", "--from", "2026-10", "--to", "2026-10", *args, "--db", db]


def test_the_json_has_the_issues_keys_and_the_hand_computed_figures(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, *insights(db, "--json"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["calibration", "callers", "control", "cost", "cancellation_rate"]
    ana, ben = data["calibration"]
    assert ana == {
        "salesperson": "Ana Lopez", "settled": 2, "confirmed": 1, "changed": 1,
        "not_controllable_to_controllable": 0, "controllable_to_not_controllable": 0,
        "confirmed_share": 0.5, "ci_low": 0.0945, "ci_high": 0.9055,  # Wilson, 1 of 2
    }  # fmt: skip
    assert (ben["salesperson"], ben["settled"], ben["confirmed_share"]) == ("Ben Ortiz", 0, None)
    assert data["callers"] == {
        "own_salesperson": {"calls": 1, "changed": 1},
        "someone_else": {"calls": 1, "changed": 0},
    }
    assert data["control"][-1]["month"] == "2026-10"
    assert (data["control"][-1]["deals"], data["control"][-1]["controllable_share"]) == (3, 0.3333)
    assert data["cost"] == {
        "lost_value_cents": 60_000_000,
        "deposits_refunded_cents": 0,
        "deposits_kept_cents": 500_000,
        "resold": 1,
        "median_days_to_resell": 10.0,
        "carrying_cost_cents": 50_000,  # 10 days at $50.00
        "resale_gap_cents": 1_000_000,  # $300,000 less $290,000
    }
    assert data["cancellation_rate"] == {
        "contracts_signed": 10, "fell_through": 3, "rate": 0.3, "benchmark": 0.2
    }  # fmt: skip


def test_one_salespersons_insights(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, *insights(db, "--json", "--salesperson", "ana  LOPEZ"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [row["salesperson"] for row in data["calibration"]] == ["Ana Lopez"]
    assert data["cost"]["lost_value_cents"] == 50_000_000
    # Contracts signed were entered for the team, not for Ana: no rate is guessed.
    assert data["cancellation_rate"]["rate"] is None


def test_the_text_reads_as_the_reports_tables(db: str) -> None:
    result = run_dft(*insights(db))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("Insights on the deals that fell through in October 2026 (all ")
    assert "Is the change real? October 2026: 33% controllable" in text
    for title in ("First guesses against the calls", "Who made the call",
                  "Controllable share by month", "What the fall-throughs cost",
                  "Cancellation rate by month", "Buyers won back, by cause",
                  "Buyers won back, by who called"):  # fmt: skip
        assert f"\n{title}\n" in text
    assert "Ana Lopez" in text
    assert "50.0%" in text
    assert "9–91%" in text
    assert "$600,000.00" in text  # the month's lost contract value


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--salesperson", "Nobody"], ["--salesperson", "unknown salesperson"]),
        (["--community", "Atlantis"], ["--community", "unknown community"]),
        (["--from", "2026-13"], ["--from", "YYYY-MM"]),
        (["--from", "2026-11"], ["--from", "first month"]),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str], needles: list[str]
) -> None:
    result = run_main(capsys, *insights(db, *args))
    assert_one_line_error(result, 2, "dft insights: error: ", *needles)
