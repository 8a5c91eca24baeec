"""Time in one place: timestamps are stored as naive UTC so SQLite and PostgreSQL agree."""

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    """Now, as naive UTC to the second: how every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def today() -> date:
    """The user's calendar day: due dates and 'overdue' are judged against it."""
    return date.today()
