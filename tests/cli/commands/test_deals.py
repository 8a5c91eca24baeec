"""dft add and dft list."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from dft.cli import main
from dft.core import settings
from dft.core.follow_ups import record_follow_up
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.cli.running import assert_one_line_error, run_dft, run_main
from tests.factories import add_deal


def test_add_then_list(db: str) -> None:
    result = run_dft(
        "--db",
        db,
        "add",
        "--client",
        "Maria Lopez",
        "--value",
        "$412,500.00",
        "--fell-through",
        "2026-10-03",
        "--signed",
        "2026-05-14",
        "--cause",
        "Customer service/Phone tag / voicemail runaround",
        "--contract",
        "C-2041",
        "--salesperson",
        "Dana Whitfield",
        "--lead-source",
        "Referral",
        "--community",
        "Cedar Ridge",
        "--lot",
        "Lot 12",
        "--role",
        "Project manager",
        "--notes",
        "Eight hours of phone tag for one appointment.",
        "--phone",
        "+1 (919) 555-0142",
        "--email",
        "maria.lopez@example.com",
        "--crm-link",
        "https://crm.example.com/deals/2041",
    )
    assert result.returncode == 0, result.stderr
    deal_id = int(result.stdout.strip())
    assert "created new salesperson 'Dana Whitfield'" in result.stderr

    listed = json.loads(run_dft("list", "--json", "--month", "2026-10", "--db", db).stdout)
    assert listed == [
        {
            "id": deal_id,
            "client": "Maria Lopez",
            "contract_number": "C-2041",
            "contract_value_cents": 41_250_000,
            "signed_on": "2026-05-14",
            "fell_through_on": "2026-10-03",
            "category": "Customer service",
            "cause": "Phone tag / voicemail runaround",
            "cause_status": "suspected",
            "salesperson": "Dana Whitfield",
            "lead_source": "Referral",
            "community": "Cedar Ridge",
            # Due 3 days after it fell through, but never before the day it was logged.
            "next_follow_up_on": max(date(2026, 10, 6), date.today()).isoformat(),
            "client_phone": "+1 (919) 555-0142",
            "client_email": "maria.lopez@example.com",
            "crm_link": "https://crm.example.com/deals/2041",
        }
    ]
    assert json.loads(run_dft("list", "--json", "--month", "2026-09", "--db", db).stdout) == []
    assert json.loads(run_dft("list", "--json", "--category", "land", "--db", db).stdout) == []
    table = run_dft("list", "--db", db).stdout
    assert "Maria Lopez" in table
    assert "$412,500.00" in table


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--value", "-100"], ["--value", "negative"]),
        (["--value", "lots"], ["--value", "not an amount"]),
        (["--fell-through", "2026-13-01"], ["--fell-through", "YYYY-MM-DD"]),
        (["--signed", "2026-10-20"], ["--fell-through", "before it was signed"]),
        (["--phone", "call me"], ["dft add: error: --phone: Not a phone number: 'call me'"]),
        (["--email", "pat at home"], ["--email", "Not an e-mail address"]),
        (["--crm-link", "crm/deal/4"], ["--crm-link", "Not a web address"]),
        (["--cause", "Land/Martians"], ["--cause", "unknown cause"]),
        (["--status", "maybe"], ["--status", "invalid choice"]),
        (["--salesperson", "Dana Whitfeld"], ["did you mean 'Dana Whitfield'", "--create-names"]),
    ],
)
def test_add_refuses_bad_input_with_one_line_and_exit_2(
    db: str, args: list[str], needles: list[str]
) -> None:
    seed = run_dft(
        "add",
        "--db",
        db,
        "--client",
        "Seed",
        "--value",
        "1",
        "--fell-through",
        "2026-10-01",
        "--cause",
        "Other",
        "--salesperson",
        "Dana Whitfield",
    )
    assert seed.returncode == 0, seed.stderr
    base = {
        "--client": "Pat",
        "--value": "100",
        "--fell-through": "2026-10-15",
        "--cause": "Other/Other",
    }
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [part for pair in base.items() for part in pair]
    result = run_dft("add", "--db", db, *flat)
    assert_one_line_error(result, 2, *needles)
    assert len(json.loads(run_dft("list", "--json", "--db", db).stdout)) == 1


def test_add_without_a_cause_is_refused_while_the_team_requires_one(db: str) -> None:
    deal = ["add", "--db", db, "--client", "Pat", "--value", "100", "--fell-through", "2026-10-15"]
    assert_one_line_error(
        run_dft(*deal), 2, "dft add: error: --cause: Pick the cause", "Unknown — pending call"
    )
    assert json.loads(run_dft("list", "--json", "--db", db).stdout) == []
    pending = run_dft(*deal, "--cause", "Not yet known/Unknown — pending call")
    assert pending.returncode == 0, pending.stderr

    database = open_database(sqlite_url(Path(db)))
    with database.sessions.begin() as session:
        settings.set_bool(session, settings.CAUSE_REQUIRED, False)
    database.close()
    assert run_dft(*deal).returncode == 0
    causes = [d["cause"] for d in json.loads(run_dft("list", "--json", "--db", db).stdout)]
    assert causes == ["Unknown — pending call", None]


@pytest.fixture
def two_salespeoples_deals(tmp_path: Path) -> tuple[str, dict[str, int]]:
    """Deals of two salespeople in March and April 2025, their calls due (long) past.

    An open call is overdue; a logged call leaves nothing open. Checked by hand:

    =====  ==============  =========  ==========  ================  ==========
    name   salesperson     status     fell        cause             open call
    =====  ==============  =========  ==========  ================  ==========
    open   Dana Whitfield  suspected  2025-03-03  Land              overdue
    kept   Dana Whitfield  confirmed  2025-03-10  Land              logged
    other  Sam Ortiz       suspected  2025-03-12  Land              overdue
    rang   Dana Whitfield  suspected  2025-03-20  Customer service  logged
    april  Dana Whitfield  suspected  2025-04-02  Land              overdue
    =====  ==============  =========  ==========  ================  ==========
    """
    path = tmp_path / "deals.sqlite3"
    database = open_database(sqlite_url(path))
    land, service = "Land/Lot not buildable", "Customer service/Slow response / long waits"
    rows = {
        "open": ("Dana Whitfield", "suspected", date(2025, 3, 3), land),
        "kept": ("Dana Whitfield", "confirmed", date(2025, 3, 10), land),
        "other": ("Sam Ortiz", "suspected", date(2025, 3, 12), land),
        "rang": ("Dana Whitfield", "suspected", date(2025, 3, 20), service),
        "april": ("Dana Whitfield", "suspected", date(2025, 4, 2), land),
    }
    ids = {}
    with database.sessions.begin() as session:
        for name, (salesperson, status, fell, cause) in rows.items():
            ids[name] = add_deal(
                session,
                cause=cause,
                client_name=name,
                salesperson=salesperson,
                cause_status=status,
                fell_through_on=fell,
                signed_on=None,
            )
        for name in ("kept", "rang"):
            record_follow_up(
                session, ids[name], outcome="reached", done_at=datetime(2025, 4, 20, 10, 0)
            )
    database.close()
    return str(path), ids


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--salesperson", "Dana Whitfield"], ["open", "kept", "rang", "april"]),
        (["--salesperson", "  dana   WHITFIELD "], ["open", "kept", "rang", "april"]),
        (["--salesperson", "Sam Ortiz"], ["other"]),
        (["--status", "confirmed"], ["kept"]),
        (["--status", "suspected"], ["open", "other", "rang", "april"]),
        (["--overdue"], ["open", "other", "april"]),
        (["--salesperson", "Dana Whitfield", "--overdue"], ["open", "april"]),
        (["--salesperson", "Dana Whitfield", "--status", "suspected"], ["open", "rang", "april"]),
        (["--overdue", "--month", "2025-03"], ["open", "other"]),
        (["--salesperson", "Dana Whitfield", "--category", "Customer service"], ["rang"]),
        (
            ["--salesperson", "Dana Whitfield", "--status", "suspected", "--overdue",
             "--month", "2025-03", "--category", "Land"],
            ["open"],
        ),
        (["--salesperson", "Sam Ortiz", "--status", "confirmed"], []),
    ],
)  # fmt: skip
def test_list_filters_combine(
    capsys: pytest.CaptureFixture[str],
    two_salespeoples_deals: tuple[str, dict[str, int]],
    flags: list[str],
    expected: list[str],
) -> None:
    db, ids = two_salespeoples_deals
    result = run_main(capsys, "list", "--json", *flags, "--db", db)
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [deal["client"] for deal in listed] == expected  # oldest first
    assert [deal["id"] for deal in listed] == [ids[name] for name in expected]


def test_list_overdue_as_a_table(
    capsys: pytest.CaptureFixture[str], two_salespeoples_deals: tuple[str, dict[str, int]]
) -> None:
    db, _ = two_salespeoples_deals
    result = run_main(capsys, "list", "--overdue", "--salesperson", "Sam Ortiz", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "other" in result.stdout
    assert "open" not in result.stdout
    assert result.stdout.endswith("\n1 deal\n")


def test_list_refuses_an_unknown_salesperson_and_status(
    capsys: pytest.CaptureFixture[str], two_salespeoples_deals: tuple[str, dict[str, int]]
) -> None:
    db, _ = two_salespeoples_deals
    assert_one_line_error(
        run_main(capsys, "list", "--salesperson", "Dana Whitfeld", "--db", db),
        2,
        "dft list: error: --salesperson: unknown salesperson 'Dana Whitfeld'",
    )
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--status", "maybe", "--db", db])
    assert exit_.value.code == 2
    assert "argument --status: invalid choice: 'maybe'" in capsys.readouterr().err


def test_add_records_the_re_sale(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from dft.core.deals import get_deal

    base = ["add", "--db", db, "--client", "Re-sold", "--value", "300000",
            "--fell-through", "2026-10-03", "--cause", "Land/Lot not buildable"]  # fmt: skip
    result = run_main(capsys, *base, "--resold-on", "2026-11-02", "--resale-price", "$290,000")
    assert result.returncode == 0, result.stderr
    database = open_database(sqlite_url(Path(db)))
    with database.read_sessions.begin() as session:
        data = get_deal(session, int(result.stdout)).input
    database.close()
    assert (data.resold_on, data.resale_price_cents) == (date(2026, 11, 2), 29_000_000)

    without_date = run_main(capsys, *base, "--resale-price", "290000")
    assert_one_line_error(without_date, 2, "resold_on", "re-sold with its re-sale price")
    too_early = run_main(capsys, *base, "--resold-on", "2026-10-01")
    assert_one_line_error(too_early, 2, "resold_on", "before the deal fell through")
    bad_price = run_main(capsys, *base, "--resold-on", "2026-11-02", "--resale-price", "lots")
    assert_one_line_error(bad_price, 2, "--resale-price", "not an amount")


def test_list_search_ignores_case_and_accents_as_the_window_does(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    database = open_database(sqlite_url(Path(db)))
    with database.sessions.begin() as session:
        hans = add_deal(session, client_name="Hans Müller", fell_through_on=date(2026, 10, 1))
        elodie = add_deal(
            session, client_name="Élodie Roy", notes="Москва", fell_through_on=date(2026, 10, 2)
        )
        add_deal(session, client_name="Ann Smith", fell_through_on=date(2026, 10, 3))
    database.close()
    for term, expected in (("müller", [hans]), ("ÉLODIE", [elodie]), ("МОСКВА", [elodie])):
        result = run_main(capsys, "list", "--json", "--search", term, "--db", db)
        assert result.returncode == 0, result.stderr
        assert [deal["id"] for deal in json.loads(result.stdout)] == expected
