"""Checkpoints and receipts: signatures over (township, feed, seq, head), independent of packing.

A **checkpoint** is the feed owner's statement "my feed ``feed`` has ``seq`` entries and its last entry
hashes to ``head``". It is signed over the canonical JSON of those four values (plus the format), not
over a file, so the township can pass a laptop's entries on in a kit and the receiving laptop checks
them against the laptop's own signature.

A **receipt** is the township's statement "I hold feed ``feed`` through ``seq``, head ``head``". Same
four values, a different format string, so a receipt can never be passed off as a checkpoint.

``signer`` in the travelling dict form is the feed id whose key signed: the device id for a device
feed, ``t-<code>`` for the township's own feeds. The receiver looks the key up (enrolment, pinned
township key); it never trusts a key that arrives next to the signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fieldkit.core.canonical import canonical
from fieldkit.core.errors import FieldkitError
from fieldkit.core.keys import SigningKey, verify

CHECKPOINT_FORMAT = "fieldkit-checkpoint/1"
RECEIPT_FORMAT = "fieldkit-receipt/1"

_HASH = re.compile(r"[0-9a-f]{64}")
_SIG = re.compile(r"[0-9a-f]{128}")


def checkpoint_message(township: str, feed: str, seq: int, head: str) -> bytes:
    return canonical({"format": CHECKPOINT_FORMAT, "township": township, "feed": feed, "seq": seq, "head": head})


def receipt_message(township: str, feed: str, seq: int, head: str) -> bytes:
    return canonical({"format": RECEIPT_FORMAT, "township": township, "feed": feed, "seq": seq, "head": head})


def sign_checkpoint(signing_key: SigningKey, township: str, feed: str, seq: int, head: str) -> str:
    """The feed owner's signature (hex) over the checkpoint."""
    return signing_key.sign(checkpoint_message(township, feed, seq, head))


def verify_checkpoint(public_hex: str, township: str, feed: str, seq: int, head: str, signature: str) -> bool:
    return verify(public_hex, checkpoint_message(township, feed, seq, head), signature)


def sign_receipt(township_key: SigningKey, township: str, feed: str, seq: int, head: str) -> str:
    return township_key.sign(receipt_message(township, feed, seq, head))


def verify_receipt(public_hex: str, township: str, feed: str, seq: int, head: str, signature: str) -> bool:
    return verify(public_hex, receipt_message(township, feed, seq, head), signature)


@dataclass(frozen=True)
class SignedHead:
    """A checkpoint as it travels in bundles and kits: ``{"seq", "head", "sig", "signer"}``."""

    seq: int
    head: str
    sig: str
    signer: str  # feed id whose key signed

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "head": self.head, "sig": self.sig, "signer": self.signer}


def make_signed_head(signing_key: SigningKey, signer: str, township: str, feed: str, seq: int, head: str) -> SignedHead:
    return SignedHead(seq, head, sign_checkpoint(signing_key, township, feed, seq, head), signer)


def parse_signed_head(obj: object, *, label: str, feed: str) -> SignedHead:
    """The travelling dict form, shape-checked; ``checkpoint.malformed`` otherwise."""
    if (
        not isinstance(obj, dict)
        or obj.keys() != {"seq", "head", "sig", "signer"}
        or type(obj["seq"]) is not int
        or obj["seq"] < 1
        or not isinstance(obj["head"], str)
        or not _HASH.fullmatch(obj["head"])
        or not isinstance(obj["sig"], str)
        or not _SIG.fullmatch(obj["sig"])
        or not isinstance(obj["signer"], str)
    ):
        raise FieldkitError("checkpoint.malformed", file=label, feed=feed)
    return SignedHead(obj["seq"], obj["head"], obj["sig"], obj["signer"])
