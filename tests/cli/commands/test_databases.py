"""dft demo (backup, restore, check and copy: tests/reliability and tests/store)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.running import assert_one_line_error, run_dft


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


def test_demo_refuses_a_database_that_holds_deals_and_changes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "real.sqlite3")
    added = run_dft("add", "--db", db, "--client", "Real Client", "--value", "1000",
                    "--fell-through", "2026-10-01", "--cause", "Other")  # fmt: skip
    assert added.returncode == 0, added.stderr
    before = run_dft("list", "--json", "--db", db).stdout
    assert_one_line_error(
        run_dft("demo", "--db", db), 2, "already holds 1 deal", "only into an empty database"
    )
    assert run_dft("list", "--json", "--db", db).stdout == before
