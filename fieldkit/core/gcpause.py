"""Pause Python's cyclic garbage collector around bulk work.

Loading a store, folding 20,000+ events or importing a 45,000-person roster allocates millions of
objects and no reference cycles (reference counting frees them all). With the collector running, its
passes rescan every live object again and again: about a quarter of the time of a fold.
"""

from __future__ import annotations

import gc
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


def keep_out_of_collections(*, collect_first: bool = False) -> None:
    """Exempt every object alive now from future cyclic collections (``gc.freeze``).

    For a long-running process right after it loaded what it keeps for its whole life (the app's
    store, 20,000+ entries): otherwise each full collection walks all of it again, a pause of a
    third of a second on the UI thread. Reference counting still frees these objects, but reference
    cycles that were already garbage when frozen stay until a ``collect_first`` call: that one runs
    a full collection first (a fraction of a second holding the GIL), so make it once, in the
    background, after the first screen is up.
    """
    if collect_first:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
