"""User text that used to break things: control characters and over-long values are
refused by the services, whichever way they come in, with the field named, on SQLite
and PostgreSQL alike; and text an older version stored anyway never sinks a report
or an export."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import String, select, text
from sqlalchemy.orm import Session

from dft import cli
from dft.core import identity, lists, taxonomy
from dft.core.deal_input import DealInput, validate_deal_input
from dft.core.deals import update_deal
from dft.core.errors import ValidationError
from dft.core.fields import max_length
from dft.core.follow_ups import record_follow_up, schedule_follow_up
from dft.core.models import Category, Cause, Deal, FollowUp, LeadSource, Salesperson
from dft.core.queries import DealFilter
from dft.exchange.exporter import export_deals, follow_ups_path
from dft.exchange.importer import ImportOptions, import_file
from dft.reports.monthly import ReportScope, build_monthly_report
from dft.reports.render import write_report
from dft.store.database import Database, open_database
from dft.store.location import sqlite_url
from tests.conftest import BACKENDS
from tests.factories import add_deal, deal_input

TODAY = date(2026, 11, 24)
BOTH = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

# Control characters that must never be stored in a one-line field.
CONTROL = ["\x00", "\x07", "\x1b", "\x85", "\t"]


def refused(field: str, action: Callable[[], object], words: str = "control character") -> str:
    """Run ``action``, which must be refused naming ``field``; the message it gave."""
    with pytest.raises(ValidationError) as caught:
        action()
    assert caught.value.field == field
    assert words in caught.value.message
    return caught.value.message


# -- Control characters, every way in ----------------------------------------------------


@BOTH
@pytest.mark.parametrize("char", CONTROL)
@pytest.mark.parametrize(
    "field", ["client_name", "contract_number", "lot", "stage", "responsible_role",
              "salesperson", "lead_source", "community"],
)  # fmt: skip
def test_a_deal_with_a_control_character_is_refused_naming_the_field(
    session: Session, field: str, char: str
) -> None:
    refused(field, lambda: add_deal(session, **{field: f"Pat{char}Lopez"}))
    assert session.scalar(select(Deal.id)) is None


@BOTH
def test_notes_keep_tabs_and_line_breaks_but_no_other_control_character(
    session: Session,
) -> None:
    deal_id = add_deal(session, notes="First line\n\tsecond, indented\r\nthird")
    assert session.get(Deal, deal_id).notes == "First line\n\tsecond, indented\r\nthird"
    refused("notes", lambda: add_deal(session, contract_number="N-2", notes="beep\x07"))
    refused("notes", lambda: add_deal(session, contract_number="N-3", notes="nul\x00"))


@BOTH
def test_an_edit_is_refused_the_same_way(session: Session) -> None:
    deal_id = add_deal(session, client_name="Pat Lopez")
    data = deal_input(session, client_name="Pat\x00Lopez")
    refused("client_name", lambda: update_deal(session, deal_id, data, today=TODAY))
    assert session.get(Deal, deal_id).client_name == "Pat Lopez"


@BOTH
def test_calls_refuse_control_characters_but_words_and_notes_keep_line_breaks(
    session: Session,
) -> None:
    deal_id = add_deal(session)
    when = datetime(2026, 10, 20, 10, 0)

    def call(**fields: Any) -> object:
        return record_follow_up(session, deal_id, outcome="reached", done_at=when, **fields)

    refused("caller", lambda: call(caller="Dana\x00"))
    refused("client_words", lambda: call(client_words="said \x00 nothing"))
    refused("notes", lambda: call(notes="\x1b[31mred"))
    refused("notes", lambda: schedule_follow_up(session, deal_id, TODAY, notes="\x00"))
    recorded = call(caller="Dana", client_words="We waited.\n\tNobody called.", notes="a\nb")
    follow_up = session.get(FollowUp, recorded.follow_up_id)  # type: ignore[attr-defined]
    assert follow_up.client_words == "We waited.\n\tNobody called."
    assert follow_up.notes.endswith("a\nb")


@BOTH
@pytest.mark.parametrize("model", [Salesperson, LeadSource])
def test_list_names_refuse_control_characters(session: Session, model: Any) -> None:
    refused("name", lambda: lists.add_entry(session, model, "Dana\x00Whitfield"))
    entry_id = lists.add_entry(session, model, "Dana Whitfield")
    refused("name", lambda: lists.rename_entry(session, model, entry_id, "Dana\tW"))
    assert session.get(model, entry_id).name == "Dana Whitfield"


@BOTH
def test_cause_and_category_names_refuse_control_characters(session: Session) -> None:
    refused("name", lambda: taxonomy.add_category(session, "Permits\x00"))
    category_id = taxonomy.add_category(session, "Permits")
    refused("name", lambda: taxonomy.add_cause(session, category_id, "Slow\x07 county"))
    refused("description", lambda: taxonomy.add_cause(session, category_id, "Slow", "x\x00"))
    cause_id = taxonomy.add_cause(session, category_id, "Slow county", "Months.\nLonger.")
    refused("name", lambda: taxonomy.rename_category(session, category_id, "Per\x1bmits"))
    refused("name", lambda: taxonomy.rename_cause(session, cause_id, "Slow\ncounty"))
    assert session.get(Cause, cause_id).description == "Months.\nLonger."


def test_your_name_refuses_control_characters_and_the_environment_is_cleaned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused("name", lambda: identity.use_name("Dana\x00"))
    refused("name", lambda: identity.use_name("D" * 121), "characters long")
    monkeypatch.setenv(identity.ENV_VARIABLE, "Dana\x1b[1m Whitfield")
    assert identity.current_user() == "Dana [1m Whitfield"


def test_dft_add_and_dft_call_name_the_field(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(db_path), "add", "--value", "1000", "--fell-through", "2026-10-03",
            "--cause", "Other/Other"]  # fmt: skip
    assert cli.main([*base, "--client", "Maria\x1bLopez"]) == 2
    assert "--client: Client name" in capsys.readouterr().err
    assert cli.main([*base, "--client", "Maria", "--lot", "L" * 61]) == 2
    err = capsys.readouterr().err
    assert "lot" in err
    assert "at most 60" in err
    assert cli.main([*base, "--client", "Maria", "--contract", "C-1"]) == 0
    capsys.readouterr()
    call = ["--db", str(db_path), "call", "C-1", "--on", "2026-10-05", "--caller", "Dana",
            "--outcome", "reached"]  # fmt: skip
    assert cli.main([*call, "--client-words", "bell\x07"]) == 2
    assert "client_words" in capsys.readouterr().err
    database = open_database(sqlite_url(db_path))
    try:
        with database.sessions.begin() as session:
            assert session.scalar(select(Deal.client_name)) == "Maria"
            calls_made = select(FollowUp.id).where(FollowUp.done_at.is_not(None))
            assert session.scalar(calls_made) is None
    finally:
        database.close()


def test_the_editor_shows_the_problem_beside_the_field(
    qtbot: Any, database: Database, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from dft.ui.context import AppContext
    from dft.ui.dialogs.deal_editor import DealEditorDialog

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(database, settings, today=lambda: TODAY)
    dialog = DealEditorDialog(context, on_save=lambda _data, _names: True)
    qtbot.addWidget(dialog)
    dialog.client_name.setText("Maria Lopez")
    dialog.contract_value.setText("412,500")
    dialog.pick_pending_cause()
    dialog.lot.setText("14\x07B")
    assert "control character" in dialog.fields["lot"].error.text()
    assert not dialog.save_button.isEnabled()
    dialog.lot.setText("14B")
    dialog.notes.setPlainText("paste\x00d")
    assert "Notes contains a control character, NUL" in dialog.fields["notes"].error.text()
    dialog.notes.setPlainText("two\nlines\tfine")
    assert dialog.fields["notes"].error.text() == ""
    assert dialog.save_button.isEnabled()


# -- Lengths: the same data on both databases ---------------------------------------------


def _string_columns(model: Any) -> list[str]:
    return [c.key for c in model.__table__.columns if isinstance(c.type, String) and c.type.length]


def test_every_text_field_a_user_types_is_bound_by_its_column() -> None:
    """validate_deal_input knows every String column a DealInput field writes."""
    fields = set(DealInput.__dataclass_fields__)
    typed = [name for name in _string_columns(Deal) if name in fields]
    assert {"client_name", "contract_number", "lot", "stage", "responsible_role"} <= set(typed)
    for name in typed:
        limit = max_length(getattr(Deal, name))
        assert limit is not None
        values: dict[str, Any] = {"client_name": "Pat", "contract_value_cents": 1,
                                  "fell_through_on": date(2026, 10, 1)}  # fmt: skip
        data = DealInput(**{**values, name: "x" * (limit + 1)})
        assert name in {e.field for e in validate_deal_input(data, TODAY)}, name


@BOTH
@pytest.mark.parametrize(
    ("field", "column"),
    [("client_name", Deal.client_name), ("contract_number", Deal.contract_number),
     ("lot", Deal.lot), ("stage", Deal.stage), ("responsible_role", Deal.responsible_role),
     ("salesperson", Salesperson.name), ("lead_source", LeadSource.name)],
)  # fmt: skip
def test_a_deal_field_fits_its_column_to_the_character_on_both_databases(
    session: Session, field: str, column: Any
) -> None:
    limit = max_length(column)
    assert limit is not None
    message = refused(field, lambda: add_deal(session, **{field: "x" * (limit + 1)}), "long")
    assert f"at most {limit}" in message
    # Exactly the column's length is stored, on PostgreSQL too (no DataError).
    add_deal(session, **{field: "y" * limit})
    # What counts is the text as stored: spaces around it are trimmed first.
    add_deal(session, **{"contract_number": "C-2", field: " " + "z" * limit + " "})


@BOTH
def test_names_causes_and_callers_fit_their_columns_on_both_databases(session: Session) -> None:
    people, categories, causes = (max_length(m.name) for m in (Salesperson, Category, Cause))
    assert people is not None
    assert categories is not None
    assert causes is not None
    refused("name", lambda: lists.add_entry(session, Salesperson, "p" * (people + 1)), "long")
    lists.add_entry(session, Salesperson, "p" * people)
    refused("name", lambda: taxonomy.add_category(session, "c" * (categories + 1)), "long")
    category_id = taxonomy.add_category(session, "c" * categories)
    refused("name", lambda: taxonomy.add_cause(session, category_id, "k" * (causes + 1)), "long")
    taxonomy.add_cause(session, category_id, "k" * causes)
    deal_id = add_deal(session)
    caller_limit = max_length(FollowUp.caller)
    assert caller_limit
    refused(
        "caller",
        lambda: schedule_follow_up(session, deal_id, TODAY, caller="d" * (caller_limit + 1)),
        "longer",
    )
    schedule_follow_up(session, deal_id, TODAY, caller="d" * caller_limit)
    session.flush()


# -- Writers: what an older version stored still reports and exports ----------------------


def _store_directly(database: Database, client: str, notes: str, cause: str) -> None:
    """As an older version (or a hand-made SQL statement) did: past every check."""
    with database.sessions.begin() as session:
        deal_id = add_deal(session, client_name="Placeholder", notes="placeholder",
                           fell_through_on=date(2026, 10, 15))  # fmt: skip
        category_id = taxonomy.find_category(session, "Other").id
        cause_id = taxonomy.add_cause(session, category_id, "Placeholder cause")
        session.flush()
        session.execute(
            text("UPDATE deals SET client_name = :client, notes = :notes, cause_id = :cause"
                 " WHERE id = :id"),
            {"client": client, "notes": notes, "cause": cause_id, "id": deal_id},
        )  # fmt: skip
        session.execute(
            text("UPDATE causes SET name = :name WHERE id = :id"), {"name": cause, "id": cause_id}
        )


# Cause, category and salesperson names are also chart labels, drawn by matplotlib
# (dft/analytics/charts.py), which warns about a glyph it lacks: those are written
# to the formats without charts.
ALL_REPORTS = (".xlsx", ".csv", ".pdf", ".html")


def _writes_everything(
    database: Database, folder: Path, reports: tuple[str, ...] = ALL_REPORTS
) -> dict[str, Path]:
    written = {}
    with database.read_sessions.begin() as session:
        report = build_monthly_report(session, date(2026, 10, 1), ReportScope(), today=TODAY)
        for suffix in reports:
            written[f"report{suffix}"] = folder / f"report{suffix}"
            write_report(report, written[f"report{suffix}"])
        for suffix in (".xlsx", ".csv"):
            written[f"export{suffix}"] = folder / f"export{suffix}"
            export_deals(session, written[f"export{suffix}"], DealFilter())
    return written


def _imports_back(path: Path, folder: Path) -> list[tuple[str, str]]:
    target = open_database(sqlite_url(folder / f"back-{path.suffix[1:]}.sqlite3"))
    try:
        with target.sessions.begin() as session:
            import_file(session, path, ImportOptions(create_causes=True), today=TODAY)
            return [tuple(r) for r in session.execute(select(Deal.client_name, Deal.notes))]
    finally:
        target.close()


@pytest.mark.sqlite_only
def test_a_nul_stored_by_an_older_version_still_reports_and_exports(
    database: Database, tmp_path: Path
) -> None:
    """PostgreSQL cannot store a NUL at all; a SQLite file from an older version can."""
    _store_directly(database, "Maria\x00 Lopez\x00", "line\x00one\nline two\x0b", "Fees")
    written = _writes_everything(database, tmp_path)
    sheet = load_workbook(written["report.xlsx"])["The month's deals"]
    assert "Maria Lopez" in [c.value for row in sheet.iter_rows() for c in row]
    with written["export.csv"].open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["client"] == "Maria Lopez"
    assert row["notes"] == "lineone\nline two"
    for suffix in (".xlsx", ".csv"):
        assert _imports_back(written[f"export{suffix}"], tmp_path) == [
            ("Maria Lopez", "lineone\nline two")
        ]


@BOTH
def test_control_characters_stored_by_an_older_version_still_report_and_export(
    database: Database, tmp_path: Path
) -> None:
    _store_directly(database, "Maria\x01 Lopez\x1f", "bell\x07 and\ttab", "Fee\x02s")
    written = _writes_everything(database, tmp_path, (".xlsx", ".csv"))
    sheet = load_workbook(written["report.xlsx"])["Causes, largest first"]
    assert "Fees" in [c.value for row in sheet.iter_rows() for c in row]
    workbook = load_workbook(written["export.xlsx"])
    values = [c.value for row in workbook["Deals"].iter_rows() for c in row]
    assert "Maria Lopez" in values
    assert "bell and\ttab" in values
    assert "Fees" in values
    assert follow_ups_path(written["export.csv"]).exists()
    assert _imports_back(written["export.xlsx"], tmp_path) == [("Maria Lopez", "bell and\ttab")]
