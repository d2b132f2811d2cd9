"""Find USB sticks to export to: removable mounts on Linux, removable drive letters on Windows."""

from __future__ import annotations

import os
import string
import sys
from pathlib import Path

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


def windows_drives() -> list[Path]:  # pragma: no cover - exercised on Windows only
    import ctypes

    drives: list[Path] = []
    mask = ctypes.windll.kernel32.GetLogicalDrives()  # type: ignore[attr-defined]
    for index, letter in enumerate(string.ascii_uppercase):
        if mask & (1 << index):
            root = f"{letter}:\\"
            if ctypes.windll.kernel32.GetDriveTypeW(root) == DRIVE_REMOVABLE:  # type: ignore[attr-defined]
                drives.append(Path(root))
    return drives


def removable_drives() -> list[Path]:
    try:
        return windows_drives() if sys.platform == "win32" else linux_mounts()
    except OSError:
        return []
