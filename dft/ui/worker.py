"""Long work off the GUI thread, with a progress dialog and Cancel.

The work function gets a ``progress(done, total) -> bool`` callback (the same
plain callback the core uses); it returns False once the user cancelled, and
the work should then raise :class:`Cancelled` so its transaction rolls back.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[int, int], bool]


class Cancelled(Exception):
    """The user pressed Cancel; nothing was written."""


class _Worker(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self._work = work
        self.cancel_requested = threading.Event()

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancel_requested.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self._progress)
            if self.cancel_requested.is_set():
                raise Cancelled()
        except BaseException as exc:  # reported to the GUI thread, never lost
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class BackgroundTask(QObject):
    """One run of ``work`` in a thread. ``finished`` carries (result, error)."""

    finished = Signal(object, object)

    def __init__(
        self,
        parent: QWidget,
        title: str,
        work: Callable[[Progress], Any],
        label: str = "",
    ) -> None:
        super().__init__(parent)
        self.result: Any = None
        self.error: BaseException | None = None
        self.dialog = QProgressDialog(label or title, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self._thread = QThread(self)
        self._worker = _Worker(work)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # The worker has no parent to delete it: it goes with its thread.
        self._thread.finished.connect(self._worker.deleteLater)
        self._worker.progressed.connect(self._on_progress)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.failed.connect(self._on_failed)
        self.dialog.canceled.connect(self.cancel)

    def start(self) -> BackgroundTask:
        """Start the work; the progress dialog shows if it takes a moment."""
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop; it rolls back and finishes with Cancelled."""
        self._worker.cancel_requested.set()
        self.dialog.setLabelText("Cancelling…")

    def _on_progress(self, done: int, total: int) -> None:
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)

    @property
    def running(self) -> bool:
        """True while the work's thread runs."""
        return self._thread.isRunning()

    def wait(self) -> None:
        """Block until the work has stopped (its thread is gone)."""
        self._thread.quit()
        self._thread.wait()

    def _finish(self) -> None:
        self.wait()
        self.dialog.close()
        self.finished.emit(self.result, self.error)
        # Done: nothing of it stays behind as a child of the window for a whole session.
        self.dialog.deleteLater()
        self.deleteLater()

    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        self._finish()

    def _on_failed(self, error: BaseException) -> None:
        self.error = error
        self._finish()


class BackgroundRead(QObject):
    """A view's reads off the GUI thread, with no dialog: the window stays usable.

    :meth:`start` runs ``work()`` in a thread of its own; ``finished(result, error)``
    arrives on the GUI thread. At most one read runs at a time: a request made while
    one runs (the filter changed meanwhile) waits for it, replacing any other waiting
    one, and the running read's answer, out of date by then, is dropped.
    """

    finished = Signal(object, object)
    _done = Signal(object, object)  # emitted from the reading thread: queued

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running = False
        self._waiting: Callable[[], Any] | None = None
        self._thread: threading.Thread | None = None
        self._done.connect(self._deliver)

    @property
    def busy(self) -> bool:
        """True from :meth:`start` until the latest request's answer arrived."""
        return self._running

    def start(self, work: Callable[[], Any]) -> None:
        """Read with ``work`` in the background: now, or once the running read is done."""
        if self._running:
            self._waiting = work
            return
        self._running = True

        def run() -> None:
            try:
                result, error = work(), None
            except BaseException as exc:  # handed to the GUI thread, never lost
                result, error = None, exc
            # RuntimeError: the view was closed meanwhile, and nobody waits.
            with contextlib.suppress(RuntimeError):
                self._done.emit(result, error)

        self._thread = threading.Thread(target=run, name="dft-background-read", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Drop the waiting request and block until the running read has returned its
        connection (before the database closes: a connection out in a thread, or one
        a later read opens, would be left open)."""
        self._waiting = None
        if self._thread is not None:
            self._thread.join(timeout)

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        self._running = False
        if self._waiting is not None:
            work, self._waiting = self._waiting, None
            self.start(work)
            return
        self.finished.emit(result, error)


def stop_background_work(owner: QObject) -> None:
    """Cancel every task still running under ``owner`` and wait for each to stop.

    Before the app exits: a QThread destroyed while it runs aborts the process.
    """
    for task in owner.findChildren(BackgroundTask):
        if task.running:
            task.cancel()
            task.wait()


class BackgroundJob(QObject):
    """Work off the GUI thread with progress and cancel, but no dialog: the caller shows
    the progress in its own window, which stays usable.

    :meth:`start` runs ``work(progress)`` in a thread of its own; a start while one runs
    cancels it, and only the latest run's ``finished(result, error)`` arrives (on the
    GUI thread). ``progressed(done, total)`` follows the latest run.
    """

    progressed = Signal(int, int)
    finished = Signal(object, object)
    # Emitted from the working thread (queued to this object's thread) with the run's number.
    _progress = Signal(int, int, int)
    _done = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run = 0
        self._cancel = threading.Event()
        self._running = False
        self._progress.connect(self._on_progress)
        self._done.connect(self._deliver)

    @property
    def busy(self) -> bool:
        """True from :meth:`start` until its answer (or its cancellation) arrived."""
        return self._running

    def start(self, work: Callable[[Progress], Any]) -> None:
        """Run ``work`` in the background, cancelling the run before it, if any."""
        self._cancel.set()
        self._run += 1
        run, cancel = self._run, threading.Event()
        self._cancel = cancel
        self._running = True

        def progress(done: int, total: int) -> bool:
            with contextlib.suppress(RuntimeError):  # the owner was closed meanwhile
                self._progress.emit(run, done, total)
            return not cancel.is_set()

        def body() -> None:
            try:
                result, error = work(progress), None
                if cancel.is_set():
                    raise Cancelled()
            except BaseException as exc:  # handed to the GUI thread, never lost
                result, error = None, exc
            with contextlib.suppress(RuntimeError):
                self._done.emit(run, result, error)

        threading.Thread(target=body, name="dft-background-job", daemon=True).start()

    def cancel(self) -> None:
        """Stop the running work; ``finished`` then carries :class:`Cancelled`."""
        self._cancel.set()

    def _on_progress(self, run: int, done: int, total: int) -> None:
        if run == self._run:
            self.progressed.emit(done, total)

    def _deliver(self, run: int, result: Any, error: BaseException | None) -> None:
        if run != self._run:
            return  # a run replaced by a newer one: nobody waits for it
        self._running = False
        if self._cancel.is_set():  # Stop pressed after the work's last step: still stopped
            result, error = None, Cancelled()
        self.finished.emit(result, error)
