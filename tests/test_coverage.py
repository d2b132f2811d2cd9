"""Coverage rules (已覆盖/部分覆盖/未走访/空挂/已迁出) and the roll-up report, with exact numbers."""

from __future__ import annotations

from datetime import date

import pytest

from fieldkit.core.coverage import (
    APP_TARGET,
    COVERED,
    EMPTY,
    MOVED_OUT,
    NOT_VISITED,
    PARTIAL,
    Breakdown,
    Tally,
    household_status,
    person_flags,
    report,
)
from fieldkit.core.fold import fold
from tests.fold_builders import VILLAGE, VILLAGE2, FeedWriter, briefed, hex_id

HH = f"{VILLAGE}-010001"
TODAY = date(2026, 11, 29)

# (case id, household status, members {suffix: (residence, status)}, visits [{suffix: record}], expected)
CASES = [
    ("never visited", "resident", {"01": ("resident", "active")}, [], NOT_VISITED),
    ("one of two residents briefed", "resident",
     {"01": ("resident", "active"), "02": ("resident", "active")}, [{"01": briefed()}], PARTIAL),
    ("all residents in person", "resident",
     {"01": ("resident", "active"), "02": ("resident", "active")}, [{"01": briefed(), "02": briefed()}], COVERED),
    ("resident by phone is not enough", "resident",
     {"01": ("resident", "active"), "02": ("resident", "active")}, [{"01": briefed(), "02": briefed("phone")}], PARTIAL),
    ("migrant by phone is enough", "resident",
     {"01": ("resident", "active"), "02": ("migrant", "active")}, [{"01": briefed(), "02": briefed("phone")}], COVERED),
    ("student by wechat is enough", "resident",
     {"01": ("resident", "active"), "02": ("student", "active")}, [{"01": briefed(), "02": briefed("wechat")}], COVERED),
    ("migrant by video is enough", "resident",
     {"01": ("migrant", "active")}, [{"01": briefed("video")}], COVERED),
    ("away member in person is enough", "resident",
     {"01": ("student", "active")}, [{"01": briefed("in_person")}], COVERED),
    ("away member not briefed", "resident",
     {"01": ("resident", "active"), "02": ("migrant", "active")}, [{"01": briefed()}], PARTIAL),
    ("briefed false does not count", "resident",
     {"01": ("resident", "active")}, [{"01": briefed(done=False)}], PARTIAL),
    ("unknown channel does not count", "resident",
     {"01": ("migrant", "active")}, [{"01": briefed("letter")}], PARTIAL),
    ("visit recording nobody", "resident", {"01": ("resident", "active")}, [{}], PARTIAL),
    ("split across two visits", "resident",
     {"01": ("resident", "active"), "02": ("migrant", "active")}, [{"01": briefed()}, {"02": briefed("phone")}], COVERED),
    ("earlier briefing stays briefed", "resident",
     {"01": ("resident", "active")}, [{"01": briefed()}, {"01": briefed(done=False)}], COVERED),
    ("empty by household status", "empty", {"01": ("resident", "active")}, [{}], EMPTY),
    ("empty when every member is registered only", "resident",
     {"01": ("registered_only", "active"), "02": ("registered_only", "active")}, [], EMPTY),
    ("registered-only members don't count", "resident",
     {"01": ("resident", "active"), "02": ("registered_only", "active")}, [{"01": briefed()}], COVERED),
    ("moved-out household", "moved_out", {"01": ("resident", "active")}, [{"01": briefed()}], MOVED_OUT),
    ("moved-out and deceased members ignored", "resident",
     {"01": ("resident", "active"), "02": ("resident", "moved_out"), "03": ("migrant", "deceased")},
     [{"01": briefed()}], COVERED),
    ("registered-only plus moved-out members is empty", "resident",
     {"01": ("registered_only", "active"), "02": ("resident", "moved_out")}, [{}], EMPTY),
    ("no active member left is empty", "resident", {"01": ("resident", "deceased")}, [], EMPTY),
]


@pytest.mark.parametrize(
    ("status", "members", "visits", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_household_status(status, members, visits, expected) -> None:
    feed = FeedWriter(f"t-110101001-{VILLAGE}")
    feed.household(HH, status=status)
    for suffix, (residence, person_status) in members.items():
        feed.person(f"{HH}-{suffix}", residence=residence, status=person_status)
    laptop = FeedWriter("d-aaaaaaaaaaaaaaaa")
    for n, records in enumerate(visits):
        laptop.visit(hex_id(n + 1), HH, {f"{HH}-{suffix}": rec for suffix, rec in records.items()})
    state = fold(feed.entries + laptop.entries)

    assert household_status(state.households[HH], state.persons_of(HH), state.visits_of(HH)) == expected
    assert report(state, TODAY).statuses[HH] == expected  # the report applies the same rule


def test_status_ignores_visits_and_members_of_other_households() -> None:
    feed = FeedWriter(f"t-110101001-{VILLAGE}")
    other = f"{VILLAGE}-010002"
    feed.household(HH)
    feed.household(other)
    feed.person(f"{HH}-01")
    feed.person(f"{other}-01")
    feed.visit(hex_id(1), other, {f"{HH}-01": briefed(), f"{other}-01": briefed()})
    state = fold(feed.entries)
    everyone = list(state.persons.values())
    assert household_status(state.households[HH], everyone, state.visits) == NOT_VISITED
    assert household_status(state.households[other], everyone, state.visits) == COVERED


def test_person_flags_in_the_report() -> None:
    feed = FeedWriter(f"t-110101001-{VILLAGE}")
    feed.household(HH)
    feed.person(f"{HH}-01")
    feed.person(f"{HH}-02")
    feed.visit(hex_id(1), HH, {f"{HH}-01": briefed(app=True), f"{HH}-02": briefed("phone", warning=True)})
    feed.visit(hex_id(2), HH, {f"{HH}-01": briefed(app=False, group=True)})
    state = fold(feed.entries)
    flags = report(state, TODAY).persons
    assert person_flags(state.households[HH], state.persons_of(HH), state.visits) == flags
    one, two = flags[f"{HH}-01"], flags[f"{HH}-02"]
    assert (one.briefed, one.briefed_any, one.app_installed, one.call_warning, one.joined_group) == (True, True, True, False, True)
    assert (two.briefed, two.briefed_any, two.app_installed, two.call_warning, two.joined_group) == (False, True, False, True, False)


def h(village: str, number: str) -> str:
    return f"{village}-{number}"


def township_fixture() -> list:
    """Two villages; every household state; known ages, channels and app installs (see the test)."""
    roster = FeedWriter("t-110101001-110101001001")
    roster.village(VILLAGE, "红星村")
    roster.village(VILLAGE2, "东风村")
    roster.village("110101001003", "新村")  # no households yet
    g1, g2 = "第1村民小组", "第2村民小组"
    h1, h2, h3, h4, h5, h6 = (h(VILLAGE, f"01000{i}") for i in range(1, 7))
    h7 = h(VILLAGE2, "010001")
    for hid, group, status in [(h1, g1, "resident"), (h2, g1, "resident"), (h3, g1, "empty"),
                               (h4, g2, "resident"), (h5, g2, "resident"), (h6, g2, "moved_out"),
                               (h7, g1, "resident")]:
        roster.household(hid, group=group, status=status)
    people = [
        (h1, "01", "resident", "active", 1966), (h1, "02", "migrant", "active", 1990), (h1, "03", "student", "active", 2008),
        (h2, "01", "resident", "active", 1950), (h2, "02", "resident", "active", 1955),
        (h3, "01", "resident", "active", 1970),
        (h4, "01", "resident", "active", 1980), (h4, "02", "registered_only", "active", 1985), (h4, "03", "resident", "deceased", 1930),
        (h5, "01", "registered_only", "active", 1960), (h5, "02", "registered_only", "active", 1962),
        (h6, "01", "resident", "active", 1975),
        (h7, "01", "resident", "active", 1940), (h7, "02", "migrant", "active", 2000),
    ]
    for hid, suffix, residence, status, year in people:
        roster.person(f"{hid}-{suffix}", residence=residence, status=status, birth_year=year)

    laptop = FeedWriter("d-aaaaaaaaaaaaaaaa")
    laptop.visit(hex_id(1), h1, {f"{h1}-01": briefed(app=True, warning=True), f"{h1}-02": briefed("phone", app=True, group=True),
                                 f"{h1}-03": briefed("wechat")}, time="2026-11-29T10:00:00+08:00")
    laptop.visit(hex_id(2), h2, {f"{h2}-01": briefed(app=True), f"{h2}-02": briefed("phone")}, time="2026-11-28T10:00:00+08:00")
    laptop.visit(hex_id(3), h(VILLAGE, "019999"), {}, time="2026-11-29T11:00:00+08:00")  # not on the roster
    laptop.activity(hex_id(4), VILLAGE, time="2026-11-29T12:00:00+08:00")
    other = FeedWriter("d-bbbbbbbbbbbbbbbb")
    # 2026-11-29T04:00Z, but the laptop's own date was still the 28th: not "today"
    other.visit(hex_id(5), h7, {f"{h7}-01": briefed()}, time="2026-11-28T20:00:00-08:00")
    other.visit(hex_id(6), h7, {f"{h7}-02": briefed("video", app=True)}, time="2026-11-29T23:30:00+08:00")
    return roster.entries + laptop.entries + other.entries


def test_rollups_with_exact_numbers() -> None:
    state = fold(township_fixture())
    rep = report(state, TODAY)
    g1, g2 = "第1村民小组", "第2村民小组"

    assert rep.groups[(VILLAGE, g1)] == Tally(
        households=3, covered=1, partial=1, empty=1,
        persons=Breakdown(5, 4, 3), elderly=Breakdown(3, 2, 2), students=Breakdown(1, 1, 0), migrants=Breakdown(1, 1, 1),
        call_warning=1, joined_group=1, visits=2, visits_today=1,
    )
    assert rep.groups[(VILLAGE, g2)] == Tally(
        households=3, not_visited=1, empty=1, moved_out=1, persons=Breakdown(1, 0, 0),
    )
    assert rep.village_wide[VILLAGE] == Tally(visits=1, visits_today=1, activities=1)
    assert rep.groups[(VILLAGE2, g1)] == Tally(
        households=1, covered=1, persons=Breakdown(2, 2, 1), elderly=Breakdown(1, 1, 0), migrants=Breakdown(1, 1, 1),
        visits=2, visits_today=1,
    )

    v1 = rep.villages[VILLAGE]
    assert (v1.households, v1.covered, v1.partial, v1.not_visited, v1.empty, v1.moved_out, v1.to_do) == (6, 1, 1, 1, 2, 1, 2)
    assert (v1.persons, v1.visits, v1.visits_today, v1.activities) == (Breakdown(6, 4, 3), 3, 2, 1)
    assert (v1.residents, v1.app_installed, v1.app_rate, v1.meets_target) == (6, 3, 0.5, False)
    assert rep.villages["110101001003"] == Tally()  # a village with nothing recorded still shows up

    township = rep.townships["110101001"]
    assert list(rep.townships) == ["110101001"]
    assert (township.households, township.covered, township.partial, township.not_visited, township.empty,
            township.moved_out, township.to_do) == (7, 2, 1, 1, 2, 1, 2)
    assert township.persons == Breakdown(8, 6, 4)
    assert (township.elderly, township.students, township.migrants) == (Breakdown(4, 3, 2), Breakdown(1, 1, 0), Breakdown(2, 2, 2))
    assert (township.visits, township.visits_today, township.activities) == (5, 3, 1)
    assert township.app_rate == 0.5 and not township.meets_target
    assert rep.total == township

    assert rep.households_with(PARTIAL, NOT_VISITED) == [h(VILLAGE, "010002"), h(VILLAGE, "010004")]
    assert rep.households_with(EMPTY) == [h(VILLAGE, "010003"), h(VILLAGE, "010005")]
    assert rep.households_with(MOVED_OUT) == [h(VILLAGE, "010006")]
    assert f"{h(VILLAGE, '010004')}-03" not in rep.persons  # deceased


def test_elderly_depends_on_today() -> None:
    state = fold(township_fixture())
    # born 1966: 59 in 2025, 60 in 2026
    assert report(state, date(2025, 6, 1)).total.elderly.total == 3
    assert report(state, TODAY).total.elderly.total == 4
    assert report(state, date(2026, 11, 28)).total.visits_today == 2
    assert report(state).today == date.today()


def test_county_rolls_up_several_townships() -> None:
    other_village = "110101002001"
    second = FeedWriter(f"t-110101002-{other_village}")
    hid = f"{other_village}-010001"
    second.household(hid)
    second.person(f"{hid}-01")
    second.visit(hex_id(9), hid, {f"{hid}-01": briefed(app=True)}, time="2026-11-29T09:00:00+08:00")
    rep = report(fold(township_fixture() + second.entries), TODAY)
    assert list(rep.townships) == ["110101001", "110101002"]
    assert rep.townships["110101002"] == Tally(households=1, covered=1, persons=Breakdown(1, 1, 1), visits=1, visits_today=1)
    assert rep.total == rep.townships["110101001"] + rep.townships["110101002"]
    assert rep.total.persons == Breakdown(9, 7, 5)


def test_app_target_is_sixty_percent_exactly() -> None:
    assert APP_TARGET == 0.60
    assert Tally(persons=Breakdown(5, 5, 3)).meets_target
    assert not Tally(persons=Breakdown(10, 10, 5)).meets_target
    assert Tally(persons=Breakdown(100, 0, 60)).meets_target
    assert not Tally(persons=Breakdown(101, 0, 60)).meets_target
    assert not Tally().meets_target  # nobody to count is not "target met"
    assert Tally().app_rate == 0.0


def test_tally_addition_is_fieldwise() -> None:
    a = Tally(households=2, covered=1, partial=1, persons=Breakdown(3, 2, 1), elderly=Breakdown(1, 1, 0), visits=4, activities=1)
    b = Tally(households=1, empty=1, persons=Breakdown(2, 0, 2), students=Breakdown(1, 0, 1), visits_today=2)
    total = a + b
    assert total == Tally(households=3, covered=1, partial=1, empty=1, persons=Breakdown(5, 2, 3), elderly=Breakdown(1, 1, 0),
                          students=Breakdown(1, 0, 1), visits=4, visits_today=2, activities=1)
    assert Tally.sum([a, b]) == total == b + a
    assert total.count(COVERED) == 1 and total.count(EMPTY) == 1 and total.to_do == 1


def test_malformed_member_records_count_as_not_briefed() -> None:
    feed = FeedWriter(f"t-110101001-{VILLAGE}")
    feed.household(HH)
    for suffix in ("01", "02", "03"):
        feed.person(f"{HH}-{suffix}")
    feed.person(f"{HH}-04", residence="migrant")
    feed.visit(hex_id(1), HH, {
        f"{HH}-01": "yes",
        f"{HH}-02": {"briefed": "true", "channel": "in_person", "app_installed": 1},
        f"{HH}-03": {"briefed": True, "channel": ["in_person"]},
        f"{HH}-04": {"briefed": True, "channel": {"phone": True}},
    })
    state = fold(feed.entries)
    assert household_status(state.households[HH], state.persons_of(HH), state.visits_of(HH)) == PARTIAL
    flags = report(state, TODAY).persons
    assert not any(f.briefed or f.app_installed for f in flags.values())
    assert flags[f"{HH}-03"].briefed_any
    record = state.visits[0].member(f"{HH}-02")
    assert record is not None and (record.briefed, record.app_installed, record.channel) == (False, False, "in_person")
