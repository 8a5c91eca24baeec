"""A month with a known answer: 7 land and 17 customer-service deals in October 2026."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from dft.core.deals import trash_deal
from dft.core.follow_ups import record_follow_up
from dft.reports.monthly import MonthlyReport, build_monthly_report
from dft.store.database import Database
from tests.factories import add_deal

TODAY = date(2026, 11, 24)
OCTOBER = date(2026, 10, 1)
LAND_VALUE = 30_000_000
SERVICE_VALUE = 20_000_050


@pytest.fixture
def october_db(database: Database) -> Database:
    with database.sessions.begin() as session:
        for i in range(7):
            add_deal(
                session,
                "Lot not buildable",
                client_name=f"Landclient {i:02d}",
                contract_number=f"L-{i}",
                contract_value_cents=LAND_VALUE,
                fell_through_on=date(2026, 10, 1 + i),
                signed_on=None,
                lead_source="Referral" if i < 2 else "Web",
                responsible_role="Land seller",
            )
        for i in range(17):
            deal_id = add_deal(
                session,
                "Phone tag / voicemail runaround",
                client_name=f"Serviceclient {i:02d}",
                contract_number=f"S-{i}",
                contract_value_cents=SERVICE_VALUE,
                fell_through_on=date(2026, 10, 10 + i),
                signed_on=None,
                salesperson="Dana Whitfield",
                responsible_role="Project manager",
            )
            if i < 5:
                record_follow_up(
                    session,
                    deal_id,
                    outcome="reached",
                    done_at=datetime(2026, 10, 12 + i, 10),
                    cause_result="confirmed",
                    client_words=f"Nobody called back ({i}).",
                )
        add_deal(
            session,
            "Loan denied",
            client_name="Septemberclient",
            fell_through_on=date(2026, 9, 30),
            signed_on=None,
        )
        add_deal(
            session,
            "Loan denied",
            client_name="Novemberclient",
            fell_through_on=date(2026, 11, 1),
            signed_on=None,
        )
        trash_deal(
            session,
            add_deal(
                session,
                "Lot not buildable",
                client_name="Trashedclient",
                fell_through_on=date(2026, 10, 3),
                signed_on=None,
            ),
        )
    return database  # fmt: skip


@pytest.fixture
def october_report(october_db: Database) -> MonthlyReport:
    with october_db.sessions.begin() as session:
        return build_monthly_report(
            session, OCTOBER, today=TODAY, generated_at=datetime(2026, 11, 24, 9, 30)
        )


OCTOBER_CLIENTS = [f"Landclient {i:02d}" for i in range(7)] + [
    f"Serviceclient {i:02d}" for i in range(17)
]
OTHER_CLIENTS = ["Septemberclient", "Novemberclient", "Trashedclient"]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder
