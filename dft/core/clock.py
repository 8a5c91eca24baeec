"""Time in one place: timestamps are stored as naive UTC so SQLite and PostgreSQL agree."""

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return date.today()
