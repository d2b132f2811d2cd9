"""Merge = union of verified feeds into a master (DESIGN 6).

The planning half is pure: given what the master holds (``HeldView``: feed id -> entry hashes by seq)
and feeds that passed the container checks (signature, decryption, chain, checkpoint; see
``sync.verify``), ``plan_merge`` decides per bundle which entries are new, how many are already held,
and whether it forks or does not extend what is held. Nothing is written. The imperative half
further down (``merge_files``) reads and verifies files, plans, and writes the plan into the master
in one store transaction (``Store.transaction``: the old master or the new one, never a mix).

Guarantees the property tests check: for honest feeds, merging is idempotent (the same bundle again
adds nothing), commutative and associative (any order, any grouping of bundles gives the same
master content digest). Within one run, a bundle that starts after what is held (an incremental
bundle whose earlier part is in another bundle of the same run) is retried after the others, so the
order of files on the command line never matters.

A fork (a different entry at a seq already held, e.g. a laptop restored from a backup that then
recorded differently) refuses the whole bundle, quarantines the feed so its later bundles are refused
too, and is reported with both hashes; which branch the master holds depends on which arrived first,
and the other is kept as evidence in the quarantine (``sync.quarantine``), never silently dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldkit.core.canonical import now_iso
from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import ZERO, Entry
from fieldkit.core.fold import EDIT_PREFIX, fold
from fieldkit.core.gcpause import paused_gc
from fieldkit.core.store import recover_interrupted, transaction_interrupted
from sync.checkpoint import SignedHead
from sync.digest import content_digest

HeldView = Mapping[str, Sequence[str]]  # feed id -> entry hash at seq 1, 2, ... (index = seq - 1)


@dataclass(frozen=True)
class IncomingFeed:
    """A run of one feed's entries that verified on its own: contiguous seqs, each prev matching the
    one before, the last one the checkpoint's head.

    ``held_span`` = (from_seq, to_seq, head) marks a run that was not decrypted because its signed
    head is already held (``entries`` is then empty): it can only count as already held.
    """

    feed: str
    entries: tuple[Entry, ...]
    checkpoint: SignedHead | None = None
    held_span: tuple[int, int, str] | None = None

    @property
    def from_seq(self) -> int:
        if self.held_span is not None:
            return self.held_span[0]
        return self.entries[0].seq if self.entries else 0

    @property
    def to_seq(self) -> int:
        if self.held_span is not None:
            return self.held_span[1]
        return self.entries[-1].seq if self.entries else 0


@dataclass(frozen=True)
class IncomingBundle:
    """One verified file: a laptop bundle (one feed), a county bundle or a kit (several feeds)."""

    label: str  # the file name, for the report
    sender: str
    feeds: tuple[IncomingFeed, ...]


@dataclass(frozen=True)
class Fork:
    feed: str
    seq: int
    held_hash: str
    incoming_hash: str


@dataclass(frozen=True)
class Refusal:
    """Why a bundle is not merged: a catalogue key and its params (ids and counts only)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    fork: Fork | None = None


@dataclass(frozen=True)
class FeedOutcome:
    feed: str
    new: tuple[Entry, ...]
    already: int


@dataclass(frozen=True)
class BundleResult:
    label: str
    sender: str
    feeds: tuple[FeedOutcome, ...] = ()
    refusal: Refusal | None = None

    @property
    def accepted(self) -> bool:
        return self.refusal is None

    @property
    def new(self) -> int:
        return sum(len(f.new) for f in self.feeds)

    @property
    def already(self) -> int:
        return sum(f.already for f in self.feeds)


@dataclass(frozen=True)
class MergePlan:
    results: tuple[BundleResult, ...]  # one per incoming bundle, in input order
    new_entries: dict[str, tuple[Entry, ...]]  # feed -> entries to append, by seq
    checkpoints: dict[str, SignedHead]  # feed -> the highest verified checkpoint seen in accepted bundles
    forks: tuple[Fork, ...]
    quarantine_feeds: frozenset[str]  # feeds newly quarantined by a fork in this run

    @property
    def new_count(self) -> int:
        return sum(len(v) for v in self.new_entries.values())


def plan_feed(held: Sequence[str], incoming: IncomingFeed) -> FeedOutcome | Refusal:
    """Compare one verified feed run with what is held of that feed.

    Returns the new entries and the count already held, or a ``Refusal``: ``sync.fork`` (a different
    entry at a held seq) or ``sync.not_extending`` (it starts after the held head, so the entries in
    between are missing and it cannot be linked to what is held).
    """
    held_len = len(held)
    entries = incoming.entries
    if incoming.held_span is not None:
        first, last, head = incoming.held_span
        if held_len >= last and held[last - 1] == head:
            return FeedOutcome(incoming.feed, (), last - first + 1)
        return Refusal("sync.not_extending", {"feed": incoming.feed, "held": held_len, "start": first})
    if not entries:
        return FeedOutcome(incoming.feed, (), 0)
    first = entries[0].seq
    if first > held_len + 1:
        return Refusal("sync.not_extending", {"feed": incoming.feed, "held": held_len, "start": first})
    # The entry before the run is vouched for by the run's first prev.
    if first > 1 and held[first - 2] != entries[0].prev:
        return _fork(incoming.feed, first - 1, held[first - 2], entries[0].prev)
    already = 0
    for entry in entries:
        if entry.seq > held_len:
            break
        if held[entry.seq - 1] != entry.hash:
            return _fork(incoming.feed, entry.seq, held[entry.seq - 1], entry.hash)
        already += 1
    new = entries[already:]
    if new and held_len == 0 and new[0].prev != ZERO:  # cannot happen for a verified run; be strict
        return Refusal("sync.not_extending", {"feed": incoming.feed, "held": 0, "start": first})
    return FeedOutcome(incoming.feed, tuple(new), already)


def _fork(feed: str, seq: int, held_hash: str, incoming_hash: str) -> Refusal:
    fork = Fork(feed, seq, held_hash, incoming_hash)
    return Refusal("sync.fork", {"feed": feed, "seq": seq}, fork)


class _Overlay:
    """The held view plus what this run has accepted so far, copying a feed only when it grows."""

    def __init__(self, held: HeldView) -> None:
        self.held = held
        self.grown: dict[str, list[str]] = {}

    def get(self, feed: str) -> Sequence[str]:
        if feed in self.grown:
            return self.grown[feed]
        return self.held.get(feed, ())

    def extend(self, feed: str, entries: Sequence[Entry]) -> None:
        if feed not in self.grown:
            self.grown[feed] = list(self.held.get(feed, ()))
        self.grown[feed].extend(e.hash for e in entries)


def _plan_bundle(view: _Overlay, bundle: IncomingBundle, quarantined: set[str]) -> BundleResult:
    outcomes: list[FeedOutcome] = []
    seen: set[str] = set()
    for incoming in bundle.feeds:
        if incoming.feed in quarantined:
            return BundleResult(bundle.label, bundle.sender, refusal=Refusal("sync.quarantined", {"feed": incoming.feed}))
        if incoming.feed in seen:
            return BundleResult(bundle.label, bundle.sender, refusal=Refusal("sync.duplicate_feed", {"feed": incoming.feed}))
        seen.add(incoming.feed)
        outcome = plan_feed(view.get(incoming.feed), incoming)
        if isinstance(outcome, Refusal):
            return BundleResult(bundle.label, bundle.sender, refusal=outcome)
        outcomes.append(outcome)
    return BundleResult(bundle.label, bundle.sender, feeds=tuple(outcomes))


def plan_merge(
    held: HeldView,
    bundles: Sequence[IncomingBundle],
    quarantined: frozenset[str] | set[str] = frozenset(),
) -> MergePlan:
    """Plan merging ``bundles`` (already verified on their own) into a master holding ``held``.

    ``quarantined``: feeds whose bundles are refused until the township resolves them (an earlier
    fork). A bundle is merged whole or not at all.
    """
    view = _Overlay(held)
    blocked = set(quarantined)
    results: dict[int, BundleResult] = {}
    new_entries: dict[str, list[Entry]] = {}
    checkpoints: dict[str, SignedHead] = {}
    forks: list[Fork] = []
    pending = list(range(len(bundles)))
    while pending:
        waiting: list[int] = []
        for index in pending:
            result = _plan_bundle(view, bundles[index], blocked)
            if result.refusal is not None and result.refusal.key == "sync.not_extending":
                waiting.append(index)  # its earlier part may be in a bundle later in this run
                continue
            results[index] = result
            if result.refusal is not None:
                fork = result.refusal.fork
                if fork is not None:
                    forks.append(fork)
                    blocked.add(fork.feed)
                continue
            for outcome in result.feeds:
                if outcome.new:
                    view.extend(outcome.feed, outcome.new)
                    new_entries.setdefault(outcome.feed, []).extend(outcome.new)
            for incoming in bundles[index].feeds:
                cp = incoming.checkpoint
                if cp is not None and (incoming.feed not in checkpoints or cp.seq > checkpoints[incoming.feed].seq):
                    checkpoints[incoming.feed] = cp
        if len(waiting) == len(pending):  # no progress: these really do not extend the master
            for index in waiting:
                results[index] = _plan_bundle(view, bundles[index], blocked)
            break
        pending = waiting
    return MergePlan(
        results=tuple(results[i] for i in range(len(bundles))),
        new_entries={feed: tuple(entries) for feed, entries in new_entries.items()},
        checkpoints=checkpoints,
        forks=tuple(forks),
        quarantine_feeds=frozenset(blocked - set(quarantined)),
    )


def apply_to_view(held: HeldView, plan: MergePlan) -> dict[str, list[str]]:
    """The held view after ``plan`` (pure; what ``apply_plan`` writes, as hashes)."""
    result = {feed: list(hashes) for feed, hashes in held.items()}
    for feed, entries in plan.new_entries.items():
        result.setdefault(feed, []).extend(e.hash for e in entries)
    return result


# ============================================================================ the imperative half
#
# A merge touches many files of the store (one or more segments per feed, the documents, the
# manifest); each is replaced atomically, but together they are not. So a merge writes inside one
# store transaction (``Store.transaction``): the old master or the new one, never a part. The store
# keeps the previous master in ``<ws>/store/prev/``, puts it back when writing fails (a full disk),
# and ``Store.open`` puts it back after a crash (kill -9, power cut) whoever opens the workspace next.


def merge_interrupted(workspace_dir: Path) -> bool:
    """Whether a merge (a store transaction) in ``workspace_dir`` was interrupted and not put back yet."""
    return transaction_interrupted(Path(workspace_dir) / "store")


def recover_master(workspace_dir: Path) -> bool:
    """Put back the master from before an interrupted merge. True when something was put back.

    Opening the workspace does this by itself; the CLI calls this first to tell the user.
    """
    return recover_interrupted(Path(workspace_dir) / "store")


# ============================================================================ merging files

SYNC_TABLE = "sync"
CHECKPOINTS_DOC = "checkpoints"
LOG_DOC = "merge_log"
LOG_KEEP = 500
BUNDLE_SUFFIXES = {"bundle": ".fkb", "county": ".fkc"}

Progress = Callable[[int, int], None]
EDIT_TYPES = frozenset(EDIT_PREFIX)


def held_view(store: Any) -> dict[str, list[str]]:
    """What a store holds, as hashes: feed id -> entry hash at seq 1, 2, ..."""
    return {feed: [e.hash for e in entries] for feed, entries in store.feeds().items()}


def stored_checkpoints(store: Any) -> dict[str, SignedHead]:
    """The highest verified checkpoint per feed (the feed owner's signature), kept to pass feeds on."""
    raw = store.get_doc(SYNC_TABLE, CHECKPOINTS_DOC, {}) or {}
    return {feed: SignedHead(cp["seq"], cp["head"], cp["sig"], cp["signer"]) for feed, cp in raw.items()}


def collect_files(paths: Sequence[Path], kind: str) -> list[Path]:
    """Files named on the command line, folders expanded to their ``*.fkb`` (``*.fkc``) files."""
    suffix = BUNDLE_SUFFIXES[kind]
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == suffix)
            if not inside:
                raise FieldkitError("sync.no_files", path=str(path))
            found.extend(inside)
        elif path.exists():
            found.append(path)
        else:
            raise FieldkitError("io.not_found", path=str(path))
    seen: set[Path] = set()
    unique = []
    for path in found:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique


@dataclass
class FileReport:
    """One file's line in the merge table."""

    path: Path
    sender: str = ""
    new: int = 0
    already: int = 0
    conflicts: int = 0
    error: FieldkitError | None = None  # why it was refused (one line via str())
    copy: Path | None = None  # where the refused file was kept

    @property
    def label(self) -> str:
        return self.path.name

    @property
    def accepted(self) -> bool:
        return self.error is None


@dataclass
class MergeReport:
    files: list[FileReport]
    new: int
    digest_before: str
    digest_after: str
    forks: tuple[Fork, ...] = ()

    @property
    def rejected(self) -> int:
        return sum(1 for f in self.files if not f.accepted)


def merge_files(
    ws: Any, paths: Sequence[Path], progress: Progress | None = None, write_progress: Progress | None = None
) -> MergeReport:
    """Verify each file in the order DESIGN 6 lists, merge the good ones into ``ws``'s master in one
    transaction, keep the bad ones in quarantine with their reason. Refused files do not stop the
    others. If writing fails (a full disk) the previous master is put back (``ws`` with it) and the
    error raised."""
    with paused_gc():  # parsing builds ~10^6 small objects and no cycles
        return _merge_files(ws, paths, progress, write_progress)


def _merge_files(ws: Any, paths: Sequence[Path], progress: Progress | None, write_progress: Progress | None) -> MergeReport:
    from sync import quarantine
    from sync.verify import Rejected, read_import_file

    kind, verify = _verifier(ws)
    files = collect_files(paths, kind)
    trust = trust_for(ws)
    reports = [FileReport(path) for path in files]
    verified: list[tuple[FileReport, Any, bytes]] = []
    refused: list[tuple[FileReport, bytes, str | None, dict[str, Any] | None]] = []
    for done, report in enumerate(reports):
        try:
            data = read_import_file(report.path, trust.size_cap)
        except FieldkitError as exc:  # unreadable: nothing to keep
            report.error = exc
            continue
        try:
            result = verify(data, report.label, trust)
            report.sender = result.incoming.sender
            verified.append((report, result, data))
        except Rejected as exc:
            report.error = exc
            refused.append((report, data, _sender_of(data), None))
        if progress:
            progress(done + 1, len(reports))

    plan = plan_merge(trust.held, [v.incoming for _, v, _ in verified], trust.quarantined)
    for (report, _, data), outcome in zip(verified, plan.results):
        if outcome.refusal is None:
            report.new, report.already = outcome.new, outcome.already
            continue
        report.error = Rejected(outcome.refusal.key, **outcome.refusal.params)
        fork = outcome.refusal.fork
        fork_record = None if fork is None else {
            "feed": fork.feed, "seq": fork.seq, "held": fork.held_hash, "incoming": fork.incoming_hash,
        }
        refused.append((report, data, report.sender, fork_record))

    records = []
    for report, data, sender, fork_record in refused:
        report.copy = quarantine.keep_copy(ws.path, report.label, data)
        records.append(quarantine.make_record(
            copy=report.copy, original=report.label, data=data, key=report.error.key,
            params=report.error.params, sender=sender, fork=fork_record,
        ))
    new_view = apply_to_view(trust.held, plan)
    digest_before = content_digest(trust.held)
    digest_after = content_digest(new_view) if plan.new_count else digest_before

    store = ws.store
    old_cps = stored_checkpoints(store)
    cps = {feed: cp for feed, cp in plan.checkpoints.items() if feed not in old_cps or cp.seq > old_cps[feed].seq}
    if plan.new_count or records or cps:
        _apply(ws, plan, records, old_cps, cps, digest_after, len(reports), write_progress)
    _count_conflicts(store, [(report, outcome) for (report, _, _), outcome in zip(verified, plan.results)])
    return MergeReport(reports, plan.new_count, digest_before, digest_after, plan.forks)


def _apply(ws: Any, plan: MergePlan, records: list[dict[str, Any]], old_cps: dict[str, SignedHead],
           cps: dict[str, SignedHead], digest_after: str, files: int, write_progress: Progress | None) -> None:
    """Write a plan into the master in one transaction: entries, checkpoints, quarantine, the log."""
    from sync import quarantine

    store = ws.store
    # Raises store.reloaded, before writing anything, if another process changed the master since
    # this plan was made from it.
    with store.transaction():
        # Every entry came out of parse_entries + verify_chain (sync.verify): trusted.
        new_entries = {feed: plan.new_entries[feed] for feed in sorted(plan.new_entries)}
        store.add_many(new_entries, trusted=True, progress=write_progress)
        if cps:
            merged_cps = {f: cp.as_dict() for f, cp in old_cps.items()}
            merged_cps.update({f: cp.as_dict() for f, cp in cps.items()})
            store.put_doc(SYNC_TABLE, CHECKPOINTS_DOC, merged_cps)
        quarantine.add_records(store, records)
        quarantine.quarantine_feeds(store, {
            fork.feed: {"seq": fork.seq, "held": fork.held_hash, "incoming": fork.incoming_hash, "time": now_iso()}
            for fork in plan.forks
        })
        log = store.get_doc(SYNC_TABLE, LOG_DOC, []) or []
        log.append({"time": now_iso(), "files": files, "new": plan.new_count, "rejected": len(records),
                    "digest": digest_after})
        store.put_doc(SYNC_TABLE, LOG_DOC, log[-LOG_KEEP:])


def _verifier(ws: Any) -> tuple[str, Callable[[bytes, str, Any], Any]]:
    if ws.kind == "township":
        from sync.bundle import verify_bundle

        return "bundle", verify_bundle
    if ws.kind == "county":
        from sync.county import verify_county_bundle

        return "county", verify_county_bundle
    raise FieldkitError("cli.wrong_kind", path=str(ws.path), kind=ws.kind, expected="township/county")


def _sender_of(data: bytes) -> str | None:
    """The sender a refused file claims, if its header parses at all (for the record, unverified)."""
    from sync.verify import _short

    try:
        header = json.loads(data.split(b"\n", 2)[1])
        return _short(header.get("sender")) if isinstance(header, dict) else None
    except (IndexError, ValueError):
        return None


def _count_conflicts(store: Any, results: list[tuple[FileReport, BundleResult]]) -> None:
    """Per file, the conflicts its new entries take part in (edits of one entity from the same base)."""
    new_by_report = {
        id(report): {e.hash for f in outcome.feeds for e in f.new if e.type in EDIT_TYPES}
        for report, outcome in results
        if outcome.accepted
    }
    touched = {
        e.entity for report, outcome in results if outcome.accepted
        for f in outcome.feeds for e in f.new if e.type in EDIT_TYPES
    }
    if not touched:
        return
    state = fold(e for e in store.entries() if e.entity in touched)
    for report, outcome in results:
        hashes = new_by_report.get(id(report), set())
        report.conflicts = sum(1 for c in state.conflicts if any(v.hash in hashes for v in c.values))


def trust_for(ws: Any) -> Any:
    """What a township or county workspace trusts: its township(s), enrolled devices, keys, holdings."""
    from fieldkit.core import age
    from sync import quarantine
    from sync.verify import Trust

    store = ws.store
    info = ws.info
    # Enrolments and revocations live in the township-wide feeds t-<code>: fold just those (a county
    # master holds hundreds of thousands of visits that have nothing to say about devices).
    state = fold(e for feed, entries in store.feeds().items() if re.fullmatch(r"t-[0-9]{9}", feed) for e in entries)
    if ws.kind == "township":
        code = info["township"]
        keys = {f"t-{code}": info["signing_public"]}
        townships = frozenset({code})
    else:
        from sync.county import registered_townships

        registered = registered_townships(store)
        keys = {f"t-{c}": t["signing_public"] for c, t in registered.items()}
        townships = frozenset(registered)
    devices = {d.id: d for d in state.devices.values() if d.enrolled and d.village[:9] in townships}
    keys.update({d.id: d.signing_public for d in devices.values()})
    return Trust(
        townships=townships,
        keys=keys,
        identities=(age.X25519Identity.from_string(ws.secrets["office"]),),
        held=held_view(store),
        revoked=frozenset(d.id for d in state.devices.values() if d.revoked),
        quarantined=frozenset(quarantine.quarantined_feeds(store)),
        device_townships={d.id: d.village[:9] for d in devices.values()},
        county=ws.kind == "county",
    )
