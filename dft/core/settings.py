"""Settings stored in the database, shared by everyone who opens it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dft.core.errors import ValidationError
from dft.core.models import Setting

FOLLOW_UP_DAYS = "follow_up_days"
FOLLOW_UP_RETRY_DAYS = "follow_up_retry_days"
BACKUPS_KEPT = "backups_kept"
CAUSE_REQUIRED = "cause_required"
HISTORY_WITHOUT_CALLS_AFTER_DAYS = "history_without_calls_after_days"
SAMPLE_DATA = "sample_data"

DEFAULTS: dict[str, int] = {
    # PRODUCT.md: a follow-up call is due within 3 days of a deal falling through.
    FOLLOW_UP_DAYS: 3,
    # A voicemail or no answer is tried again the next day.
    FOLLOW_UP_RETRY_DAYS: 1,
    # Automatic backups kept beside the database; older ones are deleted.
    BACKUPS_KEPT: 10,
    # 1: every deal names a cause, "Unknown — pending call" when it is not known
    # yet (as CRMs require their loss-reason field); 0: a deal may have none.
    CAUSE_REQUIRED: 1,
    # Imported deals that fell through longer ago than this are history: they
    # get no automatic follow-up call, so old history does not flood the list.
    HISTORY_WITHOUT_CALLS_AFTER_DAYS: 30,
    # 1: the deals are made-up sample data (the window's title says so).
    SAMPLE_DATA: 0,
}
BOOLEANS = frozenset({CAUSE_REQUIRED, SAMPLE_DATA})


def get_int(session: Session, key: str) -> int:
    row = session.get(Setting, key)
    if row is None:
        return DEFAULTS[key]
    try:
        return int(row.value)
    except ValueError:
        return DEFAULTS[key]


def get_bool(session: Session, key: str) -> bool:
    """A yes/no setting (stored as 1 or 0)."""
    return get_int(session, key) != 0


def set_bool(session: Session, key: str, value: bool) -> None:
    if key not in BOOLEANS:
        raise ValidationError(key, "not a yes/no setting")
    set_int(session, key, int(value), 0, 1)


def set_int(session: Session, key: str, value: int, minimum: int = 0, maximum: int = 365) -> None:
    if key not in DEFAULTS:
        raise ValidationError(key, "unknown setting")
    if not minimum <= value <= maximum:
        raise ValidationError(key, f"must be between {minimum} and {maximum}")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=str(value)))
    else:
        row.value = str(value)
    session.flush()
