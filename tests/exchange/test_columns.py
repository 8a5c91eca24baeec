"""Headers matched to fields: our names, our labels, and the five CRMs' export headers."""

from __future__ import annotations

import pytest

from dft.core.errors import ValidationError
from dft.exchange.columns import (
    ColumnMap,
    field_for,
    header_signature,
    label,
    match_columns,
    normalize_header,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Opportunity Name", "client"),
        ("Fell through on", "fell_through_on"),
        ("fell_through_on", "fell_through_on"),
        ("Deal - Lost time", "fell_through_on"),
        ("Deal - Deal value", "contract_value"),
        ("Deal - Contact person", "client"),
        ("Person - Phone - Mobile", "client_phone"),
        ("Person - Email", "client_email"),
        ("Email (Contact) (Contact)", "client_email"),
        ("Address 1: Phone (Potential Customer) (Contact)", "client_phone"),
        ("Lead Source (Originating Lead) (Lead)", "lead_source"),
        ("Reason For Loss", "cause"),
        ("LOSS_REASON__C", "cause"),
        ("Lot *", "lot"),
        ("Record URL", "crm_link"),
        ("\ufeffDeal Name", "client"),
    ],
)
def test_crm_headers_are_recognised(header: str, field: str) -> None:
    assert field_for(header) == field


@pytest.mark.parametrize(
    "header",
    [
        "(Do Not Modify) Opportunity",
        "(Do Not Modify) Row Checksum",
        "Deal Owner.id",
        "Contact Name.id",
        "Owner (Originating Opportunity) (Opportunity)",
        "Deal - Won time",
        "Pipeline",
        "Opportunity ID",
    ],
)
def test_bookkeeping_and_other_records_columns_are_never_matched(header: str) -> None:
    assert field_for(header) is None


def test_the_better_column_takes_the_field_and_the_other_stays_unused() -> None:
    salesforce = match_columns(
        ["Opportunity Owner", "Opportunity Name", "Account Name", "Amount", "Close Date"]
    )
    assert salesforce.header_of("client") == "Account Name"
    assert salesforce.unused == ("Opportunity Name",)
    alone = match_columns(["Opportunity Name", "Amount", "Close Date"])
    assert alone.header_of("client") == "Opportunity Name"
    zoho = match_columns(["Deal Name", "Account Name", "Contact Name", "Amount", "Closing Date"])
    assert zoho.header_of("client") == "Contact Name"


def test_dynamics_hidden_columns_are_not_listed_as_unused() -> None:
    columns = match_columns(
        ["(Do Not Modify) Opportunity", "Potential Customer", "Est. Revenue", "Actual Close Date"]
    )
    assert columns.unused == ()


def test_chosen_columns_win_and_two_chosen_for_one_field_is_an_error() -> None:
    headers = ["Who", "Amount", "Close Date", "Why", "Notes"]
    chosen = match_columns(headers, {"who": "client", "why": "cause", "notes": ""})
    assert chosen.header_of("client") == "Who"
    assert "notes" not in chosen.positions
    with pytest.raises(ValidationError, match="both mean 'Cause'"):
        match_columns(headers, {"who": "client", "why": "cause", "notes": "cause"})


def test_a_missing_required_field_is_named_in_words() -> None:
    with pytest.raises(ValidationError) as caught:
        match_columns(["Who", "Amount"])
    assert caught.value.message.startswith("no column for Client, Fell through on")
    assert "--map" not in caught.value.message


def test_fields_are_described_by_their_labels_and_the_files_header() -> None:
    columns = ColumnMap({"fell_through_on": 1, "client": 0}, ("client", "Close Date"))
    assert columns.describe("fell_through_on") == 'Fell through on ("Close Date")'
    assert columns.describe("client") == "Client"
    assert columns.describe("cause") == "Cause"
    assert label("crm_link") == "Link in the CRM"


def test_the_same_headers_in_any_order_and_spelling_have_one_signature() -> None:
    one = header_signature(["Deal Name", "Amount", "Close Date"])
    assert one == header_signature([" close_date ", "AMOUNT", "Deal Name", ""])
    assert one != header_signature(["Deal Name", "Amount", "Close Date", "Lost Reason"])
    assert normalize_header(" Closed_Lost  Reason *") == "closed lost reason"
