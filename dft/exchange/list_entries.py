"""Salespeople, lead sources and communities as an imported file spells them: each name
looked up once, added to its list when new, and noted for the summary."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.core.imported import ListEntryModel
from dft.core.lists import LIST_LABELS, ListModel, close_name, find_entry, normalize_name


class ListEntries:
    """Salespeople, lead sources and communities as a file spells them, each looked up once.

    A name not in its list yet is added to it (and noted for the summary).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.names: dict[tuple[type, str], int] = {}
        self.normalized: dict[tuple[type, str], int] = {}
        self.created: list[str] = []  # "salesperson 'Pat Newman'", for the summary
        self.created_ids: list[tuple[ListEntryModel, int]] = []
        self.known: dict[type, list[str]] = {}  # each list's names before this import

    def id(self, model: type[ListModel], value: str) -> int:
        """The id of the entry ``value`` in ``model``'s list, added when new."""
        key = (model, value)
        if key not in self.names:
            self.names[key] = self._id(model, value)
        return self.names[key]

    def _id(self, model: type[ListModel], value: str) -> int:
        key = (model, normalize_name(value).casefold())
        if key not in self.normalized:
            entry = find_entry(self.session, model, value)
            if entry is None:
                entry = model(name=normalize_name(value), retired=False)
                self.session.add(entry)
                self.session.flush()
                self.created.append(self._created_text(model, entry.name))
                self.created_ids.append((model, entry.id))
            self.normalized[key] = entry.id
        return self.normalized[key]

    def _created_text(self, model: type[ListModel], name: str) -> str:
        """``lead source 'Referrals'``, with the name it is close to when there is one:
        "Referrals" beside "Referral" is one lead source spelled two ways, which
        Edit > Salespeople, lead sources, communities… merges (the editor asks the same)."""
        if model not in self.known:
            self.known[model] = list(self.session.scalars(select(model.name)))
        text = f"{LIST_LABELS[model]} {name!r}"
        close = close_name(name, [known for known in self.known[model] if known != name])
        return f"{text} (close to {close!r})" if close else text
