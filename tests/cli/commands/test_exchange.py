"""dft import and dft export."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli.running import assert_one_line_error, run_dft, run_main


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
    assert lines[0] == (
        "'Martians': 1 row (4) is not a cause — map it with --cause-map or create it with "
        "--create-causes"
    )
    assert lines[1].startswith("Contract value: ")
    assert lines[1].endswith(", in 1 row (2)")
    assert lines[2].startswith("Fell through on: ")
    assert lines[2].endswith(", in 1 row (3)")
    assert "3 problems; nothing was imported" in lines[-1]
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


# -- dft import: causes by value, map files, dates, the summary ----------------------------

DATA = Path(__file__).resolve().parents[2] / "data" / "crm"
SAMPLE_MAP = DATA / "pinecrest-causes.csv"


def deals(capsys: pytest.CaptureFixture[str], db: str) -> list[dict[str, object]]:
    listed = run_main(capsys, "list", "--json", "--db", db)
    assert listed.returncode == 0, listed.stderr
    return list(json.loads(listed.stdout))


def test_only_sure_matches_apply_and_a_near_miss_is_reported_with_its_suggestion(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "reasons.csv"
    path.write_text(
        "client,contract_value,fell_through_on,cause\n"
        "Exact,1000,2024-05-01,Loan denied\n"  # a cause's name
        "Category,1000,2024-05-02,Customer service\n"  # a category's name: its general cause
        "Near,1000,2024-05-03,Loan denyed\n"  # looks like a cause: a person must say so
        "Near too,1000,2024-05-04,Loan denyed\n",
        encoding="utf-8",
    )
    refused = run_main(capsys, "import", str(path), "--db", db)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert lines == [
        "'Loan denyed': 2 rows (4, 5) is not a cause; it looks like Financing › Loan denied"
        " — map it with --cause-map or create it with --create-causes",
        "dft import: reasons.csv: 1 problem; nothing was imported",
    ]
    assert deals(capsys, db) == []

    dry = run_main(capsys, "import", str(path), "--db", db, "--dry-run")
    assert dry.returncode == 2  # the same check, with the value table
    table = dry.stdout.splitlines()
    assert table[0] == "Cause values: 3 distinct in 4 rows"
    rows = {line.split("  ")[0]: " ".join(line.split()) for line in table[3:]}
    assert rows["Loan denyed"] == "Loan denyed 2 not mapped suggested: Financing › Loan denied"
    assert rows["Loan denied"] == "Loan denied 1 Financing › Loan denied same name"
    assert rows["Customer service"] == (
        "Customer service 1 Customer service › Unspecified names the category"
    )


def test_dry_run_prints_where_each_value_goes_and_writes_nothing(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = DATA / "salesforce-opportunities.csv"
    dry = run_main(
        capsys, "import", str(sample), "--db", db, "--cause-map", str(SAMPLE_MAP), "--dry-run"
    )
    assert dry.returncode == 0, dry.stderr
    out = dry.stdout
    assert "Cause values: 8 distinct in 12 rows" in out
    assert "Perc test failed           1  Land › Lot not buildable" in out
    assert "(blank)                    2  Not yet known › Unknown — pending call" in out
    assert "would add 12 deals, 0 skipped as already present (dry run: nothing written)" in out
    assert deals(capsys, db) == []
    # Nothing remembered either: the same file without the map is refused again.
    assert run_main(capsys, "import", str(sample), "--db", db).returncode == 2


def test_a_crm_export_comes_in_through_a_map_and_the_saved_map_reproduces_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = DATA / "hubspot-deals.csv"
    first_db, second_db = str(tmp_path / "first.sqlite3"), str(tmp_path / "second.sqlite3")
    saved = tmp_path / "saved.csv"
    first = run_main(
        capsys, "import", str(sample), "--db", first_db, "--cause-map", str(SAMPLE_MAP),
        "--save-map", str(saved),
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "12 rows read, added 12 deals" in first.stdout
    assert f"value mapping written to {saved}" in first.stdout
    second = run_main(capsys, "import", str(sample), "--db", second_db, "--cause-map", str(saved))
    assert second.returncode == 0, second.stderr

    def where(db: str) -> dict[str, tuple[object, object]]:
        return {d["client"]: (d["category"], d["cause"]) for d in deals(capsys, db)}  # type: ignore[misc]

    landed = where(first_db)
    assert landed == where(second_db)
    assert landed["Marcus & Dana Whitfield"] == ("Land", "Unspecified")  # "Lot issue"
    assert landed["Renee Walsh"] == ("Customer service", "Unspecified")  # "cust. service"
    assert landed["Kevin Liu"] == ("Not yet known", "Unknown — pending call")  # blank


def test_a_refused_import_saves_the_suggestions_to_edit_and_reuse(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "reasons.csv"
    path.write_text(
        "client,contract_value,fell_through_on,cause\n"
        "Near,1000,2024-05-03,Loan denyed\n"
        "Lost,1000,2024-05-04,Martians\n",
        encoding="utf-8",
    )
    saved = tmp_path / "map.csv"
    refused = run_main(capsys, "import", str(path), "--db", db, "--save-map", str(saved))
    assert refused.returncode == 2
    assert f"import again with --cause-map {saved}" in refused.stderr
    assert saved.read_text(encoding="utf-8-sig").splitlines() == [
        "value,category,cause",
        "Loan denyed,Financing,Loan denied",
        "Martians,,",
    ]
    assert deals(capsys, db) == []
    saved.write_text(
        saved.read_text(encoding="utf-8-sig").replace("Martians,,", "Martians,Other,Other"),
        encoding="utf-8",
    )
    again = run_main(capsys, "import", str(path), "--db", db, "--cause-map", str(saved))
    assert again.returncode == 0, again.stderr
    assert {d["cause"] for d in deals(capsys, db)} == {"Loan denied", "Other"}


def test_each_kind_of_problem_gets_its_own_hint(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kinds.csv"
    path.write_text(
        "client,contract_value,fell_through_on,category,cause\n"
        "A,1000,2024-05-01,Lots,Too steep\n"  # a category that is not there
        "B,1000,2024-05-02,,\n"  # no reason at all, while a cause is required
        "C,1000,2024-05-03,,Space debris\n",  # mapped below to a cause not in the list
        encoding="utf-8",
    )
    cause_map = tmp_path / "map.csv"
    cause_map.write_text("value,category,cause\nSpace debris,Other,Space debris\n", "utf-8")
    result = run_main(capsys, "import", str(path), "--db", db, "--cause-map", str(cause_map))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        "Category: 'Lots' in 1 row (2) is not a category — map it with --cause-map or create "
        "it with --create-causes"
    )
    assert lines[1].startswith("Cause is blank in 1 row (3); the suggestion is Not yet known ")
    assert lines[1].endswith("— map the blank value with --cause-map (a line with an empty value)")
    assert lines[2] == (
        "'Space debris': 1 row (4) goes to Other › Space debris, which is not in the list of "
        "causes yet — create it with --create-causes or name a cause in the list in the map file"
    )
    missing = run_main(capsys, "import", str(tmp_path / "none.csv"), "--db", db)
    assert_one_line_error(missing, 2, "none.csv: no such file")
    no_column = tmp_path / "no-date.csv"
    no_column.write_text("client,contract_value,cause\nA,1000,Other\n", encoding="utf-8")
    result = run_main(capsys, "import", str(no_column), "--db", db)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "no column for Fell through on (found: client, contract_value, cause)"
        ' — name the column with --map "Their column=field"'
    )


def test_a_bad_map_file_or_an_unwritable_saved_map_is_an_error_and_nothing_is_written(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "client,contract_value,fell_through_on,cause\nA,1000,2024-05-01,Other\n", "utf-8"
    )
    bad_map = tmp_path / "bad-map.csv"
    bad_map.write_text("reason,target\nx,y\n", encoding="utf-8")
    result = run_main(capsys, "import", str(path), "--db", db, "--cause-map", str(bad_map))
    assert_one_line_error(
        result, 2, "bad-map.csv: a map file starts with the line value,category,cause"
    )
    unwritable = tmp_path / "no-such-folder" / "map.csv"
    result = run_main(capsys, "import", str(path), "--db", db, "--save-map", str(unwritable))
    assert_one_line_error(result, 2, "cannot write the map file")
    assert deals(capsys, db) == []


def test_the_remembered_date_order_applies_without_date_format(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "Client,Amount,Close Date,Loss Reason\n"
    first = tmp_path / "first.csv"
    first.write_text(header + "A,1000,03/04/2024,Other\n", encoding="utf-8")
    result = run_main(capsys, "import", str(first), "--db", db, "--date-format", "dmy")
    assert result.returncode == 0, result.stderr
    assert "dates like 5/6/2024 read day first" in result.stdout
    second = tmp_path / "second.csv"  # the same export a month later: no flag this time
    second.write_text(header + "B,1000,05/06/2024,Other\n", encoding="utf-8")
    result = run_main(capsys, "import", str(second), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "dates like 5/6/2024 read day first" in result.stdout
    iso = tmp_path / "iso.csv"  # only ISO dates: the order does not matter, nor is it said
    iso.write_text(header + "C,1000,2024-06-05,Other\n", encoding="utf-8")
    result = run_main(capsys, "import", str(iso), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "dates like" not in result.stdout
    assert {d["client"]: d["fell_through_on"] for d in deals(capsys, db)} == {
        "A": "2024-04-03",
        "B": "2024-06-05",
        "C": "2024-06-05",
    }


def test_the_summary_says_what_was_created_and_which_deals_got_calls(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    today = date.today()
    recent, week, old = (today - timedelta(days=n) for n in (1, 10, 400))
    path = tmp_path / "deals.csv"
    path.write_text(
        "client,contract_value,fell_through_on,category,cause,salesperson\n"
        f"Recent,1000,{recent},Warranty,Roof leak,Pat Newman\n"
        f"Week,1000,{week},,Other,\n"
        f"Old,1000,{old},,Space debris,Pat Newman\n",
        encoding="utf-8",
    )
    result = run_main(capsys, "import", str(path), "--db", db, "--create-causes")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "new category: Warranty (not classified yet: set it in Manage causes)" in out
    assert "new category: Imported causes (not classified yet" in out
    assert "new cause: Warranty/Roof leak" in out
    assert "new cause: Imported causes/Space debris" in out
    assert "new salesperson 'Pat Newman'" in out
    assert "2 follow-up calls scheduled, none due before today" in out
    assert "1 deal fell through more than 30 days ago: history, no automatic call" in out
    calls = {d["client"]: d["next_follow_up_on"] for d in deals(capsys, db)}
    # A call is due 3 days after the deal fell through, but never before today.
    assert calls == {
        "Recent": (recent + timedelta(days=3)).isoformat(),
        "Week": today.isoformat(),
        "Old": None,
    }
