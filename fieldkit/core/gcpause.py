"""Pause Python's cyclic garbage collector around bulk work.

Loading a store, folding 20,000+ events or importing a 45,000-person roster allocates millions of
objects and no reference cycles (reference counting frees them all). With the collector running, its
passes rescan every live object again and again: about a quarter of the time of a fold.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Process-wide, restored on exit; if the collector was already off it stays off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_collected = threading.Event()
_collected.set()


def collect_in_background() -> None:
    """A full collection (of frozen objects too) in a daemon thread, for a process about to load.

    Called when the app starts, before its data exists: the heap is small then, and the key
    derivation that runs meanwhile leaves the GIL free. ``keep_out_of_collections`` waits for it, so
    what gets frozen next holds no garbage: a process that runs one app after another (the test
    suite) would otherwise keep every earlier app's reference cycles (169 MB grew to 426 MB).
    """
    _collected.clear()

    def run() -> None:
        try:
            gc.unfreeze()
            gc.collect()
        finally:
            _collected.set()

    threading.Thread(target=run, name="fieldkit-gc", daemon=True).start()


def keep_out_of_collections() -> None:
    """Exempt every object alive now from future cyclic collections (``gc.freeze``).

    For a long-running process right after it loaded what it keeps for its whole life (the app's
    store, 20,000+ entries; later the pinyin dictionaries): otherwise each full collection walks all
    of it again, a pause of a third of a second on the UI thread. Reference counting still frees
    these objects; only a reference cycle among them would outlive its use.
    """
    _collected.wait()
    gc.freeze()
