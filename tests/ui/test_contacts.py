"""Reaching the client: the phone number, e-mail and CRM link open with the desktop's programs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import QTextBrowser

from dft.core.models import Deal, FollowUp
from dft.ui import ask
from dft.ui.links import phone_url
from dft.ui.main_window import FOLLOW_UPS_TAB, MainWindow
from dft.ui.models.follow_ups_table import EMAIL_COLUMN, PHONE_COLUMN

PHONE = "+1 (919) 555-0142"
EMAIL = "maria.lopez@example.com"
CRM = "https://crm.example.com/deals/2041"


class Desktop(QObject):
    """Stands in for the desktop's phone, mail and browser programs: records what it opens."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def desktop() -> Iterator[Desktop]:
    catcher = Desktop()
    for scheme in ("tel", "mailto", "https"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher
    for scheme in ("tel", "mailto", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def deal_with_contacts(window: MainWindow) -> int:
    """The first deal of the table, now with the client's phone, e-mail and CRM link, and a
    call due."""
    deal_id = window.deals_model.deal_id_at(0)

    def add(session: Any) -> None:
        deal = session.get(Deal, deal_id)
        deal.client_phone, deal.client_email, deal.crm_link = PHONE, EMAIL, CRM
        if not any(f.done_at is None for f in deal.follow_ups):
            deal.follow_ups.append(FollowUp(due_on=window.context.today()))

    window.context.write(add)
    window.select_row(0)
    return deal_id


def click_text(qtbot: Any, browser: QTextBrowser, text: str) -> None:
    found = browser.document().find(text)
    assert not found.isNull(), browser.toPlainText()
    inside = QTextCursor(browser.document())
    inside.setPosition(found.selectionStart() + 2)
    point = browser.cursorRect(inside).center() + QPoint(1, 0)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_the_detail_pane_shows_the_contacts_and_opens_them(
    qtbot: Any, window: MainWindow, deal_with_contacts: int, desktop: Desktop
) -> None:
    browser = window.detail.browser
    shown = browser.toPlainText()
    assert PHONE in shown
    assert EMAIL in shown
    assert "Open the deal in the CRM" in shown
    click_text(qtbot, browser, PHONE)
    click_text(qtbot, browser, EMAIL)
    click_text(qtbot, browser, "Open the deal in the CRM")
    assert desktop.opened == ["tel:+19195550142", f"mailto:{EMAIL}", CRM]


def test_the_follow_ups_due_list_shows_the_contacts_and_opens_them(
    qtbot: Any, window: MainWindow, deal_with_contacts: int, desktop: Desktop,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    logged: list[object] = []
    monkeypatch.setattr("dft.ui.operations.calls.log_call", lambda *a, **k: logged.append(a))
    window.tabs.setCurrentIndex(FOLLOW_UPS_TAB)
    view = window.follow_ups
    model = view.model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).deal_id == deal_with_contacts)
    phone, email = model.index(row, PHONE_COLUMN), model.index(row, EMAIL_COLUMN)
    assert (phone.data(), email.data()) == (PHONE, EMAIL)
    assert phone.data(Qt.ItemDataRole.FontRole).underline()
    for index in (phone, email):
        qtbot.mouseClick(
            view.table.viewport(), Qt.MouseButton.LeftButton,
            pos=view.table.visualRect(index).center(),
        )  # fmt: skip
    assert desktop.opened == ["tel:+19195550142", f"mailto:{EMAIL}"]
    qtbot.mouseDClick(
        view.table.viewport(), Qt.MouseButton.LeftButton, pos=view.table.visualRect(phone).center()
    )
    assert logged == []  # a double click on the number calls; it does not log a call


def test_a_link_nothing_can_open_is_said_plainly(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.ui.operations import contacts

    said: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    monkeypatch.setattr(ask, "warn", lambda _p, text, _title="": said.append(text))
    contacts.open_link(window, phone_url(PHONE))
    assert said == [
        "No program on this computer calls phone numbers, so tel:+19195550142 could not be opened."
    ]


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("+1 (919) 555-0142", "tel:+19195550142"),
        ("919.555.0142 ext. 12", "tel:9195550142;ext=12"),
        ("0044 20 7946 0958 x7", "tel:00442079460958;ext=7"),
    ],
)
def test_phone_numbers_become_tel_links(typed: str, url: str) -> None:
    assert phone_url(typed).toString() == url
