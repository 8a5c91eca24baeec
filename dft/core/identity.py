"""Who is using the app: recorded on every change (created by, changed by, history)."""

from __future__ import annotations

import getpass
import os

from dft.core.errors import ValidationError
from dft.core.fields import text_problem, without_control_characters

ENV_VARIABLE = "DFT_USER"
MAX_LENGTH = 120

# The name set in the app (Edit > Your name); None: not set there.
_chosen_name: str | None = None


def use_name(name: str | None) -> None:
    """Record ``name`` from now on (the app's setting); blank or None: back to the default.

    A name with a control character or longer than the columns that record it is
    refused (ValidationError on ``name``): it is written on every change.
    """
    global _chosen_name
    cleaned = " ".join((name or "").split())
    problem = text_problem(name or "", None) or text_problem(cleaned, MAX_LENGTH)
    if problem is not None:
        raise ValidationError("name", f"Your name {problem}.")
    _chosen_name = cleaned or None


def current_user() -> str:
    """The name chosen in the app, else ``DFT_USER``, else the operating-system user name."""
    if _chosen_name:
        return _chosen_name
    # Names from the environment are not typed here: cleaned rather than refused.
    configured = " ".join(without_control_characters(os.environ.get(ENV_VARIABLE, "")).split())
    if configured:
        return configured[:MAX_LENGTH]
    try:
        login = " ".join(without_control_characters(getpass.getuser()).split())
        return login[:MAX_LENGTH] or "unknown"
    except (KeyError, OSError):  # no user entry (some containers)
        return "unknown"
