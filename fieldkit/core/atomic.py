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


def atomic_write(path: Path, data: bytes, *, keep_previous: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    With ``keep_previous`` the old file is kept as ``<name>.prev`` (hard link, so the swap itself is
    still one rename). On ENOSPC the temp file is removed and ``DiskFullError`` raised; the old file
    is untouched.
    """
    path = Path(path)
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep_previous and path.exists():
            prev = folder / f"{path.name}.prev"
            prev.unlink(missing_ok=True)
            os.link(path, prev)
        os.replace(tmp, path)
        fsync_dir(folder)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        if exc.errno == errno.ENOSPC:
            raise DiskFullError(path) from None
        raise FieldkitError("io.write_failed", path=str(path), reason=exc.strerror or type(exc).__name__) from None


def durable_append(path: Path, data: bytes) -> None:
    """Append ``data`` to ``path`` and fsync before returning (used for small journals)."""
    path = Path(path)
    created = not path.exists()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            fsync_dir(path.parent)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFullError(path) from None
        raise FieldkitError("io.write_failed", path=str(path), reason=exc.strerror or type(exc).__name__) from None
