"""Deals: log a new one, edit, move to the trash and back, delete for good, empty the trash."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from dft.core import deals as deal_service
from dft.core import history
from dft.core.deal_input import DealInput
from dft.core.errors import ConflictError
from dft.ui import ask, shortcuts
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal
from dft.ui.dialogs.deal_editor import DealEditorDialog
from dft.ui.formatting import count_of
from dft.ui.operations.runner import UndoableCommand, run


class LogDealCommand(UndoableCommand):
    """Log a lost deal; undo deletes it again."""

    def __init__(self, context: AppContext, data: DealInput, create_names: bool) -> None:
        super().__init__(context, f"Log deal {data.client_name}")
        self.data = data
        self.create_names = create_names
        self.deal_id: int | None = None

    def do(self) -> None:
        self.deal_id = self.context.write(
            lambda s: deal_service.log_deal(
                s,
                self.data,
                # Redo must not stop at a name the user already agreed to add.
                create_names=self.create_names or not self.first_run,
                today=self.context.today(),
            )
        )

    def undo(self) -> None:
        deal_id = self.deal_id
        assert deal_id is not None

        def remove(session: Session) -> None:
            deal_service.trash_deal(session, deal_id)
            deal_service.purge_deal(session, deal_id)

        self.context.write(remove)


class EditDealCommand(UndoableCommand):
    """Replace a deal's fields; undo puts the previous ones back."""

    def __init__(
        self,
        context: AppContext,
        deal_id: int,
        before: DealInput,
        after: DealInput,
        expected_version: int | None,
        create_names: bool,
    ) -> None:
        super().__init__(context, f"Edit deal {after.client_name}")
        self.deal_id = deal_id
        self.before = before
        self.after = after
        self.expected_version = expected_version
        self.create_names = create_names

    def do(self) -> None:
        # Only the edit the user made checks for someone else's save in between.
        expected = self.expected_version if self.first_run else None
        self.context.write(
            lambda s: deal_service.update_deal(
                s,
                self.deal_id,
                self.after,
                expected_version=expected,
                create_names=self.create_names or not self.first_run,
                today=self.context.today(),
            )
        )

    def undo(self) -> None:
        self.context.write(
            lambda s: deal_service.update_deal(
                s, self.deal_id, self.before, create_names=True, today=self.context.today()
            )
        )


class TrashDealsCommand(UndoableCommand):
    """Move deals to the trash; undo restores them."""

    def __init__(self, context: AppContext, deal_ids: list[int], label: str) -> None:
        super().__init__(context, f"Move {label} to the trash")
        self.deal_ids = list(deal_ids)

    def do(self) -> None:
        self.context.write(self._trash)

    def undo(self) -> None:
        self.context.write(self._restore)

    def _trash(self, session: Session) -> None:
        for deal_id in self.deal_ids:
            deal_service.trash_deal(session, deal_id)

    def _restore(self, session: Session) -> None:
        for deal_id in self.deal_ids:
            deal_service.restore_deal(session, deal_id)


class RestoreDealsCommand(TrashDealsCommand):
    """Take deals out of the trash; undo puts them back in."""

    def __init__(self, context: AppContext, deal_ids: list[int], label: str) -> None:
        super().__init__(context, deal_ids, label)
        self.setText(f"Restore {label} from the trash")

    def do(self) -> None:
        self.context.write(self._restore)

    def undo(self) -> None:
        self.context.write(self._trash)


def new_deal(parent: QWidget, context: AppContext) -> int | None:
    """Log a lost deal in the editor; the new deal's id, or None when cancelled."""
    created: list[int] = []

    def save(data: DealInput, create_names: bool) -> bool:
        command = LogDealCommand(context, data, create_names)
        command.execute()
        assert command.deal_id is not None
        created.append(command.deal_id)
        return True

    if not run_modal(DealEditorDialog(context, save, parent=parent)) or not created:
        return None
    context.announce("Deal logged; a follow-up call is scheduled.")
    return created[0]


def edit_deal(parent: QWidget, context: AppContext, deal_id: int) -> None:
    """Edit a deal in the editor; a save someone else's overtook asks whose version stays."""
    before = context.read(lambda s: deal_service.get_deal(s, deal_id))

    def save(data: DealInput, create_names: bool) -> bool:
        if data == before.input:
            return True
        try:
            EditDealCommand(
                context, deal_id, before.input, data, before.version, create_names
            ).execute()
        except ConflictError:
            choice = ask.ask_conflict(parent, _differences(context, deal_id, data))
            if choice == ask.ConflictChoice.OVERWRITE:
                EditDealCommand(context, deal_id, before.input, data, None, create_names).execute()
                return True
            if choice == ask.ConflictChoice.DISCARD:
                context.dataChanged.emit()
                return True
            return False
        return True

    run_modal(DealEditorDialog(context, save, deal_id=deal_id, parent=parent))


def _differences(
    context: AppContext, deal_id: int, mine: DealInput
) -> list[tuple[str, str | None, str | None]]:
    """(field, my value, their value) where my edit and the saved deal now differ."""

    def compare(session: Session) -> list[tuple[str, str | None, str | None]]:
        theirs = history.readable(session, deal_service.get_deal(session, deal_id).input)
        ours = history.readable(session, mine)
        return [
            (label, ours.get(name), theirs.get(name))
            for name, label in history.LABELS.items()
            if ours.get(name) != theirs.get(name)
        ]

    return context.read(compare)


def trash_deals(parent: QWidget, context: AppContext, deal_ids: list[int]) -> None:
    """Move deals to the trash (Undo brings them back)."""
    label = count_of(len(deal_ids), "deal")
    if run(parent, context, TrashDealsCommand(context, deal_ids, label)):
        context.announce(
            f"Moved {label} to the trash. Undo with {shortcuts.label(shortcuts.UNDO)}.", 8000
        )


def restore_deals(parent: QWidget, context: AppContext, deal_ids: list[int]) -> None:
    """Take deals out of the trash."""
    if not deal_ids:
        return
    label = count_of(len(deal_ids), "deal")
    command = RestoreDealsCommand(context, deal_ids, label)
    if run(parent, context, command, failure_title="Cannot restore"):
        context.announce(f"Restored {label}.")


def purge_deals(parent: QWidget, context: AppContext, deal_ids: list[int]) -> None:
    """Delete trashed deals for good, after a yes."""
    if not deal_ids:
        return
    label = "this deal" if len(deal_ids) == 1 else f"these {len(deal_ids)} deals"
    if ask.confirm(
        parent,
        "Delete forever?",
        f"Delete {label} and their calls for good? This cannot be undone.",
    ):
        run(parent, context, lambda: _write_purge(context, deal_ids), forgets_undo=True)


def _write_purge(context: AppContext, deal_ids: list[int]) -> int:
    return context.write(lambda s: deal_service.purge_deals(s, deal_ids))


def empty_trash(parent: QWidget, context: AppContext) -> None:
    """Delete every deal in the trash for good, after a yes."""
    if ask.confirm(
        parent,
        "Empty the trash?",
        "Delete every deal in the trash for good? This cannot be undone.",
    ):
        run(parent, context, lambda: context.write(deal_service.empty_trash), forgets_undo=True)
