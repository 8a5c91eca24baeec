"""Reads off the GUI thread for views: one at a time, the latest request answered."""

from __future__ import annotations

import threading
from typing import Any

from dft.ui.worker import BackgroundRead


def test_a_request_made_while_one_runs_waits_and_only_the_latest_is_answered(
    qtbot: Any,
) -> None:
    reader = BackgroundRead()
    answers: list[object] = []
    reader.finished.connect(lambda result, error: answers.append(error or result))
    release = threading.Event()
    ran: list[str] = []

    def read(name: str, wait: bool = False) -> Any:
        def work() -> str:
            ran.append(name)
            if wait:
                assert release.wait(10)
            return name

        return work

    reader.start(read("first", wait=True))
    qtbot.waitUntil(lambda: ran == ["first"])
    reader.start(read("second"))
    reader.start(read("third"))
    assert reader.busy
    with qtbot.waitSignal(reader.finished, timeout=5000):
        release.set()
    assert answers == ["third"]
    assert ran == ["first", "third"]  # the second was replaced before it ran
    assert not reader.busy


def test_a_failure_is_handed_to_the_gui_thread(qtbot: Any) -> None:
    reader = BackgroundRead()

    def fail() -> None:
        raise LookupError("gone")

    with qtbot.waitSignal(reader.finished, timeout=5000) as blocker:
        reader.start(fail)
    result, error = blocker.args
    assert result is None
    assert isinstance(error, LookupError)
