"""dft summary and dft report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from dft.core.deals import trash_deal
from dft.core.taxonomy import add_category, add_cause
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.cli.running import assert_one_line_error, run_dft
from tests.factories import add_deal


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
    # Each deal on one side of the split or shown apart: here all 24 are classified.
    assert (summary["controllable"], summary["not_controllable"]) == (17, 7)
    assert (summary["unclassified"], summary["pending"], summary["no_cause"]) == (0, 0, 0)
    text = run_dft("summary", "--month", "2026-10", "--db", str(path)).stdout
    assert text.startswith("2026-10: 24 deals fell through")
    assert (
        "Land vs service: 29% land / 71% service, of the 24 deals whose cause was land or "
        "service\nControllable 71% / not controllable 29%, of the 24 deals in categories "
        "marked controllable or not\n"
    ) in text
    assert "29.2%" in text
    assert "70.8%" in text
    assert "$3,400,000.51" in text


def test_summary_counts_pending_and_unclassified_deals_apart(tmp_path: Path) -> None:
    path = tmp_path / "summary.sqlite3"
    database = open_database(sqlite_url(path))
    with database.sessions.begin() as session:
        add_deal(session, cause="Lot not buildable", fell_through_on=date(2026, 10, 1))
        for day in (2, 3):
            add_deal(
                session, "Not yet known/Unknown — pending call", fell_through_on=date(2026, 10, day)
            )
        warranty = add_category(session, "Warranty")
        add_cause(session, warranty, "Roof leak")
        add_deal(session, cause="Warranty/Roof leak", fell_through_on=date(2026, 10, 4))
    database.close()
    summary = json.loads(
        run_dft("summary", "--month", "2026-10", "--json", "--db", str(path)).stdout
    )
    assert {k: summary[k] for k in ("controllable", "not_controllable", "unclassified",
                                    "pending", "no_cause")} == {
        "controllable": 0, "not_controllable": 1, "unclassified": 1, "pending": 2, "no_cause": 0
    }  # fmt: skip
    text = run_dft("summary", "--month", "2026-10", "--db", str(path)).stdout
    assert "2 deals await their call (cause not known yet)\n" in text
    assert "1 deal in a category not classified yet — left out of the split\n" in text


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
        assert "October 2026 report (1 deal)" in result.stdout
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
