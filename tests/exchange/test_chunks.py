"""The three ways a row is read (a chunk column by column, a row quickly, a row field by
field) write the same deals, create the same causes and names in the same order, and
refuse a bad file with the same problems in the same order."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dft.core.models import (
    Cause,
    Community,
    Deal,
    DealContributingCause,
    FollowUp,
    LeadSource,
    Salesperson,
)
from dft.exchange.chunks import ChunkReader
from dft.exchange.decisions import CauseDecision
from dft.exchange.importer import CHUNK_SIZE, import_file
from dft.exchange.plan import ImportOptions
from dft.exchange.problems import ImportFailed
from dft.exchange.rows import RowReader
from dft.store.database import Database

TODAY = date(2026, 11, 24)
FIELDS = (
    "client", "contract_number", "contract_value", "signed_on", "fell_through_on",
    "salesperson", "lead_source", "community", "lot", "stage", "responsible_role", "cause",
    "cause_status", "notes", "cancelled_by", "deposit", "deposit_outcome", "recovered_on",
    "resold_on", "resale_price", "contributing_causes", "client_phone", "client_email",
    "crm_link",
)  # fmt: skip
CAUSES = (
    "Customer service/Phone tag / voicemail runaround",
    "Lot not buildable",
    "Other/Other",
    "A reason nobody has yet",  # created in the first row that has it
)
LINKS = ("", "Lot not buildable", "Other/Other; Lot not buildable")
WAYS = ("by column", "by row", "field by field")


def _when(day: date, rng: random.Random) -> str:
    return day.isoformat() if rng.random() < 0.7 else f"{day.month}/{day.day}/{day.year}"


def _row(i: int, rng: random.Random, causes: tuple[str, ...]) -> dict[str, str]:
    fell = TODAY - timedelta(days=rng.randrange(0, 900))
    resold = fell + timedelta(days=rng.randrange(0, 30))
    sold_again = rng.random() < 0.1 and resold <= TODAY
    cause = rng.choice(causes)
    return {
        "client": rng.choice((f"Client {i}", f" Pat  Lee {i} ", f"Élodie {i}", f"O'Hara {i}")),
        "contract_number": f"C-{i}" if rng.random() < 0.8 else "",
        "contract_value": rng.choice(("$412,500.00", "250000", "199,999.99", str(i * 7))),
        "signed_on": _when(fell - timedelta(days=90), rng) if rng.random() < 0.5 else "",
        "fell_through_on": _when(fell, rng),
        "salesperson": rng.choice(("Pat Newman", "Sam Ortiz", "", "New Rep")),
        "lead_source": rng.choice(("Referral", "Zillow", "")),
        "community": rng.choice(("Oak Hill", "", "River Bend")),
        "lot": rng.choice(("", "L-12", "17")),
        "stage": rng.choice(("", "Framing", "Closing")),
        "responsible_role": rng.choice(("", "Lender")),
        "cause": cause,
        "cause_status": rng.choice(("", "suspected", "Confirmed")),
        "notes": rng.choice(("", "note", "two\nlines", "Said: \"call me\"")),
        "cancelled_by": rng.choice(("", "buyer", "Builder")),
        "deposit": rng.choice(("", "5000", "$1,250.50")),
        "deposit_outcome": rng.choice(("", "refunded", "partly refunded")),
        "recovered_on": _when(fell + timedelta(days=40), rng) if rng.random() < 0.05 else "",
        "resold_on": _when(resold, rng) if sold_again else "",
        "resale_price": "300000" if sold_again else "",
        "contributing_causes": rng.choice(LINKS),
        "client_phone": rng.choice(("", "(919) 555-0142", "919-555-0100, 919-555-0101")),
        "client_email": rng.choice(("", "pat@example.com", "a@example.com; b@example.com")),
        "crm_link": rng.choice(("", "https://crm.example.com/deal/1")),
    }  # fmt: skip


def write_file(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def good_rows(count: int, seed: int = 7, causes: tuple[str, ...] = CAUSES) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = [_row(i, rng, causes) for i in range(count)]
    rows[0]["contract_number"] = "C-0"
    rows[300] = dict(rows[300], client="'=SUM(A1)")  # a formula guard: that chunk row by row
    rows[309] = rows[310] = rows[311] = dict(rows[299], contract_number="")  # one deal, thrice
    return rows


def _snapshot(session: Session) -> list[tuple[Any, ...]]:
    """Every deal as the user sees it, in id order (ids differ between runs on a server)."""
    first_cause = aliased(Cause)
    ids = {"id", "salesperson_id", "lead_source_id", "community_id", "cause_id", "first_cause_id"}
    columns = [c for c in Deal.__table__.c if c.key not in {*ids, "created_at", "updated_at"}]
    query = (
        select(Deal.id, *columns, Salesperson.name, LeadSource.name, Community.name,
               Cause.name, first_cause.name)
        .outerjoin(Salesperson, Salesperson.id == Deal.salesperson_id)
        .outerjoin(LeadSource, LeadSource.id == Deal.lead_source_id)
        .outerjoin(Community, Community.id == Deal.community_id)
        .outerjoin(Cause, Cause.id == Deal.cause_id)
        .outerjoin(first_cause, first_cause.id == Deal.first_cause_id)
        .order_by(Deal.id)
    )  # fmt: skip
    links: dict[int, list[str]] = {}
    for deal_id, name in session.execute(
        select(DealContributingCause.deal_id, Cause.name)
        .join(Cause, Cause.id == DealContributingCause.cause_id)
        .order_by(DealContributingCause.deal_id, Cause.name)
    ):
        links.setdefault(deal_id, []).append(name)
    calls: dict[int, list[tuple[Any, ...]]] = {}
    for call in session.execute(
        select(FollowUp.deal_id, FollowUp.due_on, FollowUp.purpose, FollowUp.created_by,
               FollowUp.search_text, FollowUp.version).order_by(FollowUp.id)
    ):  # fmt: skip
        calls.setdefault(call[0], []).append(tuple(call[1:]))
    return [
        (*row[1:], tuple(links.get(row[0], ())), tuple(calls.get(row[0], ())))
        for row in session.execute(query)
    ]


def _created(session: Session) -> list[tuple[str, ...]]:
    """Causes and list entries in the order they were created."""
    return [
        tuple(session.scalars(select(model.name).order_by(model.id)))
        for model in (Cause, Salesperson, LeadSource, Community)
    ]


class _Seen(Exception):
    pass


def import_one_way(
    database: Database, path: Path, way: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, ...]:
    """What importing ``path`` read ``way`` did (rolled back), or how it was refused."""
    used = {"by column": 0, "by row": 0}
    by_chunk, quickly = ChunkReader.__call__, RowReader._quickly

    def spy_chunk(self: ChunkReader, chunk: Any) -> Any:
        rows = by_chunk(self, chunk) if way == "by column" else None
        used["by column"] += rows is not None
        return rows

    def spy_row(self: RowReader, number: int, values: Any) -> Any:
        row = quickly(self, number, values) if way != "field by field" else None
        used["by row"] += row is not None
        return row

    with monkeypatch.context() as patch:
        patch.setattr(ChunkReader, "__call__", spy_chunk)
        patch.setattr(RowReader, "_quickly", spy_row)
        try:
            with database.sessions.begin() as session:
                result = import_file(session, path, ImportOptions(create_causes=True), today=TODAY)
                summary = (
                    result.rows_read, result.added, result.already_present,
                    result.causes_created, result.categories_created, result.names_created,
                    [(v.category, v.cause, v.rows, v.first_rows, v.reason) for v in result.values],
                    result.calls_scheduled, result.win_back_calls, result.without_calls,
                    result.several_contacts, result.ordered_dates,
                    [(model.__name__, count) for model, count in
                     ((m, len([e for e in result.records.entries if e[0] is m]))
                      for m in (Salesperson, LeadSource, Community))],
                )  # fmt: skip
                raise _Seen((summary, _snapshot(session), _created(session)), used)
        except _Seen as seen:
            return (*seen.args[0], seen.args[1])
        except ImportFailed as failed:
            groups = [(g.kind, g.field, g.message, g.rows, g.first_rows) for g in failed.groups]
            return (str(failed), groups, [str(p) for p in failed.problems], used)
    raise AssertionError("the import neither finished nor failed")


@pytest.mark.parametrize("causes", [CAUSES, CAUSES[-1:]])  # several values a chunk, or one
def test_every_way_writes_the_same_deals(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, causes: tuple[str, ...]
) -> None:
    path = write_file(tmp_path / "deals.csv", good_rows(6 * CHUNK_SIZE, causes=causes))
    seen = {way: import_one_way(database, path, way, monkeypatch) for way in WAYS}
    summary, deals, created, used = seen["by column"]
    assert (summary[1], summary[2]) == (6 * CHUNK_SIZE - 2, 2)  # the same deal, thrice
    assert summary[10] > 0  # cells with several phone numbers or addresses
    assert summary[11]  # dates like 5/6/2024
    assert "A reason nobody has yet" in created[0]
    assert "New Rep" in created[1]
    assert used["by column"] >= 3  # most chunks: the first meets every value, one is guarded
    assert seen["by row"][3]["by row"] > CHUNK_SIZE
    assert seen["field by field"][3] == {"by column": 0, "by row": 0}
    for way in ("by row", "field by field"):
        assert seen[way][:3] == (summary, deals, created), way


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fell_through_on", "2024-13-45"),  # not a real date
        ("contract_value", "-5"),
        ("client", " "),
        ("lot", "L\x07"),  # a control character
        ("lot", "L" * 61),  # longer than its column
        ("signed_on", "2026-11-20"),  # signed after it fell through
        ("resale_price", "1000"),  # without the date it was re-sold on
        ("contract_number", "C-0"),  # a number an earlier row has
        ("cause_status", "maybe"),
    ],
)
def test_every_way_refuses_a_bad_file_alike(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    rows = good_rows(6 * CHUNK_SIZE, seed=11)
    for number in (4 * CHUNK_SIZE + 50, 5 * CHUNK_SIZE + 7):  # past chunks read by column
        rows[number] = dict(
            rows[number], fell_through_on="2026-11-01", signed_on="", recovered_on="",
            resold_on="", resale_price="",
        )  # fmt: skip
        rows[number][field] = value
    path = write_file(tmp_path / "bad.csv", rows)
    seen = {way: import_one_way(database, path, way, monkeypatch) for way in WAYS}
    message, groups, problems, used = seen["by column"]
    assert "nothing was imported" in message
    assert len(problems) >= 2
    assert used["by column"] >= 2
    for way in ("by row", "field by field"):
        assert seen[way][:3] == (message, groups, problems), way


def test_a_value_counts_rows_together_as_one_by_one() -> None:
    def decision() -> CauseDecision:
        return CauseDecision(None, None, None, None, "", "Other")

    together, one_by_one = decision(), decision()
    for counted in (together, one_by_one):
        counted.count(5)
    together.count_many([7, 9, 11])
    for number in (7, 9, 11):
        one_by_one.count(number)
    assert (together.rows, together.first) == (one_by_one.rows, one_by_one.first) == (4, [5, 7, 9])
