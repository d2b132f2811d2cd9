"""The one call the export screen makes. It delegates to the sync engineer's bundle writer; keep
the signature so the screen never changes when the bundle format does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldkit.core.errors import FieldkitError

Progress = Callable[[int, int], None]


def export_bundle(workspace: Any, dest_dir: Path, progress: Progress) -> Path:
    """Write this laptop's bundle into ``dest_dir``; ``progress(done, total)`` as it goes."""
    try:
        from sync.bundle import write_bundle
    except ImportError:
        raise FieldkitError("app.export.unavailable") from None
    return Path(write_bundle(workspace, Path(dest_dir), progress=progress))


def receipt_line(workspace: Any) -> str | None:
    """One line about the township's last receipt for this laptop (a kit brings it), or None."""
    try:
        from sync.refresh import receipt_text
    except ImportError:
        return None
    try:
        return receipt_text(workspace)
    except FieldkitError:
        return None
