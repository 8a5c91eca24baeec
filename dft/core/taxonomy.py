"""The cause taxonomy: its built-in names, and the services that read and edit it.

A cause or category that is in use can be renamed or retired, never deleted:
reports of past months must keep meaning what they meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dft.core.errors import NotFoundError, ValidationError
from dft.core.fields import check_text, max_length, text_problem
from dft.core.import_mappings import ImportMappingValue
from dft.core.models import Category, Cause, Deal, DealContributingCause, FollowUp
from dft.core.queries import execute_update
from dft.core.words import count_of

LAND = "Land"
CUSTOMER_SERVICE = "Customer service"
OTHER = "Other"
NOT_YET_KNOWN = "Not yet known"
UNSPECIFIED = "Unspecified"
PENDING_CALL = "Unknown — pending call"

# Keys of the built-in categories and causes: the analytics find them by key,
# so a team may rename "Land" to "Lot & land" without breaking the split.
LAND_KEY = "land"
CUSTOMER_SERVICE_KEY = "customer_service"
NOT_YET_KNOWN_KEY = "not_yet_known"
PENDING_CALL_KEY = "pending_call"
# Where an import puts a new cause that came without a category: a category of
# its own that is not classified yet, so such causes count on neither side of
# any split until someone sorts them (never silently under Other).
IMPORTED_CAUSES = "Imported causes"
IMPORTED_CAUSES_KEY = "imported"

UNSPECIFIED_DESCRIPTION = "The cause is in this category; which one is not known."


# -- Reading -----------------------------------------------------------------


@dataclass(frozen=True)
class CauseInfo:
    """A cause as lists and pickers show it."""

    id: int
    name: str
    description: str
    retired: bool
    position: int
    general: bool = False
    key: str | None = None


@dataclass(frozen=True)
class CategoryInfo:
    """A category with its causes, in order."""

    id: int
    name: str
    controllable: bool | None
    retired: bool
    position: int
    causes: tuple[CauseInfo, ...]
    key: str | None = None


def list_taxonomy(session: Session, include_retired: bool = True) -> list[CategoryInfo]:
    """Every category with its causes, in the user's order."""
    categories = session.scalars(select(Category).order_by(Category.position, Category.id)).all()
    causes = session.scalars(select(Cause).order_by(Cause.position, Cause.id)).all()
    by_category: dict[int, list[CauseInfo]] = {}
    for cause in causes:
        if cause.retired and not include_retired:
            continue
        by_category.setdefault(cause.category_id, []).append(
            CauseInfo(
                cause.id,
                cause.name,
                cause.description,
                cause.retired,
                cause.position,
                cause.general,
                cause.key,
            )
        )
    return [
        CategoryInfo(
            c.id,
            c.name,
            c.controllable,
            c.retired,
            c.position,
            tuple(by_category.get(c.id, ())),
            c.key,
        )
        for c in categories
        if include_retired or not c.retired
    ]


def _normalize(name: str) -> str:
    return " ".join(name.split()).casefold()


def find_cause(session: Session, spec: str, field: str = "cause") -> Cause:
    """Find a cause by ``"Category/Cause"`` or by a cause name unique across categories.

    Case and extra spaces do not matter. Retired causes are found too (an old
    import may name one); callers that log new deals refuse them.
    """
    spec = spec.strip()
    if not spec:
        raise ValidationError(field, "cause is missing")
    rows = session.execute(select(Cause, Category).join(Category)).all()
    if "/" in spec:
        category_part, _, cause_part = spec.partition("/")
        wanted = (_normalize(category_part), _normalize(cause_part))
        matches = [c for c, cat in rows if (_normalize(cat.name), _normalize(c.name)) == wanted]
        # A cause name may itself contain "/" (e.g. "Zoning or permit denied/delayed").
        if not matches:
            matches = [c for c, _cat in rows if _normalize(c.name) == _normalize(spec)]
    else:
        matches = [c for c, _cat in rows if _normalize(c.name) == _normalize(spec)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValidationError(
            field, f"cause {spec!r} exists in several categories; write it as 'Category/Cause'"
        )
    raise ValidationError(
        field, f"unknown cause {spec!r} (see 'dft causes'; write it as 'Category/Cause')"
    )


def find_category(session: Session, name: str, field: str = "category") -> Category:
    """The category named ``name`` (any case); ValidationError naming ``field`` if none."""
    category = session.scalar(
        select(Category).where(func.lower(Category.name) == name.strip().lower())
    )
    if category is None:
        raise ValidationError(field, f"unknown category {name!r}")
    return category


def _get_category(session: Session, category_id: int) -> Category:
    category = session.get(Category, category_id)
    if category is None:
        raise NotFoundError(f"no category with id {category_id}")
    return category


def _get_cause(session: Session, cause_id: int) -> Cause:
    cause = session.get(Cause, cause_id)
    if cause is None:
        raise NotFoundError(f"no cause with id {cause_id}")
    return cause


def _clean_name(name: str, model: type[Category] | type[Cause], field: str = "name") -> str:
    """The name as stored: spaces trimmed, no control characters, fitting its column."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError(field, "name must not be empty")
    label = "Category" if model is Category else "Cause"
    problem = text_problem(name, None) or text_problem(cleaned, max_length(model.name))
    if problem is not None:
        raise ValidationError(field, f"{label} name {problem}.")
    return cleaned


def _clean_description(description: str) -> str:
    check_text("description", "Description", description, None, multiline=True)
    return description.strip()


# -- Editing -----------------------------------------------------------------


def add_category(session: Session, name: str, controllable: bool | None = None) -> int:
    """Add a category with its general cause; unless told, it is not classified yet."""
    name = _clean_name(name, Category)
    existing = session.scalar(select(Category).where(func.lower(Category.name) == name.lower()))
    if existing is not None:
        raise ValidationError("name", f"a category named {existing.name!r} already exists")
    last = session.scalar(select(func.coalesce(func.max(Category.position), -1)))
    position = int(last if last is not None else -1) + 1
    category = Category(name=name, controllable=controllable, position=position, retired=False)
    category.causes = [
        Cause(
            name=UNSPECIFIED,
            description=UNSPECIFIED_DESCRIPTION,
            position=0,
            retired=False,
            general=True,
        )
    ]
    session.add(category)
    session.flush()
    return category.id


def category_for_imported_causes(session: Session) -> int:
    """The not-classified category that takes new causes an import brought without one."""
    found = session.scalar(select(Category.id).where(Category.key == IMPORTED_CAUSES_KEY))
    if found is not None:
        return int(found)
    name = IMPORTED_CAUSES
    taken = {n.casefold() for n in session.scalars(select(Category.name))}
    number = 1
    while name.casefold() in taken:  # a team's own category may already bear the name
        number += 1
        name = f"{IMPORTED_CAUSES} {number}"
    category_id = add_category(session, name)
    _get_category(session, category_id).key = IMPORTED_CAUSES_KEY
    session.flush()
    return category_id


def add_cause(session: Session, category_id: int, name: str, description: str = "") -> int:
    """Add a cause to a category; returns its id."""
    category = _get_category(session, category_id)
    name = _clean_name(name, Cause)
    clash = session.scalar(
        select(Cause).where(
            Cause.category_id == category.id, func.lower(Cause.name) == name.lower()
        )
    )
    if clash is not None:
        raise ValidationError("name", f"{category.name} already has a cause named {clash.name!r}")
    last = session.scalar(
        select(func.coalesce(func.max(Cause.position), -1)).where(Cause.category_id == category.id)
    )
    position = int(last if last is not None else -1) + 1
    cause = Cause(
        category_id=category.id,
        name=name,
        description=_clean_description(description),
        position=position,
        retired=False,
    )
    session.add(cause)
    session.flush()
    return cause.id


def rename_category(session: Session, category_id: int, new_name: str) -> None:
    """Rename a category; past deals follow the new name."""
    category = _get_category(session, category_id)
    new_name = _clean_name(new_name, Category)
    clash = session.scalar(
        select(Category).where(
            func.lower(Category.name) == new_name.lower(), Category.id != category.id
        )
    )
    if clash is not None:
        raise ValidationError("name", f"a category named {clash.name!r} already exists")
    category.name = new_name


def rename_cause(
    session: Session, cause_id: int, new_name: str, description: str | None = None
) -> None:
    """Rename a cause (and change its description); past deals follow."""
    cause = _get_cause(session, cause_id)
    new_name = _clean_name(new_name, Cause)
    clash = session.scalar(
        select(Cause).where(
            Cause.category_id == cause.category_id,
            func.lower(Cause.name) == new_name.lower(),
            Cause.id != cause.id,
        )
    )
    if clash is not None:
        raise ValidationError("name", f"this category already has a cause named {clash.name!r}")
    cause.name = new_name
    if description is not None:
        cause.description = _clean_description(description)


def set_category_controllable(
    session: Session, category_id: int, controllable: bool | None
) -> None:
    """Say whether the team can fix a category's causes (None: not classified yet)."""
    _get_category(session, category_id).controllable = controllable


def set_category_retired(session: Session, category_id: int, retired: bool = True) -> None:
    """Retire (or bring back) a category; its deals keep it, new deals cannot pick it."""
    _get_category(session, category_id).retired = retired


def set_cause_retired(session: Session, cause_id: int, retired: bool = True) -> None:
    """Retire a cause (not offered for new deals) or bring it back."""
    _get_cause(session, cause_id).retired = retired


def reorder_categories(session: Session, ordered_ids: list[int]) -> None:
    """Put the categories in the order of ``ordered_ids``."""
    _reorder(session, Category, ordered_ids)


def reorder_causes(session: Session, ordered_ids: list[int]) -> None:
    """Put the causes in the order of ``ordered_ids``."""
    _reorder(session, Cause, ordered_ids)


def _reorder(session: Session, model: type[Category] | type[Cause], ordered_ids: list[int]) -> None:
    for position, item_id in enumerate(ordered_ids):
        item = cast(Category | Cause | None, session.get(model, item_id))
        if item is None:
            raise NotFoundError(f"no {model.__tablename__[:-1]} with id {item_id}")
        item.position = position


def cause_usage(session: Session, cause_id: int) -> int:
    """How many records (deals, trashed ones included, and follow-ups) refer to a cause."""
    deals = session.scalar(
        select(func.count())
        .select_from(Deal)
        .where((Deal.cause_id == cause_id) | (Deal.first_cause_id == cause_id))
    )
    contributing = session.scalar(
        select(func.count())
        .select_from(DealContributingCause)
        .where(DealContributingCause.cause_id == cause_id)
    )
    follow_ups = session.scalar(
        select(func.count()).select_from(FollowUp).where(FollowUp.changed_to_cause_id == cause_id)
    )
    return int(deals or 0) + int(contributing or 0) + int(follow_ups or 0)


def live_deals_per_cause(session: Session) -> dict[int, int]:
    """How many live deals have each cause as their primary cause (unused causes left out)."""
    rows = session.execute(
        select(Deal.cause_id, func.count(Deal.id))
        .where(Deal.deleted_at.is_(None), Deal.cause_id.is_not(None))
        .group_by(Deal.cause_id)
    )
    return {int(cause_id): int(count) for cause_id, count in rows if cause_id is not None}


def delete_cause(session: Session, cause_id: int) -> None:
    """Delete a cause nobody has used yet (a typo just added). In use: retire it instead."""
    cause = _get_cause(session, cause_id)
    used = cause_usage(session, cause_id)
    if used:
        raise ValidationError(
            "cause",
            f"{cause.name!r} is used by {count_of(used, 'record')}; "
            "retire it instead of deleting it",
        )
    session.delete(cause)
    session.flush()


def merge_causes(session: Session, source_id: int, target_id: int) -> int:
    """Fold ``source`` into ``target``: every reference moves, the source is retired.

    The source stays (retired) rather than vanishing, so the merge is visible
    and nothing that pointed at it breaks. Returns the number of deals moved.
    """
    if source_id == target_id:
        raise ValidationError("cause", "cannot merge a cause into itself")
    source = _get_cause(session, source_id)
    target = _get_cause(session, target_id)
    moved = execute_update(
        session,
        update(Deal)
        .where(Deal.cause_id == source.id)
        .values(cause_id=target.id, version=Deal.version + 1),
    )
    session.execute(
        update(Deal)
        .where(Deal.first_cause_id == source.id)
        .values(first_cause_id=target.id, version=Deal.version + 1)
    )
    session.execute(
        update(FollowUp)
        .where(FollowUp.changed_to_cause_id == source.id)
        .values(changed_to_cause_id=target.id)
    )
    # Remembered import mappings follow, so the next export from that CRM lands on the target.
    session.execute(
        update(ImportMappingValue)
        .where(ImportMappingValue.cause_id == source.id)
        .values(cause_id=target.id)
    )
    # A deal may list both as contributing causes; keep one row, or none when
    # the target is now its primary cause.
    contributing = session.scalars(
        select(DealContributingCause).where(DealContributingCause.cause_id == source.id)
    ).all()
    for link in contributing:
        already = session.get(DealContributingCause, (link.deal_id, target.id))
        primary = session.scalar(select(Deal.cause_id).where(Deal.id == link.deal_id))
        session.delete(link)
        session.flush()
        if already is None and primary != target.id:
            session.add(DealContributingCause(deal_id=link.deal_id, cause_id=target.id))
    source.retired = True
    if not source.description.startswith("Merged into"):
        source.description = f"Merged into {target.name}. {source.description}".strip()
    session.flush()
    session.expire_all()
    return moved
