"""Reads off the GUI thread for views: one at a time, the latest request answered."""

from __future__ import annotations

import threading
from typing import Any

from dft.ui.worker import BackgroundJob, BackgroundRead, Cancelled, Progress


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


def test_a_job_reports_progress_stops_when_cancelled_and_only_the_latest_answers(
    qtbot: Any,
) -> None:
    job = BackgroundJob()
    answers: list[object] = []
    steps: list[tuple[int, int]] = []
    job.finished.connect(lambda result, error: answers.append(error or result))
    job.progressed.connect(lambda done, total: steps.append((done, total)))
    started, release = threading.Event(), threading.Event()
    stopped_at: list[int] = []

    def slow(progress: Progress) -> str:
        started.set()
        for done in range(1, 1000):
            if not progress(done, 1000):
                stopped_at.append(done)
                raise Cancelled()
            assert release.wait(10)
        return "slow"

    job.start(slow)
    assert started.wait(10)
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.cancel()
        release.set()
    assert len(answers) == 1
    assert isinstance(answers[0], Cancelled)
    assert stopped_at  # the work saw the cancel at its next step and stopped there
    assert not job.busy

    answers.clear()
    steps.clear()
    release.clear()
    job.start(slow)  # replaced by the next start: cancelled, and its answer dropped
    job.start(lambda progress: "quick" if progress(1, 1) else "never")
    with qtbot.waitSignal(job.finished, timeout=5000):
        release.set()
    assert answers == ["quick"]
    assert steps[-1] == (1, 1)
    assert not job.busy
