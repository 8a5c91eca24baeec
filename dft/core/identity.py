"""Who is using the app: recorded on every change (created by, changed by, history)."""

from __future__ import annotations

import getpass
import os

ENV_VARIABLE = "DFT_USER"


def current_user() -> str:
    """``DFT_USER`` when set, else the operating-system user name."""
    configured = os.environ.get(ENV_VARIABLE, "").strip()
    if configured:
        return configured[:120]
    try:
        return getpass.getuser()[:120]
    except (KeyError, OSError):  # no user entry (some containers)
        return "unknown"
