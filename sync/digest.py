"""The master content digest: what a master holds, independent of how it is packed or encrypted.

SHA-256 over, for each feed in sorted order, the line ``feed <id>`` followed by the sorted set of its
entry hashes, one per line. Two masters with the same digest hold the same entries, whatever order
the bundles arrived in, however the store cut them into segments. Merge tests and the audit compare
this value; it is also printed after each merge so an office can note it in its log book.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping


def content_digest(feeds: Mapping[str, Iterable[str]]) -> str:
    """Digest of ``{feed id: entry hashes}``. Duplicates and order do not matter; empty feeds are skipped."""
    digest = hashlib.sha256(b"fieldkit-content/1\n")
    for feed in sorted(feeds):
        hashes = sorted(set(feeds[feed]))
        if not hashes:
            continue
        digest.update(f"feed {feed}\n".encode("ascii"))
        digest.update("".join(f"{h}\n" for h in hashes).encode("ascii"))
    return digest.hexdigest()


def entries_digest(entries: Iterable[object]) -> str:
    """Digest of any iterable of entries (anything with ``.feed`` and ``.hash``)."""
    feeds: dict[str, list[str]] = {}
    for entry in entries:
        feeds.setdefault(entry.feed, []).append(entry.hash)  # type: ignore[attr-defined]
    return content_digest(feeds)


def store_digest(store: object) -> str:
    """Digest of everything an open store holds, read through its public ``hashes_by_feed`` view."""
    from sync.merge import held_view

    return content_digest(held_view(store))
