"""dft settings: the team's settings shown and changed by name, checked as the dialog checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dft.core import settings
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.cli.running import assert_one_line_error, run_dft, run_main


def stored(db: str, key: str) -> int | None:
    database = open_database(sqlite_url(Path(db)))
    try:
        with database.read_sessions.begin() as session:
            return settings.get_optional_int(session, key)
    finally:
        database.close()


def test_every_setting_is_listed_with_its_value(db: str) -> None:
    result = run_dft("settings", "--db", db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Setting", "Value", "What", "it", "is"]
    values = {line.split("  ")[0]: line.split()[1] for line in lines[2:9]}
    assert values == {
        "cause-required": "on",
        "history-without-calls-after-days": "30",
        "win-back-calls": "off",
        "win-back-days": "90",
        "calls-by-someone-else": "off",
        "carrying-cost-per-day": "not",
        "cancellation-benchmark": "not",
    }


@pytest.mark.parametrize(
    ("name", "value", "key", "expected", "said"),
    [
        ("win-back-calls", "on", settings.WIN_BACK_CALLS, 1, "win-back-calls: on (was off)."),
        ("win_back_days", "120", settings.WIN_BACK_DAYS, 120,
         "win-back-days: 120 days (was 90 days)."),
        ("Calls-By-Someone-Else", "yes", settings.CALLS_BY_SOMEONE_ELSE, 1,
         "calls-by-someone-else: on (was off)."),
        ("carrying-cost-per-day", "$45.50", settings.CARRYING_COST_CENTS_PER_DAY, 4_550,
         "carrying-cost-per-day: $45.50 (was not entered)."),
        ("cancellation-benchmark", "12.5%", settings.CANCELLATION_BENCHMARK_BASIS_POINTS, 1_250,
         "cancellation-benchmark: 12.5% (was not entered)."),
        ("cause-required", "off", settings.CAUSE_REQUIRED, 0, "cause-required: off (was on)."),
    ],
)  # fmt: skip
def test_a_setting_is_changed_by_name(
    db: str,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    key: str,
    expected: int,
    said: str,
) -> None:
    result = run_main(capsys, "settings", name, value, "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout == said + "\n"
    assert stored(db, key) == expected


def test_an_optional_setting_is_cleared_with_none(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_main(capsys, "settings", "cancellation-benchmark", "20", "--db", db)
    assert stored(db, settings.CANCELLATION_BENCHMARK_BASIS_POINTS) == 2_000
    result = run_main(capsys, "settings", "cancellation-benchmark", "none", "--db", db)
    assert result.stdout == "cancellation-benchmark: not entered (was 20%).\n"
    assert stored(db, settings.CANCELLATION_BENCHMARK_BASIS_POINTS) is None


def test_json_gives_stored_values_with_their_units(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_main(capsys, "settings", "carrying-cost-per-day", "45", "--db", db)
    data = json.loads(run_main(capsys, "settings", "--json", "--db", db).stdout)
    by_name = {item["name"]: item for item in data}
    assert by_name["carrying-cost-per-day"] == {
        "name": "carrying-cost-per-day", "value": 4_500, "unit": "cents", "shown": "$45.00"
    }  # fmt: skip
    assert by_name["win-back-calls"]["value"] is False
    assert by_name["cancellation-benchmark"]["value"] is None


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["win-back-days", "0"], ["win-back-days", "from 1 day to 730 days"]),
        (["win-back-days", "ninety"], ["win-back-days", "whole number of days"]),
        (["win-back-calls", "maybe"], ["win-back-calls", "on or off"]),
        (["cancellation-benchmark", "120%"], ["cancellation-benchmark", "from 0% to 100%"]),
        (["cancellation-benchmark", "12.345"], ["cancellation-benchmark", "two decimals"]),
        (["carrying-cost-per-day", "-5"], ["carrying-cost-per-day", "negative"]),
        (["win-back-days", "none"], ["win-back-days", "a value is required"]),
        (["colour", "blue"], ["NAME", "no setting 'colour'", "win-back-days"]),
    ],
)
def test_a_bad_value_is_one_line_exit_2_and_nothing_changes(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str], needles: list[str]
) -> None:
    result = run_main(capsys, "settings", *args, "--db", db)
    assert_one_line_error(result, 2, "dft settings: error: ", *needles)
    assert stored(db, settings.WIN_BACK_DAYS) == 90
    assert stored(db, settings.CANCELLATION_BENCHMARK_BASIS_POINTS) is None
