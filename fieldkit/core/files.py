"""Reading a whole input file (a key file, a spreadsheet, a bundle, a kit, a request) with one-line
errors. Oversized files are refused before a byte is read, with the caller's own error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fieldkit.core.errors import FieldkitError


def read_file(path: Path, *, limit: int | None = None, too_big: Callable[[int], Exception] | None = None) -> bytes:
    """The bytes of ``path``; ``io.not_found``/``io.read_failed`` for missing, folder or unreadable.

    With ``limit``, a file larger than that raises ``too_big(size)``.
    """
    path = Path(path)
    try:
        if limit is not None:
            size = path.stat().st_size
            if size > limit and not path.is_dir():
                raise too_big(size) if too_big else FieldkitError("io.read_failed", path=str(path), reason="too large")
        return path.read_bytes()
    except FileNotFoundError:
        raise FieldkitError("io.not_found", path=str(path)) from None
    except IsADirectoryError:
        raise FieldkitError("io.read_failed", path=str(path), reason="directory") from None
    except OSError as exc:
        raise FieldkitError("io.read_failed", path=str(path), reason=exc.strerror or type(exc).__name__) from None
