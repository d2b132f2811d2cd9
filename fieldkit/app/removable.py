"""Find USB sticks to export to: removable mounts on Linux, removable drive letters on Windows."""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

LINUX_PATTERNS = ("media/*/*", "run/media/*/*", "media/*", "mnt/*")
DRIVE_REMOVABLE = 2  # GetDriveTypeW


def linux_mounts(root: Path = Path("/"), require_mount: bool = True) -> list[Path]:
    """Writable mount points under /media/<user>/*, /run/media/<user>/*, /media/*, /mnt/*."""
    found: list[Path] = []
    for pattern in LINUX_PATTERNS:
        for candidate in sorted(root.glob(pattern)):
            try:
                if not candidate.is_dir() or candidate in found:
                    continue
                if require_mount and not os.path.ismount(candidate):
                    continue
                if os.access(candidate, os.W_OK):
                    found.append(candidate)
            except OSError:
                continue
    # /media/<user> itself is a plain folder holding the mounts; keep only the leaves.
    return [p for p in found if not any(other != p and p in other.parents for other in found)]


SEM_FAILCRITICALERRORS = 0x0001  # SetErrorMode: an empty card reader must not pop up "no disk" dialogs


def windows_drives(kernel32: Any = None, ready: Callable[[str], bool] = os.path.isdir) -> list[Path]:
    """Drive letters Windows calls removable (USB sticks, card readers) that hold a medium now.

    ``kernel32`` is ``ctypes.windll.kernel32`` on Windows; tests pass a stand-in.
    """
    if kernel32 is None:  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    previous = kernel32.SetErrorMode(SEM_FAILCRITICALERRORS)
    try:
        drives: list[Path] = []
        mask = kernel32.GetLogicalDrives()
        for index, letter in enumerate(string.ascii_uppercase):
            if mask & (1 << index):
                root = f"{letter}:\\"
                if kernel32.GetDriveTypeW(root) == DRIVE_REMOVABLE and ready(root):
                    drives.append(Path(root))
        return drives
    finally:
        kernel32.SetErrorMode(previous)


def removable_drives() -> list[Path]:
    try:
        return windows_drives() if sys.platform == "win32" else linux_mounts()
    except OSError:
        return []
