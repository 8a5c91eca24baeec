"""How every user action runs: a refusal is shown, undo is recorded, the change announced.

An action is a plain callable or an :class:`UndoableCommand`. :func:`run` runs
it now; :func:`run_in_background` runs long work off the GUI thread with
progress and Cancel. Both show a refusal (a :class:`~dft.core.errors.DftError`)
as a warning in one way; anything else is a bug and reaches the app's error
handler, which logs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from dft.core.errors import DftError
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.worker import BackgroundTask, Cancelled, Progress

T = TypeVar("T")


class UndoableCommand(QUndoCommand):
    """A user action Undo can take back: ``do`` runs it, ``undo`` reverses it.

    The first run happens before the command goes on the undo stack (so a
    refusal raises where the caller can show it); the stack's first ``redo``
    is then skipped, and later ones run ``do`` again.
    """

    def __init__(self, context: AppContext, text: str) -> None:
        super().__init__(text)
        self.context = context
        self._first = True

    @property
    def first_run(self) -> bool:
        """True during the run the user asked for, False when Redo replays it."""
        return self._first

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.do()

    def do(self) -> None:
        """Do the action (again, when Redo replays it)."""
        raise NotImplementedError

    def execute(self) -> UndoableCommand:
        """Run the action now (a refusal raises), then put it on the undo stack."""
        self.do()
        self.context.undo_stack.push(self)
        return self


@dataclass(frozen=True)
class Done(Generic[T]):
    """An action that went through, with what it returned."""

    value: T


@overload
def run(
    parent: QWidget,
    context: AppContext,
    action: UndoableCommand,
    *,
    failure_title: str = ...,
    forgets_undo: bool = ...,
) -> Done[UndoableCommand] | None: ...


@overload
def run(
    parent: QWidget,
    context: AppContext,
    action: Callable[[], T],
    *,
    failure_title: str = ...,
    forgets_undo: bool = ...,
) -> Done[T] | None: ...


def run(
    parent: QWidget,
    context: AppContext,
    action: UndoableCommand | Callable[[], T],
    *,
    failure_title: str = ask.CANNOT_DO_THAT,
    forgets_undo: bool = False,
) -> Done[Any] | None:
    """Run one user action now; None when it was refused (the user saw why).

    An :class:`UndoableCommand` goes on the undo stack. ``forgets_undo`` is for
    an action that cannot be undone and leaves the stack naming rows that are
    gone (purging, importing): the stack is cleared so Undo never replays past it.
    """
    try:
        result = action.execute() if isinstance(action, UndoableCommand) else action()
    except DftError as error:
        ask.warn(parent, error, failure_title)
        return None
    if forgets_undo:
        context.undo_stack.clear()
    return Done(result)


def run_in_background(
    parent: QWidget,
    context: AppContext,
    title: str,
    label: str,
    work: Callable[[Progress], T],
    on_done: Callable[[T], None],
    *,
    cancelled: str = "",
    writes: bool = False,
) -> BackgroundTask:
    """Run ``work`` off the GUI thread behind a progress dialog with Cancel.

    ``on_done`` gets the result; a failure is shown as a warning; a cancel is
    announced with ``cancelled`` when given. ``writes``: the views re-read
    afterwards whatever happened (the work's transaction kept all or nothing).
    """

    def finished(result: Any, error: BaseException | None) -> None:
        if isinstance(error, Cancelled):
            if cancelled:
                context.announce(cancelled)
        elif error is not None:
            ask.warn(parent, error)
        else:
            on_done(result)
        if writes:
            context.dataChanged.emit()

    task = BackgroundTask(parent, title, work, label)
    task.finished.connect(finished)
    return task.start()
