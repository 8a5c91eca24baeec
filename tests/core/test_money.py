import pytest

from dft.core.errors import ValidationError
from dft.core.money import format_cents, parse_money


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12500", 1_250_000),
        ("12500.00", 1_250_000),
        ("$12,500.00", 1_250_000),
        ("$12,500", 1_250_000),
        (" 1,234,567.89 ", 123_456_789),
        ("0", 0),
        ("0.5", 50),
        ("19.99", 1999),
    ],
)
def test_parse_money_accepts_the_usual_ways_of_writing_an_amount(text: str, cents: int) -> None:
    assert parse_money(text) == cents


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("-5", "negative"),
        ("$-12,500", "negative"),
        ("abc", "not an amount"),
        ("12,50", "not an amount"),
        ("12.505", "more than two decimals"),
        ("", "missing"),
        ("1e5", "not an amount"),
    ],
)
def test_parse_money_refuses_bad_amounts_naming_the_field(text: str, why: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(text, field="--value")
    assert caught.value.field == "--value"
    assert why in caught.value.message


def test_parse_money_is_exact_where_floats_are_not() -> None:
    assert parse_money("0.1") + parse_money("0.2") == parse_money("0.3")


def test_format_cents() -> None:
    assert format_cents(1_250_000) == "$12,500.00"
    assert format_cents(5) == "$0.05"
    assert format_cents(-150) == "-$1.50"
