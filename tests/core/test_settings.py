from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.errors import ValidationError


def test_optional_settings_are_not_entered_until_entered_and_can_be_cleared(
    session: Session,
) -> None:
    key = settings.CARRYING_COST_CENTS_PER_DAY
    assert settings.get_optional_int(session, key) is None
    settings.set_int(session, key, 12_345)
    assert settings.get_optional_int(session, key) == 12_345
    settings.set_int(session, key, None)
    assert settings.get_optional_int(session, key) is None


def test_switches_are_off_by_default_and_take_only_on_or_off(session: Session) -> None:
    assert settings.get_bool(session, settings.WIN_BACK_CALLS) is False
    assert settings.get_bool(session, settings.CALLS_BY_SOMEONE_ELSE) is False
    settings.set_bool(session, settings.WIN_BACK_CALLS, True)
    assert settings.get_bool(session, settings.WIN_BACK_CALLS) is True
    with pytest.raises(ValidationError, match="between 0 and 1"):
        settings.set_int(session, settings.CALLS_BY_SOMEONE_ELSE, 2)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (settings.CANCELLATION_BENCHMARK_BASIS_POINTS, 10_001),
        (settings.CANCELLATION_BENCHMARK_BASIS_POINTS, -1),
        (settings.CARRYING_COST_CENTS_PER_DAY, -5),
        (settings.WIN_BACK_DAYS, 0),
    ],
)
def test_out_of_range_values_are_refused_naming_the_setting(
    session: Session, key: str, value: int
) -> None:
    with pytest.raises(ValidationError) as error:
        settings.set_int(session, key, value)
    assert error.value.field == key


def test_a_required_setting_cannot_be_cleared(session: Session) -> None:
    with pytest.raises(ValidationError, match="required"):
        settings.set_int(session, settings.FOLLOW_UP_DAYS, None)
