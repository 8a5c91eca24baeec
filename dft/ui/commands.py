"""Undoable user actions. Each one runs its service in one transaction.

The first run happens before the command is pushed (so a refused action
raises where the caller can show it); ``redo`` then skips that first call.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtGui import QUndoCommand

from dft.core.deals import DealInput, log_deal, purge_deal, restore_deal, trash_deal, update_deal
from dft.core.follow_ups import (
    RecordedCall,
    cancel_follow_up,
    record_follow_up,
    schedule_follow_up,
    unrecord_follow_up,
)
from dft.ui.context import AppContext


class _Command(QUndoCommand):
    def __init__(self, context: AppContext, text: str) -> None:
        super().__init__(text)
        self.context = context
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.do()

    def do(self) -> None:
        raise NotImplementedError

    def execute(self) -> _Command:
        """Run the action now (may raise), then put it on the undo stack."""
        self.do()
        self.context.undo_stack.push(self)
        return self


class LogDealCommand(_Command):
    def __init__(self, context: AppContext, data: DealInput, create_names: bool) -> None:
        super().__init__(context, f"Log deal {data.client_name}")
        self.data = data
        self.create_names = create_names
        self.deal_id: int | None = None

    def do(self) -> None:
        self.deal_id = self.context.write(
            lambda s: log_deal(
                s,
                self.data,
                create_names=True if not self._first else self.create_names,
                today=self.context.today(),
            )
        )

    def undo(self) -> None:
        deal_id = self.deal_id
        assert deal_id is not None

        def remove(session: Any) -> None:
            trash_deal(session, deal_id)
            purge_deal(session, deal_id)

        self.context.write(remove)


class EditDealCommand(_Command):
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
        expected = self.expected_version if self._first else None
        self.context.write(
            lambda s: update_deal(
                s,
                self.deal_id,
                self.after,
                expected_version=expected,
                create_names=True if not self._first else self.create_names,
                today=self.context.today(),
            )
        )

    def undo(self) -> None:
        self.context.write(
            lambda s: update_deal(
                s, self.deal_id, self.before, create_names=True, today=self.context.today()
            )
        )


class TrashDealsCommand(_Command):
    def __init__(self, context: AppContext, deal_ids: list[int], label: str) -> None:
        super().__init__(context, f"Move {label} to the trash")
        self.deal_ids = list(deal_ids)

    def do(self) -> None:
        def trash(session: Any) -> None:
            for deal_id in self.deal_ids:
                trash_deal(session, deal_id)

        self.context.write(trash)

    def undo(self) -> None:
        def restore(session: Any) -> None:
            for deal_id in self.deal_ids:
                restore_deal(session, deal_id)

        self.context.write(restore)


class RestoreDealsCommand(TrashDealsCommand):
    def __init__(self, context: AppContext, deal_ids: list[int], label: str) -> None:
        super().__init__(context, deal_ids, label)
        self.setText(f"Restore {label} from the trash")

    def do(self) -> None:
        TrashDealsCommand.undo(self)

    def undo(self) -> None:
        TrashDealsCommand.do(self)


class RecordCallCommand(_Command):
    def __init__(self, context: AppContext, deal_id: int, call: dict[str, Any]) -> None:
        super().__init__(context, "Log follow-up call")
        self.deal_id = deal_id
        self.call = call
        self.recorded: RecordedCall | None = None

    def do(self) -> None:
        call = dict(self.call)
        if not self._first:
            call.pop("follow_up_id", None)
        self.recorded = self.context.write(lambda s: record_follow_up(s, self.deal_id, **call))

    def undo(self) -> None:
        recorded = self.recorded
        assert recorded is not None
        self.context.write(lambda s: unrecord_follow_up(s, recorded))


class ScheduleCallCommand(_Command):
    def __init__(
        self, context: AppContext, deal_id: int, due_on: date, caller: str | None = None
    ) -> None:
        super().__init__(context, "Schedule follow-up call")
        self.deal_id = deal_id
        self.due_on = due_on
        self.caller = caller
        self.follow_up_id: int | None = None

    def do(self) -> None:
        self.follow_up_id = self.context.write(
            lambda s: schedule_follow_up(s, self.deal_id, self.due_on, caller=self.caller)
        )

    def undo(self) -> None:
        follow_up_id = self.follow_up_id
        assert follow_up_id is not None
        self.context.write(lambda s: cancel_follow_up(s, follow_up_id))


class CancelCallCommand(ScheduleCallCommand):
    """Cancelling a scheduled call is scheduling it, backwards."""

    def __init__(
        self,
        context: AppContext,
        deal_id: int,
        follow_up_id: int,
        due_on: date,
        caller: str | None = None,
    ) -> None:
        super().__init__(context, deal_id, due_on, caller)
        self.setText("Cancel follow-up call")
        self.follow_up_id = follow_up_id

    def do(self) -> None:
        ScheduleCallCommand.undo(self)

    def undo(self) -> None:
        ScheduleCallCommand.do(self)
