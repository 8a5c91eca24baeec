"""dft import and dft export."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.running import assert_one_line_error, run_dft


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


def test_export_refuses_to_with_month_and_writes_nothing(tmp_path: Path, db: str) -> None:
    out = tmp_path / "deals.csv"
    result = run_dft("export", str(out), "--month", "2026-10", "--to", "2026-10-15", "--db", db)
    assert_one_line_error(result, 2, "--to goes with --from, not with --month")
    assert not out.exists()
