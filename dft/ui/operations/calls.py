"""Follow-up calls: log one, schedule another, cancel a planned one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QWidget

from dft.core import follow_ups as call_service
from dft.core.follow_ups import RecordedCall
from dft.ui import ask, shortcuts
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal
from dft.ui.dialogs.call_dialog import CallDialog
from dft.ui.operations.runner import UndoableCommand, run


class RecordCallCommand(UndoableCommand):
    """Record a call (filling the scheduled one it answers); undo takes it back exactly."""

    def __init__(self, context: AppContext, deal_id: int, call: dict[str, Any]) -> None:
        super().__init__(context, "Log follow-up call")
        self.deal_id = deal_id
        self.call = call
        self.recorded: RecordedCall | None = None

    def do(self) -> None:
        call = dict(self.call)
        if not self.first_run:
            call.pop("follow_up_id", None)
        self.recorded = self.context.write(
            lambda s: call_service.record_follow_up(s, self.deal_id, **call)
        )

    def undo(self) -> None:
        recorded = self.recorded
        assert recorded is not None
        self.context.write(lambda s: call_service.unrecord_follow_up(s, recorded))


class ScheduleCallCommand(UndoableCommand):
    """Plan a call; undo drops it."""

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
            lambda s: call_service.schedule_follow_up(
                s, self.deal_id, self.due_on, caller=self.caller
            )
        )

    def undo(self) -> None:
        follow_up_id = self.follow_up_id
        assert follow_up_id is not None
        self.context.write(lambda s: call_service.cancel_follow_up(s, follow_up_id))


class CancelCallCommand(ScheduleCallCommand):
    """Cancelling a planned call is scheduling it, backwards."""

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


def log_call(
    parent: QWidget, context: AppContext, deal_id: int, follow_up_id: int | None = None
) -> None:
    """Record a call with a deal's client (answering planned call ``follow_up_id``, if given)."""

    def save(call: dict[str, Any]) -> None:
        RecordCallCommand(context, deal_id, call).execute()

    if run_modal(CallDialog(context, deal_id, save, follow_up_id=follow_up_id, parent=parent)):
        context.announce("Follow-up call logged.")


def schedule_call(parent: QWidget, context: AppContext, deal_id: int) -> None:
    """Plan another call with a deal's client, on a day the user picks."""
    due = ask.ask_date(
        parent, "Schedule a call", "Call the client on:", context.today() + timedelta(days=1)
    )
    if due is not None:
        run(parent, context, ScheduleCallCommand(context, deal_id, due))


def cancel_call(parent: QWidget, context: AppContext, deal_id: int, follow_up_id: int) -> None:
    """Drop a planned call (Undo plans it again)."""
    call = context.read(lambda s: call_service.scheduled_call(s, follow_up_id))
    if call is None:
        return
    command = CancelCallCommand(context, deal_id, follow_up_id, call.due_on, call.caller)
    if run(parent, context, command):
        context.announce(f"Call cancelled. Undo with {shortcuts.label(shortcuts.UNDO)}.")
