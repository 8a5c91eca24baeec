"""Writing the files a user names (reports, exports): whole or not at all.

Each file is written under a hidden temporary name beside it, then renamed over
the target, which keeps the permissions of the file it replaces (a 0600 report
stays 0600). When the disk fills up or the folder cannot be written, the
temporary file is removed, the target is left as it was, and the error is one
sentence naming the target: never the temporary name, never a traceback.
"""

from __future__ import annotations

import errno
import gc
import logging
import os
import stat
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from dft.core.errors import DftError

log = logging.getLogger(__name__)

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


class FileWriteError(DftError):
    """A file could not be written; nothing of it was left behind."""


def temporary_name(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place."""
    return path.with_name(f".{path.name}.partial")


def cannot_write(path: Path, error: OSError) -> str:
    """Why ``path`` could not be written, in one sentence naming it (not a temporary name)."""
    if error.errno in _FULL:
        why = "the disk is full"
    elif error.errno in _NOT_WRITABLE:
        why = f"the folder {path.parent} cannot be written to (no permission, or read-only)"
    else:
        why = (error.strerror or str(error) or "the system refused").lower()
    return f"cannot write {path}: {why}. Nothing was written; a file already there is unchanged."


class replacing:
    """``with replacing(a, b) as (part_a, part_b):`` write the temporary files, which
    replace ``a`` and ``b`` when the block ends without error.

    On any error the temporary files are removed; an OSError (a full disk, a folder
    that cannot be written) comes out as :class:`FileWriteError` naming the target.
    """

    def __init__(self, *paths: Path) -> None:
        self.paths = paths
        self.partials = tuple(temporary_name(path) for path in paths)

    def __enter__(self) -> tuple[Path, ...]:
        return self.partials

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        failed_on = self.paths[0]
        try:
            if error is None:
                for partial, path in zip(self.partials, self.paths, strict=True):
                    failed_on = path
                    _keep_mode(path, partial)
                    partial.replace(path)
                return
        except OSError as rename_error:
            error = rename_error
        finally:
            for partial in self.partials:
                _remove(partial)
        if isinstance(error, OSError):
            # An open names its file (the temporary one: said as its target); a write does not.
            for partial, path in zip(self.partials, self.paths, strict=True):
                if error.filename is not None and Path(error.filename) == partial:
                    failed_on = path
            _let_go(error)
            raise FileWriteError(cannot_write(failed_on, error)) from error


def _keep_mode(path: Path, partial: Path) -> None:
    """Give ``partial`` the permission bits of the ``path`` it replaces, if there is one."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    os.chmod(partial, mode)


def _remove(partial: Path) -> None:
    try:
        partial.unlink(missing_ok=True)
    except OSError:  # the folder cannot be written: then nothing was created in it either
        log.warning("Could not remove %s", partial)


def _let_go(error: BaseException) -> None:
    """Free what the failed writer left open, quietly.

    A writer stopped half-way leaves objects holding the temporary file (a zip
    archive, an open file); freeing them later makes each try to finish writing,
    fail again, and Python print "Exception ignored … Traceback" on stderr. They
    are freed here instead, and what they say goes to the log file.
    """
    previous = sys.unraisablehook

    def to_the_log(unraisable: Any) -> None:
        log.debug("While giving up a file: %s", unraisable.exc_value)

    sys.unraisablehook = to_the_log
    try:
        traceback.clear_frames(error.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = previous
