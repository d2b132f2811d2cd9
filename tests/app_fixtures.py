"""Shared helpers for the app tests and benchmarks: a real device workspace holding a demo village.

Not a conftest: import what you need. ``demo_workspace(path, households)`` builds the workspace once
(the demo village is deterministic, see fieldkit.core.demo); ``copy_workspace`` gives each test its
own copy in milliseconds. Set FIELDKIT_SCRYPT_WORK_FACTOR low (tests/conftest.py does) to stay fast.
"""

from __future__ import annotations

import shutil
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fieldkit.core.demo import DEMO_TODAY, DEFAULT_VILLAGE_CODE, demo_entries, demo_events
from fieldkit.core.workspace import Workspace

PASSPHRASE = "correct horse 马 battery"
FEED = "d-0123456789abcdef"
FROZEN_NOW = datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, 10, 30, 0)


def frozen_clock() -> datetime:
    return FROZEN_NOW


def demo_workspace(path: Path, households: int = 120, *, seed: int | None = None) -> Path:
    """Create a device workspace at ``path`` holding a demo village of ``households`` households."""
    info = {
        "feed": FEED,
        "device": FEED,
        "village": DEFAULT_VILLAGE_CODE,
        "name": "演示笔记本",
        "device_name": "演示网格员",
    }
    kwargs = {} if seed is None else {"seed": seed}
    events = demo_events(households, today=DEMO_TODAY, **kwargs)
    workspace = Workspace.create(path, "device", info, {}, PASSPHRASE)
    try:
        workspace.store.add_entries(FEED, demo_entries(FEED, events))
    finally:
        workspace.close()
    return path


def copy_workspace(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    lock = dest / "store" / "lock"
    if lock.exists():
        lock.unlink()
    return dest


def open_workspace(path: Path) -> Workspace:
    return Workspace.open(path, PASSPHRASE)


def make_app(path: Path, lang: str = "zh", **kwargs: object):
    """The app on ``path`` with the clock frozen and the cursor not blinking."""
    from fieldkit.app.app import FieldkitApp

    options: dict[str, object] = {"clock": frozen_clock, "cursor_blink": False}
    options.update(kwargs)
    return FieldkitApp(path, lang, **options)  # type: ignore[arg-type]


async def wait_until(pilot, condition, timeout: float = 30.0, step: float = 0.02) -> None:
    """Let the app run until ``condition()`` holds (workers run in threads), or fail."""
    import time as _time

    deadline = _time.monotonic() + timeout
    while not condition():
        if _time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {getattr(condition, '__name__', condition)}")
        await pilot.pause(step)


async def wait_loaded(pilot) -> None:
    from fieldkit.app.components.home import HomeScreen

    await wait_until(pilot, lambda: pilot.app.snapshot is not None and isinstance(pilot.app.screen, HomeScreen))
    await pilot.pause()


async def tables_settled(pilot) -> None:
    """Let every DataTable on screen finish measuring its columns.

    A DataTable sizes its columns to new rows on its next Idle event, not when the rows are added;
    on a loaded machine a snapshot could catch the columns still sized to their headers. Textual 8.2.8
    keeps the pending work in these two attributes (read only here, in tests).
    """
    from textual.widgets import DataTable

    def settled() -> bool:
        return not any(t._require_update_dimensions or t._updated_cells for t in pilot.app.screen.query(DataTable))

    await wait_until(pilot, settled)
    await pilot.pause()


async def press_into(pilot, screen_type: type, *keys: str) -> None:
    """Press ``keys``, then let the app run until its screen is a ``screen_type``."""
    await pilot.press(*keys)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen_type))


def static_text(widget) -> str:
    """What a Static widget shows."""
    return str(widget.content)


@asynccontextmanager
async def loaded_app(path: Path, lang: str = "zh", size: tuple[int, int] = (80, 24), **kwargs: object):
    """``(app, pilot)``: the app on ``path`` unlocked with PASSPHRASE, its home screen loaded."""
    app = make_app(path, lang, passphrase=PASSPHRASE, **kwargs)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        yield app, pilot


def screen_text(app) -> str:
    """What the terminal shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def run_async(test):
    """Run an ``async def`` test with asyncio (no pytest-asyncio here); fixtures still inject."""
    import asyncio
    import functools

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper
