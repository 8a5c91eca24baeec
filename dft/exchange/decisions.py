"""Where each distinct cause value of a file goes, decided once per import.

A file repeats a few reasons over thousands of rows, so each distinct value
(its category cell and cause cell, see exchange.mapping.value_key) is decided
once: the caller's choices first, then the sure matches (remembered, exact
name, category name), then, when allowed, a new cause; anything else is a
problem reported once for the value, with its rows. Rows look the decision
up by their raw cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dft.core.fields import max_length
from dft.core.models import Category, Cause
from dft.exchange.columns import ColumnMap
from dft.exchange.mapping import (
    CauseMap,
    CauseTarget,
    CauseValue,
    MatchReason,
    Taxonomy,
    ValueKey,
    value_key,
)
from dft.exchange.problems import FIRST_ROWS, ProblemGroup, ProblemKind, rows_text

CAUSE_NAME_LIMIT = max_length(Cause.name)
CATEGORY_NAME_LIMIT = max_length(Category.name)
# What the command line applies without a person (a near miss needs one).
_SURE_SUGGESTIONS = (MatchReason.REMEMBERED, MatchReason.EXACT, MatchReason.CATEGORY)


@dataclass
class CauseDecision:
    """Where one distinct value goes (or why it cannot), and the rows that carry it."""

    cause_id: int | None
    target: CauseTarget | None
    reason: MatchReason | None
    problem: tuple[ProblemKind, str] | None  # (kind, field) when the value has nowhere to go
    category_text: str
    cause_text: str
    rows: int = 0
    first: list[int] = field(default_factory=list)
    why: str | None = None  # a name the new cause or category cannot have

    def count(self, number: int) -> None:
        """One more row (``number``) carries this value."""
        self.rows += 1
        if len(self.first) < FIRST_ROWS:
            self.first.append(number)

    def count_many(self, numbers: list[int]) -> None:
        """More rows (``numbers``, in file order) carry this value."""
        self.rows += len(numbers)
        if len(self.first) < FIRST_ROWS:
            self.first.extend(numbers[: FIRST_ROWS - len(self.first)])

    def row_message(self) -> str:
        """The problem as a row reports it (the value's group says it in full)."""
        kind = self.problem[0] if self.problem else None
        if self.why is not None:
            return f"the value {self.why}"
        if kind == ProblemKind.CATEGORY_UNKNOWN:
            return f"{self.category_text!r} is not a category"
        if kind == ProblemKind.NEW_CAUSE_NOT_ALLOWED:
            return f"{self.cause_text!r} goes to a cause that is not in the list yet"
        if not self.cause_text:
            return "the cause is blank"
        return f"{self.cause_text!r} is not a cause"

    @property
    def value_words(self) -> str:
        """The value quoted as the file writes it: ``'Category/Cause'`` or ``'Cause'``."""
        if self.category_text:
            return repr(f"{self.category_text}/{self.cause_text}")
        return repr(self.cause_text)


class CauseDecisions:
    """Decides each distinct cause value once; rows look the decision up by their raw cells."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        choices: CauseMap | None,
        remembered: dict[ValueKey, int],
        *,
        create: bool,
        required: bool,
        planning: bool = False,
    ) -> None:
        self.taxonomy = taxonomy
        self.choices = choices or CauseMap()
        self.remembered = remembered
        self.create = create
        self.required = required
        self.planning = planning  # a plan suggests; it never creates
        self.by_key: dict[ValueKey, CauseDecision] = {}
        self.by_cells: dict[tuple[str, str], CauseDecision] = {}

    def decide(self, category_text: str, cause_text: str) -> CauseDecision:
        """The decision for a row's category and cause cells (made on first sight)."""
        cells = (category_text, cause_text)
        decision = self.by_cells.get(cells)
        if decision is None:
            key = value_key(category_text, cause_text)
            decision = self.by_key.get(key)
            if decision is None:
                decision = self.by_key[key] = self._decide(key, category_text, cause_text)
            self.by_cells[cells] = decision
        return decision

    def _decide(self, key: ValueKey, category_text: str, cause_text: str) -> CauseDecision:
        def decided(
            target: CauseTarget | None,
            reason: MatchReason | None,
            problem: tuple[ProblemKind, str] | None = None,
        ) -> CauseDecision:
            cause_id = None
            why = _name_problem(target) if target is not None and target.is_new else None
            if why is not None:
                problem = (ProblemKind.NAME_TOO_LONG, "cause")
            if target is not None and problem is None and not self.planning:
                cause_id = self.taxonomy.ensure(target)
            return CauseDecision(
                cause_id, target, reason, problem, category_text, cause_text, why=why
            )

        if key == ("", "") and not self.required:
            return decided(None, None)
        chosen = self.choices.target_for(key)
        if chosen is not None:
            chosen = self.taxonomy.resolve(chosen)
            if chosen.is_new and not self.create and not self.planning:
                return decided(
                    chosen, MatchReason.GIVEN, (ProblemKind.NEW_CAUSE_NOT_ALLOWED, "cause")
                )
            return decided(chosen, MatchReason.GIVEN)
        suggestion = self.taxonomy.suggest(key, self.remembered)
        if suggestion.target is not None and suggestion.reason in _SURE_SUGGESTIONS:
            return decided(suggestion.target, suggestion.reason)
        if self.create and key[1] and not self.planning:
            return decided(self.taxonomy.new_target(category_text, cause_text), MatchReason.NEW)
        kind, field_name = (
            (ProblemKind.CATEGORY_UNKNOWN, "category")
            if suggestion.unknown_category
            else (ProblemKind.CAUSE_NOT_MAPPED, "cause")
        )
        return CauseDecision(
            None,
            suggestion.target,
            suggestion.reason,
            (kind, field_name),
            category_text,
            cause_text,
        )

    def values(self) -> tuple[CauseValue, ...]:
        """Every value rows carried, most rows first, with where it goes."""
        counted = [d for d in self.by_key.values() if d.rows]
        counted.sort(key=lambda d: (-d.rows, d.cause_text.casefold()))
        return tuple(
            CauseValue(d.category_text, d.cause_text, d.rows, tuple(d.first), d.target, d.reason)
            for d in counted
            if d.target is not None or d.problem is not None
        )

    def cause_ids(self) -> dict[ValueKey, int]:
        """Each value rows carried and the cause it went to: what a remembered mapping keeps."""
        return {
            key: d.cause_id for key, d in self.by_key.items() if d.cause_id is not None and d.rows
        }

    def problems(self, columns: ColumnMap) -> list[ProblemGroup]:
        """One group per value with nowhere to go, most rows first."""
        groups = []
        for d in sorted(self.by_key.values(), key=lambda d: (-d.rows, d.first[:1])):
            if d.problem is None or not d.rows:
                continue
            kind, field_name = d.problem
            column = columns.describe(field_name)
            where = rows_text(d.rows, tuple(d.first))
            hint = f"; it looks like {d.target.label}" if d.target is not None else ""
            if d.why is not None:
                sentence = f"{column}: the value in {where} {d.why}"
                value = d.cause_text
            elif kind == ProblemKind.CATEGORY_UNKNOWN:
                sentence = f"{column}: {d.category_text!r} in {where} is not a category{hint}"
                value = d.category_text
            elif kind == ProblemKind.NEW_CAUSE_NOT_ALLOWED:
                assert d.target is not None
                sentence = (
                    f"{d.value_words}: {where} goes to {d.target.label}, "
                    "which is not in the list of causes yet"
                )
                value = d.cause_text
            elif not d.cause_text:
                suggested = f"; the suggestion is {d.target.label}" if d.target is not None else ""
                sentence = f"{columns.describe('cause')} is blank in {where}{suggested}"
                value = ""
            else:
                sentence = f"{d.value_words}: {where} is not a cause{hint}"
                value = d.cause_text
            groups.append(
                ProblemGroup(
                    kind, field_name, column, sentence, d.rows, tuple(d.first), value, d.target
                )
            )
        return groups


def _name_problem(target: CauseTarget) -> str | None:
    """Why a new cause or category cannot be named so (the names' columns are bounded)."""
    for what, name, limit in (
        ("a category name", target.category, CATEGORY_NAME_LIMIT),
        ("a cause name", target.cause, CAUSE_NAME_LIMIT),
    ):
        if limit is not None and len(name.strip()) > limit:
            return f"is {len(name.strip()):,} characters long; {what} is at most {limit}"
    return None
