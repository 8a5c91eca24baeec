"""Views that refresh only when seen: a hidden tab must not re-query on every change."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class RefreshWhenShown(QWidget):
    """Subclasses implement ``reload``; call ``data_changed`` on every change."""

    _stale = True

    def reload(self) -> None:
        """Read the view's data again."""
        raise NotImplementedError

    def data_changed(self) -> None:
        """The data changed: reload now if shown, else on the next show."""
        if self.isVisible():
            self.reload()
            self._stale = False
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.reload()
            self._stale = False
        super().showEvent(event)
