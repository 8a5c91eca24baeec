"""Realistic sample data, so a new user sees charts at once and benchmarks have volume.

Sample data goes only into an empty database, which is then marked as holding
sample data: made-up deals never mix with a team's real ones.

Deals spread over the 24 months before ``today``. Among land and customer
service the split is about 30/70 (the field's own tally was 29/71), with
financing, buyer circumstances and other causes besides. Follow-up calls are
made on most older deals: some reach the client on the first try, some after
a voicemail; most confirm the first guess, some change it. Recent deals still
have calls due, a few of them overdue, and some of those are logged as
"Unknown — pending call" until the call tells. A category's catch-all cause
("Unspecified") is never a sample deal's cause. The same seed on the same day gives
the same data.

Rows go in with bulk INSERTs in batches: a million deals must stay workable.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.demo_words import (
    CLIENT_WORDS,
    CLOSERS,
    COMMUNITIES,
    FIRST_NAMES,
    LAST_NAMES,
    NOTES,
    OPENERS,
    SALESPEOPLE,
    STAGES,
)
from dft.core.dialects import reserve_ids
from dft.core.errors import ValidationError
from dft.core.lists import resolve_entry
from dft.core.models import (
    Category,
    Cause,
    Community,
    Deal,
    FollowUp,
    LeadSource,
    Salesperson,
    SignedContracts,
)
from dft.core.taxonomy import (
    CUSTOMER_SERVICE,
    CUSTOMER_SERVICE_KEY,
    LAND,
    LAND_KEY,
    PENDING_CALL_KEY,
)
from dft.core.words import count_of

# Deals younger than this may still have a call waiting; older ones are settled.
RECENT_DAYS = 45
# Of the recent deals still waiting for their call, this share is logged as
# "Unknown — pending call": the salesperson does not know yet.
PENDING_SHARE = 0.4

# First guesses: land 27 vs service 48. Calls then move some deals to service (the
# real cause behind a polite excuse), which ends near the field's 29/71.
CATEGORY_WEIGHTS = {
    LAND: 27,
    CUSTOMER_SERVICE: 48,
    "Financing": 12,
    "Buyer circumstances": 11,
    "Other": 3,
}
ROLES = {
    LAND: ("Land seller", "County / permitting", "Surveyor", "Land acquisition"),
    CUSTOMER_SERVICE: (
        "Project manager",
        "Customer service coordinator",
        "Superintendent",
        "Design coordinator",
        "Salesperson",
    ),
    "Financing": ("Lender",),
    "Buyer circumstances": ("Buyer",),
    "Other": ("Other",),
}


@dataclass(frozen=True)
class DemoResult:
    """How many sample deals and calls were added."""

    deals: int
    follow_ups: int


def _ensure_lists(session: Session) -> tuple[list[int], list[int], list[int]]:
    people = [resolve_entry(session, Salesperson, name, create=True) for name in SALESPEOPLE]
    places = [resolve_entry(session, Community, name, create=True) for name in COMMUNITIES]
    sources = list(session.scalars(select(LeadSource).where(LeadSource.retired.is_(False))))
    if not sources:
        sources = [resolve_entry(session, LeadSource, "Referral", create=True)]  # type: ignore[list-item]
    return (
        [p.id for p in people if p is not None],
        [c.id for c in places if c is not None],
        [s.id for s in sources],
    )


def refuse_unless_empty(session: Session) -> None:
    """Sample data goes only into an empty database (no deal, none in the trash either)."""
    deals = int(session.scalar(select(func.count()).select_from(Deal)) or 0)
    if deals:
        raise ValidationError(
            "database",
            f"This database already holds {count_of(deals, 'deal')}; sample data goes only "
            "into an empty database, so made-up deals never mix with real ones.",
        )


def generate_demo_data(
    session: Session,
    *,
    deals: int = 300,
    seed: int = 1,
    today: date | None = None,
    batch_size: int = 5000,
    progress: Callable[[int, int], bool | None] | None = None,
) -> DemoResult:
    """Add ``deals`` sample deals with their follow-ups to an empty database (else
    ValidationError) and mark it as sample data; returns what was written.

    ``progress(done, total)`` is called after each batch; returning ``False``
    stops early (the caller's transaction decides whether anything stays).
    """
    refuse_unless_empty(session)
    settings.set_bool(session, settings.SAMPLE_DATA, True)
    today = today or date.today()
    rng = random.Random(seed)
    # A second stream for what sample data gained later (words, re-sales, win-backs),
    # so adding to one of them does not reshuffle the deals.
    extra = random.Random(f"{seed}-extra")
    # Phone numbers and e-mails from their own generator, so the rest stays as it was.
    contacts = random.Random(f"{seed}-contacts")
    salespeople, communities, lead_sources = _ensure_lists(session)
    source_weights = [5 if i == lead_sources[0] else 3 for i in lead_sources]
    categories = list(session.scalars(select(Category).where(Category.retired.is_(False))))
    causes_by_category = _typical_causes(categories)
    pending_cause = session.scalar(select(Cause.id).where(Cause.key == PENDING_CALL_KEY))
    category_names = [n for n in CATEGORY_WEIGHTS if n in causes_by_category] or list(
        causes_by_category
    )
    category_weights = [CATEGORY_WEIGHTS.get(n, 1) for n in category_names]
    all_cause_ids = [c for ids in causes_by_category.values() for c in ids]
    cause_names = {
        cause.id: cause.name for category_row in categories for cause in category_row.causes
    }
    follow_up_days = settings.get_int(session, settings.FOLLOW_UP_DAYS)

    start = today - timedelta(days=730)
    signed_per_month: dict[date, int] = {}
    written_deals = 0
    written_follow_ups = 0
    while written_deals < deals:
        count = min(batch_size, deals - written_deals)
        deal_rows: list[dict[str, object]] = []
        follow_up_rows: list[dict[str, object]] = []
        for deal_id in reserve_ids(session, Deal, count):
            category = rng.choices(category_names, category_weights)[0]
            cause_id = rng.choice(causes_by_category[category])
            fell = start + timedelta(days=rng.randrange(731))
            signed = fell - timedelta(days=rng.randint(14, 240)) if rng.random() < 0.93 else None
            created = datetime.combine(fell + timedelta(days=rng.randint(0, 2)), time(9, 0))
            created = min(created, datetime.combine(today, time(8, 0)))
            value_cents = rng.randrange(180_000, 650_000, 500) * 100
            deposit = value_cents // 100 * rng.choice((1, 2, 3)) if rng.random() < 0.85 else None
            age_days = (today - fell).days
            first_cause_id = cause_id
            status = "suspected"
            attempts: list[dict[str, object]] = []
            due = fell + timedelta(days=follow_up_days)
            # Calls happen on most deals old enough to have had one; a recent one
            # may still wait (overdue), an old one nobody called stays uncalled.
            recent = age_days <= RECENT_DAYS
            called = age_days > follow_up_days + 2 and rng.random() < (0.85 if recent else 0.96)
            if called:
                call_day = due + timedelta(days=rng.choice((-2, -1, 0, 0, 0, 1, 2, 5)))
                call_day = max(fell, min(call_day, today))
                if rng.random() < 0.35:
                    attempts.append(_attempt(deal_id, due, call_day, "voicemail", rng))
                    due = call_day + timedelta(days=1)
                    call_day = min(today, call_day + timedelta(days=rng.randint(1, 3)))
                outcome = rng.choices(("reached", "no_answer", "declined"), (85, 8, 7))[0]
                attempt = _attempt(deal_id, due, call_day, outcome, rng)
                if outcome == "reached":
                    status = "confirmed"
                    if rng.random() < 0.22:
                        # The first guess was wrong; what the buyer finally says is
                        # most often a service problem behind a polite excuse.
                        new_category = (
                            CUSTOMER_SERVICE
                            if CUSTOMER_SERVICE in causes_by_category and rng.random() < 0.7
                            else rng.choices(category_names, category_weights)[0]
                        )
                        new_cause = rng.choice(causes_by_category[new_category])
                        if new_cause != cause_id:
                            first_cause_id, cause_id = cause_id, new_cause
                            category = new_category
                            attempt["cause_result"] = "changed"
                            attempt["changed_to_cause_id"] = new_cause
                        else:
                            attempt["cause_result"] = "confirmed"
                    else:
                        attempt["cause_result"] = "confirmed"
                    attempt["client_words"] = _client_words(extra, cause_names.get(cause_id, ""))
                attempts.append(attempt)
                if outcome == "no_answer" and recent:
                    follow_up_rows.append(_scheduled(deal_id, call_day + timedelta(days=1)))
            elif recent:
                follow_up_rows.append(_scheduled(deal_id, due))
                if pending_cause is not None and rng.random() < PENDING_SHARE:
                    # Not known yet: the call will tell.
                    cause_id = first_cause_id = pending_cause
                    category = ""
            follow_up_rows.extend(attempts)
            controllable = category == CUSTOMER_SERVICE
            if controllable and age_days > 100 and extra.random() < 0.5:
                win_back = _attempt(
                    deal_id, fell + timedelta(days=90),
                    fell + timedelta(days=extra.randint(90, 98)),
                    extra.choices(("reached", "voicemail", "declined"), (6, 3, 1))[0], extra,
                )  # fmt: skip
                win_back["purpose"] = "win_back"
                follow_up_rows.append(win_back)
            recovered = None
            if age_days > 60 and rng.random() < 0.06:
                recovered = fell + timedelta(days=rng.randint(20, min(age_days, 300)))
            resold_on = resale_price = None
            if age_days > 20 and extra.random() < 0.6:
                resold_on = fell + timedelta(days=extra.randint(15, min(age_days, 240)))
                resale_price = int(value_cents * extra.uniform(0.86, 1.03)) // 50_000 * 50_000
            signed_per_month[fell.replace(day=1)] = signed_per_month.get(fell.replace(day=1), 0) + 1
            client_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            phone, email = _contact(contacts, client_name)
            deal_rows.append(
                {
                    "id": deal_id,
                    "client_name": client_name,
                    "client_phone": phone,
                    "client_email": email,
                    "contract_number": f"C{fell.year % 100:02d}-{deal_id:06d}",
                    "contract_value_cents": value_cents,
                    "signed_on": signed,
                    "fell_through_on": fell,
                    "salesperson_id": rng.choice(salespeople),
                    "lead_source_id": rng.choices(lead_sources, source_weights)[0],
                    "community_id": rng.choice(communities),
                    "lot": f"Lot {rng.randint(1, 140)}",
                    "stage": rng.choice(STAGES),
                    "responsible_role": (
                        rng.choice(ROLES.get(category, ("Other",))) if category else None
                    ),
                    "cancelled_by": "builder" if rng.random() < 0.08 else "buyer",
                    "deposit_cents": deposit,
                    "deposit_outcome": (
                        None
                        if deposit is None
                        else rng.choices(("forfeited", "refunded", "partly_refunded"), (5, 3, 2))[0]
                    ),
                    "cause_id": cause_id if all_cause_ids else None,
                    "cause_status": status,
                    "first_cause_id": first_cause_id,
                    "recovered_on": recovered,
                    "resold_on": resold_on,
                    "resale_price_cents": resale_price,
                    "notes": rng.choice(NOTES),
                    "created_at": created,
                    "updated_at": created,
                    "deleted_at": None,
                    "version": 1,
                }
            )
        session.execute(insert(Deal), deal_rows)
        if follow_up_rows:
            session.execute(insert(FollowUp), follow_up_rows)
        written_deals += count
        written_follow_ups += len(follow_up_rows)
        if progress is not None and progress(written_deals, deals) is False:
            break
    _enter_contracts_signed(session, signed_per_month, extra)
    session.flush()
    return DemoResult(written_deals, written_follow_ups)


def _contact(rng: random.Random, client_name: str) -> tuple[str | None, str | None]:
    """Most sample clients left a phone number, many an e-mail; all of them fictional
    (555-0100 to 555-0199 are reserved for fiction, example.com for examples)."""
    phone = f"(919) 555-01{rng.randint(0, 99):02d}" if rng.random() < 0.85 else None
    handle = client_name.lower().replace(" ", ".").replace("'", "")
    email = f"{handle}@example.com" if rng.random() < 0.6 else None
    return phone, email


def _client_words(rng: random.Random, cause: str) -> str:
    """What a client says about ``cause``: now and then about something else entirely."""
    if rng.random() < 0.12:
        cause = rng.choice(list(CLIENT_WORDS))
    said = rng.choice(CLIENT_WORDS.get(cause, CLIENT_WORDS["Other"]))
    return (
        f"{rng.choice(OPENERS)}{said[0].lower() if rng.random() < 0.3 else said[0]}{said[1:]}"
        + (rng.choice(CLOSERS))
    )


def _enter_contracts_signed(
    session: Session, deals_per_month: dict[date, int], rng: random.Random
) -> None:
    """The team's contracts signed per month, for a cancellation rate of about 12–22%;
    months the user entered are left alone."""
    entered = set(session.scalars(select(SignedContracts.month).where(
        SignedContracts.salesperson_id.is_(None)
    )))  # fmt: skip
    session.add_all(
        SignedContracts(month=month, contracts=round(deals / rng.uniform(0.12, 0.22)))
        for month, deals in sorted(deals_per_month.items())
        if month not in entered
    )


def _typical_causes(categories: list[Category]) -> dict[str, list[int]]:
    """The causes a sample deal may have, by category name (Land and Customer service
    by their keys, whatever the team renamed them to).

    A category's catch-all ("Unspecified") is left out where it has real causes
    (Other's only cause is its catch-all), and so is "Not yet known": it is kept
    for recent deals still waiting for their call.
    """
    typical: dict[str, list[int]] = {}
    for category in categories:
        live = [c for c in category.causes if not c.retired and c.key != PENDING_CALL_KEY]
        specific = [c.id for c in live if not c.general]
        if specific or live:
            name = {LAND_KEY: LAND, CUSTOMER_SERVICE_KEY: CUSTOMER_SERVICE}.get(
                category.key or "", category.name
            )
            typical[name] = specific or [c.id for c in live]
    return typical


def _attempt(
    deal_id: int, due: date, day: date, outcome: str, rng: random.Random
) -> dict[str, object]:
    done_at = datetime.combine(day, time(rng.randint(8, 18), rng.choice((0, 15, 30, 45))))
    return {
        "deal_id": deal_id,
        "due_on": due,
        "done_at": done_at,
        "caller": rng.choice(SALESPEOPLE),
        "outcome": outcome,
        "purpose": "cause",
        "client_words": "",
        "cause_result": None,
        "changed_to_cause_id": None,
        "notes": "",
        "created_at": done_at,
        "updated_at": done_at,
        "version": 1,
    }


def _scheduled(deal_id: int, due: date) -> dict[str, object]:
    created = datetime.combine(due, time(8, 0))
    return {
        "deal_id": deal_id,
        "due_on": due,
        "done_at": None,
        "caller": None,
        "outcome": None,
        "purpose": "cause",
        "client_words": "",
        "cause_result": None,
        "changed_to_cause_id": None,
        "notes": "",
        "created_at": created,
        "updated_at": created,
        "version": 1,
    }
