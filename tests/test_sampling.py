"""Call-back sampling (sync/sampling.py): deterministic, stratified by village/group, only covered or
partly covered households, and re-derivable from the seed alone."""

from __future__ import annotations

import random

import pytest

from fieldkit.core.coverage import COVERED, PARTIAL, report
from fieldkit.core.fold import fold
from sync import sampling
from tests.audit_support import Master, at, hid
from tests.fold_builders import VILLAGE, VILLAGE2


def village_master(sizes: dict[tuple[str, str], int]) -> Master:
    """Every household covered; ``sizes`` = {(village, group): households}."""
    master = Master()
    master.township()
    master.enrol(time=at(7))
    n = 0
    minute = 0
    for village in sorted({v for v, _ in sizes}):
        master.village(village, f"村{village[-1]}")
    for (village, group), count in sizes.items():
        for _ in range(count):
            n += 1
            household = master.household(n, village=village, group=group)
            minute += 15
            master.visit(household, at(8, minute))
    return master


def sample_of(master: Master, size: int, seed: str, villages=None) -> list[sampling.Sampled]:
    state = master.state()
    return sampling.draw(state, report(state).statuses, size, seed, villages)


def test_same_seed_same_sample_different_seed_different_sample():
    master = village_master({(VILLAGE, "第1组"): 40, (VILLAGE, "第2组"): 40})
    first = sample_of(master, 10, "2026-12-10")
    assert first == sample_of(master, 10, "2026-12-10")
    assert [s.household for s in first] != [s.household for s in sample_of(master, 10, "2026-12-25")]
    assert len(first) == 10 and len({s.household for s in first}) == 10


def test_sample_does_not_depend_on_the_order_data_arrived_in():
    master = village_master({(VILLAGE, "第1组"): 20, (VILLAGE, "第2组"): 15})
    entries = master.entries()
    random.Random(7).shuffle(entries)
    state = fold(entries)
    assert sampling.draw(state, report(state).statuses, 8, "s") == sample_of(master, 8, "s")


def test_within_a_stratum_the_lowest_ranks_are_drawn():
    master = village_master({(VILLAGE, "第1组"): 30})
    drawn = {s.household for s in sample_of(master, 5, "abc")}
    ranked = sorted((sampling.rank("abc", hid(n)), hid(n)) for n in range(1, 31))
    assert drawn == {h for _, h in ranked[:5]}


def test_proportional_allocation_with_one_per_stratum_first():
    # 50/30/20 households, 10 drawn: one each, then 7 shared by the spare 49/29/19 of 97:
    # 3.54 / 2.09 / 1.37 -> 3, 2, 1 and the one left goes to the largest remainder (group 1).
    master = village_master({(VILLAGE, "第1组"): 50, (VILLAGE, "第2组"): 30, (VILLAGE2, "第1组"): 20})
    sample = sample_of(master, 10, "seed")
    counts = {}
    for s in sample:
        counts[(s.village, s.group)] = counts.get((s.village, s.group), 0) + 1
    assert counts == {(VILLAGE, "第1组"): 5, (VILLAGE, "第2组"): 3, (VILLAGE2, "第1组"): 2}
    # sorted by village, group (natural order), house number
    keys = [(s.village, s.group, s.number) for s in sample]
    assert keys == sorted(keys)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 19, 60, 99, 100, 150])
def test_allocation_is_exact_and_within_capacity(size):
    populations = {("v1", "g1"): 50, ("v1", "g2"): 30, ("v2", "g1"): 19, ("v2", "g2"): 1}
    shares = sampling.allocate(populations, size, "x")
    assert sum(shares.values()) == min(size, 100)
    assert all(0 <= shares[s] <= populations[s] for s in populations)
    if size >= len(populations):
        assert all(shares[s] >= 1 for s in populations)


def test_fewer_than_strata_takes_one_from_each_of_the_lowest_ranked_strata():
    populations = {("v", f"g{i}"): 10 for i in range(6)}
    shares = sampling.allocate(populations, 2, "seed")
    chosen = {s for s, n in shares.items() if n}
    ranked = sorted(populations, key=lambda s: sampling.rank("seed", f"stratum\n{s[0]}\n{s[1]}"))
    assert chosen == set(ranked[:2]) and sum(shares.values()) == 2


def test_only_covered_and_partly_covered_households_are_drawn():
    master = Master()
    master.township()
    master.village()
    covered = master.household(1)
    partial = master.household(2, members={"01": {}, "02": {}})
    master.household(3)  # never visited
    master.household(4, status="empty")
    moved = master.household(5, status="moved_out")
    master.visit(covered, at(9))
    master.visit(partial, at(9, 30))
    master.visit(moved, at(10))
    sample = sample_of(master, 20, "any")
    assert {(s.household, s.status) for s in sample} == {(covered, COVERED), (partial, PARTIAL)}


def test_village_filter():
    master = village_master({(VILLAGE, "第1组"): 5, (VILLAGE2, "第1组"): 5})
    sample = sample_of(master, 3, "s", villages=[VILLAGE2])
    assert len(sample) == 3 and {s.village for s in sample} == {VILLAGE2}


def test_contact_is_the_head_and_a_phone():
    master = Master()
    master.township()
    master.village()
    h1 = master.household(1, members={
        "01": {"name": "王小明", "relation": "之子", "phone": "13900000001"},
        "02": {"name": "王大山", "relation": "户主", "phone": "13900000002"},
    })
    h2 = master.household(2, members={
        "01": {"name": "李秀兰", "relation": "户主", "phone": ""},
        "02": {"name": "李强", "relation": "之子", "phone": "13900000003"},
    })
    h3 = master.household(3, members={"01": {"name": "赵四", "relation": "", "phone": ""}})
    h4 = master.household(4, members={"01": {"name": "钱五", "status": "deceased", "phone": "13900000004"}})
    state = master.state()
    assert sampling.contact(state, h1) == sampling.Contact("王大山", "户主", "13900000002", "")
    assert sampling.contact(state, h2) == sampling.Contact("李秀兰", "户主", "13900000003", "之子")
    assert sampling.contact(state, h3) == sampling.Contact("赵四", "", "", "")
    assert sampling.contact(state, h4) == sampling.Contact("", "", "", "")


def test_rank_is_the_documented_hash():
    import hashlib

    assert sampling.rank("S", "hh") == hashlib.sha256("fieldkit-callback/1\nS\nhh".encode()).hexdigest()
