"""The text rules shared by every way in: control characters, lengths, contact shapes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.errors import ValidationError
from dft.core.fields import (
    check_text,
    control_character,
    email_problem,
    max_length,
    phone_problem,
    text_problem,
    web_address_problem,
)
from dft.core.models import Deal, Salesperson


@pytest.mark.parametrize(
    ("value", "multiline", "found"),
    [
        ("Maria\x00Lopez", False, "NUL (U+0000)"),
        ("bell\x07", True, "U+0007"),
        ("tab\there", False, "tab (U+0009)"),
        ("two\nlines", False, "line break (U+000A)"),
        ("C1 \x85 next line", True, "U+0085"),
        ("del\x7f", True, "DEL (U+007F)"),
    ],
)
def test_control_characters_are_found_and_named(value: str, multiline: bool, found: str) -> None:
    described = control_character(value, multiline)
    assert described is not None
    assert found in described


def test_notes_may_hold_tabs_and_line_breaks_other_fields_may_not() -> None:
    assert control_character("a\tb\r\nc", multiline=True) is None
    assert control_character("Zoë O’Brien — “ok”", multiline=False) is None
    assert "only notes" in (text_problem("a\nb", 200) or "")


def test_lengths_come_from_the_columns() -> None:
    assert max_length(Deal.client_name) == 200
    assert max_length(Deal.lot) == 60
    assert max_length(Salesperson.name) == 120
    assert max_length(Deal.notes) is None
    assert text_problem("x" * 201, 200) == "is 201 characters long; at most 200 fit"
    assert text_problem("x" * 200, 200) is None


def test_check_text_names_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        check_text("client_name", "Client", "Pat\x00", 200)
    assert caught.value.field == "client_name"
    assert caught.value.message.startswith("Client contains a control character, NUL")
    check_text("notes", "Notes", "line\nbreak", None, multiline=True)


def test_a_control_character_without_a_name_is_given_by_its_code_point() -> None:
    assert control_character("esc\x1b[0m") == "U+001B"
    assert control_character("bell\x07", multiline=True) == "U+0007"
    assert control_character("tab\there") == "tab (U+0009)"
    assert control_character("fine\ttext\n", multiline=True) is None


@pytest.mark.parametrize("good", ["(919) 555-0142", "+44 20 7946 0958", "919.555.0142 ext. 12"])
def test_phone_numbers_are_checked_loosely(good: str) -> None:
    assert phone_problem(good) is None


@pytest.mark.parametrize("bad", ["call me", "555-CALL", "+", ""])
def test_a_phone_number_needs_digits(bad: str) -> None:
    assert phone_problem(bad) is not None


def test_email_and_web_address_shapes() -> None:
    assert email_problem("dana@example.com") is None
    assert email_problem("dana@example") is not None
    assert email_problem("dana example.com") is not None
    assert web_address_problem("https://crm.example.com/deal/312") is None
    assert web_address_problem("0065e00000Q00ka") is not None


def test_yes_no_settings(session: Session) -> None:
    assert settings.get_bool(session, settings.CAUSE_REQUIRED) is True
    settings.set_bool(session, settings.CAUSE_REQUIRED, False)
    assert settings.get_bool(session, settings.CAUSE_REQUIRED) is False
    assert settings.get_int(session, settings.HISTORY_WITHOUT_CALLS_AFTER_DAYS) == 30
    with pytest.raises(ValidationError):
        settings.set_bool(session, settings.BACKUPS_KEPT, True)
