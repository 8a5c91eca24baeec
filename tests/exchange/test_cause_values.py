"""Each distinct cause value decided once; problems grouped; nothing written on any problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.errors import ValidationError
from dft.core.models import Category, Cause, Deal, FollowUp
from dft.exchange.importer import ImportResult, import_file
from dft.exchange.map_file import read_map_file, write_map_file
from dft.exchange.mapping import CauseMap, CauseTarget, value_key
from dft.exchange.plan import ImportOptions, plan_import
from dft.exchange.problems import ImportFailed, ProblemKind
from dft.store.database import Database

TODAY = date(2026, 11, 24)


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def run(database: Database, path: Path, **options: object) -> ImportResult:
    with database.sessions.begin() as session:
        return import_file(session, path, ImportOptions(**options), today=TODAY)  # type: ignore[arg-type]


def failure(database: Database, path: Path, **options: object) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        run(database, path, **options)
    with database.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Deal)) == 0
    return caught.value


def test_a_value_over_many_rows_is_one_problem_with_its_first_rows(
    database: Database, tmp_path: Path
) -> None:
    rows = "".join(
        f"Client {i},1000,11/{1 + i % 20}/2026,{'Competitor' if i % 3 else 'Loan denied'},\n"
        for i in range(60)
    )
    rows += "Late,1000,,Loan denied,\n" * 2
    path = write(tmp_path / "crm.csv", "Deal Name,Amount,Close Date,Loss Reason,Notes\n" + rows)
    failed = failure(database, path)
    assert [str(g) for g in failed.groups] == [
        "'Competitor': 40 rows (3, 4, 6, …) is not a cause;"
        " it looks like Buyer circumstances › Bought elsewhere / changed mind",
        'Fell through on ("Close Date") is empty in 2 rows (62, 63)',
    ]
    competitor = failed.groups[0]
    assert (competitor.kind, competitor.value, competitor.rows) == (
        ProblemKind.CAUSE_NOT_MAPPED,
        "Competitor",
        40,
    )
    assert str(failed).endswith("2 problems; nothing was imported")
    assert "--" not in " ".join(str(g) for g in failed.groups)  # no command-line flags
    assert [v.label for v in failed.values] == ["Competitor", "Loan denied"]


def test_a_blank_reason_must_be_mapped_while_a_cause_is_required(
    database: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "blank.csv",
        "client,contract_value,fell_through_on,Loss Reason\n"
        "A,1,2026-10-01,\nB,1,2026-10-02,Other\n",
    )
    failed = failure(database, path)
    assert [str(g) for g in failed.groups] == [
        'Cause ("Loss Reason") is blank in 1 row (2); '
        "the suggestion is Not yet known › Unknown — pending call"
    ]
    with database.sessions.begin() as session:
        plan = plan_import(session, path)
        assert [(v.label, v.sure) for v in plan.values] == [("(blank)", False), ("Other", True)]
        choices = plan.suggested_choices()
    result = run(database, path, causes=choices)
    assert result.added == 2
    with database.sessions.begin() as session:
        pending = session.scalar(
            select(Cause.key).join(Deal, Deal.cause_id == Cause.id).where(Deal.client_name == "A")
        )
        assert pending == "pending_call"


def test_without_a_required_cause_a_blank_reason_leaves_the_deal_without_one(
    database: Database, tmp_path: Path
) -> None:
    with database.sessions.begin() as session:
        settings.set_bool(session, settings.CAUSE_REQUIRED, False)
    path = write(
        tmp_path / "blank.csv", "client,contract_value,fell_through_on,cause\nA,1,2026-10-01,\n"
    )
    assert run(database, path).added == 1
    with database.sessions.begin() as session:
        assert session.scalar(select(Deal.cause_id)) is None


CATEGORIZED = (
    "client,contract_value,fell_through_on,Loss Category,Loss Reason\n"
    "A,1,2026-10-01,Lots,Perc test\n"
    "B,1,2026-10-02,Lots,Perc test\n"
    "C,1,2026-10-03,Land,Wetlands\n"
    "D,1,2026-10-04,Land,\n"
)


def test_an_unknown_category_is_reported_against_the_category_column(
    database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "categories.csv", CATEGORIZED)
    failed = failure(database, path)
    by_kind = {g.kind: str(g) for g in failed.groups}
    assert by_kind[ProblemKind.CATEGORY_UNKNOWN] == (
        "Category (\"Loss Category\"): 'Lots' in 2 rows (2, 3) is not a category;"
        " it looks like Land › Lot not buildable"
    )
    assert by_kind[ProblemKind.CAUSE_NOT_MAPPED].startswith("'Land/Wetlands': 1 row (4)")
    assert [p.column for p in failed.problems if p.row == 2] == ["Loss Category"]


def test_create_causes_creates_missing_categories_not_classified_and_their_causes(
    database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "categories.csv", CATEGORIZED)
    result = run(database, path, create_causes=True)
    assert result.categories_created == ["Lots"]
    assert result.causes_created == ["Lots/Perc test", "Land/Wetlands"]
    assert [(v.label, v.target.label if v.target else None, v.reason) for v in result.values] == [
        ("Lots › Perc test", "Lots › Perc test", "new"),
        ("Land › (blank)", "Land › Unspecified", "category"),
        ("Land › Wetlands", "Land › Wetlands", "new"),
    ]
    with database.sessions.begin() as session:
        lots = session.scalar(select(Category).where(Category.name == "Lots"))
        assert lots is not None
        assert lots.controllable is None


def test_a_chosen_cause_not_in_the_list_needs_permission_to_be_created(
    database: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "new.csv",
        "client,contract_value,fell_through_on,cause\nA,1,2026-10-01,Bad soil\n",
    )
    choices = CauseMap()
    choices.choose(value_key("", "Bad soil"), CauseTarget("Land", "Soil report"))
    failed = failure(database, path, causes=choices)
    assert failed.groups[0].kind == ProblemKind.NEW_CAUSE_NOT_ALLOWED
    assert str(failed.groups[0]) == (
        "'Bad soil': 1 row (2) goes to Land › Soil report, which is not in the list of causes yet"
    )
    assert run(database, path, causes=choices, create_causes=True).causes_created == [
        "Land/Soil report"
    ]


def test_the_plan_separates_sure_matches_from_suggestions(
    database: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "plan.csv",
        "client,contract_value,fell_through_on,cause\n"
        "A,1,2026-10-01,Loan denied\nB,1,2026-10-02,Land\nC,1,2026-10-03,Loan denyed\n"
        "D,1,2026-10-04,Martians\n",
    )
    with database.sessions.begin() as session:
        plan = plan_import(session, path)
    assert [(v.label, v.reason, v.sure) for v in plan.values] == [
        ("Land", "category", True),
        ("Loan denied", "exact", True),
        ("Loan denyed", "near_miss", False),
        ("Martians", None, False),
    ]
    assert len(plan.sure_choices()) == 2
    assert len(plan.suggested_choices()) == 3
    assert [v.label for v in plan.unsure] == ["Loan denyed", "Martians"]
    with pytest.raises(ImportFailed) as caught:
        run(database, path, causes=plan.sure_choices())
    assert [g.value for g in caught.value.groups] == ["Loan denyed", "Martians"]
    assert "it looks like Financing › Loan denied" in str(caught.value.groups[0])


def test_text_rules_name_the_row_and_the_column(database: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "rules.csv",
        "client,contract_value,fell_through_on,cause,Stage,Phone,Notes\n"
        'Pat\x00Doe,1,2026-10-01,Other,,,"two\nlines are fine in notes"\n'
        f"Sam,1,2026-10-02,Other,{'x' * 81},,\n"
        "Kim,1,2026-10-03,Other,,call me,\n",
    )
    failed = failure(database, path)
    assert [(p.row, p.column) for p in failed.problems] == [
        (2, "client"),
        (3, "Stage"),  # the line break inside row 2's notes stays in row 2
        (4, "Phone"),
    ]
    assert [str(g) for g in failed.groups] == [
        "Client: contains a control character, NUL (U+0000), in 1 row (2)",
        "Stage when lost: is 81 characters long; at most 80 fit, in 1 row (3)",
        "Client phone (\"Phone\"): not a phone number: 'call me', in 1 row (4)",
    ]


def test_history_gets_no_calls_and_the_summary_says_how_many(
    database: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "history.csv",
        "client,contract_value,fell_through_on,cause\n"
        "Recent,1,2026-11-10,Other\nOld,1,2026-09-01,Other\nOlder,1,2025-01-01,Other\n",
    )
    with database.sessions.begin() as session:
        settings.set_int(session, settings.HISTORY_WITHOUT_CALLS_AFTER_DAYS, 90)
    result = run(database, path)
    assert (result.calls_scheduled, result.without_calls, result.history_days) == (2, 1, 90)
    with database.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(FollowUp)) == 2


def test_a_map_file_round_trips(session: Session, tmp_path: Path, database: Database) -> None:
    path = write(
        tmp_path / "reasons.csv",
        "client,contract_value,fell_through_on,Category,Reason\n"
        "A,1,2026-10-01,Land,Lot issue\nB,1,2026-10-02,,=Lot issue\nC,1,2026-10-03,,\n",
    )
    with database.sessions.begin() as planning:
        plan = plan_import(planning, path)
    land = CauseTarget("Land", "Unspecified")
    pending = CauseTarget("Not yet known", "Unknown — pending call")
    choices = CauseMap()
    for value, target in zip(plan.values, (land, land, pending), strict=True):
        choices.choose(value.key, target)
    first = run(database, path, causes=choices)
    saved = tmp_path / "map.csv"
    write_map_file(saved, first.values)
    written = saved.read_text(encoding="utf-8-sig").splitlines()
    assert written[0] == "value,category,cause"
    assert "'=Lot issue,Land,Unspecified" in written  # never a formula in Excel
    reread = read_map_file(saved)
    for value in first.values:
        assert reread.target_for(value.key) is not None
        assert reread.target_for(value.key).label == value.target.label  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("reason,target\nx,y\n", "starts with the line value,category,cause"),
        ("value,category,cause\nLot issue,Land,\n", "line 2: name both the category and the cause"),
        (
            "value,category,cause\nLot issue,Land,Unspecified\nlot ISSUE,Other,Other\n",
            "line 3: 'lot ISSUE' is mapped on line 2 already",
        ),
        (
            "value,category,cause\nLot\x07,Land,Unspecified\n",
            "line 2: contains a control character",
        ),
    ],
)
def test_a_malformed_map_file_is_refused_naming_the_line(
    tmp_path: Path, content: str, why: str
) -> None:
    path = write(tmp_path / "map.csv", content)
    with pytest.raises(ValidationError) as caught:
        read_map_file(path)
    assert caught.value.field == "map.csv"
    assert why in caught.value.message


def test_a_reason_too_long_for_a_cause_name_is_not_created(
    database: Database, tmp_path: Path
) -> None:
    reason = "The buyer wrote a long story " * 6
    path = write(
        tmp_path / "long.csv",
        f"client,contract_value,fell_through_on,Reason\nA,1,2026-10-01,{reason}\n",
    )
    failed = failure(database, path, create_causes=True)
    assert [str(g) for g in failed.groups] == [
        'Cause ("Reason"): the value in 1 row (2) is 173 characters long; '
        "a cause name is at most 120"
    ]
    with database.sessions.begin() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Cause).where(Cause.name.like("The buyer%"))
            )
            == 0
        )
