"""Kits (township → laptop): write one, verify one, import a verified one into a device's store.

A kit is a container (``sync.container``) of kind ``kit``. Header fields besides the common ones:
``device`` (the receiver's feed id), ``village`` (its village code), ``kit_id`` (32 hex) and
``township_key`` (the township's Ed25519 public key, hex, so a laptop that trusts no township yet can
check the signature and show the fingerprint; afterwards the pinned key decides). The body, encrypted
to the device's age recipient, is the canonical JSON of::

    {"certificate": {format, township, device, name, village, signing_public, recipient, issued, signature},
     "township":    {code, name, signing_public, office_recipient, dossier_recipient},
     "feeds":       {feed id: {"entries": [entry JSON text, ...], "checkpoint": {seq, head, sig, signer}}},
     "receipt":     {device, seq, head, signature} | null,
     "revocations": [device id, ...]}

Enrolment kits and refresh kits are the same format (the certificate is repeated).

``read_kit`` checks, in this order, each failure one line and nothing decrypted before the header
is trusted: size, magic, header shape; header signature by the pinned township key (first kit:
by the key in the header, trust on first use — the caller shows the fingerprint to compare with
paper); receiver device id; body hash; decryption; body shape; the township block and certificate;
every feed: allowed for this village, checkpoint signed by the feed's owner (the township for
``t-…`` feeds, the enrolled device for ``d-…`` feeds), chain intact and ending at exactly the
checkpoint (``sync.verify.check_checkpoint`` and ``verify_run``, as for bundles); the receipt's
signature. ``import_kit`` then checks that every feed extends what the store holds (same bytes at
seqs already held, no gap; ``sync.merge.plan_feed``, as for bundles) before writing anything, and
adds the entries.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldkit.core import age
from fieldkit.core.atomic import atomic_write
from fieldkit.core.canonical import canonical, now_iso
from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import Entry
from fieldkit.core.keys import SigningKey, fingerprint, verify
from fieldkit.core.store import Store
from sync.checkpoint import SignedHead, make_signed_head, parse_signed_head, verify_receipt
from sync.container import DEFAULT_SIZE_CAP, ContainerError, read_container, seal
from sync.merge import IncomingFeed, Refusal, plan_feed
from sync.verify import FeedClaim, Rejected, check_checkpoint, is_device_feed, verify_run

KIND = "kit"
CERT_FORMAT = "fieldkit-device-cert/1"
KIT_FIELDS = ("device", "village", "kit_id", "township_key")
BODY_FIELDS = {"certificate", "township", "feeds", "receipt", "revocations"}
TOWNSHIP_FIELDS = {"code", "name", "signing_public", "office_recipient", "dossier_recipient"}
CERT_FIELDS = {"format", "township", "device", "name", "village", "signing_public", "recipient", "issued", "signature"}

_HEX32 = re.compile(r"[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{32}")


def township_feed(code: str) -> str:
    return f"t-{code}"


def village_feed(code: str, village: str) -> str:
    return f"t-{code}-{village}"


# ------------------------------------------------------------------------------ certificate


def _cert_message(cert: Mapping[str, Any]) -> bytes:
    return canonical({k: v for k, v in cert.items() if k != "signature"})


def make_certificate(
    township_key: SigningKey,
    *,
    township: str,
    device: str,
    name: str,
    village: str,
    signing_public: str,
    recipient: str,
    issued: str | None = None,
) -> dict[str, Any]:
    """The device certificate: the township's signed statement of who the device is and where it works."""
    cert: dict[str, Any] = {
        "format": CERT_FORMAT,
        "township": township,
        "device": device,
        "name": name,
        "village": village,
        "signing_public": signing_public,
        "recipient": recipient,
        "issued": issued or now_iso(),
    }
    cert["signature"] = township_key.sign(_cert_message(cert))
    return cert


def verify_certificate(cert: object, township_public: str) -> bool:
    return (
        isinstance(cert, dict)
        and cert.keys() == CERT_FIELDS
        and all(isinstance(v, str) for v in cert.values())
        and cert["format"] == CERT_FORMAT
        and verify(township_public, _cert_message(cert), cert["signature"])
    )


# ------------------------------------------------------------------------------ writing


@dataclass(frozen=True)
class KitFeed:
    """One feed as a kit carries it: entries (contiguous, ending at the checkpoint) and the checkpoint."""

    entries: tuple[Entry, ...]
    checkpoint: SignedHead


def township_kit_feed(township_key: SigningKey, township: str, feed: str, entries: Sequence[Entry]) -> KitFeed:
    """A township-owned feed (``t-…``) with a fresh checkpoint signed by the township now."""
    last = entries[-1]
    checkpoint = make_signed_head(township_key, township_feed(township), township, feed, last.seq, last.hash)
    return KitFeed(tuple(entries), checkpoint)


def build_kit(
    *,
    township: Mapping[str, str],
    township_key: SigningKey,
    device: str,
    device_recipient: str,
    village: str,
    certificate: Mapping[str, Any],
    feeds: Mapping[str, KitFeed],
    receipt: Mapping[str, Any] | None = None,
    revocations: Iterable[str] = (),
    kit_id: str | None = None,
    created: str | None = None,
) -> bytes:
    """The bytes of a kit for ``device``, signed by the township, its body encrypted to the device."""
    if set(township) != TOWNSHIP_FIELDS:
        raise ValueError("township must have exactly " + ", ".join(sorted(TOWNSHIP_FIELDS)))
    if township["signing_public"] != township_key.public_hex():
        raise ValueError("the township block does not match the signing key")
    body = {
        "certificate": dict(certificate),
        "township": dict(township),
        "feeds": {
            feed_id: {
                "entries": [entry.raw.decode("utf-8") for entry in kit_feed.entries],
                "checkpoint": kit_feed.checkpoint.as_dict(),
            }
            for feed_id, kit_feed in sorted(feeds.items())
        },
        "receipt": dict(receipt) if receipt is not None else None,
        "revocations": sorted(set(revocations)),
    }
    return seal(
        KIND,
        township=township["code"],
        sender=township_feed(township["code"]),
        signing_key=township_key,
        recipients=[age.X25519Recipient.from_string(device_recipient)],
        body=canonical(body),
        fields={
            "device": device,
            "village": village,
            "kit_id": kit_id or secrets.token_hex(16),
            "township_key": township_key.public_hex(),
        },
        created=created,
    )


def write_kit(path: Path, **kwargs: Any) -> None:
    """``build_kit`` written atomically to ``path``."""
    atomic_write(Path(path), build_kit(**kwargs))


# ------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Receiver:
    """What the laptop knows when a kit arrives.

    ``pinned_key`` is the township signing key the laptop already trusts (None before its first kit);
    ``devices`` maps device ids it already knows to (signing public key, village code).
    """

    device: str
    signing_public: str
    recipient: str
    identity: age.X25519Identity = field(repr=False)
    township: str | None = None
    pinned_key: str | None = None
    village: str | None = None
    devices: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifiedKit:
    kit_id: str
    file: str
    township: dict[str, str]
    village: str
    certificate: dict[str, Any]
    feeds: dict[str, tuple[Entry, ...]]  # in import order: t-<code> first
    checkpoints: dict[str, SignedHead]
    receipt: dict[str, Any] | None
    revocations: tuple[str, ...]
    first_trust: bool  # no township key was pinned: the caller must show the fingerprint

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.township["signing_public"])

    @property
    def entry_count(self) -> int:
        return sum(len(entries) for entries in self.feeds.values())


class KitError(FieldkitError):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, **params)
        self.reason = key.rsplit(".", 1)[-1]


def _reject_float(text: str) -> Any:
    raise ValueError("floats are not allowed")


def read_kit(path: Path, receiver: Receiver, *, size_cap: int = DEFAULT_SIZE_CAP) -> VerifiedKit:
    """Read and verify a kit for ``receiver``. Raises a one-line ``FieldkitError`` on any problem."""
    container = read_container(Path(path), KIND, size_cap=size_cap)
    label = container.label
    header = container.header
    for name in KIT_FIELDS:
        if not isinstance(header.get(name), str):
            raise ContainerError("container.bad_header", file=label, detail=name)
    code = header["township"]
    if receiver.pinned_key is not None:
        if receiver.township is not None and code != receiver.township:
            raise KitError("kit.wrong_township", file=label, found=code, expected=receiver.township)
        if header["township_key"] != receiver.pinned_key:
            raise KitError("kit.untrusted_key", file=label, found=_safe_fingerprint(header["township_key"]),
                           expected=fingerprint(receiver.pinned_key))
    township_key = receiver.pinned_key or header["township_key"]
    if not _HEX32.fullmatch(township_key):
        raise ContainerError("container.bad_header", file=label, detail="township_key")
    container.check_signature(township_key)
    # From here on the header is the township's word.
    if header["sender"] != township_feed(code):
        raise ContainerError("container.bad_header", file=label, detail="sender")
    if header["device"] != receiver.device:
        raise KitError("kit.wrong_device", file=label, found=header["device"], expected=receiver.device)
    village = header["village"]
    if receiver.village is not None and village != receiver.village:
        raise KitError("kit.wrong_village", file=label, found=village, expected=receiver.village)
    if not _HEX16.fullmatch(header["kit_id"]):
        raise ContainerError("container.bad_header", file=label, detail="kit_id")
    container.check_body()
    plaintext = container.decrypt([receiver.identity])

    body = _body(plaintext, label)
    township = _township_block(body["township"], code, township_key, label)
    cert = body["certificate"]
    if not verify_certificate(cert, township_key):
        raise KitError("kit.bad_certificate", file=label)
    expected_cert = {
        "township": code,
        "device": receiver.device,
        "village": village,
        "signing_public": receiver.signing_public,
        "recipient": receiver.recipient,
    }
    if any(cert[k] != v for k, v in expected_cert.items()):
        raise KitError("kit.certificate_mismatch", file=label)

    feeds, checkpoints = _verify_feeds(body["feeds"], code, village, township_key, receiver, label)
    if receiver.pinned_key is None and township_feed(code) not in feeds:
        raise KitError("kit.bad_body", file=label, detail="township feed")
    receipt = _receipt(body["receipt"], code, township_key, receiver.device, label)
    revocations = body["revocations"]
    if not isinstance(revocations, list) or not all(isinstance(r, str) for r in revocations):
        raise KitError("kit.bad_body", file=label, detail="revocations")
    return VerifiedKit(
        kit_id=header["kit_id"],
        file=label,
        township=township,
        village=village,
        certificate=cert,
        feeds=feeds,
        checkpoints=checkpoints,
        receipt=receipt,
        revocations=tuple(revocations),
        first_trust=receiver.pinned_key is None,
    )


def _safe_fingerprint(public_hex: str) -> str:
    try:
        return fingerprint(public_hex)
    except FieldkitError:
        return "?"


def _body(plaintext: bytes, label: str) -> dict[str, Any]:
    try:
        body = json.loads(plaintext.decode("utf-8"), parse_float=_reject_float, parse_constant=_reject_float)
    except ValueError:
        raise KitError("kit.bad_body", file=label, detail="json") from None
    if not isinstance(body, dict) or body.keys() != BODY_FIELDS:
        raise KitError("kit.bad_body", file=label, detail="fields")
    if not isinstance(body["feeds"], dict):
        raise KitError("kit.bad_body", file=label, detail="feeds")
    return body


def _township_block(block: object, code: str, township_key: str, label: str) -> dict[str, str]:
    if (
        not isinstance(block, dict)
        or block.keys() != TOWNSHIP_FIELDS
        or not all(isinstance(v, str) for v in block.values())
        or block["code"] != code
        or block["signing_public"] != township_key
    ):
        raise KitError("kit.bad_body", file=label, detail="township")
    for name in ("office_recipient", "dossier_recipient"):
        try:
            age.X25519Recipient.from_string(block[name])
        except age.AgeError:
            raise KitError("kit.bad_body", file=label, detail=name) from None
    return dict(block)


def _ordered_feed_ids(feed_ids: Iterable[str], code: str) -> list[str]:
    """t-<code> first (it enrols the devices whose feeds follow), then the village feed, then devices."""
    rank = lambda f: (0 if f == township_feed(code) else 1 if f.startswith("t-") else 2, f)  # noqa: E731
    return sorted(feed_ids, key=rank)


def _verify_feeds(
    raw_feeds: dict[str, Any], code: str, village: str, township_key: str, receiver: Receiver, label: str
) -> tuple[dict[str, tuple[Entry, ...]], dict[str, SignedHead]]:
    devices = dict(receiver.devices)  # device id -> (signing key, village)
    feeds: dict[str, tuple[Entry, ...]] = {}
    checkpoints: dict[str, SignedHead] = {}
    for feed_id in _ordered_feed_ids(raw_feeds, code):
        item = raw_feeds[feed_id]
        if not isinstance(item, dict) or item.keys() != {"entries", "checkpoint"}:
            raise KitError("kit.bad_body", file=label, detail="feed")
        lines = item["entries"]
        if not isinstance(lines, list) or not lines or not all(isinstance(x, str) for x in lines):
            raise KitError("kit.bad_body", file=label, detail="entries")
        checkpoint = parse_signed_head(item["checkpoint"], label=label, feed=feed_id)

        if feed_id in (township_feed(code), village_feed(code, village)):
            key = township_key
        elif is_device_feed(feed_id) and feed_id in devices and devices[feed_id][1] == village:
            key = devices[feed_id][0]
        else:
            raise KitError("kit.foreign_feed", file=label, feed=feed_id)
        claim = FeedClaim(feed_id, _first_seq(lines[0]), checkpoint.seq, checkpoint.head, checkpoint)
        try:
            check_checkpoint(label, code, claim, lambda _owner, key=key: key)
            entries = verify_run(label, claim, lines).entries
        except Rejected as exc:
            raise _kit_error(exc.key, exc.params) from None
        if feed_id == township_feed(code):
            _check_township_feed(entries, township_key, label)
            for entry in entries:
                if entry.type == "device.enroll" and isinstance(entry.body.get("device"), str):
                    device = entry.body["device"]
                    devices[device] = (str(entry.body.get("signing_public", "")), str(entry.body.get("village", "")))
        feeds[feed_id] = entries
        checkpoints[feed_id] = checkpoint
    return feeds, checkpoints


def _first_seq(line: str) -> int:
    """The seq a kit's run starts at, as its first entry says (a bundle's header states it, a kit's
    does not); ``verify_run`` then checks the run really starts there and ends at the checkpoint."""
    try:
        seq = json.loads(line)["seq"]
    except (ValueError, KeyError, TypeError):
        return 1  # let verify_run name what is wrong
    return seq if type(seq) is int and seq >= 1 else 1


def _kit_error(key: str, params: Mapping[str, Any]) -> KitError:
    """The kit's own catalogue key for a shared check's ``sync.<reason>`` (same reason, same params)."""
    return KitError("kit." + key.removeprefix("sync."), **params)


def _check_township_feed(entries: tuple[Entry, ...], township_key: str, label: str) -> None:
    first = entries[0]
    if first.seq == 1 and (first.type != "township.init" or first.body.get("signing_public") != township_key):
        raise KitError("kit.bad_body", file=label, detail="township.init")


def _receipt(receipt: object, code: str, township_key: str, device: str, label: str) -> dict[str, Any] | None:
    if receipt is None:
        return None
    if (
        not isinstance(receipt, dict)
        or receipt.keys() != {"device", "seq", "head", "signature"}
        or receipt["device"] != device
        or type(receipt["seq"]) is not int
        or not isinstance(receipt["head"], str)
        or not isinstance(receipt["signature"], str)
        or not verify_receipt(township_key, code, device, receipt["seq"], receipt["head"], receipt["signature"])
    ):
        raise KitError("kit.bad_receipt", file=label)
    return dict(receipt)


# ------------------------------------------------------------------------------ importing


def plan_import(store: Store, kit: VerifiedKit) -> dict[str, list[Entry]]:
    """Per feed, the entries the store does not hold yet. Raises if a feed forks from or skips past
    what is held; nothing is written by this function."""
    new: dict[str, list[Entry]] = {}
    for feed_id, entries in kit.feeds.items():
        held = [entry.hash for entry in store.feed(feed_id)]  # (hashes: the held bytes may be on disk)
        outcome = plan_feed(held, IncomingFeed(feed_id, entries, kit.checkpoints.get(feed_id)))
        if isinstance(outcome, Refusal):  # sync.fork or sync.not_extending
            raise _kit_error(outcome.key, {"file": kit.file, **outcome.params})
        if outcome.new:
            new[feed_id] = list(outcome.new)
    return new


def import_kit(store: Store, kit: VerifiedKit) -> dict[str, int]:
    """Add a verified kit's entries to ``store``, all feeds in one batch (one manifest write).
    Returns feed id -> entries added (0 if all held)."""
    new = plan_import(store, kit)
    # The entries came out of verify_chain on their bytes (read_kit): trusted.
    added = store.add_many(new, trusted=True) if new else {}
    return {feed_id: len(added.get(feed_id, ())) for feed_id in kit.feeds}
