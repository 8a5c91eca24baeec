"""What the Manage causes and Manage names dialogs share: asking for a name or a
choice, and running one change that the user is told about when it is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from dft.core.errors import DftError
from dft.ui import ask
from dft.ui.context import AppContext


class EditsLists:
    """A mixin for a widget with an AppContext in ``_context``."""

    _context: AppContext

    def write_or_warn(self, work: Callable[[Session], Any]) -> tuple[bool, Any]:
        """(True, result) when the change was saved; else the user saw why, (False, None)."""
        try:
            return True, self._context.write(work)
        except DftError as exc:
            ask.warn(cast(QWidget, self), exc)
            return False, None
