"""File dialogs open where that kind of file went last time, else in the documents folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from dft.ui.main_window import MainWindow
from dft.ui.operations import databases, exchange


class Dialogs:
    """Answers the file dialogs like a user: records where each opened, picks ``answers``."""

    def __init__(self) -> None:
        self.opened_in: list[str] = []
        self.answers: list[Path] = []

    def pick(self, _parent: Any, _title: str, start: str, _filters: str = "") -> tuple[str, str]:
        self.opened_in.append(start)
        answer = self.answers.pop(0)
        answer.parent.mkdir(parents=True, exist_ok=True)
        return str(answer), ""


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch, isolated_user_folders: Path) -> Dialogs:
    fake = Dialogs()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake.pick))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake.pick))
    (isolated_user_folders / "Documents").mkdir()
    return fake


def test_each_kind_of_file_opens_where_it_went_last_else_in_documents(
    qtbot: Any, window: MainWindow, dialogs: Dialogs, tmp_path: Path,
    isolated_user_folders: Path,
) -> None:  # fmt: skip
    documents = isolated_user_folders / "Documents"
    first, second = tmp_path / "exports" / "october.xlsx", tmp_path / "exports" / "again.xlsx"
    dialogs.answers = [first, second]
    for _ in range(2):
        task = exchange.export_deals(window, window.context, window.filter_bar.current_filter())
        assert task is not None
        with qtbot.waitSignal(task.finished, timeout=30_000):
            pass
    assert dialogs.opened_in == [
        str(documents / "dft-deals.xlsx"),
        str(first.parent / "dft-deals.xlsx"),
    ]
    assert second.exists()

    chart = tmp_path / "charts" / "pareto.png"
    dialogs.answers = [chart]
    window.tabs.setCurrentWidget(window.dashboard)
    qtbot.waitUntil(lambda: window.dashboard.built)
    window.dashboard.panels["pareto"].save()
    # Another kind of file: not the export's folder, and never the working directory.
    assert dialogs.opened_in[-1] == str(documents / "pareto.png")
    assert not dialogs.opened_in[-1].startswith(os.getcwd() + os.sep)
    assert chart.exists()

    picked = tmp_path / "databases" / "team.sqlite3"
    dialogs.answers = [picked, picked]
    assert databases.choose_database(window, window.context.settings) == str(picked)
    databases.choose_database(window, window.context.settings)
    assert dialogs.opened_in[-2:] == [str(documents), str(picked.parent)]
