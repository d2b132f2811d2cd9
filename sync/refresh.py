"""Refresh kits (township → laptop) and receipts.

A refresh kit is the enrolment kit format (``sync.kit``, built by ``sync.township.build_kit_for``)
carrying, for one device:

- ``t-<code>`` (forms, enrolments, revocations) and ``t-<code>-<village>`` (roster, resolutions), with
  fresh township checkpoints;
- every other device's feed of the same village, up to the checkpoint that device signed (the
  township keeps the highest verified checkpoint per feed, ``sync.merge.stored_checkpoints``), so the
  receiving laptop checks them against the other laptop's own signature;
- the ids of revoked devices;
- a receipt signed by the township: "received your feed through seq N, head H".

The laptop imports it with ``fieldkit device import-kit`` (``sync.device``); ``record_receipt`` keeps
the receipt in the device workspace (store document ``sync/receipt``) for the export screen and for
``fieldkit export --since-receipt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldkit.core.canonical import now_iso
from fieldkit.core.errors import FieldkitError
from fieldkit.core.keys import SigningKey
from fieldkit.core.workspace import Workspace
from fieldkit.i18n import t
from sync.checkpoint import sign_receipt
from sync.kit import KitFeed, VerifiedKit
from sync.merge import stored_checkpoints
from sync.township import SIGNING_SECRET, build_kit_for, require_township

RECEIPT_TABLE = "sync"
RECEIPT_DOC = "receipt"


@dataclass(frozen=True)
class RefreshKit:
    data: bytes
    device: str
    village: str
    feeds: int
    entries: int
    receipt_seq: int


def build_refresh_kit(ws: Workspace, device: str) -> RefreshKit:
    """The refresh kit for ``device`` (enrolled, not revoked) from the township master ``ws``."""
    code = require_township(ws)
    state = ws.state()
    known = state.devices.get(device)
    if known is None or not known.enrolled:
        raise FieldkitError("sync.unknown_device_id", device=device[:40])
    if known.revoked:
        raise FieldkitError("sync.already_revoked", device=device)
    village = known.village
    checkpoints = stored_checkpoints(ws.store)
    extra: dict[str, KitFeed] = {}
    for other in state.devices.values():
        if other.id == device or other.village != village or other.id not in checkpoints:
            continue
        cp = checkpoints[other.id]
        entries = ws.store.feed(other.id)[: cp.seq]
        if len(entries) == cp.seq and entries[-1].hash == cp.head:
            extra[other.id] = KitFeed(tuple(entries), cp)
    seq, head = ws.store.head(device)
    receipt = None
    if seq:
        key = SigningKey.from_hex(ws.secrets[SIGNING_SECRET])
        receipt = {"device": device, "seq": seq, "head": head, "signature": sign_receipt(key, code, device, seq, head)}
    revoked = sorted(d.id for d in state.devices.values() if d.revoked)
    data = build_kit_for(
        ws, device, village, name=known.name, signing_public=known.signing_public, recipient=known.recipient,
        extra_feeds=extra, receipt=receipt, revocations=revoked,
    )
    own = [f for f in (f"t-{code}", f"t-{code}-{village}") if ws.store.head(f)[0]]
    entries = sum(ws.store.head(f)[0] for f in own) + sum(len(k.entries) for k in extra.values())
    return RefreshKit(data, device, village, len(own) + len(extra), entries, seq)


def record_receipt(ws: Workspace, kit: VerifiedKit) -> dict[str, Any] | None:
    """Keep the (already verified) receipt a kit brought, if it is newer than the one held.

    ``matches`` says whether the township's head is this laptop's entry at that seq; False means the
    township holds a different history of this feed (e.g. this laptop was restored from a backup):
    the export screen should tell the cadre to call the township.
    """
    receipt = kit.receipt
    if receipt is None:
        return latest_receipt(ws)
    current = latest_receipt(ws)
    if current is not None and current["seq"] > receipt["seq"]:
        return current
    own = ws.store.feed(ws.feed_id) if ws.feed_id else []
    matches = receipt["seq"] <= len(own) and own[receipt["seq"] - 1].hash == receipt["head"]
    doc = {
        "township": kit.township["code"],
        "seq": receipt["seq"],
        "head": receipt["head"],
        "signature": receipt["signature"],
        "kit_id": kit.kit_id,
        "received": now_iso(),
        "matches": matches,
    }
    ws.store.put_doc(RECEIPT_TABLE, RECEIPT_DOC, doc)
    return doc


def latest_receipt(ws: Workspace) -> dict[str, Any] | None:
    """The last receipt this laptop got from the township, or None."""
    return ws.store.get_doc(RECEIPT_TABLE, RECEIPT_DOC)


def receipt_text(ws: Workspace) -> str | None:
    """One line for the export screen: "township receipt: received through entry N (...)"."""
    receipt = latest_receipt(ws)
    if receipt is None:
        return None
    return t("sync.receipt", seq=receipt["seq"], time=receipt["received"], head=receipt["head"][:12])
