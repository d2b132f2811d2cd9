"""The auditor's checks: pure functions from plain data (feeds, the folded state, what the merge
recorded) to findings. No I/O here; ``fieldkit audit`` gathers the input and prints.

Each ``Finding`` has a kind (its message is ``audit.finding.<kind>`` in the catalogue), a severity,
the feed (device) and seq(s) it is about, and params that are ids, counts and minutes only. The one
piece of the roster a finding may name is a household id. Never a name, phone or answer.

Severities (docs/audit.md):

- ``error``: the record cannot be trusted as it stands: a broken chain, a feed from a device that was
  never enrolled, entries after a revocation, a fork, a denied call-back.
- ``warning``: implausible or suspicious, to be checked (call-back, ask the cadre): the clock ran
  backwards, ran ahead of the import or predates the enrolment; more visits in an hour than anyone can
  make; visits at night; a visit to another village's household; the same household twice within
  minutes; refused files; entries the fold could not use.
- ``info``: for the record: households still to cover per village, visits typed in from paper forms
  (补录), unresolved edit conflicts, unreachable call-backs.

Times are compared as UTC instants; "night" is the local hour in the offset the device recorded.
Visits typed in from paper forms (their body has ``visited_on``) carry the time of typing, not of
the visit, so the per-hour, night and duplicate checks skip them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from fieldkit.core.canonical import parse_time
from fieldkit.core.coverage import NOT_VISITED, PARTIAL, Report
from fieldkit.core.feed import Entry, FeedError, verify_chain
from fieldkit.core.model import State, Visit
from fieldkit.i18n import t

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# Finding kinds, grouped as DESIGN 1 lists the auditor's jobs.
CHAIN = "chain"  # the feed does not verify (gap, broken link, altered, ...)
UNKNOWN_DEVICE = "unknown_device"  # a device feed with no device.enroll
UNKNOWN_TOWNSHIP_FEED = "unknown_township_feed"  # t-<code>… of a township not in the state
UNKNOWN_FEED = "unknown_feed"  # a feed id that is neither a device's nor a township's
AFTER_REVOCATION = "after_revocation"
FORK = "fork"
QUARANTINED = "quarantined"  # a feed still held back after a fork
REFUSED_FILE = "refused_file"  # a bundle the merge refused for another reason
IGNORED_ENTRY = "ignored_entry"  # an entry the fold could not use
CONFLICT = "conflict"
TIME_BACKWARDS = "time_backwards"
FUTURE_TIME = "future_time"
BEFORE_ENROLMENT = "before_enrolment"
TOO_MANY_PER_HOUR = "too_many_per_hour"
NIGHT_VISIT = "night_visit"
OTHER_VILLAGE = "other_village"
UNKNOWN_HOUSEHOLD = "unknown_household"
DUPLICATE_VISIT = "duplicate_visit"
PAPER_VISITS = "paper_visits"
UNCOVERED = "uncovered"
CALLBACK_DENIED = "callback_denied"
CALLBACK_UNREACHABLE = "callback_unreachable"

SEVERITY_OF = {
    CHAIN: ERROR,
    UNKNOWN_DEVICE: ERROR,
    UNKNOWN_FEED: ERROR,
    AFTER_REVOCATION: ERROR,
    FORK: ERROR,
    CALLBACK_DENIED: ERROR,
    UNKNOWN_TOWNSHIP_FEED: WARNING,
    QUARANTINED: WARNING,
    REFUSED_FILE: WARNING,
    IGNORED_ENTRY: WARNING,
    TIME_BACKWARDS: WARNING,
    FUTURE_TIME: WARNING,
    BEFORE_ENROLMENT: WARNING,
    TOO_MANY_PER_HOUR: WARNING,
    NIGHT_VISIT: WARNING,
    OTHER_VILLAGE: WARNING,
    UNKNOWN_HOUSEHOLD: WARNING,
    DUPLICATE_VISIT: WARNING,
    CONFLICT: INFO,
    PAPER_VISITS: INFO,
    UNCOVERED: INFO,
    CALLBACK_UNREACHABLE: INFO,
}
KINDS = tuple(SEVERITY_OF)


@dataclass(frozen=True)
class AuditConfig:
    clock_tolerance: timedelta = timedelta(minutes=10)  # backwards / ahead of import / before enrolment
    max_visits_per_hour: int = 30  # more than this by one device within any 60 minutes is implausible
    night_start_hour: int = 0  # visits from night_start (inclusive) to night_end (exclusive), local
    night_end_hour: int = 5
    duplicate_window: timedelta = timedelta(minutes=10)  # same household visited again within this


@dataclass(frozen=True)
class ImportRecord:
    """Entries ``from_seq``..``to_seq`` of ``feed`` were received by the master at ``time`` (its clock)."""

    feed: str
    from_seq: int
    to_seq: int
    time: str


@dataclass(frozen=True)
class QuarantineRecord:
    """What the merge kept aside (``sync.quarantine``): a refused file, or a fork with both hashes.

    ``reason`` is the catalogue key the merge refused with; ``params`` its params (ids, counts).
    ``still_held`` marks a feed that is still quarantined (not yet revoked or released).
    """

    reason: str
    feed: str = ""
    seq: int | None = None
    file: str = ""
    time: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    held_hash: str = ""
    incoming_hash: str = ""
    still_held: bool = False

    @property
    def is_fork(self) -> bool:
        return self.reason == "sync.fork" or bool(self.held_hash and self.incoming_hash)


@dataclass(frozen=True)
class AuditInput:
    feeds: Mapping[str, Sequence[Entry]]  # every feed the master holds, by seq
    state: State  # fold of those feeds
    report: Report | None = None  # coverage of the state (for the uncovered check)
    imports: Sequence[ImportRecord] = ()
    quarantine: Sequence[QuarantineRecord] = ()
    now: datetime | None = None  # when no import time is known: now (aware); default: the real now


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    feed: str = ""
    seqs: tuple[int, ...] = ()  # one seq, a (first, last) range, or the two entries compared
    household: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"audit.finding.{self.kind}"

    def where(self) -> str:
        """``d-…#12`` or ``d-…#12–15``: the feed and seq(s) this is about."""
        if not self.feed:
            return ""
        if not self.seqs:
            return self.feed
        if len(self.seqs) == 2 and self.seqs[0] != self.seqs[1]:
            return f"{self.feed}#{self.seqs[0]}–{self.seqs[1]}"
        return f"{self.feed}#{self.seqs[0]}"

    def message(self, lang: str | None = None) -> str:
        params = dict(self.params)
        if "detail_key" in params:
            params["detail"] = t(params.pop("detail_key"), lang=lang, **dict(params.pop("detail_params", {})))
        if "minutes" in params:
            params["duration"] = duration_text(int(params["minutes"]), lang)
        first = self.seqs[0] if self.seqs else ""
        last = self.seqs[-1] if self.seqs else ""
        return t(self.key, lang=lang, feed=self.feed, seq=first, last=last, household=self.household, **params)


@dataclass(frozen=True)
class AuditResult:
    findings: tuple[Finding, ...]
    feeds: int
    entries: int

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def duration_text(minutes: int, lang: str | None = None) -> str:
    """``3 天 4 小时`` / ``45 分钟``: the two largest units."""
    days, rest = divmod(max(minutes, 0), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, "audit.unit.days"), (hours, "audit.unit.hours"), (mins, "audit.unit.minutes")]
    shown = [t(key, lang=lang, n=n) for n, key in parts if n][:2]
    return " ".join(shown) if shown else t("audit.unit.minutes", lang=lang, n=0)


def _finding(kind: str, feed: str = "", seqs: Iterable[int] = (), household: str = "", **params: Any) -> Finding:
    return Finding(kind, SEVERITY_OF[kind], feed, tuple(seqs), household, params)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _runs(seqs: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted seqs as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for seq in sorted(seqs):
        if runs and seq == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], seq)
        else:
            runs.append((seq, seq))
    return runs


# ------------------------------------------------------------------------------ feeds and owners


def is_device_feed(feed: str) -> bool:
    return feed.startswith("d-")


def township_of(feed: str) -> str | None:
    """``t-<code>`` and ``t-<code>-<village>`` belong to township ``code``."""
    if feed.startswith("t-"):
        return feed[2:].split("-", 1)[0]
    return None


def feed_village(feed: str, state: State) -> str | None:
    """The village a feed works in: an enrolled device's village, or a township village feed's."""
    if is_device_feed(feed):
        device = state.devices.get(feed)
        return device.village if device is not None and device.village else None
    if feed.startswith("t-"):
        parts = feed[2:].split("-")
        return parts[1] if len(parts) == 2 else None
    return None


# ------------------------------------------------------------------------------ integrity


def check_integrity(data: AuditInput) -> list[Finding]:
    """Chains verify; every feed has a known owner; nothing after a revocation; what the merge
    quarantined; entries the fold could not use; unresolved conflicts."""
    state = data.state
    findings: list[Finding] = []
    received = _received_times(data.imports)
    for feed_id, entries in sorted(data.feeds.items()):
        try:
            verify_chain(entries, feed_id)
        except FeedError as exc:
            findings.append(
                _finding(CHAIN, feed_id, [exc.seq] if exc.seq is not None else [], detail_key=exc.key,
                         detail_params={k: v for k, v in exc.params.items()})
            )
        if not entries:
            continue
        span = (entries[0].seq, entries[-1].seq)
        if is_device_feed(feed_id):
            device = state.devices.get(feed_id)
            if device is None or not device.enrolled:
                findings.append(_finding(UNKNOWN_DEVICE, feed_id, span, count=len(entries)))
            elif device.revoked and device.revoked_time:
                findings.extend(_after_revocation(feed_id, entries, parse_time(device.revoked_time), received))
        elif feed_id.startswith("t-"):
            if township_of(feed_id) not in state.townships:
                findings.append(_finding(UNKNOWN_TOWNSHIP_FEED, feed_id, span, count=len(entries)))
        else:
            findings.append(_finding(UNKNOWN_FEED, feed_id, span, count=len(entries)))

    findings.extend(_quarantine_findings(data.quarantine))

    if state.ignored:
        by_hash = {e.hash: e for entries in data.feeds.values() for e in entries}
        for entry_hash in state.ignored:
            entry = by_hash.get(entry_hash)
            if entry is not None:
                findings.append(_finding(IGNORED_ENTRY, entry.feed, [entry.seq], type=entry.type[:40]))
    for conflict in state.conflicts:
        findings.append(_finding(CONFLICT, entity=conflict.entity, count=len(conflict.values)))
    return findings


def _after_revocation(
    feed: str, entries: Sequence[Entry], revoked: datetime, received: Mapping[str, list[tuple[int, int, datetime]]]
) -> list[Finding]:
    late = []
    for entry in entries:
        arrived = _received_at(received, feed, entry.seq)
        if parse_time(entry.time) > revoked or (arrived is not None and arrived > revoked):
            late.append(entry.seq)
    return [_finding(AFTER_REVOCATION, feed, run, count=run[1] - run[0] + 1) for run in _runs(late)]


def _quarantine_findings(records: Sequence[QuarantineRecord]) -> list[Finding]:
    findings: list[Finding] = []
    forks: set[tuple[str, int | None, str]] = set()
    held_back: set[str] = set()
    for record in records:
        if record.is_fork:
            key = (record.feed, record.seq, record.incoming_hash)
            if key not in forks:
                forks.add(key)
                findings.append(
                    _finding(
                        FORK, record.feed, [record.seq] if record.seq is not None else [],
                        held=record.held_hash[:12] or "?", incoming=record.incoming_hash[:12] or "?",
                    )
                )
        elif not record.still_held:
            params = {k: v for k, v in record.params.items() if isinstance(v, (str, int))}
            findings.append(
                _finding(REFUSED_FILE, record.feed, [], file=record.file or "?", detail_key=record.reason,
                         detail_params={"file": record.file or "?", **params})
            )
        if record.still_held and record.feed and record.feed not in held_back:
            held_back.add(record.feed)
            findings.append(_finding(QUARANTINED, record.feed))
    return findings


def quarantine_records(
    table: Iterable[Mapping[str, Any]], quarantined_feeds: Mapping[str, Mapping[str, Any]] | None = None
) -> list[QuarantineRecord]:
    """Plain records from what ``sync.quarantine`` stores: the ``quarantine`` document table and the
    ``quarantined_feeds`` document ({feed: record}). Tolerant of missing fields."""
    out: list[QuarantineRecord] = []
    for doc in table:
        fork = doc.get("fork") if isinstance(doc.get("fork"), Mapping) else None
        params = doc.get("params") if isinstance(doc.get("params"), Mapping) else {}
        feed = _text((fork or {}).get("feed")) or _text(params.get("feed")) or _text(doc.get("sender"))
        out.append(
            QuarantineRecord(
                reason=_text(doc.get("reason")),
                feed=feed,
                seq=_seq((fork or {}).get("seq", params.get("seq"))),
                file=_text(doc.get("file")) or _text(doc.get("original")),
                time=_text(doc.get("time")),
                params=dict(params),
                held_hash=_text((fork or {}).get("held_hash") or (fork or {}).get("held")),
                incoming_hash=_text((fork or {}).get("incoming_hash") or (fork or {}).get("incoming")),
            )
        )
    for feed, doc in sorted((quarantined_feeds or {}).items()):
        doc = doc if isinstance(doc, Mapping) else {}
        fork = doc.get("fork") if isinstance(doc.get("fork"), Mapping) else doc
        out.append(
            QuarantineRecord(
                reason=_text(doc.get("reason")) or "sync.fork",
                feed=feed,
                seq=_seq(fork.get("seq")),
                time=_text(doc.get("time")),
                held_hash=_text(fork.get("held_hash") or fork.get("held")),
                incoming_hash=_text(fork.get("incoming_hash") or fork.get("incoming")),
                still_held=True,
            )
        )
    return out


def import_records(received: object) -> list[ImportRecord]:
    """Plain import records from the store document the merge keeps of when it received what:
    ``{feed: [[from_seq, to_seq, time], ...]}`` or a list of ``{feed, from_seq, to_seq, time}``.
    Anything else (or nothing, from a merge that keeps no such record) gives no records, and the
    clock check falls back to "now"."""
    out: list[ImportRecord] = []
    if isinstance(received, Mapping):
        for feed, spans in received.items():
            for span in spans if isinstance(spans, list) else ():
                if isinstance(span, list) and len(span) == 3:
                    first, last, when = span
                    if _seq(first) and _seq(last) and isinstance(when, str):
                        out.append(ImportRecord(str(feed), first, last, when))
    elif isinstance(received, list):
        for doc in received:
            if isinstance(doc, Mapping) and _seq(doc.get("from_seq")) and _seq(doc.get("to_seq")):
                out.append(ImportRecord(_text(doc.get("feed")), doc["from_seq"], doc["to_seq"], _text(doc.get("time"))))
    return out


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _seq(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# ------------------------------------------------------------------------------ clocks


def _received_times(imports: Sequence[ImportRecord]) -> dict[str, list[tuple[int, int, datetime]]]:
    by_feed: dict[str, list[tuple[int, int, datetime]]] = {}
    for record in imports:
        try:
            when = parse_time(record.time)
        except ValueError:
            continue
        by_feed.setdefault(record.feed, []).append((record.from_seq, record.to_seq, when))
    return by_feed


def _received_at(received: Mapping[str, list[tuple[int, int, datetime]]], feed: str, seq: int) -> datetime | None:
    """When the master first received ``seq`` of ``feed`` (the earliest import covering it)."""
    times = [when for first, last, when in received.get(feed, ()) if first <= seq <= last]
    return min(times) if times else None


def check_clocks(data: AuditInput, config: AuditConfig = AuditConfig()) -> list[Finding]:
    """Time running backwards within a feed, ahead of when the master received the entry (or of
    ``now`` when no import is recorded), or before the device's enrolment."""
    state = data.state
    now = data.now or datetime.now(timezone.utc)
    tolerance = config.clock_tolerance
    received = _received_times(data.imports)
    findings: list[Finding] = []
    for feed_id, entries in sorted(data.feeds.items()):
        device = state.devices.get(feed_id) if is_device_feed(feed_id) else None
        enrolled = parse_time(device.enrolled_time) if device is not None and device.enrolled_time else None
        previous: tuple[int, datetime] | None = None
        ahead: list[int] = []
        ahead_by: list[timedelta] = []
        early: list[int] = []
        for entry in entries:
            when = parse_time(entry.time)
            if previous is not None and when < previous[1] - tolerance:
                findings.append(_finding(TIME_BACKWARDS, feed_id, (previous[0], entry.seq), minutes=_minutes(previous[1] - when)))
            previous = (entry.seq, when)
            limit = _received_at(received, feed_id, entry.seq) or now
            if when > limit + tolerance:
                ahead.append(entry.seq)
                ahead_by.append(when - limit)
            if enrolled is not None and when < enrolled - tolerance:
                early.append(entry.seq)
        if ahead:
            lead = dict(zip(ahead, ahead_by))
            for run in _runs(ahead):
                most = max(lead[s] for s in range(run[0], run[1] + 1))
                findings.append(_finding(FUTURE_TIME, feed_id, run, count=run[1] - run[0] + 1, minutes=_minutes(most)))
        for run in _runs(early):
            findings.append(_finding(BEFORE_ENROLMENT, feed_id, run, count=run[1] - run[0] + 1))
    return findings


# ------------------------------------------------------------------------------ implausible visits


def paper_visit_hashes(feeds: Mapping[str, Sequence[Entry]]) -> set[str]:
    """Visits typed in from paper forms (补录): their entry time is when they were typed."""
    return {e.hash for entries in feeds.values() for e in entries if e.type == "visit" and "visited_on" in e.body}


def check_visits(data: AuditInput, config: AuditConfig = AuditConfig()) -> list[Finding]:
    """Too many visits by one device within an hour, visits at night, visits to another village's
    (or an unknown) household, the same household visited twice within minutes, paper visits."""
    state = data.state
    paper = paper_visit_hashes(data.feeds)
    findings: list[Finding] = []
    live: list[Visit] = []
    paper_count: dict[str, int] = {}
    for visit in state.visits:
        if visit.hash in paper:
            paper_count[visit.feed] = paper_count.get(visit.feed, 0) + 1
        else:
            live.append(visit)
        findings.extend(_village_findings(visit, state))

    by_feed: dict[str, list[Visit]] = {}
    for visit in live:
        by_feed.setdefault(visit.feed, []).append(visit)
        hour = visit.instant.hour  # local, in the offset the device recorded
        if config.night_start_hour <= hour < config.night_end_hour:
            findings.append(_finding(NIGHT_VISIT, visit.feed, [visit.seq], visit.household, time=visit.time[11:16]))
    for feed_id, visits in sorted(by_feed.items()):
        findings.extend(_bursts(feed_id, visits, config.max_visits_per_hour))
    findings.extend(_duplicates(live, config.duplicate_window))
    for feed_id, count in sorted(paper_count.items()):
        findings.append(_finding(PAPER_VISITS, feed_id, count=count))
    return findings


def _village_findings(visit: Visit, state: State) -> list[Finding]:
    household = state.households.get(visit.household)
    if household is None:
        return [_finding(UNKNOWN_HOUSEHOLD, visit.feed, [visit.seq], visit.household)]
    expected = feed_village(visit.feed, state)
    if expected is None:
        return []
    if household.village != expected or (visit.village and visit.village != expected):
        return [_finding(OTHER_VILLAGE, visit.feed, [visit.seq], visit.household, village=household.village, device_village=expected)]
    return []


def _bursts(feed: str, visits: list[Visit], limit: int) -> list[Finding]:
    """Maximal stretches where some 60-minute window holds more than ``limit`` visits of one feed."""
    ordered = sorted(visits, key=lambda v: (v.instant.timestamp(), v.seq))
    times = [v.instant.timestamp() for v in ordered]
    bursts: list[tuple[int, int, int]] = []  # (first index, last index, most in one hour)
    end = 0
    for start in range(len(ordered)):
        end = max(end, start)
        while end + 1 < len(ordered) and times[end + 1] - times[start] < 3600:
            end += 1
        count = end - start + 1
        if count <= limit:
            continue
        if bursts and start <= bursts[-1][1]:
            first, _, most = bursts[-1]
            bursts[-1] = (first, end, max(most, count))
        else:
            bursts.append((start, end, count))
    findings = []
    for first, last, most in bursts:
        seqs = [v.seq for v in ordered[first : last + 1]]
        findings.append(
            _finding(TOO_MANY_PER_HOUR, feed, (min(seqs), max(seqs)), count=most, total=len(seqs), limit=limit)
        )
    return findings


def _duplicates(visits: list[Visit], window: timedelta) -> list[Finding]:
    by_household: dict[str, list[Visit]] = {}
    for visit in visits:
        by_household.setdefault(visit.household, []).append(visit)
    findings = []
    for household, recorded in sorted(by_household.items()):
        recorded.sort(key=lambda v: (v.instant.timestamp(), v.feed, v.seq))
        for earlier, later in zip(recorded, recorded[1:]):
            gap = later.instant - earlier.instant
            if gap <= window:
                findings.append(
                    _finding(DUPLICATE_VISIT, later.feed, [later.seq], household,
                             other=f"{earlier.feed}#{earlier.seq}", minutes=_minutes(gap))
                )
    return findings


# ------------------------------------------------------------------------------ coverage and call-backs


@dataclass(frozen=True)
class UncoveredHousehold:
    village: str
    group: str
    household: str
    number: str
    status: str  # coverage.PARTIAL or coverage.NOT_VISITED


def uncovered_households(state: State, report: Report) -> list[UncoveredHousehold]:
    """Households not yet covered (部分覆盖 / 未走访), by village, group (natural order), house number."""
    rows = []
    for hid, status in report.statuses.items():
        if status not in (PARTIAL, NOT_VISITED):
            continue
        household = state.households[hid]
        rows.append(UncoveredHousehold(household.village, household.group, hid, household.number, status))
    rows.sort(key=lambda r: (r.village, natural_key(r.group), natural_key(r.number), r.household))
    return rows


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that puts 第2组 before 第10组."""
    parts: list[Any] = []
    number = ""
    for ch in text:
        if ch.isdigit() and ch.isascii():
            number += ch
            continue
        if number:
            parts.append((0, int(number), ""))
            number = ""
        parts.append((1, 0, ch))
    if number:
        parts.append((0, int(number), ""))
    return tuple(parts)


def check_coverage(data: AuditInput) -> list[Finding]:
    """One info finding per village with households still to cover."""
    if data.report is None:
        return []
    counts: dict[str, list[int]] = {}
    for row in uncovered_households(data.state, data.report):
        pair = counts.setdefault(row.village, [0, 0])
        pair[0 if row.status == NOT_VISITED else 1] += 1
    findings = []
    for village, (not_visited, partial) in sorted(counts.items()):
        name = data.state.villages[village].name if village in data.state.villages else village
        findings.append(_finding(UNCOVERED, village=village, village_name=name, not_visited=not_visited, partial=partial))
    return findings


def check_callbacks(data: AuditInput) -> list[Finding]:
    findings = []
    for callback in data.state.callbacks.values():
        if callback.result == "denied":
            findings.append(_finding(CALLBACK_DENIED, callback.feed, [callback.seq], callback.household))
        elif callback.result == "unreachable":
            findings.append(_finding(CALLBACK_UNREACHABLE, callback.feed, [callback.seq], callback.household))
    return findings


# ------------------------------------------------------------------------------ all of it


def _order(finding: Finding) -> tuple[Any, ...]:
    return (
        SEVERITIES.index(finding.severity),
        KINDS.index(finding.kind),
        finding.feed,
        finding.seqs,
        finding.household,
        sorted((k, str(v)) for k, v in finding.params.items()),
    )


def audit(data: AuditInput, config: AuditConfig = AuditConfig()) -> AuditResult:
    """Every check; findings ordered by severity, kind, feed, seq."""
    findings = (
        check_integrity(data)
        + check_clocks(data, config)
        + check_visits(data, config)
        + check_coverage(data)
        + check_callbacks(data)
    )
    findings.sort(key=_order)
    return AuditResult(
        findings=tuple(findings),
        feeds=len(data.feeds),
        entries=sum(len(entries) for entries in data.feeds.values()),
    )
