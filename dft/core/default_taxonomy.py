"""The taxonomy a new database starts with: the categories and causes of home-building
fall-throughs, each category ending in its general cause."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.core.models import Category, Cause
from dft.core.taxonomy import (
    CUSTOMER_SERVICE,
    CUSTOMER_SERVICE_KEY,
    LAND,
    LAND_KEY,
    NOT_YET_KNOWN,
    NOT_YET_KNOWN_KEY,
    OTHER,
    PENDING_CALL,
    PENDING_CALL_KEY,
    UNSPECIFIED,
    UNSPECIFIED_DESCRIPTION,
)


@dataclass(frozen=True)
class DefaultCategory:
    """A category of the default taxonomy; its last cause is its general one."""

    name: str
    controllable: bool | None
    causes: tuple[tuple[str, str], ...]  # (name, description)
    key: str | None = None
    general_cause_key: str | None = None


DEFAULT_TAXONOMY: tuple[DefaultCategory, ...] = (
    DefaultCategory(
        LAND,
        False,
        (
            ("Lot not buildable", "Soil, perc test or flood zone rules out building."),
            ("Title, survey or easement problem", "A defect found in title, survey or easements."),
            ("Zoning or permit denied/delayed", "Zoning refused or a permit held up too long."),
            (
                "Land cost or appraisal gap",
                "The land cost more, or appraised for less, than planned.",
            ),
            ("Utilities or access", "Well, septic, power or road access could not be had."),
            ("Lot purchase fell through", "The buyer's purchase of the lot did not close."),
            (UNSPECIFIED, UNSPECIFIED_DESCRIPTION),
        ),
        key=LAND_KEY,
    ),
    DefaultCategory(
        CUSTOMER_SERVICE,
        True,
        (
            ("Staff too busy / unresponsive", "Questions went unanswered; 'too busy' to help."),
            ("Rude or dismissive remark", "A remark that made the buyer feel unwelcome."),
            ("Slow response / long waits", "Answers or appointments took too long."),
            ("Poor communication, no updates", "The buyer did not know what was happening."),
            ("Broken promise or missed deadline", "A date or commitment was not kept."),
            ("Phone tag / voicemail runaround", "The buyer could not reach a person."),
            ("Paperwork or selection errors", "Mistakes in contracts, options or selections."),
            (UNSPECIFIED, UNSPECIFIED_DESCRIPTION),
        ),
        key=CUSTOMER_SERVICE_KEY,
    ),
    DefaultCategory(
        "Financing",
        False,
        (
            ("Loan denied", "The construction or permanent loan was refused."),
            ("Low appraisal", "The home appraised below the contract price."),
            ("Rate or payment change", "A rate or payment rise made the home unaffordable."),
            (UNSPECIFIED, UNSPECIFIED_DESCRIPTION),
        ),
    ),
    DefaultCategory(
        "Buyer circumstances",
        False,
        (
            ("Job change or relocation", "The buyer moved or changed jobs."),
            ("Family change", "Divorce, illness, a death or a new child."),
            ("Bought elsewhere / changed mind", "The buyer chose another home or not to build."),
            (UNSPECIFIED, UNSPECIFIED_DESCRIPTION),
        ),
    ),
    DefaultCategory(OTHER, False, (("Other", "Explain in the notes."),)),
    # Not knowing yet is a state: such deals count on neither side of any split
    # and show as awaiting their call.
    DefaultCategory(
        NOT_YET_KNOWN,
        None,
        ((PENDING_CALL, "The follow-up call will tell; counted on neither side."),),
        key=NOT_YET_KNOWN_KEY,
        general_cause_key=PENDING_CALL_KEY,
    ),
)


def seed_default_taxonomy(session: Session) -> None:
    """Write the default categories and causes into an empty taxonomy."""
    if session.scalar(select(func.count()).select_from(Category)):
        return
    for cat_position, default in enumerate(DEFAULT_TAXONOMY):
        category = Category(
            name=default.name,
            controllable=default.controllable,
            position=cat_position,
            retired=False,
            key=default.key,
        )
        last = len(default.causes) - 1
        category.causes = [
            Cause(
                name=name,
                description=description,
                position=position,
                retired=False,
                general=position == last,
                key=default.general_cause_key if position == last else None,
            )
            for position, (name, description) in enumerate(default.causes)
        ]
        session.add(category)
    session.flush()
