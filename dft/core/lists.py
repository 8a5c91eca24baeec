"""Salespeople, lead sources and communities: lists the user edits.

Typing a name picks an existing entry whatever its case or spacing; a new
entry is created only on purpose, and a near miss of an existing name is
refused with a suggestion so no silent typo variants creep in.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dft.core.errors import NotFoundError, ValidationError
from dft.core.fields import max_length, text_problem
from dft.core.models import Community, Deal, LeadSource, Salesperson
from dft.core.queries import execute_update

ListModel = TypeVar("ListModel", Salesperson, LeadSource, Community)

LIST_LABELS: dict[type, str] = {
    Salesperson: "salesperson",
    LeadSource: "lead source",
    Community: "community",
}

# Lead sources a new database starts with; "Referral" is what reports call out.
DEFAULT_LEAD_SOURCES: tuple[tuple[str, bool], ...] = (
    ("Referral", True),
    ("Walk-in", False),
    ("Web", False),
    ("Realtor", False),
    ("Phone", False),
    ("Repeat buyer", True),
)


def seed_default_lead_sources(session: Session) -> None:
    """A new database's lead sources (Referral, Website, ...), once."""
    if session.scalar(select(func.count()).select_from(LeadSource)):
        return
    for name, is_referral in DEFAULT_LEAD_SOURCES:
        session.add(LeadSource(name=name, is_referral=is_referral, retired=False))
    session.flush()


@dataclass(frozen=True)
class ListEntry:
    """A salesperson, lead source or community as the lists show it."""

    id: int
    name: str
    retired: bool


def normalize_name(name: str) -> str:
    """``name`` with its spaces trimmed and runs of spaces made one."""
    return " ".join(name.split())


def check_name(model: type[ListModel], name: str, field: str) -> str:
    """``name`` as stored (see :func:`normalize_name`); ValidationError(``field``) when it
    holds a control character or is longer than the list's name column."""
    cleaned = normalize_name(name)
    problem = text_problem(name, None) or text_problem(cleaned, max_length(model.name))
    if problem is not None:
        raise ValidationError(field, f"{LIST_LABELS[model].capitalize()} name {problem}.")
    return cleaned


def list_entries(
    session: Session, model: type[ListModel], include_retired: bool = False
) -> list[ListEntry]:
    """The list's entries by name (retired ones only with ``include_retired``)."""
    query = select(model).order_by(func.lower(model.name))
    if not include_retired:
        query = query.where(model.retired.is_(False))
    return [ListEntry(e.id, e.name, e.retired) for e in session.scalars(query)]


def referral_lead_source_ids(session: Session) -> set[int]:
    """The ids of the lead sources marked as referrals."""
    return set(session.scalars(select(LeadSource.id).where(LeadSource.is_referral.is_(True))))


def find_entry(session: Session, model: type[ListModel], name: str) -> ListModel | None:
    """The entry named ``name`` (ignoring case and spacing), or None.

    Compared here rather than with SQL's lower(): SQLite's folds ASCII letters only,
    so there a name with a capital outside ASCII ("Émile") did not even find itself,
    and the next deal naming him added him twice; PostgreSQL's folds every letter.
    A list holds a few hundred names at most.
    """
    wanted = normalize_name(name).casefold()
    return next(
        (e for e in session.scalars(select(model)) if normalize_name(e.name).casefold() == wanted),
        None,
    )


def resolve_entry(
    session: Session,
    model: type[ListModel],
    name: str | None,
    *,
    create: bool = False,
    field: str | None = None,
) -> ListModel | None:
    """The entry named ``name``; ``None`` for a blank name.

    An unknown name is created when ``create`` is true. Otherwise it is created
    only if it is not a near miss of an existing name (``Jon Smith`` beside
    ``John Smith``), which is refused with the suggestion instead.
    """
    label = LIST_LABELS[model]
    field = field or label.replace(" ", "_")
    if name is None or not normalize_name(name):
        return None
    cleaned = check_name(model, name, field)
    existing = find_entry(session, model, cleaned)
    if existing is not None:
        return existing
    if not create:
        close = close_name(cleaned, list(session.scalars(select(model.name))))
        if close:
            raise ValidationError(
                field,
                f"unknown {label} {cleaned!r} - did you mean {close!r}? "
                f"Create it on purpose if it really is new.",
            )
    entry = model(name=cleaned, retired=False)
    session.add(entry)
    session.flush()
    return entry


def add_entry(session: Session, model: type[ListModel], name: str) -> int:
    """Add ``name`` to the list; returns its id. A name already there is refused."""
    cleaned = check_name(model, name, "name")
    label = LIST_LABELS[model]
    if not cleaned:
        raise ValidationError("name", f"{label} name must not be empty")
    if find_entry(session, model, cleaned) is not None:
        raise ValidationError("name", f"{label} {cleaned!r} already exists")
    entry = model(name=cleaned, retired=False)
    session.add(entry)
    session.flush()
    return entry.id


def rename_entry(session: Session, model: type[ListModel], entry_id: int, new_name: str) -> None:
    """Rename an entry; a name another entry has is refused."""
    entry = session.get(model, entry_id)
    label = LIST_LABELS[model]
    if entry is None:
        raise NotFoundError(f"no {label} with id {entry_id}")
    cleaned = check_name(model, new_name, "name")
    if not cleaned:
        raise ValidationError("name", f"{label} name must not be empty")
    clash = find_entry(session, model, cleaned)
    if clash is not None and clash.id != entry.id:
        raise ValidationError("name", f"{label} {clash.name!r} already exists; merge instead")
    entry.name = cleaned


def set_lead_source_referral(session: Session, entry_id: int, is_referral: bool) -> None:
    """Mark a lead source as a referral (or not); reports call out lost referrals."""
    entry = session.get(LeadSource, entry_id)
    if entry is None:
        raise NotFoundError(f"no lead source with id {entry_id}")
    entry.is_referral = is_referral


def set_entry_retired(
    session: Session, model: type[ListModel], entry_id: int, retired: bool = True
) -> None:
    """Retire an entry (hidden from new deals, kept on old ones) or bring it back."""
    entry = session.get(model, entry_id)
    if entry is None:
        raise NotFoundError(f"no {LIST_LABELS[model]} with id {entry_id}")
    entry.retired = retired


# How alike (difflib's ratio, case ignored) a new name must be to a known one to be
# taken for the same name spelled another way: "Jon Smith" and "John Smith" (0.95),
# "Referrals" and "Referral" (0.94), never "Dana Whitfield" and "Dan Whitman" (0.64).
NEAR_NAME = 0.85


def close_name(name: str, known: list[str]) -> str | None:
    """The known name ``name`` is most likely a misspelling of, or None."""
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=NEAR_NAME)
    return by_lower[close[0]] if close else None


_DEAL_COLUMN = {
    Salesperson: Deal.salesperson_id,
    LeadSource: Deal.lead_source_id,
    Community: Deal.community_id,
}


def merge_entries(session: Session, model: type[ListModel], source_id: int, target_id: int) -> int:
    """Fold one entry into another (two spellings of one salesperson); returns deals moved.

    The source entry is deleted: unlike a cause it carries no meaning of its
    own once its deals point at the target.
    """
    label = LIST_LABELS[model]
    if source_id == target_id:
        raise ValidationError(label, f"cannot merge a {label} into itself")
    source = session.get(model, source_id)
    target = session.get(model, target_id)
    if source is None or target is None:
        raise NotFoundError(f"no {label} with id {source_id if source is None else target_id}")
    column = _DEAL_COLUMN[model]
    moved = execute_update(
        session,
        update(Deal)
        .where(column == source.id)
        .values({column.key: target.id, "version": Deal.version + 1}),
    )
    session.delete(source)
    session.flush()
    session.expire_all()
    return moved


def merge_salespeople(session: Session, source_id: int, target_id: int) -> int:
    """Move every deal of one salesperson to another and drop the first; returns deals moved."""
    return merge_entries(session, Salesperson, source_id, target_id)
