"""A save the database refused or could not take: say why, keep the form, offer a retry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from dft.store.database import DatabaseError
from dft.ui import ask

log = logging.getLogger(__name__)
T = TypeVar("T")


def save_with_retry(parent: QWidget, save: Callable[[], T]) -> tuple[bool, T | None]:
    """Run ``save``; when the database refuses or cannot be reached, say so and offer
    to try again. (True, result) once saved; (False, None) when the user keeps editing.
    Other errors (a field's ValidationError, ...) are the caller's to show."""
    while True:
        try:
            return True, save()
        except DatabaseError as error:
            log.warning("Not saved: %s", error)
            if not ask.ask_retry_save(parent, error):
                return False, None
