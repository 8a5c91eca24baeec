"""Importing: each bad row named by row and column, nothing half-written, real export formats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.core.models import Cause, Deal, FollowUp, Salesperson
from dft.exchange.columns import parse_overrides
from dft.exchange.importer import import_file
from dft.exchange.plan import ImportOptions
from dft.exchange.problems import ImportFailed
from dft.exchange.values import DateOrder
from dft.store.database import Database

TODAY = date(2026, 11, 24)
HEADER = "client,contract_number,contract_value,signed_on,fell_through_on,cause,notes\n"


def write(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(content.encode(encoding))
    return path


def deals(database: Database) -> int:
    with database.sessions.begin() as session:
        return int(session.scalar(select(func.count()).select_from(Deal)) or 0)


def run(database: Database, path: Path, **options: object) -> object:
    with database.sessions.begin() as session:
        return import_file(session, path, ImportOptions(**options), today=TODAY)  # type: ignore[arg-type]


def test_a_new_name_close_to_a_known_one_is_pointed_out(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "sources.csv", "client,contract_value,fell_through_on,cause,"
                 "lead_source,salesperson\n"
                 "A,1000,2026-10-01,Other/Other,Referrals,Pat Newman\n"
                 "B,1000,2026-10-02,Other/Other,Referral,Pat Newman\n")  # fmt: skip
    result = run(database, path)
    assert set(result.names_created) == {  # type: ignore[attr-defined]
        "lead source 'Referrals' (close to 'Referral')",  # one source spelled two ways
        "salesperson 'Pat Newman'",  # new, and like no one else
    }


def test_a_good_file_imports_every_field(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "good.csv", HEADER + (
        'Maria Lopez,C-1,"$412,500.00",2026-05-14,2026-11-10,'
        '"Customer service/Phone tag / voicemail runaround","Said: ""nobody called"""\n'
        "Tom Park,,250000,,11/15/2026,Lot not buildable,\n"
        "Old Deal,,250000,,1/15/2025,Lot not buildable,\n"
    ))  # fmt: skip
    result = run(database, path)
    assert (result.rows_read, result.added, result.already_present) == (3, 3, 0)  # type: ignore[attr-defined]
    with database.sessions.begin() as session:
        maria = session.scalar(select(Deal).where(Deal.contract_number == "C-1"))
        assert maria is not None
        assert maria.contract_value_cents == 41_250_000
        assert (maria.signed_on, maria.fell_through_on) == (date(2026, 5, 14), date(2026, 11, 10))
        assert maria.cause is not None
        assert maria.cause.name == "Phone tag / voicemail runaround"
        assert maria.first_cause_id == maria.cause_id
        assert maria.notes == 'Said: "nobody called"'
        tom = session.scalar(select(Deal).where(Deal.client_name == "Tom Park"))
        assert tom is not None
        assert tom.fell_through_on == date(2026, 11, 15)
        # Recent deals get their follow-up call scheduled, like deals typed in;
        # imported history does not flood the follow-ups list.
        assert session.scalar(select(func.count()).select_from(FollowUp)) == 2


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "twice.csv", HEADER + (
        "Maria Lopez,C-1,412500,,2026-10-03,Other,\n"
        "Tom Park,,250000,,2026-10-05,Other,\n"
    ))  # fmt: skip
    run(database, path)
    second = run(database, path)
    assert (second.added, second.already_present) == (0, 2)  # type: ignore[attr-defined]
    assert deals(database) == 2


BAD_ROWS = [
    ("unparseable-date", "Pat,C-9,1000,,31/31/2026,Other,", "fell_through_on", "not a real date"),
    ("words-for-a-date", "Pat,C-9,1000,,last week,Other,", "fell_through_on", "not a date"),
    ("negative-money", "Pat,C-9,-1000,,2026-10-01,Other,", "contract_value", "negative"),
    ("non-numeric-money", "Pat,C-9,lots,,2026-10-01,Other,", "contract_value", "not an amount"),
    ("missing-client", ",C-9,1000,,2026-10-01,Other,", "client", "Client is empty"),
    ("fell-before-signed", "Pat,C-9,1000,2026-10-05,2026-10-01,Other,", "fell_through_on",
     "before it was signed"),
    ("unknown-cause", "Pat,C-9,1000,,2026-10-01,Martians,", "cause", "'Martians' is not a cause"),
    ("duplicate-number", "Pat,C-1,1000,,2026-10-01,Other,", "contract_number",
     "also on row 2"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "line", "column", "why"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_one_bad_row_rejects_the_whole_file_naming_row_and_column(
    database: Database, tmp_path: Path, name: str, line: str, column: str, why: str
) -> None:
    path = write(tmp_path / f"{name}.csv", HEADER + (
        "Good One,C-1,1000,,2026-10-01,Other,\n"
        "Good Two,C-2,1000,,2026-10-02,Other,\n"
        f"{line}\n"
        "Good Three,C-3,1000,,2026-10-03,Other,\n"
    ))  # fmt: skip
    before = deals(database)
    with pytest.raises(ImportFailed) as caught:
        run(database, path)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].row == 4
    assert problems[0].column == column
    assert why in problems[0].message
    assert deals(database) == before


def test_every_problem_is_reported_not_just_the_first(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "many.csv", HEADER + "".join(f"{b[1]}\n" for b in BAD_ROWS[:-1]))
    with pytest.raises(ImportFailed) as caught:
        run(database, path)
    assert [p.row for p in caught.value.problems] == list(range(2, 2 + len(BAD_ROWS) - 1))
    assert deals(database) == 0


def test_create_causes_puts_new_ones_under_the_row_category_never_under_other(
    database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "new.csv", (
        "client,contract_value,fell_through_on,category,cause\n"
        "Pat,1000,2026-10-01,Land,Wetlands found\n"
        "Sam,1000,2026-10-02,,Alien abduction\n"
    ))  # fmt: skip
    result = run(database, path, create_causes=True)
    assert result.causes_created == ["Land/Wetlands found", "Imported causes/Alien abduction"]  # type: ignore[attr-defined]
    assert result.categories_created == ["Imported causes"]  # type: ignore[attr-defined]
    with database.sessions.begin() as session:
        wetlands = session.scalar(select(Cause).where(Cause.name == "Wetlands found"))
        assert wetlands is not None
        assert wetlands.category.name == "Land"
        abduction = session.scalar(select(Cause).where(Cause.name == "Alien abduction"))
        assert abduction is not None
        assert abduction.category.controllable is None  # not classified: on neither side


def test_windows_1252_with_semicolons_and_a_crm_header(database: Database, tmp_path: Path) -> None:
    content = (
        " Deal Name ;Amount; Close Date ;Closed Lost Reason; Deal owner ;Lead Source\n"
        "Zoë O’Brien;$12,500.00;5/20/2024 7:42;Slow response / long waits;Dana Whitfield;Referral\n"
        "Renée Côté;9 999;5/21/2024;Loan denied;Dana Whitfield;Web\n"
    )
    path = write(tmp_path / "crm.csv", content.replace("9 999", "9999"), encoding="cp1252")
    result = run(database, path)
    assert result.added == 2  # type: ignore[attr-defined]
    with database.sessions.begin() as session:
        zoe = session.scalar(select(Deal).where(Deal.client_name == "Zoë O’Brien"))
        assert zoe is not None
        assert zoe.contract_value_cents == 1_250_000
        assert zoe.fell_through_on == date(2024, 5, 20)
        assert zoe.salesperson is not None
        assert zoe.salesperson.name == "Dana Whitfield"
        assert session.scalar(select(func.count()).select_from(Salesperson)) == 1


def test_utf8_with_a_byte_order_mark(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + (HEADER + "Jürgen Weiß,C-1,1000,,2026-10-01,Other,\n").encode()
    )
    run(database, path)
    with database.sessions.begin() as session:
        assert session.scalar(select(Deal.client_name)) == "Jürgen Weiß"


def test_day_first_dates_with_the_option(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "dmy.csv", HEADER + "Pat,C-1,1000,,20/05/2024,Other,\n")
    with pytest.raises(ImportFailed, match="1 problem") as caught:
        run(database, path)
    assert "day-first" in caught.value.problems[0].message
    run(database, path, date_order=DateOrder.DMY)
    with database.sessions.begin() as session:
        assert session.scalar(select(Deal.fell_through_on)) == date(2024, 5, 20)


def test_column_mapping_overrides(database: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "odd.csv", "Who,How much,When,Why,Stage\nPat,1000,2026-10-01,Other,Closed Lost\n"
    )
    with pytest.raises(ImportFailed) as caught:
        run(database, path)
    assert "no column for Client" in str(caught.value.problems[0])
    overrides = parse_overrides(["Who=client", "How much=contract_value", "When=fell_through_on",
                                 "Why=cause", "Stage="])  # fmt: skip
    result = run(database, path, overrides=overrides)
    assert result.added == 1  # type: ignore[attr-defined]


def test_an_xlsx_with_real_dates_and_numbers(database: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Deal Name", "Amount", "Close Date", "Lost Reason"])
    sheet.append(["Pat Xlsx", 412500.5, date(2026, 10, 1), "Other"])
    sheet.append([None, None, None, None])
    sheet.append(["Sam Xlsx", "$1,000", "10/2/2026", "Loan denied"])
    path = tmp_path / "crm.xlsx"
    workbook.save(path)
    result = run(database, path)
    assert result.added == 2  # type: ignore[attr-defined]
    with database.sessions.begin() as session:
        pat = session.scalar(select(Deal).where(Deal.client_name == "Pat Xlsx"))
        assert pat is not None
        assert pat.contract_value_cents == 41_250_050


def test_not_a_table_file_is_refused(database: Database, tmp_path: Path) -> None:
    from dft.core.errors import ValidationError

    with pytest.raises(ValidationError, match=r"reads \.csv, \.txt, \.tsv and \.xlsx"):
        run(database, write(tmp_path / "deals.docx", "x"))
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match="not a readable Excel workbook"):
        run(database, bogus)


def test_import_is_all_or_nothing_even_for_new_names_and_causes(
    database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "late.csv", (
        "client,contract_value,fell_through_on,cause,salesperson\n"
        "Pat,1000,2026-10-01,Brand new cause,New Person\n"
        "Sam,oops,2026-10-02,Other,Another Person\n"
    ))  # fmt: skip
    with pytest.raises(ImportFailed):
        run(database, path, create_causes=True)
    with database.sessions.begin() as session:
        assert session.scalar(select(Cause).where(Cause.name == "Brand new cause")) is None
        assert session.scalar(select(func.count()).select_from(Salesperson)) == 0


def test_session_is_usable_after_a_rejected_import(session: Session, tmp_path: Path) -> None:
    assert session.scalar(select(func.count()).select_from(Deal)) == 0


def test_recent_controllable_deals_get_a_win_back_call_when_those_are_on(
    database: Database, tmp_path: Path
) -> None:
    from dft.core import settings

    with database.sessions.begin() as session:
        settings.set_bool(session, settings.WIN_BACK_CALLS, True)
    path = write(tmp_path / "recent.csv", HEADER + (
        "Service Recent,,250000,,2026-11-10,Rude or dismissive remark,\n"
        "Land Recent,,250000,,2026-11-10,Lot not buildable,\n"
        "Service Old,,250000,,2025-01-15,Rude or dismissive remark,\n"
    ))  # fmt: skip
    run(database, path)
    with database.sessions.begin() as session:
        calls = session.execute(
            select(Deal.client_name, FollowUp.purpose, FollowUp.due_on)
            .join(Deal, FollowUp.deal_id == Deal.id)
            .order_by(Deal.client_name, FollowUp.due_on)
        ).all()
    # The first calls (fell through + 3 days) would be past: never due before today.
    assert [tuple(c) for c in calls] == [
        ("Land Recent", "cause", TODAY),
        ("Service Recent", "cause", TODAY),
        ("Service Recent", "win_back", date(2027, 2, 8)),
    ]


def test_undoing_an_import_leaves_the_database_as_it_was(
    database: Database, tmp_path: Path
) -> None:
    from dft.core.imported import remove_imported
    from dft.core.models import Category, Community
    from dft.exchange.importer import ImportResult

    tables = (Deal, FollowUp, Cause, Category, Salesperson, Community)

    def counts() -> dict[str, int]:
        with database.sessions.begin() as session:
            return {
                t.__name__: int(session.scalar(select(func.count()).select_from(t)) or 0)
                for t in tables
            }

    run(database, write(tmp_path / "earlier.csv", HEADER + "Earlier,E-1,1000,,2026-11-20,Other,\n"))
    before = counts()
    path = write(tmp_path / "new.csv", (
        "client,contract_value,fell_through_on,category,cause,salesperson,community\n"
        "Pat,1000,2026-11-20,Warranty,Roof leak,Pat Newman,Harbor Point\n"
        "Sam,1000,2026-11-21,,Space debris,Pat Newman,\n"
        "Lee,1000,2025-01-05,,Other,,Harbor Point\n"
    ))  # fmt: skip
    result = run(database, path, create_causes=True)
    assert isinstance(result, ImportResult)
    assert result.records.deals == 3
    assert len(result.records.category_ids) == 2  # Warranty and Imported causes
    after = counts()
    assert after["Deal"] == before["Deal"] + 3
    with database.sessions.begin() as session:
        removed = remove_imported(session, result.records)
    assert (removed.deals, removed.categories, removed.entries, removed.kept) == (3, 2, 2, 0)
    assert counts() == before


def test_imported_deals_are_found_by_search_ignoring_case_and_accents(
    database: Database, tmp_path: Path
) -> None:
    from dft.core.queries import DealFilter, fetch_deal_ids

    path = write(tmp_path / "world.csv", HEADER + (
        "Jürgen Müller,M-1,250000,,2026-11-10,Lot not buildable,Rückruf im Frühling\n"
        "Ελένη Παπαδοπούλου,Π-2,250000,,2026-11-11,Lot not buildable,\n"
        "Дмитрий Смирнов,,250000,,2026-11-12,Lot not buildable,переехал в Москву\n"
    ))  # fmt: skip
    run(database, path)
    with database.sessions.begin() as session:
        for term, client in (
            ("muller", "Jürgen Müller"),
            ("FRUHLING", "Jürgen Müller"),
            ("ΠΑΠΑΔΟΠΟΎΛΟΥ", "Ελένη Παπαδοπούλου"),
            ("π-2", "Ελένη Παπαδοπούλου"),
            ("москву", "Дмитрий Смирнов"),
        ):
            ids = fetch_deal_ids(session, DealFilter(text=term, today=TODAY))
            assert list(session.scalars(select(Deal.client_name).where(Deal.id.in_(ids)))) == [
                client
            ], term


@pytest.mark.sqlite_only
def test_imported_rows_store_dates_and_times_as_the_orm_does(
    database: Database, tmp_path: Path
) -> None:
    """Rows go to the driver converted by the columns' own types, not by sqlite3's
    adapters (which drop a zero fraction of a second, and sort differently)."""
    from sqlalchemy import text

    path = write(tmp_path / "one.csv", HEADER + "Ann Lee,,100,,2026-11-20,Lot not buildable,\n")
    run(database, path)
    with database.sessions.begin() as session:
        stored = session.execute(
            text("SELECT d.created_at, d.fell_through_on, f.created_at, f.due_on FROM deals d"
                 " JOIN follow_ups f ON f.deal_id = d.id")
        ).one()  # fmt: skip
    assert len(stored[0]) == len(stored[2]) == len("2026-11-30 04:20:07.000000")
    assert (stored[1], len(stored[3])) == ("2026-11-20", len("2026-11-24"))
