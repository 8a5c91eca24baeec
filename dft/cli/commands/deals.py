"""``dft add`` and ``dft list``: log one lost deal, list deals."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from dft.cli.common import EXIT_OK, in_transaction, print_json, reading, table

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from dft.core.deal_input import DealInput
    from dft.core.queries import DealFilter, DealRow


# The flags of `dft add`, by the DealInput field a refusal names.
_FLAGS = {
    "cause_id": "--cause",
    "client_phone": "--phone",
    "client_email": "--email",
    "crm_link": "--crm-link",
    "client_name": "--client",
    "contract_number": "--contract",
    "fell_through_on": "--fell-through",
    "signed_on": "--signed",
}


def cmd_add(args: argparse.Namespace) -> int:
    """Log one deal and print its id; names new to a list are announced on stderr."""
    from dft.core.deal_input import with_changes
    from dft.core.deals import log_deal
    from dft.core.errors import ValidationError
    from dft.core.taxonomy import find_cause

    deal = _deal_input(args)

    def work(session: Session) -> int:
        cause = find_cause(session, args.cause, field="--cause") if args.cause else None
        new_names = _names_not_in_lists(session, args)
        try:
            deal_id = log_deal(
                session,
                with_changes(deal, cause_id=cause.id if cause else None),
                create_names=args.create_names,
            )
        except ValidationError as exc:
            raise ValidationError(_FLAGS.get(exc.field, exc.field), exc.message) from exc
        for created in new_names:
            print(f"dft add: created new {created}", file=sys.stderr)
        print(deal_id)
        return EXIT_OK

    return in_transaction(args, work)


def _deal_input(args: argparse.Namespace) -> DealInput:
    """The deal as typed, its cause still to be looked up (flags are checked before the
    database is opened)."""
    from dft.core.dates import parse_iso_date
    from dft.core.deal_input import DealInput
    from dft.core.money import parse_money

    return DealInput(
        client_name=args.client,
        contract_value_cents=parse_money(args.value, field="--value"),
        fell_through_on=parse_iso_date(args.fell_through, "--fell-through"),
        signed_on=parse_iso_date(args.signed, "--signed") if args.signed else None,
        contract_number=args.contract,
        salesperson=args.salesperson,
        lead_source=args.lead_source,
        community=args.community,
        lot=args.lot,
        responsible_role=args.role,
        cause_status=args.status,
        notes=args.notes,
        client_phone=args.phone,
        client_email=args.email,
        crm_link=args.crm_link,
        resold_on=parse_iso_date(args.resold_on, "--resold-on") if args.resold_on else None,
        resale_price_cents=(
            parse_money(args.resale_price, field="--resale-price") if args.resale_price else None
        ),
    )


def _names_not_in_lists(session: Session, args: argparse.Namespace) -> list[str]:
    """``salesperson 'Dana'`` for each name that saving the deal will add to its list."""
    from dft.core.lists import find_entry
    from dft.core.models import Community, LeadSource, Salesperson

    given = (
        ("salesperson", args.salesperson, lambda name: find_entry(session, Salesperson, name)),
        ("lead source", args.lead_source, lambda name: find_entry(session, LeadSource, name)),
        ("community", args.community, lambda name: find_entry(session, Community, name)),
    )
    return [
        f"{label} {name!r}"
        for label, name, find in given
        if name and name.strip() and find(name) is None
    ]


def cmd_list(args: argparse.Namespace) -> int:
    """List the matching deals, oldest first, as a table or JSON."""
    from dft.core.dates import parse_month
    from dft.core.queries import fetch_deal_rows

    month = parse_month(args.month, "--month") if args.month else None

    def work(session: Session) -> int:
        deal_filter = _deal_filter(session, args, month)
        rows = fetch_deal_rows(session, deal_filter, sort_key="fell_through_on", descending=False)
        if args.json:
            print_json([_deal_json(row) for row in rows])
        else:
            _print_deals(rows)
        return EXIT_OK

    return reading(args, work)


def _deal_filter(session: Session, args: argparse.Namespace, month: date | None) -> DealFilter:
    """The window's filter, built from the flags (each one narrows)."""
    from datetime import timedelta

    from dft.core.clock import today
    from dft.core.dates import next_month
    from dft.core.queries import DealFilter
    from dft.core.taxonomy import find_category

    category_ids: tuple[int, ...] = ()
    if args.category:
        category_ids = (find_category(session, args.category, "--category").id,)
    salesperson_ids: tuple[int, ...] = ()
    if args.salesperson:
        salesperson_ids = (_salesperson_id(session, args.salesperson),)
    return DealFilter(
        text=args.search,
        fell_from=month,
        fell_to=next_month(month) - timedelta(days=1) if month else None,
        category_ids=category_ids,
        salesperson_ids=salesperson_ids,
        cause_status=args.status,
        follow_up_overdue=args.overdue,
        today=today(),
    )


def _salesperson_id(session: Session, name: str) -> int:
    from dft.core.errors import ValidationError
    from dft.core.lists import find_entry
    from dft.core.models import Salesperson

    salesperson = find_entry(session, Salesperson, name)
    if salesperson is None:
        raise ValidationError("--salesperson", f"unknown salesperson {name!r}")
    return salesperson.id


def _deal_json(row: DealRow) -> dict[str, object]:
    return {
        "id": row.id,
        "client": row.client_name,
        "contract_number": row.contract_number,
        "contract_value_cents": row.contract_value_cents,
        "signed_on": row.signed_on,
        "fell_through_on": row.fell_through_on,
        "category": row.category,
        "cause": row.cause,
        "cause_status": row.cause_status,
        "salesperson": row.salesperson,
        "lead_source": row.lead_source,
        "community": row.community,
        "next_follow_up_on": row.next_follow_up_on,
        "client_phone": row.client_phone,
        "client_email": row.client_email,
        "crm_link": row.crm_link,
    }


_DEAL_COLUMNS = ("ID", "Fell through", "Client", "Contract", "Value", "Category", "Cause", "Status")


def _print_deals(rows: list[DealRow]) -> None:
    from dft.core.money import format_cents
    from dft.core.words import count_of

    if not rows:
        print("No deals match.")
        return
    cells = [
        (
            str(r.id),
            r.fell_through_on.isoformat(),
            r.client_name,
            r.contract_number or "",
            format_cents(r.contract_value_cents),
            r.category or "",
            r.cause or "",
            r.cause_status,
        )
        for r in rows
    ]
    print(table(_DEAL_COLUMNS, cells, right={0, 4}))
    print(f"\n{count_of(len(rows), 'deal')}")
