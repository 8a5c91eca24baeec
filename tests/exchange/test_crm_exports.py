"""The five CRMs' lost-deal exports come in without column mapping, each deal on its side.

The samples in tests/data/crm are written by us in each CRM's export shape
(Salesforce report CSV with its footer, HubSpot CSV with a byte-order mark,
Pipedrive "Deal - …" CSV with person columns, Dynamics 365 .xlsx with hidden
"(Do Not Modify)" columns, Zoho CSV with zcrm_ ids). Their loss reasons are
spelled the users' way; pinecrest-causes.csv maps the ones that need a person.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from dft.core.models import Category, Cause, Deal, Salesperson
from dft.exchange.importer import import_file
from dft.exchange.map_file import read_map_file, write_map_file
from dft.exchange.plan import ImportOptions, plan_import
from dft.exchange.problems import ImportFailed
from dft.store.database import Database

DATA = Path(__file__).resolve().parents[1] / "data" / "crm"
SAMPLES = [
    "salesforce-opportunities.csv",
    "hubspot-deals.csv",
    "pipedrive-deals.csv",
    "dynamics-opportunities.xlsx",
    "zoho-deals.csv",
]
MAP = DATA / "pinecrest-causes.csv"
TODAY = date(2026, 11, 24)

# Where each buyer's deal must land: the category's key (or name when it has none).
INTENDED = {
    "Marcus & Dana Whitfield": "land",  # "Lot issue"
    "Tom Okafor": "land",  # "Perc test failed"
    "Brian Castellanos": "land",  # "Lot Issue"
    "Priya Raman": "customer_service",  # "Customer service"
    "Renee Walsh": "customer_service",  # "cust. service"
    "Sandra & Mike Novak": "customer_service",  # "Customer Service "
    "Curtis & Joy Abernathy": "customer_service",  # "customer svc"
    "Ashley Brennan": "Financing",
    "Hannah Kim": "Financing",
    "Jorge & Elena Castillo": "Buyer circumstances",  # "Lost to competitor"
    "Kevin Liu": "not_yet_known",  # blank
    "Olivia Grant": "not_yet_known",  # blank
}


def sides(database: Database) -> dict[str, str]:
    category = aliased(Category)
    with database.sessions.begin() as session:
        return {
            client: key or name
            for client, key, name in session.execute(
                select(Deal.client_name, category.key, category.name)
                .join(Cause, Deal.cause_id == Cause.id)
                .join(category, Cause.category_id == category.id)
            )
        }


@pytest.mark.parametrize("sample", SAMPLES)
def test_each_crm_export_comes_in_with_every_deal_on_its_side(
    database: Database, sample: str
) -> None:
    path = DATA / sample
    with database.sessions.begin() as session:
        plan = plan_import(session, path)
        assert not plan.remembered_columns
        assert {"client", "contract_value", "fell_through_on", "cause", "salesperson"} <= set(
            plan.columns.positions
        )
        # Without a person, only "Customer service" (a category's name) is sure.
        assert [v.label for v in plan.values if v.sure] == ["Customer service"]
    with pytest.raises(ImportFailed) as caught, database.sessions.begin() as session:
        import_file(session, path, today=TODAY)
    assert len(caught.value.groups) == 7  # one line per value still to map
    assert sides(database) == {}

    with database.sessions.begin() as session:
        result = import_file(session, path, ImportOptions(causes=read_map_file(MAP)), today=TODAY)
    assert (result.rows_read, result.added) == (12, 12)
    assert sides(database) == INTENDED
    assert result.causes_created == []
    assert result.without_calls == 12  # 2024 history: no calls scheduled
    assert result.mapping_saved
    with database.sessions.begin() as session:
        whitfield = session.scalar(select(Deal).where(Deal.contract_number == "CR-2024-014"))
        assert whitfield is not None
        assert whitfield.client_name == "Marcus & Dana Whitfield"
        assert whitfield.contract_value_cents == 41_250_000
        assert (whitfield.signed_on, whitfield.fell_through_on) == (
            date(2024, 1, 9),
            date(2024, 2, 20),
        )
        assert session.scalar(
            select(Salesperson.name).where(Salesperson.id == whitfield.salesperson_id)
        ) == ("Karen Holt")


def test_contacts_come_from_the_crms_that_export_them(database: Database) -> None:
    for sample in ("pipedrive-deals.csv", "dynamics-opportunities.xlsx"):
        session = database.sessions()
        try:
            result = import_file(
                session, DATA / sample, ImportOptions(causes=read_map_file(MAP)), today=TODAY
            )
            castillo = session.scalar(select(Deal).where(Deal.contract_number == "MB-2024-011"))
            assert castillo is not None
            assert castillo.client_phone == "(984) 555-0101"
            priya = session.scalar(select(Deal).where(Deal.contract_number == "CR-2024-022"))
            assert priya is not None
            assert (priya.client_phone, priya.client_email) == (
                "(919) 555-0177",
                "priya.raman@example.com",
            )
        finally:
            session.rollback()  # each sample into the same empty database
            session.close()
        assert result.several_contacts == (1 if sample.startswith("pipedrive") else 0)


def test_the_next_export_from_the_same_crm_needs_no_map(database: Database, tmp_path: Path) -> None:
    path = DATA / "hubspot-deals.csv"
    with database.sessions.begin() as session:
        import_file(session, path, ImportOptions(causes=read_map_file(MAP)), today=TODAY)
    # Next month's export: same headers, one more deal with a reason seen before.
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    newer = tmp_path / "hubspot-next.csv"
    newer.write_text(
        "\n".join([lines[0], lines[1].replace("CR-2024-014", "CR-2024-099")]) + "\n",
        encoding="utf-8",
    )
    with database.sessions.begin() as session:
        plan = plan_import(session, newer)
        assert plan.remembered_columns
        assert [(v.label, v.reason) for v in plan.values] == [("Lot issue", "remembered")]
        result = import_file(session, newer, today=TODAY)
    assert result.added == 1
    assert result.remembered_columns


def test_a_saved_map_reproduces_the_same_import(
    database: Database, tmp_path: Path, new_database_url: object
) -> None:
    from dft.store.database import open_database

    path = DATA / "zoho-deals.csv"
    with database.sessions.begin() as session:
        first = import_file(
            session,
            path,
            ImportOptions(causes=read_map_file(MAP), create_causes=True),
            today=TODAY,
        )
    saved = tmp_path / "saved.csv"
    assert write_map_file(saved, first.values) == len(first.values)
    other = open_database(new_database_url(), daily_backup=False)  # type: ignore[operator]
    try:
        with other.sessions.begin() as session:
            again = import_file(
                session,
                path,
                ImportOptions(causes=read_map_file(saved), create_causes=True),
                today=TODAY,
            )
        assert [(v.label, v.rows, v.target) for v in again.values] == [
            (v.label, v.rows, v.target) for v in first.values
        ]
        assert again.causes_created == first.causes_created
        assert sides(other) == sides(database)
    finally:
        other.close()
