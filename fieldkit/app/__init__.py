"""The field app (Textual). ``run_app`` is what ``fieldkit`` with no subcommand calls."""

from __future__ import annotations

from pathlib import Path


def run_app(workspace_dir: Path | None, lang: str = "zh", unlock_hint: str = "") -> int:
    """Open the field app on ``workspace_dir`` (None: the platform data dir). Returns an exit code.

    ``unlock_hint`` is shown on the unlock screen (the demo prints its passphrase there)."""
    from fieldkit.app.app import run_app as _run

    return _run(workspace_dir, lang, unlock_hint=unlock_hint)
