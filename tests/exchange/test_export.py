"""Export, then import into an empty database: the same deals. Spreadsheet text never runs."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from dft.core import settings as team_settings
from dft.core.deal_input import DealInput
from dft.core.deals import log_deal
from dft.core.demo import generate_demo_data
from dft.core.errors import ValidationError
from dft.core.fields import control_character
from dft.core.queries import DealFilter
from dft.core.taxonomy import find_cause
from dft.exchange.exporter import export_deals, follow_ups_path
from dft.exchange.importer import import_file
from dft.exchange.plan import ImportOptions
from dft.store.database import Database, open_database
from dft.store.location import sqlite_url
from tests.factories import add_deal, allow_deals_without_cause

TODAY = date(2026, 11, 24)
TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"]


def exported_deals(database: Database, path: Path) -> list[dict[str, str]]:
    with database.sessions.begin() as session:
        export_deals(session, path, DealFilter())
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def round_trip(source: Database, folder: Path, suffix: str) -> tuple[list[dict[str, str]], ...]:
    """Export ``source``, import into a new database, export that; both exports as CSV rows."""
    exported = folder / f"export{suffix}"
    with source.sessions.begin() as session:
        export_deals(session, exported, DealFilter())
    target = open_database(sqlite_url(folder / f"target-{suffix[1:]}.sqlite3"))
    try:
        with target.sessions.begin() as session:
            # Some source deals were logged without a cause; a team that requires
            # one would map their blank cause instead (see test_cause_values).
            team_settings.set_bool(session, team_settings.CAUSE_REQUIRED, False)
            result = import_file(session, exported, ImportOptions(), today=TODAY)
            assert result.already_present == 0
        return exported_deals(source, folder / "a.csv"), exported_deals(target, folder / "b.csv")
    finally:
        target.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_gives_the_same_deals(
    database: Database, tmp_path: Path, suffix: str
) -> None:
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=400, seed=9, today=TODAY)
    before, after = round_trip(database, tmp_path, suffix)
    assert len(before) == 400
    assert before == after
    assert any(row["first_cause"] for row in before)  # changed causes survive
    assert any(row["contributing_causes"] or row["deposit"] for row in before)
    resold = [row for row in before if row["resold_on"]]
    assert resold
    assert any(row["resale_price"] for row in resold)
    assert not any(row["resale_price"] and not row["resold_on"] for row in before)


def test_csv_export_writes_the_follow_ups_beside_it(database: Database, tmp_path: Path) -> None:
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=50, seed=2, today=TODAY)
        result = export_deals(session, tmp_path / "deals.csv", DealFilter())
    with follow_ups_path(tmp_path / "deals.csv").open(encoding="utf-8", newline="") as handle:
        calls = list(csv.DictReader(handle))
    assert result.follow_ups == len(calls) > 0
    assert {"contract_number", "due_on", "outcome", "client_words"} <= set(calls[0])
    assert {call["purpose"] for call in calls} == {"cause", "win_back"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_the_clients_phone_e_mail_and_crm_link(
    database: Database, tmp_path: Path, suffix: str
) -> None:
    with database.sessions.begin() as session:
        add_deal(
            session,
            client_phone="919-555-0142",
            client_email="maria.lopez@example.com",
            crm_link="https://crm.example.com/deals/2041",
        )
        add_deal(session, contract_number="NO-CONTACT")
        export_deals(session, tmp_path / f"deals{suffix}", DealFilter())
    if suffix == ".csv":
        with (tmp_path / "deals.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        sheet = load_workbook(tmp_path / "deals.xlsx")["Deals"]
        [header, *cells] = [list(r) for r in sheet.iter_rows(values_only=True)]
        rows = [{k: "" if v is None else str(v) for k, v in zip(header, r, strict=True)}
                for r in cells]  # fmt: skip
    contacts = [(r["client_phone"], r["client_email"], r["crm_link"]) for r in rows]
    assert contacts == [
        ("919-555-0142", "maria.lopez@example.com", "https://crm.example.com/deals/2041"),
        ("", "", ""),
    ]


def test_export_of_one_month(database: Database, tmp_path: Path) -> None:
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=300, seed=2, today=TODAY)
        october = DealFilter(fell_from=date(2026, 10, 1), fell_to=date(2026, 10, 31))
        export_deals(session, tmp_path / "october.xlsx", october)
    sheet = load_workbook(tmp_path / "october.xlsx")["Deals"]
    dates = [r[4].value for r in sheet.iter_rows(min_row=2)]
    assert dates
    assert all(d.year == 2026 and d.month == 10 for d in dates)


@pytest.fixture
def triggered(database: Database) -> Database:
    with database.sessions.begin() as session:
        other = find_cause(session, "Other").id
        for index, trigger in enumerate(TRIGGERS):
            log_deal(
                session,
                DealInput(
                    client_name=f"Client {index}",
                    contract_value_cents=100,
                    fell_through_on=date(2026, 10, 1),
                    cause_id=other,
                    notes=f"{trigger}cmd|' /C calc'!A0",
                ),
                today=TODAY,
            )
    return database


@pytest.mark.parametrize("trigger", TRIGGERS, ids=[repr(t) for t in TRIGGERS])
def test_csv_neutralizes_each_formula_trigger(
    triggered: Database, tmp_path: Path, trigger: str
) -> None:
    rows = exported_deals(triggered, tmp_path / "x.csv")
    notes = [r["notes"] for r in rows]
    # The app strips leading whitespace from notes; what remains must not lead with a trigger.
    expected = f"{trigger}cmd|' /C calc'!A0".strip()
    assert f"'{expected}" in notes or not expected.startswith(tuple(TRIGGERS))
    for note in notes:
        assert not note.startswith(tuple(TRIGGERS))


@pytest.mark.parametrize("trigger", TRIGGERS, ids=[repr(t) for t in TRIGGERS])
def test_xlsx_cells_are_strings_never_formulas(
    triggered: Database, tmp_path: Path, trigger: str
) -> None:
    path = tmp_path / "x.xlsx"
    with triggered.sessions.begin() as session:
        export_deals(session, path, DealFilter())
    sheet = load_workbook(path)["Deals"]
    column = 1 + list(next(sheet.iter_rows(max_row=1, values_only=True))).index("notes")
    for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        cell = row[0]
        assert cell.data_type == "s"
        assert not str(cell.value).startswith(tuple(TRIGGERS))
    assert trigger


def test_a_client_named_like_a_formula_round_trips(database: Database, tmp_path: Path) -> None:
    with database.sessions.begin() as session:
        allow_deals_without_cause(session)
        log_deal(
            session,
            DealInput(
                client_name='=HYPERLINK("http://evil","x")',
                contract_value_cents=100,
                fell_through_on=date(2026, 10, 1),
            ),
            today=TODAY,
        )
    before, after = round_trip(database, tmp_path, ".xlsx")
    assert before == after
    assert before[0]["client"].startswith("'=")


AWKWARD = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc", "Zl", "Zp"),
        include_characters="\",;\n'=+-@ éüßЖ漢字🏠",
    ),
    max_size=40,
)
# As typed or pasted: now and then a control character, which every field but the
# notes refuses (the notes keep tabs and line breaks), naming the field.
TYPED = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                      include_characters="\",;'=+-@ éüßЖ漢字🏠ÉØ"),
        st.sampled_from("\x00\x07\x1b\x7f\x85\t\n"),
    ),
    max_size=40,
)  # fmt: skip


def _maybe(text: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), text)


@st.composite
def deal_inputs(draw: st.DrawFn) -> DealInput:
    fell = draw(st.dates(min_value=date(2015, 1, 1), max_value=TODAY))
    signed = draw(st.one_of(st.none(), st.dates(min_value=date(2010, 1, 1), max_value=fell)))
    client = draw(TYPED.filter(lambda s: s.strip() and len(s.strip()) <= 200))
    return DealInput(
        client_name=client,
        contract_value_cents=draw(st.integers(min_value=0, max_value=10**11)),
        fell_through_on=fell,
        signed_on=signed,
        contract_number=draw(_maybe(TYPED.map(lambda s: s[:50]))),
        salesperson=draw(_maybe(TYPED.map(lambda s: s[:20]))),
        lead_source=draw(_maybe(st.sampled_from(["Referral", "web", "  Walk-in ", "Ørsted Ads"]))),
        community=draw(_maybe(TYPED.map(lambda s: s[:20]))),
        lot=draw(_maybe(TYPED)),
        stage=draw(_maybe(TYPED)),
        responsible_role=draw(_maybe(TYPED.map(lambda s: s[:80]))),
        cancelled_by=draw(st.sampled_from([None, "buyer", "builder"])),
        notes=draw(st.one_of(AWKWARD, TYPED)),
        deposit_cents=draw(_maybe(st.integers(min_value=0, max_value=10**9))),  # type: ignore[arg-type]
        deposit_outcome=draw(st.sampled_from([None, "refunded", "partly_refunded", "forfeited"])),
        recovered_on=draw(st.sampled_from([None, min(TODAY, fell + timedelta(days=30))])),
    )


def _log_or_refuse(session: Session, data: DealInput) -> ValidationError | None:
    try:
        with session.begin_nested():
            log_deal(session, data, create_names=True, today=TODAY)
    except ValidationError as refused:
        return refused
    return None


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(deal_inputs(), min_size=1, max_size=6))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_random_deals_round_trip(tmp_path_factory: pytest.TempPathFactory, batch: list[DealInput],
                                 suffix: str) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("prop")
    source = open_database(sqlite_url(folder / "source.sqlite3"))
    try:
        with source.sessions.begin() as session:
            # Two deals the import would take for one (its key, see the README) are
            # not generated: that is the key working, not a round-trip failure.
            allow_deals_without_cause(session)
            seen: set[object] = set()
            for data in batch:
                number = " ".join((data.contract_number or "").split()) or None
                key = number or (" ".join(data.client_name.split()).casefold(),
                                 data.fell_through_on, data.contract_value_cents)  # fmt: skip
                if key in seen:
                    continue
                refused = _log_or_refuse(session, data)
                if refused is not None:
                    # Either the field is named and the deal is not stored, or it
                    # round-trips below: nothing in between.
                    value = getattr(data, refused.field)
                    assert control_character(value, refused.field == "notes"), refused
                    assert "control character" in refused.message
                    continue
                seen.add(key)
        before, after = round_trip(source, folder, suffix)
        assert before == after
    finally:
        source.close()
