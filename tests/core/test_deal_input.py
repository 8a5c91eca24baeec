"""plainly_valid vouches only for deals the full rules accept, and for the common deal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dft.core.choices import CauseStatus
from dft.core.deal_input import (
    DealInput,
    plainly_valid,
    plainly_valid_columns,
    validate_deal_input,
)
from dft.core.money import MAX_CENTS

TODAY = date(2026, 11, 24)
IMPORT_TEXT_RULES = ("client_name", "contract_number")  # what the import leaves to the rules

days = st.dates(min_value=date(1940, 1, 1), max_value=TODAY + timedelta(days=5))
cents = st.integers(min_value=-5, max_value=MAX_CENTS + 5) | st.sampled_from(
    (0, MAX_CENTS, MAX_CENTS + 1, -1)
)
names = st.text(max_size=210) | st.sampled_from(("Pat Lee", " ", "a" * 200, "a" * 201, "a\x07"))
numbers = st.none() | st.text(max_size=62) | st.sampled_from(("C-1", "", "x" * 60, "x" * 61))


@settings(max_examples=3000, deadline=None)
@given(
    client=names,
    number=numbers,
    value=cents,
    fell=days,
    signed=st.none() | days,
    recovered=st.none() | days,
    resold=st.none() | days,
    resale=st.none() | cents,
    deposit=st.none() | cents,
    cause_id=st.none() | st.just(3),
    status=st.sampled_from(("suspected", "confirmed", "maybe")),
)
def test_what_plainly_valid_vouches_for_passes_every_rule(
    client: str,
    number: str | None,
    value: int,
    fell: date,
    signed: date | None,
    recovered: date | None,
    resold: date | None,
    resale: int | None,
    deposit: int | None,
    cause_id: int | None,
    status: str,
) -> None:
    vouched = plainly_valid(
        client, number, value, fell, signed, recovered, resold, resale, deposit, cause_id,
        status, TODAY,
    )  # fmt: skip
    data = DealInput(
        client_name=client,
        contract_value_cents=value,
        fell_through_on=fell,
        signed_on=signed,
        contract_number=number,
        recovered_on=recovered,
        resold_on=resold,
        resale_price_cents=resale,
        deposit_cents=deposit,
        cause_id=cause_id,
        cause_status=status,
    )
    if vouched:
        assert validate_deal_input(data, TODAY, text_fields=IMPORT_TEXT_RULES) == []


def test_the_common_deals_are_vouched_for() -> None:
    fell = date(2026, 10, 1)
    common = [
        ("Pat Lee", "C-1", 41_250_000, fell, None, None, None, None, None, None, "suspected"),
        ("Pat Lee", None, 0, fell, fell, None, None, None, 500_000, 3, "confirmed"),
        ("Pat Lee", "C-2", 1, TODAY, None, TODAY, TODAY + timedelta(days=1), 30_000_000, 0,
         None, CauseStatus.SUSPECTED),
    ]  # fmt: skip
    for deal in common:
        assert plainly_valid(*deal, TODAY), deal
    # and what the rules refuse, it does not vouch for
    assert not plainly_valid("Pat Lee", None, 1, fell, None, None, None, 5, None, None,
                             "suspected", TODAY)  # fmt: skip
    assert not plainly_valid("Pat Lee", None, 1, fell, None, None, None, None, None, None,
                             "confirmed", TODAY)  # fmt: skip


deals = st.tuples(
    names, numbers, cents, days, st.none() | days, st.none(), st.none(), st.none(),
    st.none() | cents, st.none() | st.just(3), st.sampled_from(("suspected", "confirmed")),
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(deals, max_size=6))
def test_field_by_field_vouches_for_exactly_the_deals_one_at_a_time_does(
    rows: list[tuple[Any, ...]],
) -> None:
    fields = [list(field) for field in zip(*rows, strict=True)] if rows else [[]] * 11
    assert plainly_valid_columns(*fields, TODAY) == all(plainly_valid(*r, TODAY) for r in rows)
