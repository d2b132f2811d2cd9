"""Merge planning is a union: idempotent, commutative, associative (Hypothesis over random feeds).

These drive the pure planner (``sync.merge.plan_merge``) with real hash-chained entries; the CLI and
store tests check that what is written is what was planned.
"""

from __future__ import annotations

from functools import reduce

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.core.feed import ZERO, make_entry
from sync.digest import content_digest, entries_digest
from sync.merge import IncomingBundle, IncomingFeed, apply_to_view, plan_feed, plan_merge

DEVICES = ("d-00000000000000a1", "d-00000000000000b2", "d-00000000000000c3", "d-00000000000000d4")


def build_feed(feed: str, length: int, salt: int) -> list:
    entries, prev = [], ZERO
    for seq in range(1, length + 1):
        entry = make_entry(
            feed, seq, prev, f"2026-11-29T09:{seq % 60:02d}:00+08:00", "visit", f"visit:{salt:08x}{seq:024x}",
            [], {"household": f"110101001001-{seq:06d}", "n": salt},
        )
        entries.append(entry)
        prev = entry.hash
    return entries


@st.composite
def feeds_and_bundles(draw, max_bundles: int = 10, incremental: bool = False):
    """Random feeds for a few devices and bundles cut from them (prefixes; optionally slices)."""
    count = draw(st.integers(1, len(DEVICES)))
    feeds = {d: build_feed(d, draw(st.integers(1, 12)), i) for i, d in enumerate(DEVICES[:count])}
    bundles = []
    for n in range(draw(st.integers(1, max_bundles))):
        device = draw(st.sampled_from(sorted(feeds)))
        chain = feeds[device]
        end = draw(st.integers(1, len(chain)))
        start = draw(st.integers(1, end)) if incremental else 1
        bundles.append(IncomingBundle(f"b{n}", device, (IncomingFeed(device, tuple(chain[start - 1 : end])),)))
    return feeds, bundles


def merged(held, bundles):
    return apply_to_view(held, plan_merge(held, bundles))


def merge_each(held, bundles):
    return reduce(lambda view, b: merged(view, [b]), bundles, held)


@settings(max_examples=60, deadline=None)
@given(feeds_and_bundles())
def test_idempotent(data):
    _, bundles = data
    once = merged({}, bundles)
    twice = merged(once, bundles)
    assert twice == once
    plan = plan_merge(once, bundles)
    assert plan.new_count == 0 and all(r.accepted for r in plan.results)
    assert sum(r.already for r in plan.results) == sum(len(f.entries) for b in bundles for f in b.feeds)


@settings(max_examples=60, deadline=None)
@given(feeds_and_bundles(), st.randoms(use_true_random=False))
def test_commutative_one_run_and_one_at_a_time(data, rnd):
    _, bundles = data
    shuffled = list(bundles)
    rnd.shuffle(shuffled)
    expected = content_digest(merged({}, bundles))
    assert content_digest(merged({}, shuffled)) == expected
    assert content_digest(merge_each({}, shuffled)) == expected
    assert content_digest(merge_each({}, list(reversed(bundles)))) == expected


@settings(max_examples=60, deadline=None)
@given(feeds_and_bundles(), st.data())
def test_associative_any_grouping(data, draw):
    _, bundles = data
    cuts = sorted(draw.draw(st.sets(st.integers(0, len(bundles)), max_size=4)))
    groups, start = [], 0
    for cut in cuts + [len(bundles)]:
        groups.append(bundles[start:cut])
        start = cut
    grouped = reduce(lambda view, group: merged(view, group), groups, {})
    assert content_digest(grouped) == content_digest(merged({}, bundles))


@settings(max_examples=40, deadline=None)
@given(feeds_and_bundles(max_bundles=10), st.permutations(range(10)))
def test_ten_bundles_any_order_same_digest_and_it_is_the_union(data, order):
    feeds, bundles = data
    bundles = (bundles * 10)[:10]  # exactly ten bundles
    digest = content_digest(merged({}, [bundles[i] for i in order]))
    assert digest == content_digest(merged({}, bundles))
    # The union: for each feed, the longest prefix any bundle carried.
    longest = {}
    for b in bundles:
        for f in b.feeds:
            longest[f.feed] = max(longest.get(f.feed, 0), f.to_seq)
    assert digest == entries_digest(e for feed, n in longest.items() for e in feeds[feed][:n])


@settings(max_examples=60, deadline=None)
@given(feeds_and_bundles(incremental=True), st.randoms(use_true_random=False))
def test_incremental_bundles_in_one_run_any_order(data, rnd):
    _, bundles = data
    shuffled = list(bundles)
    rnd.shuffle(shuffled)
    a, b = plan_merge({}, bundles), plan_merge({}, shuffled)
    assert content_digest(apply_to_view({}, a)) == content_digest(apply_to_view({}, b))
    assert sorted(r.label for r in a.results if r.accepted) == sorted(r.label for r in b.results if r.accepted)


def test_fork_is_refused_and_quarantines_the_feed():
    device = DEVICES[0]
    honest = build_feed(device, 6, 1)
    restored = honest[:3] + build_feed(device, 6, 2)[3:]  # same first three, then different
    # make the restored tail chain onto the shared prefix
    prev, tail = honest[2].hash, []
    for e in restored[3:]:
        entry = make_entry(device, e.seq, prev, e.time, e.type, e.entity, list(e.base), dict(e.body))
        tail.append(entry)
        prev = entry.hash
    restored = honest[:3] + tail
    held = merged({}, [IncomingBundle("a", device, (IncomingFeed(device, tuple(honest)),))])
    later = IncomingBundle("later", device, (IncomingFeed(device, tuple(honest)),))
    plan = plan_merge(held, [IncomingBundle("r", device, (IncomingFeed(device, tuple(restored)),)), later])
    fork_result, later_result = plan.results
    assert fork_result.refusal.key == "sync.fork"
    assert fork_result.refusal.fork.seq == 4
    assert fork_result.refusal.fork.held_hash == honest[3].hash
    assert fork_result.refusal.fork.incoming_hash == tail[0].hash
    assert later_result.refusal.key == "sync.quarantined"
    assert plan.quarantine_feeds == {device}
    assert plan.new_count == 0 and apply_to_view(held, plan) == held


def test_fork_detected_at_the_link_before_an_incremental_run():
    device = DEVICES[1]
    honest = build_feed(device, 4, 1)
    other = build_feed(device, 6, 9)
    held = {device: [e.hash for e in honest]}
    outcome = plan_feed(held[device], IncomingFeed(device, tuple(other[4:])))
    assert outcome.key == "sync.fork" and outcome.fork.seq == 4


def test_gap_is_refused_as_not_extending():
    device = DEVICES[2]
    chain = build_feed(device, 8, 3)
    plan = plan_merge({device: [e.hash for e in chain[:2]]}, [IncomingBundle("x", device, (IncomingFeed(device, tuple(chain[5:])),))])
    assert plan.results[0].refusal.key == "sync.not_extending"
    assert plan.results[0].refusal.params == {"feed": device, "held": 2, "start": 6}
