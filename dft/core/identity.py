"""Who is using the app: recorded on every change (created by, changed by, history)."""

from __future__ import annotations

import getpass
import os

ENV_VARIABLE = "DFT_USER"
MAX_LENGTH = 120

# The name set in the app (Edit > Your name); None: not set there.
_chosen_name: str | None = None


def use_name(name: str | None) -> None:
    """Record ``name`` from now on (the app's setting); blank or None: back to the default."""
    global _chosen_name
    cleaned = " ".join((name or "").split())[:MAX_LENGTH]
    _chosen_name = cleaned or None


def current_user() -> str:
    """The name chosen in the app, else ``DFT_USER``, else the operating-system user name."""
    if _chosen_name:
        return _chosen_name
    configured = os.environ.get(ENV_VARIABLE, "").strip()
    if configured:
        return configured[:MAX_LENGTH]
    try:
        return getpass.getuser()[:MAX_LENGTH]
    except (KeyError, OSError):  # no user entry (some containers)
        return "unknown"
