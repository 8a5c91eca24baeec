"""dft add and dft list."""

from __future__ import annotations

import json

import pytest

from tests.cli.running import assert_one_line_error, run_dft


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
            "next_follow_up_on": "2026-10-06",
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
        (["--signed", "2026-10-20"], ["fell_through_on", "before it was signed"]),
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
