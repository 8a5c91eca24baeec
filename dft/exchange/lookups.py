"""Resolving the causes and list names an imported file spells, once per spelling."""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.core.lists import find_entry, normalize_name
from dft.core.models import Category, Cause
from dft.core.taxonomy import OTHER, add_cause
from dft.exchange.values import CellError


class NameLookups:
    """Causes and list names as a file spells them, resolved once per distinct spelling.

    Unknown causes are added (under the row's category, else Other) only with
    ``create_causes``; unknown names are added to their list.
    """

    def __init__(self, session: Session, create_causes: bool) -> None:
        self.session = session
        self.create_causes = create_causes
        self.categories = {
            normalize_name(c.name).casefold(): c for c in session.scalars(select(Category))
        }
        self.by_path: dict[tuple[str, str], int] = {}
        self.by_name: dict[str, list[int]] = {}
        for cause, category in session.execute(select(Cause, Category).join(Category)):
            key = normalize_name(cause.name).casefold()
            self.by_path[(normalize_name(category.name).casefold(), key)] = cause.id
            self.by_name.setdefault(key, []).append(cause.id)
        self.names: dict[tuple[type, str], int] = {}
        self.resolved: dict[tuple[str, str | None], int] = {}
        self.normalized_names: dict[tuple[type, str], int] = {}
        self.created_causes: list[str] = []
        self.created_names: list[str] = []

    def cause(self, spec: str, category_name: str | None) -> int:
        """The cause id for a cell (cached: a file repeats a few causes many times)."""
        key = (spec, category_name)
        if key not in self.resolved:
            self.resolved[key] = self._cause(spec, category_name)
        return self.resolved[key]

    def _cause(self, spec: str, category_name: str | None) -> int:
        spec = normalize_name(spec)
        category_key = normalize_name(category_name or "").casefold()
        cause_key = spec.casefold()
        if "/" in spec:
            head, _, tail = spec.partition("/")
            path_key = (normalize_name(head).casefold(), normalize_name(tail).casefold())
            if path_key in self.by_path:
                return self.by_path[path_key]
        if category_key and (category_key, cause_key) in self.by_path:
            return self.by_path[(category_key, cause_key)]
        matches = self.by_name.get(cause_key, [])
        if len(matches) == 1 and not category_key:
            return matches[0]
        if len(matches) > 1 and not category_key:
            raise CellError(f"{spec!r} is a cause in several categories; add a category column")
        if category_key and category_key not in self.categories:
            raise CellError(f"unknown category {category_name!r}")
        if not self.create_causes:
            close = difflib.get_close_matches(cause_key, list(self.by_name), n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CellError(
                f"unknown cause {spec!r}{hint}; allow new causes (--create-causes) to add it"
            )
        category = self.categories.get(category_key) or self.categories.get(OTHER.casefold())
        if category is None:
            raise CellError(f"no category to put the new cause {spec!r} in")
        cause_id = add_cause(self.session, category.id, spec)
        self.by_path[(normalize_name(category.name).casefold(), cause_key)] = cause_id
        self.by_name.setdefault(cause_key, []).append(cause_id)
        self.created_causes.append(f"{category.name}/{spec}")
        return cause_id

    def name(self, model: type, value: str) -> int:
        """The id of the entry ``value`` in ``model``'s list, added when new (cached)."""
        key = (model, value)
        if key not in self.names:
            self.names[key] = self._name(model, value)
        return self.names[key]

    def _name(self, model: type, value: str) -> int:
        key = (model, normalize_name(value).casefold())
        if key not in self.normalized_names:
            entry = find_entry(self.session, model, value)
            if entry is None:
                entry = model(name=normalize_name(value), retired=False)
                self.session.add(entry)
                self.session.flush()
                self.created_names.append(f"{model.__name__.lower()} {entry.name!r}")
            self.normalized_names[key] = entry.id
        return self.normalized_names[key]
