"""What the process does while it starts: no cyclic garbage collection until it is over.

Start-up builds what lives until exit (modules, classes, the window, the database's
engine). The collector finds no garbage in it, yet its passes cost a tenth of the
window's start (160 ms, tests/benchmarks), and once started a full pass over it
stalls the window for 60 ms now and then. So collecting pauses while the process
starts, and what start-up built is then frozen out of every later collection.
"""

from __future__ import annotations

import gc
import sys

_paused = False
_modules_frozen = 0  # how many modules were loaded at the last freeze (0: none yet)


def pause_collection() -> None:
    """Stop collecting cyclic garbage while the process starts."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def started() -> None:
    """Start-up is over: what it built stays out of later collections, which resume.
    Does nothing unless :func:`pause_collection` paused them (a caller's own process,
    such as the tests', keeps its collector as it is)."""
    global _paused
    if _paused:
        _paused = False
        _freeze()
        gc.enable()


def libraries_loaded() -> None:
    """Libraries loaded after start-up (matplotlib, reportlab: only when a chart or a
    report is first made) live until exit too: kept out of later collections likewise.
    Call it right after their import, before anything short-lived is made; it does
    nothing when no module was loaded since, or when start-up froze nothing."""
    if _modules_frozen and len(sys.modules) > _modules_frozen:
        _freeze()


def _freeze() -> None:
    global _modules_frozen
    gc.freeze()
    _modules_frozen = len(sys.modules)
