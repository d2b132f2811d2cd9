"""Atomic, durable file writes: temp file in the same folder, fsync, rename, fsync the folder.

A crash or a full disk at any moment leaves either the old file or the new one, never a mix.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from fieldkit.core.errors import DiskFullError, FieldkitError


def fsync_dir(folder: Path) -> None:
    """Make a rename or create in ``folder`` durable. No-op where folders can't be opened (Windows)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _raise_write_error(exc: OSError, path: Path) -> None:
    if exc.errno == errno.ENOSPC:
        raise DiskFullError(path) from None
    raise FieldkitError("io.write_failed", path=str(path), reason=exc.strerror or type(exc).__name__) from None


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    On ENOSPC the temp file is removed and ``DiskFullError`` raised; the old file is untouched.
    """
    path = Path(path)
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(folder)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        _raise_write_error(exc, path)
