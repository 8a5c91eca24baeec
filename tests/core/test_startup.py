"""The process's start: no garbage collection while it starts, then frozen out of it."""

from __future__ import annotations

import gc
import sys
import types
from collections.abc import Iterator

import pytest

from dft.core import startup


@pytest.fixture(autouse=True)
def own_collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test process's collector as it was, whatever a test did to it."""
    monkeypatch.setattr(startup, "_paused", False)
    monkeypatch.setattr(startup, "_modules_frozen", 0)
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_collection_pauses_while_starting_and_resumes_frozen_once_started() -> None:
    startup.pause_collection()
    assert not gc.isenabled()
    startup.started()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_a_process_that_did_not_pause_keeps_its_collector_as_it_is() -> None:
    startup.started()
    startup.libraries_loaded()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_libraries_loaded_later_are_frozen_once(monkeypatch: pytest.MonkeyPatch) -> None:
    startup.pause_collection()
    startup.started()
    frozen = gc.get_freeze_count()
    startup.libraries_loaded()  # nothing loaded since
    assert gc.get_freeze_count() == frozen
    monkeypatch.setitem(sys.modules, "a_chart_library", types.ModuleType("a_chart_library"))
    library_objects = [[n] for n in range(100)]  # lists: always tracked by the collector
    startup.libraries_loaded()
    assert gc.get_freeze_count() >= frozen + len(library_objects)
    again = gc.get_freeze_count()
    startup.libraries_loaded()
    assert gc.get_freeze_count() == again
