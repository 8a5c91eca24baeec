"""Settings stored in the database, shared by everyone who opens it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dft.core.errors import ValidationError
from dft.core.models import Setting
from dft.core.money import MAX_CENTS

FOLLOW_UP_DAYS = "follow_up_days"
FOLLOW_UP_RETRY_DAYS = "follow_up_retry_days"
BACKUPS_KEPT = "backups_kept"
CAUSE_REQUIRED = "cause_required"
HISTORY_WITHOUT_CALLS_AFTER_DAYS = "history_without_calls_after_days"
# Win-back calls: 1 schedules one WIN_BACK_DAYS after a controllable fall-through.
WIN_BACK_CALLS = "win_back_calls"
WIN_BACK_DAYS = "win_back_days"
# 1: follow-up calls are made by someone other than the deal's salesperson
# (buyers speak more freely to a caller who did not sell to them).
CALLS_BY_SOMEONE_ELSE = "calls_by_someone_else"
# What an unsold home or lot costs the builder each day, in cents (taxes, interest, upkeep).
CARRYING_COST_CENTS_PER_DAY = "carrying_cost_cents_per_day"
# The cancellation rate the team compares itself with, in basis points (2000 = 20.00%).
CANCELLATION_BENCHMARK_BASIS_POINTS = "cancellation_benchmark_basis_points"
SAMPLE_DATA = "sample_data"

DEFAULTS: dict[str, int] = {
    # A follow-up call is due within 3 days of a deal falling through.
    FOLLOW_UP_DAYS: 3,
    # A voicemail or no answer is tried again the next day.
    FOLLOW_UP_RETRY_DAYS: 1,
    # Backups kept beside the database; older ones are deleted, except the newest
    # ones that passed their check (dft/store/backup.py).
    BACKUPS_KEPT: 10,
    # 1: every deal names a cause, "Unknown — pending call" when it is not known
    # yet (as CRMs require their loss-reason field); 0: a deal may have none.
    CAUSE_REQUIRED: 1,
    # Imported deals that fell through longer ago than this are history: they
    # get no automatic follow-up call, so old history does not flood the list.
    HISTORY_WITHOUT_CALLS_AFTER_DAYS: 30,
    WIN_BACK_CALLS: 0,
    WIN_BACK_DAYS: 90,
    CALLS_BY_SOMEONE_ELSE: 0,
    # 1: the deals are made-up sample data (the window's title says so).
    SAMPLE_DATA: 0,
}

# Settings that are "not entered" until the user enters them: no default is guessed.
OPTIONAL: frozenset[str] = frozenset(
    {CARRYING_COST_CENTS_PER_DAY, CANCELLATION_BENCHMARK_BASIS_POINTS}
)

# The values each setting accepts; set_int's own bounds apply to the rest.
LIMITS: dict[str, tuple[int, int]] = {
    CAUSE_REQUIRED: (0, 1),
    SAMPLE_DATA: (0, 1),
    WIN_BACK_CALLS: (0, 1),
    CALLS_BY_SOMEONE_ELSE: (0, 1),
    WIN_BACK_DAYS: (1, 730),
    CARRYING_COST_CENTS_PER_DAY: (0, MAX_CENTS),
    CANCELLATION_BENCHMARK_BASIS_POINTS: (0, 10_000),
}


def get_int(session: Session, key: str) -> int:
    """The database's value for ``key``, or its default."""
    row = session.get(Setting, key)
    if row is None:
        return DEFAULTS[key]
    try:
        return int(row.value)
    except ValueError:
        return DEFAULTS[key]


def get_optional_int(session: Session, key: str) -> int | None:
    """A setting the user may not have entered yet: ``None`` until then."""
    if key not in OPTIONAL:
        return get_int(session, key)
    row = session.get(Setting, key)
    if row is None:
        return None
    try:
        return int(row.value)
    except ValueError:
        return None


def get_bool(session: Session, key: str) -> bool:
    """A yes/no setting (stored as 1 or 0)."""
    return get_int(session, key) != 0


def set_int(
    session: Session, key: str, value: int | None, minimum: int = 0, maximum: int = 365
) -> None:
    """Store a setting; ``None`` clears an optional one (back to "not entered")."""
    if key not in DEFAULTS and key not in OPTIONAL:
        raise ValidationError(key, "unknown setting")
    row = session.get(Setting, key)
    if value is None:
        if key not in OPTIONAL:
            raise ValidationError(key, "a value is required")
        if row is not None:
            session.delete(row)
            session.flush()
        return
    minimum, maximum = LIMITS.get(key, (minimum, maximum))
    if not minimum <= value <= maximum:
        raise ValidationError(key, f"must be between {minimum} and {maximum}")
    if row is None:
        session.add(Setting(key=key, value=str(value)))
    else:
        row.value = str(value)
    session.flush()


def set_bool(session: Session, key: str, value: bool) -> None:
    """Store a yes/no setting."""
    if LIMITS.get(key) != (0, 1):
        raise ValidationError(key, "not a yes/no setting")
    set_int(session, key, 1 if value else 0)
