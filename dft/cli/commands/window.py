"""``dft`` with no command: the desktop app, whose Qt is imported only here."""

from __future__ import annotations

import argparse

from dft.core.startup import started


def cmd_window(args: argparse.Namespace) -> int:
    """Open the app's window on the chosen database; returns its exit code."""
    # The database layer before Qt: PySide6's import hook reads the source of every
    # module imported after it (looking for `from __feature__ import`), which cost
    # SQLAlchemy and the models 30-70 ms of the window's start.
    import dft.store.database  # noqa: F401
    from dft.ui.app import run

    return int(run(args.db, when_shown=started))
