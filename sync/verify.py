"""The import checks, in the order DESIGN 6 lists them, shared by bundle merge, county merge and kits.

1. format and size sane            ``sync.container.parse_container`` (magic, header line, size cap)
2. township matches                 the header's township is this workspace's (or, for a county, one of
                                    its registered townships)
3. sender enrolled, not revoked     and not quarantined after a fork
4. signatures                       the header signature by the sender's key; each feed's checkpoint by
                                    the feed owner's key (known before decryption when the owner is)
5. decrypts                         body hash, then age decryption with this workspace's key
6. seq contiguous                   ``verify_chain`` on each feed run, raw bytes, never re-serialised
7. each prev matches
8. head matches checkpoint          the run ends exactly at the signed seq and head
9. extends what is held / FORK      ``sync.merge.plan_merge`` (needs the whole run, so it is the last)

Each failure raises ``Rejected``: one line, ids and counts only, nothing written. A bundle whose every
signed head is already held is checked through step 5's body hash but not decrypted: nothing in it
can be new (the signed head pins every entry before it), which is what makes re-merging the same
sticks cheap.

Checkpoints are signed by the feed owner: a device signs its own feed (signer = feed id), the
township signs its feeds ``t-<code>`` and ``t-<code>-<village>`` (signer ``t-<code>``). A device's key
comes from a ``device.enroll`` in the township feed, either already held or arriving in the same file
(a county bundle or a kit carries the township feed with the devices it enrolled).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldkit.core import age
from fieldkit.core.errors import FieldkitError
from fieldkit.core.files import read_file
from fieldkit.core.feed import Entry, FeedError, parse_entries, verify_chain
from sync.checkpoint import SignedHead, parse_signed_head, verify_checkpoint
from sync.container import DEFAULT_SIZE_CAP, Container, ContainerError, parse_container
from sync.merge import HeldView, IncomingBundle, IncomingFeed

_DEVICE_FEED = re.compile(r"d-[0-9a-f]{16}")
_TOWNSHIP_FEED = re.compile(r"t-([0-9]{9})(?:-([0-9]{12}))?")


class Rejected(FieldkitError):
    """A file refused by an import check. ``key`` names the reason; nothing was written."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, **params)
        self.reason = key


def township_of_feed(feed: str) -> str | None:
    """The township code of a township feed (``t-<code>`` or ``t-<code>-<village>``), else None."""
    match = _TOWNSHIP_FEED.fullmatch(feed)
    return match.group(1) if match else None


def is_device_feed(feed: str) -> bool:
    return _DEVICE_FEED.fullmatch(feed) is not None


def owner_of_feed(feed: str) -> str | None:
    """Whose key signs this feed's checkpoints: the device itself, or ``t-<code>``."""
    if is_device_feed(feed):
        return feed
    code = township_of_feed(feed)
    return f"t-{code}" if code else None


@dataclass(frozen=True)
class Trust:
    """What the receiving workspace knows, read from its own store before any file is opened."""

    townships: frozenset[str]  # township codes accepted in headers (one for a township or a laptop)
    keys: Mapping[str, str]  # signer id (device feed id or t-<code>) -> Ed25519 public key (hex)
    identities: Sequence[age.Identity]  # to decrypt bodies
    held: HeldView = field(default_factory=dict)
    revoked: frozenset[str] = frozenset()
    quarantined: frozenset[str] = frozenset()
    device_townships: Mapping[str, str] = field(default_factory=dict)  # device -> the township that enrolled it
    size_cap: int = DEFAULT_SIZE_CAP
    county: bool = False  # a county workspace: several registered townships


@dataclass(frozen=True)
class FeedClaim:
    """One feed as a header or kit declares it: the run and its signed head."""

    feed: str
    from_seq: int
    to_seq: int
    head: str
    checkpoint: SignedHead


@dataclass(frozen=True)
class Verified:
    """A file that passed steps 1-8. ``incoming`` goes to ``plan_merge`` for step 9."""

    container: Container
    incoming: IncomingBundle
    body: dict[str, Any] | None  # the decrypted body (None when skipped: everything already held)

    @property
    def header(self) -> dict[str, Any]:
        return self.container.header


# ---------------------------------------------------------------------------------------- steps


def check_format(data: bytes, kind: str, label: str, size_cap: int = DEFAULT_SIZE_CAP) -> Container:
    """Step 1. An empty file, a truncated one, a flipped byte in the magic or header: ``Rejected``."""
    try:
        return parse_container(data, kind, label=label, size_cap=size_cap)
    except ContainerError as exc:
        if exc.reason == "empty":
            raise Rejected("sync.empty_file", file=label) from None
        raise Rejected(exc.key, **exc.params) from None  # the container's own one-line reason


def check_township(container: Container, trust: Trust) -> str:
    """Step 2."""
    code = container.header["township"]
    if code not in trust.townships and trust.county:
        raise Rejected("sync.unknown_township", file=container.label, township=_short(code))
    if code not in trust.townships:
        expected = ",".join(sorted(trust.townships)) or "?"
        raise Rejected("sync.wrong_township", file=container.label, found=_short(code), expected=expected)
    return code


def check_sender(container: Container, trust: Trust) -> str:
    """Step 3: the sender is known here, not revoked, not quarantined. Returns its public key."""
    sender = container.header["sender"]
    key = trust.keys.get(sender)
    if key is None:
        if township_of_feed(sender) is not None:
            raise Rejected("sync.unknown_township", file=container.label, township=_short(sender))
        raise Rejected("sync.unknown_device", file=container.label, device=_short(sender))
    if sender in trust.revoked:
        raise Rejected("sync.revoked_device", file=container.label, device=sender)
    if sender in trust.quarantined:
        raise Rejected("sync.quarantined", feed=sender)
    township = container.header["township"]
    if is_device_feed(sender) and trust.device_townships.get(sender) != township:
        raise Rejected("sync.unknown_device", file=container.label, device=sender)
    if not is_device_feed(sender) and sender != f"t-{township}":
        raise Rejected("sync.unknown_township", file=container.label, township=_short(sender))
    return key


def key_lookup(trust: Trust, township: str) -> Callable[[str], str | None]:
    """Keys this workspace already trusts for feeds of ``township``: its township key, its devices."""

    def key_of(owner: str) -> str | None:
        if is_device_feed(owner):
            return trust.keys.get(owner) if trust.device_townships.get(owner) == township else None
        return trust.keys.get(owner) if owner == f"t-{township}" else None

    return key_of


def check_signature(container: Container, public_hex: str) -> None:
    """Step 4a: the header signature. The header names the body's hash, so this covers the body."""
    try:
        container.check_signature(public_hex)
    except ContainerError:
        raise Rejected("sync.bad_signature", file=container.label, device=container.header["sender"]) from None


def parse_claims(container: Container, raw: object) -> list[FeedClaim]:
    """The ``feeds`` list of a bundle header: ``[{feed, from_seq, to_seq, head, checkpoint}]``."""
    label = container.label
    if not isinstance(raw, list) or not raw:
        raise Rejected("sync.bad_file", file=label, detail="feeds")
    claims: list[FeedClaim] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, dict) or item.keys() != {"feed", "from_seq", "to_seq", "head", "checkpoint"}:
            raise Rejected("sync.bad_file", file=label, detail="feeds")
        feed, first, last = item["feed"], item["from_seq"], item["to_seq"]
        if not isinstance(feed, str) or owner_of_feed(feed) is None:
            raise Rejected("sync.bad_file", file=label, detail="feed")
        if type(first) is not int or type(last) is not int or not 1 <= first <= last:
            raise Rejected("sync.bad_file", file=label, detail="seq")
        if feed in seen:
            raise Rejected("sync.duplicate_feed", feed=feed)
        seen.add(feed)
        try:
            checkpoint = parse_signed_head(item["checkpoint"], label=label, feed=feed)
        except FieldkitError:
            raise Rejected("sync.bad_file", file=label, detail="checkpoint") from None
        if checkpoint.seq != last or checkpoint.head != item["head"]:
            raise Rejected("sync.bad_checkpoint", file=label, feed=feed)
        claims.append(FeedClaim(feed, first, last, item["head"], checkpoint))
    return claims


def check_checkpoint(label: str, township: str, claim: FeedClaim, key_of: Callable[[str], str | None]) -> bool:
    """Step 4b for one feed. False when the owner's key is not known yet (checked after decryption)."""
    owner = owner_of_feed(claim.feed)
    if claim.checkpoint.signer != owner:
        raise Rejected("sync.bad_checkpoint", file=label, feed=claim.feed)
    key = key_of(owner)
    if key is None:
        return False
    cp = claim.checkpoint
    if not verify_checkpoint(key, township, claim.feed, cp.seq, cp.head, cp.sig):
        raise Rejected("sync.bad_checkpoint", file=label, feed=claim.feed)
    return True


def all_held(claims: Sequence[FeedClaim], held: HeldView) -> bool:
    """Every claimed run ends at a head the workspace already holds at that seq."""
    for claim in claims:
        hashes = held.get(claim.feed, ())
        if len(hashes) < claim.to_seq or hashes[claim.to_seq - 1] != claim.head:
            return False
    return True


def decrypt_json(container: Container, identities: Sequence[age.Identity]) -> dict[str, Any]:
    """Step 5: body hash, age decryption, JSON object."""
    label = container.label
    try:
        container.check_body()
    except ContainerError:
        raise Rejected("sync.body_mismatch", file=label) from None
    try:
        plaintext = container.decrypt(identities)
    except ContainerError as exc:
        raise Rejected("sync.undecryptable", file=label, detail=exc.reason) from None
    try:
        body = json.loads(plaintext.decode("utf-8"))
    except ValueError:
        raise Rejected("sync.bad_body", file=label, detail="json") from None
    if not isinstance(body, dict):
        raise Rejected("sync.bad_body", file=label, detail="json")
    return body


def verify_run(label: str, claim: FeedClaim, lines: object) -> IncomingFeed:
    """Steps 6-8 for one feed: raw entries continue each other and end at the signed head."""
    if not isinstance(lines, list) or len(lines) != claim.to_seq - claim.from_seq + 1:
        raise Rejected("sync.bad_chain", file=label, detail=_feed_error_text(claim, lines))
    if not all(isinstance(line, str) for line in lines):
        raise Rejected("sync.bad_body", file=label, detail="entries")
    raws = [line.encode("utf-8") for line in lines]
    try:
        parsed = parse_entries(raws, feed=claim.feed, first_seq=claim.from_seq)
        first = parsed[0]
        entries = verify_chain(
            parsed, claim.feed, claim.from_seq - 1, first.prev, head_seq=claim.to_seq, head_hash=claim.head
        )
    except FeedError as exc:
        raise Rejected("sync.bad_chain", file=label, detail=str(exc)) from None
    if first.seq != claim.from_seq:
        raise Rejected("sync.bad_chain", file=label, detail=f"{claim.feed}:{first.seq}")
    return IncomingFeed(claim.feed, tuple(entries), claim.checkpoint)


def _feed_error_text(claim: FeedClaim, lines: object) -> str:
    found = len(lines) if isinstance(lines, list) else 0
    expected = claim.to_seq - claim.from_seq + 1
    key = "feed.truncated" if found < expected else "feed.too_long"
    seq = claim.from_seq + min(found, expected)
    return str(FeedError(key, feed=claim.feed, seq=seq, head=claim.to_seq))


def enrolled_keys(entries: Sequence[Entry]) -> dict[str, str]:
    """Device signing keys from ``device.enroll`` entries (of a township feed arriving in the file)."""
    keys: dict[str, str] = {}
    for entry in entries:
        if entry.type == "device.enroll" and isinstance(entry.body.get("signing_public"), str):
            device = entry.entity.partition(":")[2]
            keys[device] = entry.body["signing_public"]
    return keys


def verify_feeds(
    container: Container,
    township: str,
    claims: Sequence[FeedClaim],
    body_feeds: object,
    trust: Trust,
    pending: set[str],
) -> tuple[IncomingFeed, ...]:
    """Steps 6-8 for every claimed feed, then step 4b for checkpoints whose owner's key arrived in the
    file itself (a township feed enrolling the device)."""
    label = container.label
    if not isinstance(body_feeds, dict) or set(body_feeds) != {c.feed for c in claims}:
        extra = sorted(set(body_feeds) ^ {c.feed for c in claims}) if isinstance(body_feeds, dict) else ["?"]
        raise Rejected("sync.feeds_mismatch", file=label, feed=_short(extra[0] if extra else "?"))
    runs = {claim.feed: verify_run(label, claim, body_feeds[claim.feed]) for claim in claims}
    if pending:
        learned: dict[str, str] = {}
        for feed, run in runs.items():
            if feed == f"t-{township}":
                learned.update(enrolled_keys(run.entries))
        for claim in claims:
            if claim.feed in pending:
                known = key_lookup(trust, township)
                key_of = lambda owner: learned.get(owner) or known(owner)  # noqa: E731
                if not check_checkpoint(label, township, claim, key_of):
                    raise Rejected("sync.unknown_device", file=label, device=claim.feed)
    return tuple(runs[c.feed] for c in claims)


# ---------------------------------------------------------------------------------------- files


def read_import_file(path: Path, size_cap: int = DEFAULT_SIZE_CAP) -> bytes:
    """The bytes of a file to import, refusing oversized ones before reading them."""
    path = Path(path)
    return read_file(path, limit=size_cap, too_big=lambda size: Rejected("sync.bad_file", file=path.name, detail="too_large"))


def verify_feed_file(
    data: bytes,
    label: str,
    trust: Trust,
    kind: str,
    allowed: Callable[[Container, str], bool],
) -> Verified:
    """Steps 1-8 for a bundle or a county bundle. ``allowed(container, feed)`` says which feeds its
    sender may provide (a laptop: only its own)."""
    container = check_format(data, kind, label, trust.size_cap)  # 1
    township = check_township(container, trust)  # 2
    sender_key = check_sender(container, trust)  # 3
    check_signature(container, sender_key)  # 4a
    claims = parse_claims(container, container.header.get("feeds"))
    for claim in claims:
        if not allowed(container, claim.feed) or township_of_feed(claim.feed) not in (None, township):
            raise Rejected("sync.foreign_feed", file=label, feed=claim.feed, sender=container.header["sender"])
        if claim.feed in trust.quarantined:
            raise Rejected("sync.quarantined", feed=claim.feed)
    known = key_lookup(trust, township)
    pending = {c.feed for c in claims if not check_checkpoint(label, township, c, known)}  # 4b
    if not pending and all_held(claims, trust.held):
        try:
            container.check_body()
        except ContainerError:
            raise Rejected("sync.body_mismatch", file=label) from None
        runs = tuple(_held_run(c) for c in claims)
        return Verified(container, IncomingBundle(label, container.header["sender"], runs), None)
    body = decrypt_json(container, trust.identities)  # 5
    feeds = verify_feeds(container, township, claims, body.get("feeds"), trust, pending)  # 6-8
    return Verified(container, IncomingBundle(label, container.header["sender"], feeds), body)


def _held_run(claim: FeedClaim) -> IncomingFeed:
    return IncomingFeed(claim.feed, (), claim.checkpoint, (claim.from_seq, claim.to_seq, claim.head))


def _short(value: object) -> str:
    """An id from an untrusted header, safe to print: ASCII id characters only, at most 40."""
    text = value if isinstance(value, str) else "?"
    return re.sub(r"[^0-9A-Za-z._-]", "?", text)[:40] or "?"
