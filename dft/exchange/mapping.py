"""Where each value of a file's cause column goes: suggested, confirmed, remembered.

A CRM export spells loss reasons its own way ("Customer service", "Lot
issue", "cust. service", blank). Each distinct value (with its category cell,
when the file has a category column) is matched once, in this order:

1. a remembered mapping (the last file with these headers);
2. the exact name of a cause (or ``Category/Cause``);
3. the name of a category: that category's general cause ("Customer service"
   -> "Customer service › Unspecified"), so it stays on its side of the split;
4. a near miss of a cause or category name ("Loan denyed"), which a person
   confirms: it is a suggestion, not a match;
5. the trade's words for a cause ("Lot issue" -> Land, "Lost to competitor"
   -> "Bought elsewhere / changed mind"; dft/exchange/trade_words.py), a
   suggestion too.

A blank reason suggests "Unknown — pending call" (to be confirmed too). The
first three are *sure*: the command line applies them without asking.

Near misses use RapidFuzz's token-set ratio. On 59 loss reasons as CRM users
write them (43 with a right answer among the default causes, 16 without),
it suggested the right cause for all 43 and a wrong one for 1 of the 16, at
11 µs a value; the standard library's difflib got 29 right and 2 wrong at its
best cutoff (102 µs), or 34 right and 3 wrong with partial matching (2.5 ms).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.core.models import Category, Cause
from dft.core.taxonomy import (
    IMPORTED_CAUSES,
    IMPORTED_CAUSES_KEY,
    PENDING_CALL_KEY,
    add_category,
    add_cause,
    category_for_imported_causes,
)
from dft.exchange.trade_words import best_trade_match

# A value is (normalized category cell, normalized cause cell); "" when blank or absent.
ValueKey = tuple[str, str]
SEPARATOR = " › "
NEAR_MISS_CUTOFF = 70  # token-set ratio, 0-100
NEAR_MISS_MARGIN = 3  # a runner-up this close to another cause makes the guess a coin toss
NEAR_MISS_MIN_LENGTH = 4  # "No", "Job": too short to say what they resemble


def normalize_value(text: object) -> str:
    """Case and spacing do not make a different value."""
    return " ".join(str(text or "").split()).casefold()


def value_key(category: object, cause: object) -> ValueKey:
    """The key of a value: its category and cause cells, normalized."""
    return normalize_value(category), normalize_value(cause)


class MatchReason(StrEnum):
    """Why a value goes where it goes."""

    GIVEN = "given"  # chosen by a person or a map file
    REMEMBERED = "remembered"  # as with the last file with these headers
    EXACT = "exact"  # the name of a cause
    CATEGORY = "category"  # names a category: its general cause
    NEW = "new"  # a new cause the import creates
    NEAR_MISS = "near_miss"  # looks like a cause or category name: to be confirmed
    BLANK = "blank"  # no reason given: awaiting the follow-up call, to be confirmed


SURE = frozenset(
    {
        MatchReason.GIVEN,
        MatchReason.REMEMBERED,
        MatchReason.EXACT,
        MatchReason.CATEGORY,
        MatchReason.NEW,
    }
)

REASON_WORDS = {
    MatchReason.GIVEN: "as chosen",
    MatchReason.REMEMBERED: "as last time",
    MatchReason.EXACT: "same name",
    MatchReason.CATEGORY: "names the category",
    MatchReason.NEW: "new cause",
    MatchReason.NEAR_MISS: "looks like it",
    MatchReason.BLANK: "no reason given",
}


@dataclass(frozen=True)
class CauseTarget:
    """A cause by its category and name; ``cause_id`` None: new, the import creates it."""

    category: str
    cause: str
    cause_id: int | None = None

    @property
    def is_new(self) -> bool:
        """Not in the list of causes yet: the import would create it."""
        return self.cause_id is None

    @property
    def label(self) -> str:
        """``Category › Cause``, as people read it."""
        return f"{self.category}{SEPARATOR}{self.cause}"


@dataclass(frozen=True)
class CauseValue:
    """One distinct value of the file's cause column (with its category cell)."""

    category: str  # as the file writes it; "" without a category column or cell
    cause: str  # "" when blank
    rows: int
    first_rows: tuple[int, ...]
    target: CauseTarget | None
    reason: MatchReason | None

    @property
    def key(self) -> ValueKey:
        """The value's key (see value_key)."""
        return value_key(self.category, self.cause)

    @property
    def sure(self) -> bool:
        """Applied without asking a person (not a near miss or a blank)."""
        return self.target is not None and self.reason in SURE

    @property
    def text(self) -> str:
        """The value as a map file writes it: ``Cause`` or ``Category/Cause``."""
        return f"{self.category}/{self.cause}" if self.category else self.cause

    @property
    def label(self) -> str:
        """The value for people: blank says so."""
        if not self.cause:
            return f"{self.category}{SEPARATOR}(blank)" if self.category else "(blank)"
        return f"{self.category}{SEPARATOR}{self.cause}" if self.category else self.cause


@dataclass
class CauseMap:
    """Targets chosen for values: by a person in the dialog, or read from a map file.

    A value given as ``Category/Cause`` applies to that category cell and cause
    cell; a value without a category applies to the cause cell whatever the
    category cell says, unless a pair says otherwise.
    """

    pairs: dict[ValueKey, CauseTarget] = field(default_factory=dict)
    causes: dict[str, CauseTarget] = field(default_factory=dict)

    def choose(self, key: ValueKey, target: CauseTarget) -> None:
        """The target for one value of the plan (its key)."""
        if key[0]:
            self.pairs[key] = target
        else:
            self.causes[key[1]] = target

    def choose_text(self, text: str, target: CauseTarget) -> None:
        """The target for a value as a map file writes it (``Cause`` or ``Category/Cause``)."""
        self.causes[normalize_value(text)] = target
        for index, char in enumerate(text):
            if char == "/":
                self.pairs[value_key(text[:index], text[index + 1 :])] = target

    def target_for(self, key: ValueKey) -> CauseTarget | None:
        """The chosen target for a value: its pair first, else its cause cell; None if none."""
        return self.pairs.get(key) or self.causes.get(key[1])

    def __len__(self) -> int:
        return len(self.pairs) + len(self.causes)

    @classmethod
    def of(cls, values: Iterable[CauseValue], sure_only: bool = False) -> CauseMap:
        """The targets of a plan's values: all suggestions, or only the sure ones."""
        chosen = cls()
        for value in values:
            if value.target is not None and (value.sure or not sure_only):
                chosen.choose(value.key, value.target)
        return chosen


@dataclass(frozen=True)
class Suggestion:
    """A suggested target for a value, why, and whether its category cell names no category."""

    target: CauseTarget | None
    reason: MatchReason | None
    unknown_category: bool = False


@dataclass
class _CategoryEntry:
    id: int
    name: str
    general: CauseTarget | None
    causes: dict[str, CauseTarget] = field(default_factory=dict)  # normalized name -> target


class Taxonomy:
    """The categories and causes as one import sees them: read once, matched by dictionary."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.categories: dict[str, _CategoryEntry] = {}
        self.by_id: dict[int, tuple[CauseTarget, bool]] = {}  # cause id -> (target, retired)
        self.by_name: dict[str, list[CauseTarget]] = {}
        self.pending: CauseTarget | None = None
        self.imported_category = IMPORTED_CAUSES
        self.created_categories: list[str] = []
        self.created_causes: list[str] = []
        self.created_category_ids: list[int] = []
        self.created_cause_ids: list[int] = []
        rows = session.execute(
            select(Category.id, Category.name, Category.key, Cause).join(
                Cause, Cause.category_id == Category.id, isouter=True
            )
        ).all()
        for category_id, category_name, category_key, cause in rows:
            entry = self._category(category_id, category_name)
            if category_key == IMPORTED_CAUSES_KEY:
                self.imported_category = category_name
            if cause is not None:
                self._add(entry, cause.id, cause.name, cause.general, cause.retired, cause.key)
        self._matcher: tuple[list[str], list[CauseTarget]] | None = None

    def _category(self, category_id: int, name: str) -> _CategoryEntry:
        key = normalize_value(name)
        if key not in self.categories:
            self.categories[key] = _CategoryEntry(category_id, name, None)
        return self.categories[key]

    def _add(
        self,
        entry: _CategoryEntry,
        cause_id: int,
        name: str,
        general: bool,
        retired: bool,
        key: str | None = None,
    ) -> CauseTarget:
        target = CauseTarget(entry.name, name, cause_id)
        entry.causes[normalize_value(name)] = target
        self.by_id[cause_id] = (target, retired)
        self.by_name.setdefault(normalize_value(name), []).append(target)
        if general:
            entry.general = target
        if key == PENDING_CALL_KEY:
            self.pending = target
        self._matcher = None
        return target

    # -- Matching -----------------------------------------------------------------------------

    def exact(self, cause_text: str) -> CauseTarget | None:
        """``Category/Cause`` (or ``Category › Cause``), or a cause name no other category has."""
        key = normalize_value(cause_text)
        for separator in ("/", "›"):
            head, found, tail = key.partition(separator)
            if found:
                entry = self.categories.get(head.strip())
                if entry is not None and tail.strip() in entry.causes:
                    return entry.causes[tail.strip()]
        named = self.by_name.get(key, [])
        return named[0] if len(named) == 1 else None

    def near_miss(self, text: str, within: _CategoryEntry | None = None) -> CauseTarget | None:
        """The cause (or category's general cause) ``text`` most resembles, if clearly one."""
        query = " ".join(text.replace("/", " / ").split()).casefold()
        if len(query) < NEAR_MISS_MIN_LENGTH:
            return None
        choices, targets = self._choices(within)
        found = process.extract(
            query,
            choices,
            scorer=fuzz.token_set_ratio,
            limit=8,
            score_cutoff=NEAR_MISS_CUTOFF,
            processor=None,
        )
        if not found:
            return None
        best_score, best = found[0][1], targets[found[0][2]]
        for _choice, score, index in found[1:]:
            if targets[index] != best and best_score - score < NEAR_MISS_MARGIN:
                return None
        return best

    def _choices(self, within: _CategoryEntry | None) -> tuple[list[str], list[CauseTarget]]:
        if within is not None:
            pairs = [
                (normalize_value(t.cause).replace("/", " / "), t)
                for t in within.causes.values()
                if t != within.general and not self.by_id[t.cause_id or 0][1]
            ]
            return [p[0] for p in pairs], [p[1] for p in pairs]
        if self._matcher is None:
            pairs = []
            for entry in self.categories.values():
                if entry.general is not None:
                    pairs.append((entry.name.casefold(), entry.general))
                for target in entry.causes.values():
                    if target != entry.general and not self.by_id[target.cause_id or 0][1]:
                        pairs.append((normalize_value(target.cause).replace("/", " / "), target))
            self._matcher = ([p[0] for p in pairs], [p[1] for p in pairs])
        return self._matcher

    def suggest(self, key: ValueKey, remembered: dict[ValueKey, int] | None = None) -> Suggestion:
        """The target for a value and why, in the order the module docstring gives."""
        category_key, cause_key = key
        if remembered and key in remembered:
            known = self.by_id.get(remembered[key])
            if known is not None and not known[1]:
                return Suggestion(known[0], MatchReason.REMEMBERED)
        entry = self.categories.get(category_key) if category_key else None
        if category_key and entry is None:
            guess = (
                (self.exact(cause_key) or self._category_general(cause_key)) if cause_key else None
            )
            guess = guess or (self._resembling(cause_key) if cause_key else None)
            return Suggestion(guess, MatchReason.NEAR_MISS if guess else None, True)
        if not cause_key:
            if entry is not None and entry.general is not None:
                return Suggestion(entry.general, MatchReason.CATEGORY)
            return Suggestion(self.pending, MatchReason.BLANK if self.pending else None)
        if entry is not None:
            if cause_key in entry.causes:
                return Suggestion(entry.causes[cause_key], MatchReason.EXACT)
            if cause_key == category_key and entry.general is not None:
                return Suggestion(entry.general, MatchReason.CATEGORY)
            by_path = self.exact(cause_key) if "/" in cause_key or "›" in cause_key else None
            if by_path is not None and by_path.category == entry.name:
                return Suggestion(by_path, MatchReason.EXACT)
            guess = self.near_miss(cause_key, entry) or self._category_general(cause_key)
            guess = guess or self._resembling(cause_key)
            return Suggestion(guess, MatchReason.NEAR_MISS if guess else None)
        exact = self.exact(cause_key)
        if exact is not None:
            return Suggestion(exact, MatchReason.EXACT)
        general = self._category_general(cause_key)
        if general is not None:
            return Suggestion(general, MatchReason.CATEGORY)
        guess = self._resembling(cause_key)
        return Suggestion(guess, MatchReason.NEAR_MISS if guess else None)

    def _resembling(self, text: str) -> CauseTarget | None:
        """A near miss of a name, else the cause the trade's words in ``text`` point at."""
        return self.near_miss(text) or self._trade_words(text)

    def _trade_words(self, text: str) -> CauseTarget | None:
        match = best_trade_match(text)
        entry = self.categories.get(normalize_value(match[0])) if match else None
        if match is None or entry is None:
            return None
        if not match[1]:
            return entry.general
        target = entry.causes.get(normalize_value(match[1]))
        retired = target is None or self.by_id[target.cause_id or 0][1]
        return None if retired else target

    def _category_general(self, text: str) -> CauseTarget | None:
        entry = self.categories.get(normalize_value(text))
        return entry.general if entry is not None else None

    # -- Targets ------------------------------------------------------------------------------

    def resolve(self, target: CauseTarget) -> CauseTarget:
        """The same target with its id when such a cause exists (a map file names causes)."""
        if target.cause_id is not None:
            return target
        entry = self.categories.get(normalize_value(target.category))
        if entry is not None:
            found = entry.causes.get(normalize_value(target.cause))
            if found is not None:
                return found
        return target

    def new_target(self, category_text: str, cause_text: str) -> CauseTarget:
        """Where a new cause for this value goes: its category cell, else its own category."""
        cause = " ".join(cause_text.split())
        category = " ".join(category_text.split())
        if not category:
            head, found, tail = cause.partition("/")
            entry = self.categories.get(normalize_value(head)) if found else None
            if entry is not None and tail.strip():
                return self.resolve(CauseTarget(entry.name, tail.strip()))
            category = self.imported_category
        entry = self.categories.get(normalize_value(category))
        return self.resolve(CauseTarget(entry.name if entry else category, cause))

    def ensure(self, target: CauseTarget) -> int:
        """The cause id of ``target``, creating its category (not classified) and cause if new."""
        resolved = self.resolve(target)
        if resolved.cause_id is not None:
            return resolved.cause_id
        key = normalize_value(target.category)
        entry = self.categories.get(key)
        if entry is None:
            if key == normalize_value(self.imported_category):
                category_id = category_for_imported_causes(self.session)
            else:
                category_id = add_category(self.session, target.category)
            category = self.session.get(Category, category_id)
            assert category is not None
            entry = self._category(category_id, category.name)
            for cause in category.causes:
                self._add(entry, cause.id, cause.name, cause.general, cause.retired)
            self.created_categories.append(category.name)
            self.created_category_ids.append(category_id)
            resolved = self.resolve(target)
            if resolved.cause_id is not None:
                return resolved.cause_id
        cause_id = add_cause(self.session, entry.id, target.cause)
        created = self._add(entry, cause_id, " ".join(target.cause.split()), False, False)
        self.created_causes.append(f"{created.category}/{created.cause}")
        self.created_cause_ids.append(cause_id)
        return cause_id
