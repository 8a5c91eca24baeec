"""dft call: a follow-up call logged from the command line, as the window's dialog logs it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dft.core.deals import DealDetail, get_deal, trash_deal
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.cli.running import assert_one_line_error, run_dft, run_main
from tests.factories import add_deal

MARIA = 1  # contract C-2041, fell through 2026-10-03: its first call is due 2026-10-06
SAM = 2  # contract "1", the same digits as Maria's id
TRASHED = 3
PHONE_TAG = "Customer service/Phone tag / voicemail runaround"


@pytest.fixture
def db(tmp_path: Path) -> str:
    """Three deals, each with the call logging a deal schedules 3 days after it fell through."""
    path = tmp_path / "calls.sqlite3"
    database = open_database(sqlite_url(path))
    with database.sessions.begin() as session:
        ids = [
            add_deal(session, cause=PHONE_TAG, client_name="Maria Lopez", contract_number="C-2041",
                     fell_through_on=date(2026, 10, 3), signed_on=None),
            add_deal(session, client_name="Sam Ortiz", contract_number="1",
                     fell_through_on=date(2026, 10, 5), signed_on=None),
            add_deal(session, client_name="Gone Client", contract_number="C-3",
                     fell_through_on=date(2026, 10, 5), signed_on=None),
        ]  # fmt: skip
        assert ids == [MARIA, SAM, TRASHED]
        trash_deal(session, TRASHED)
    database.close()
    return str(path)


def deal(db: str, deal_id: int) -> DealDetail:
    database = open_database(sqlite_url(Path(db)))
    try:
        with database.read_sessions.begin() as session:
            return get_deal(session, deal_id)
    finally:
        database.close()


def calls(db: str, deal_id: int) -> list[tuple[object, ...]]:
    """(due, day done, outcome, caller, cause result) of each call, in the order made."""
    return [
        (c.due_on, c.done_at.date() if c.done_at else None, c.outcome, c.caller, c.cause_result)
        for c in sorted(deal(db, deal_id).follow_ups, key=lambda c: (c.due_on, c.id))
    ]


def call(db: str, *args: str) -> list[str]:
    return ["call", *args, "--db", db]


def test_a_voicemail_completes_the_scheduled_call_and_schedules_the_next_try(db: str) -> None:
    result = run_dft(*call(db, "C-2041", "--on", "2026-10-07", "--caller", "Ann Lee",
                           "--outcome", "voicemail", "--notes", "Left my number"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Call logged on deal #1 (Maria Lopez, contract C-2041): left a voicemail; "
        "completed the call due 2026-10-06; next try due 2026-10-08.\n"
    )
    assert result.stderr == ""
    assert calls(db, MARIA) == [
        (date(2026, 10, 6), date(2026, 10, 7), "voicemail", "Ann Lee", None),
        (date(2026, 10, 8), None, None, "Ann Lee", None),
    ]
    assert deal(db, MARIA).input.cause_status == "suspected"


def test_a_reached_call_that_changes_the_cause_keeps_the_first_guess(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DFT_USER", "Ann Lee")
    result = run_main(capsys, *call(db, "C-2041", "--on", "2026-10-09", "--caller", "Ann Lee",
                                    "--outcome", "reached", "--change-to",
                                    "Land/Utilities or access", "--client-words",
                                    "The sewer was never coming."))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Call logged on deal #1 (Maria Lopez, contract C-2041): reached the client, cause "
        f"changed from {PHONE_TAG} to Land/Utilities or access; completed the call due "
        "2026-10-06.\n"
    )
    after = deal(db, MARIA)
    assert (after.category, after.cause) == ("Land", "Utilities or access")
    assert (after.first_category, after.first_cause) == (
        "Customer service",
        "Phone tag / voicemail runaround",
    )
    assert after.input.cause_status == "confirmed"
    [made] = after.follow_ups
    assert made.client_words == "The sewer was never coming."
    assert made.cause_result == "changed"
    assert made.changed_to_cause == "Utilities or access"
    assert {(h.field, h.changed_by) for h in after.history} >= {("Cause", "Ann Lee")}


def test_a_number_is_a_contract_number_first_and_id_forces_the_id(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    by_contract = run_main(capsys, *call(db, "1", "--on", "2026-10-08", "--caller", "Ann Lee",
                                         "--outcome", "reached", "--confirm"))  # fmt: skip
    assert by_contract.stdout == (
        "Call logged on deal #2 (Sam Ortiz, contract 1): reached the client, cause confirmed: "
        "Land/Lot not buildable; completed the call due 2026-10-08.\n"
    )
    by_id = run_main(capsys, *call(db, "--id", "1", "--on", "2026-10-08", "--caller", "Ann Lee",
                                   "--outcome", "declined"))  # fmt: skip
    assert by_id.stdout.startswith("Call logged on deal #1 (Maria Lopez, contract C-2041): ")
    assert deal(db, SAM).input.cause_status == "confirmed"
    assert calls(db, MARIA) == [(date(2026, 10, 6), date(2026, 10, 8), "declined", "Ann Lee", None)]


def test_an_id_no_contract_number_matches_names_the_deal(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, *call(db, "2", "--on", "2026-10-08", "--caller", "Ann Lee",
                                    "--outcome", "no-answer"))  # fmt: skip
    assert result.stdout == (
        "Call logged on deal #2 (Sam Ortiz, contract 1): no answer; completed the call due "
        "2026-10-08; next try due 2026-10-09.\n"
    )


def test_with_no_call_scheduled_the_call_is_a_new_one(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = call(db, "C-2041", "--on", "2026-10-04", "--caller", "Ann Lee", "--outcome", "reached")
    assert run_main(capsys, *first).returncode == 0
    result = run_main(capsys, *call(db, "C-2041", "--on", "2026-10-12", "--caller", "Bo",
                                    "--outcome", "declined"))  # fmt: skip
    assert result.stdout == (
        "Call logged on deal #1 (Maria Lopez, contract C-2041): the client declined to talk.\n"
    )
    assert calls(db, MARIA) == [
        (date(2026, 10, 6), date(2026, 10, 4), "reached", "Ann Lee", None),
        (date(2026, 10, 12), date(2026, 10, 12), "declined", "Bo", None),
    ]


GOOD = ["--on", "2026-10-07", "--caller", "Ann Lee", "--outcome", "reached"]


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["C-9", *GOOD], ["DEAL: no deal has contract number 'C-9'"]),
        (["99", *GOOD], ["DEAL: no deal has contract number or id '99'"]),
        (["²", *GOOD], ["DEAL: no deal has contract number '²'"]),
        (["--id", "99", *GOOD], ["--id: no deal has id 99"]),
        (["--id", str(10**30), *GOOD], ["--id: no deal has id"]),
        (["3", *GOOD], ["DEAL: deal #3 is in the trash; restore it first"]),
        (["C-3", *GOOD], ["DEAL: no deal has contract number 'C-3'"]),
        (
            ["C-2041", "--on", "2026-10-07", "--caller", "Ann", "--outcome", "voicemail",
             "--confirm"],
            ["--confirm: Only a call that reached the client can confirm or change the cause."],
        ),
        (
            ["C-2041", "--on", "2026-10-07", "--caller", "Ann", "--outcome", "no-answer",
             "--change-to", "Land/Utilities or access"],
            ["--change-to: Only a call that reached the client can confirm or change the cause."],
        ),
        (["C-2041", *GOOD, "--change-to", "Land/Martians"], ["--change-to", "unknown cause"]),
        (
            ["C-2041", "--on", "2026-10-02", "--caller", "Ann", "--outcome", "reached"],
            ["--on: A follow-up call cannot come before the deal fell through."],
        ),
        (
            ["C-2041", "--on", "2099-10-02", "--caller", "Ann", "--outcome", "reached"],
            ["--on: A call cannot be recorded before it is made; schedule it instead."],
        ),
        (["C-2041", "--on", "7/10/2026", "--caller", "Ann", "--outcome", "reached"],
         ["--on: not a date (use YYYY-MM-DD)"]),
        (["C-2041", "--on", "2026-10-07", "--caller", "A" * 121, "--outcome", "reached"],
         ["--caller: Caller name is longer than 120 characters."]),
    ],
)  # fmt: skip
def test_a_call_that_cannot_be_logged_is_one_line_exit_2_and_nothing_is_written(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str], needles: list[str]
) -> None:
    before = [calls(db, deal_id) for deal_id in (MARIA, SAM, TRASHED)]
    assert_one_line_error(run_main(capsys, *call(db, *args)), 2, "dft call: error: ", *needles)
    assert [calls(db, deal_id) for deal_id in (MARIA, SAM, TRASHED)] == before
    assert deal(db, MARIA).input.cause_status == "suspected"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["C-2041", *GOOD, "--confirm", "--change-to", "Other"],
         "argument --change-to: not allowed with argument --confirm"),
        (["C-2041", "--id", "1", *GOOD], "argument --id: not allowed with argument DEAL"),
        (GOOD, "one of the arguments DEAL --id is required"),
        (["C-2041", "--on", "2026-10-07", "--caller", "Ann", "--outcome", "busy"],
         "argument --outcome: invalid choice: 'busy'"),
        (["C-2041", "--on", "2026-10-07", "--outcome", "reached"],
         "the following arguments are required: --caller"),
    ],
)  # fmt: skip
def test_flags_that_do_not_go_together_are_refused_before_the_database_is_opened(
    tmp_path: Path, args: list[str], needle: str
) -> None:
    never_made = tmp_path / "never.sqlite3"
    result = run_dft("call", *args, "--db", str(never_made))
    assert_one_line_error(result, 2, needle, "(see 'dft call --help')")
    assert not never_made.exists()


def test_a_call_by_the_deals_own_salesperson_under_the_rule_is_logged_with_a_notice(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:

    database = open_database(sqlite_url(Path(db)))
    with database.sessions.begin() as session:
        dana = add_deal(session, client_name="Dana's client", contract_number="C-77",
                        salesperson="Dana Whitfield", fell_through_on=date(2026, 10, 5),
                        signed_on=None)  # fmt: skip
        add_deal(session, client_name="Lena's client", salesperson="Lena Ortiz",
                 fell_through_on=date(2026, 10, 5), signed_on=None)  # fmt: skip
    database.close()
    own_call = call(db, "C-77", "--on", "2026-10-08", "--caller", "dana  whitfield",
                    "--outcome", "voicemail")  # fmt: skip

    rule_off = run_main(capsys, *own_call)
    assert (rule_off.returncode, rule_off.stderr) == (0, "")

    assert run_main(capsys, "settings", "calls-by-someone-else", "on", "--db", db).returncode == 0
    rule_on = run_main(capsys, *own_call)
    assert rule_on.returncode == 0, rule_on.stderr
    assert rule_on.stdout.startswith(f"Call logged on deal #{dana} (Dana's client, contract C-77")
    assert rule_on.stdout.count("\n") == 1
    assert rule_on.stderr == (
        "dft call: note: dana whitfield is this deal's salesperson. The team's rule: calls are "
        "made by someone other than the deal's salesperson. Suggested caller: Lena Ortiz.\n"
    )
    assert [c[3] for c in calls(db, dana)][:2] == ["dana  whitfield", "dana  whitfield"]

    someone_else = run_main(capsys, *call(db, "C-77", "--on", "2026-10-09", "--caller",
                                          "Lena Ortiz", "--outcome", "reached"))  # fmt: skip
    assert (someone_else.returncode, someone_else.stderr) == (0, "")
