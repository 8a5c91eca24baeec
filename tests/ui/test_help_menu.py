"""Help: the keyboard shortcuts, the log folder, About."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from dft.store.location import user_log_dir
from dft.ui import ask
from dft.ui.main_window import MainWindow


def help_action(window: MainWindow, text: str) -> Any:
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    [action] = [a for a in menu.actions() if a.text().replace("&", "") == text]
    return action


def test_open_log_folder_shows_the_folder_of_the_log_file(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    warned: list[str] = []
    monkeypatch.setattr(ask, "warn", lambda _p, problem, *_a: warned.append(str(problem)))
    help_action(window, "Open log folder").trigger()
    assert [url.toLocalFile() for url in opened] == [str(user_log_dir())]
    assert user_log_dir().is_dir()  # made when it did not exist yet
    assert warned == []


def test_without_a_file_manager_the_user_is_told_where_the_log_is(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    warned: list[str] = []
    monkeypatch.setattr(ask, "warn", lambda _p, problem, *_a: warned.append(str(problem)))
    help_action(window, "Open log folder").trigger()
    assert len(warned) == 1
    assert str(user_log_dir()) in warned[0]


def test_the_shortcut_list_shows_keys_as_the_platform_writes_them(window: MainWindow) -> None:
    import re

    from dft.ui.help_menu import shortcuts_html

    listed = dict(
        re.findall(r"<tr><td>(.*?)</td><td><b>(.*?)</b></td></tr>", shortcuts_html(window))
    )
    assert listed["Find"] == "Ctrl+F"
    assert listed["Keyboard shortcuts"] == "F1"
    assert listed["New deal"] == "Ctrl+N"
    assert listed["Move to trash"] == "Del"
    assert listed["Redo"] == "Ctrl+Shift+Z, Ctrl+Y"
    # Never the names Qt gives a keyboard's dedicated keys ("Find", "Help", "Undo", "New").
    for keys in listed.values():
        for key in keys.split(", "):
            assert "+" in key or re.fullmatch(r"F\d+|Del", key), keys
