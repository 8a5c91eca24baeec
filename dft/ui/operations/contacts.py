"""Reaching the client: call the phone number, write the e-mail, open the deal in the CRM,
each with the program the desktop uses for it."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from dft.ui import ask

# What the user is told is missing when nothing opens a kind of link.
_PROGRAMS = {"tel": "calls phone numbers", "mailto": "writes e-mail"}


def open_link(parent: QWidget, url: QUrl) -> None:
    """Open a ``tel:``, ``mailto:`` or web link; say so when the desktop has nothing for it."""
    if QDesktopServices.openUrl(url):
        return
    what = _PROGRAMS.get(url.scheme(), "opens web pages")
    ask.warn(
        parent,
        f"No program on this computer {what}, so {url.toString()} could not be opened.",
        "Cannot open the link",
    )
