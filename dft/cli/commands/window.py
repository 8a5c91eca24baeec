"""``dft`` with no command: the desktop app, whose Qt is imported only here."""

from __future__ import annotations

import argparse

from dft.core.startup import started


def cmd_window(args: argparse.Namespace) -> int:
    """Open the app's window on the chosen database; returns its exit code."""
    from dft.ui.app import run

    return int(run(args.db, when_shown=started))
