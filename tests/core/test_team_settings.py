"""The team settings as people type and read them, shared by dft settings and the dialog."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.errors import ValidationError
from dft.core.team_settings import (
    TEAM_SETTINGS,
    find_team_setting,
    read_team_settings,
    write_team_settings,
)


@pytest.mark.parametrize(
    ("name", "typed", "stored", "shown"),
    [
        ("win-back-calls", "ON", 1, "on"),
        ("win-back-calls", "no", 0, "off"),
        ("win-back-days", "1", 1, "1 day"),
        ("win-back-days", " 120 ", 120, "120 days"),
        ("history-without-calls-after-days", "0", 0, "0 days"),
        ("carrying-cost-per-day", "$1,234.50", 123_450, "$1,234.50"),
        ("cancellation-benchmark", "20", 2_000, "20%"),
        ("cancellation-benchmark", "12.25%", 1_225, "12.25%"),
        ("cancellation-benchmark", "none", None, "not entered"),
        ("carrying-cost-per-day", "", None, "not entered"),
    ],
)
def test_values_are_read_as_typed_and_shown_in_the_users_units(
    name: str, typed: str, stored: int | None, shown: str
) -> None:
    setting = find_team_setting(name)
    assert setting.parse(typed) == stored
    assert setting.format(stored) == shown


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("win-back-days", "731", "must be from 1 day to 730 days"),
        ("win-back-days", "-3", "a whole number of days"),
        ("win-back-days", "", "a value is required (a number of days)"),
        ("history-without-calls-after-days", "366", "from 0 days to 365 days"),
        ("cancellation-benchmark", "100.01", "from 0% to 100%"),
        ("cancellation-benchmark", "lots", "a percentage such as 20%"),
        ("cancellation-benchmark", "NaN", "a percentage such as 20%"),
        ("calls-by-someone-else", "2", "use on or off"),
        ("carrying-cost-per-day", "4.555", "more than two decimals"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(name: str, typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        find_team_setting(name).parse(typed)
    assert error.value.field == name
    assert message in error.value.message


def test_names_are_found_however_they_are_spelled() -> None:
    assert find_team_setting("WIN_BACK_DAYS").key == settings.WIN_BACK_DAYS
    assert find_team_setting("cancellation_benchmark_basis_points").name == (
        "cancellation-benchmark"
    )
    with pytest.raises(ValidationError, match="no setting 'backups'"):
        find_team_setting("backups")


def test_the_settings_are_read_and_written_by_key(session: Session) -> None:
    defaults = read_team_settings(session)
    assert defaults == {
        settings.CAUSE_REQUIRED: 1,
        settings.HISTORY_WITHOUT_CALLS_AFTER_DAYS: 30,
        settings.WIN_BACK_CALLS: 0,
        settings.WIN_BACK_DAYS: 90,
        settings.CALLS_BY_SOMEONE_ELSE: 0,
        settings.CARRYING_COST_CENTS_PER_DAY: None,
        settings.CANCELLATION_BENCHMARK_BASIS_POINTS: None,
    }
    assert list(defaults) == [s.key for s in TEAM_SETTINGS]
    write_team_settings(
        session,
        {settings.WIN_BACK_CALLS: 1, settings.CARRYING_COST_CENTS_PER_DAY: 4_500},
    )
    after = read_team_settings(session)
    assert (after[settings.WIN_BACK_CALLS], after[settings.CARRYING_COST_CENTS_PER_DAY]) == (
        1,
        4_500,
    )
    with pytest.raises(ValidationError) as error:
        write_team_settings(session, {settings.WIN_BACK_DAYS: None})
    assert error.value.field == "win-back-days"
