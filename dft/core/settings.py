"""Settings stored in the database, shared by everyone who opens it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dft.core.errors import ValidationError
from dft.core.models import Setting

FOLLOW_UP_DAYS = "follow_up_days"
FOLLOW_UP_RETRY_DAYS = "follow_up_retry_days"
BACKUPS_KEPT = "backups_kept"

DEFAULTS: dict[str, int] = {
    # A follow-up call is due within 3 days of a deal falling through.
    FOLLOW_UP_DAYS: 3,
    # A voicemail or no answer is tried again the next day.
    FOLLOW_UP_RETRY_DAYS: 1,
    # Backups kept beside the database; older ones are deleted, except the newest
    # ones that passed their check (dft/store/backup.py).
    BACKUPS_KEPT: 10,
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


def set_int(session: Session, key: str, value: int, minimum: int = 0, maximum: int = 365) -> None:
    """Store ``value`` for ``key``; a value out of bounds is a ValidationError."""
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
