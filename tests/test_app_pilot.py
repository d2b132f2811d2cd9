"""The field app driven through Textual's Pilot on a real (encrypted) workspace holding a demo village."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from tests.app_fixtures import (
    PASSPHRASE,
    copy_workspace,
    demo_workspace,
    loaded_app,
    make_app,
    open_workspace,
    press_into,
    run_async,
    screen_text,
    static_text as text,
    wait_loaded,
    wait_until,
)
from fieldkit.app import messages as msg
from fieldkit.app.components.form_fields import Toggle
from fieldkit.app.components.member_grid import MemberGrid
from fieldkit.app.components.household import HouseholdScreen
from fieldkit.app.components.roster import RosterScreen
from fieldkit.app.components.unlock import UnlockScreen, WelcomeScreen
from fieldkit.app.components.visit_form import VisitFormScreen
from fieldkit.core.coverage import COVERED, NOT_VISITED
from fieldkit.core.model import AWAY, RESIDENT
from fieldkit.core.search import pinyin_keys


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("template") / "ws")


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Path:
    return copy_workspace(template, tmp_path / "ws")


def pick_household(path: Path) -> tuple[str, list[str], str]:
    """A household not yet visited with exactly two residents and one member away, whose head's
    initials are not shared by too many others (so the list is short)."""
    ws = open_workspace(path)
    try:
        state = ws.state()
        report = ws.report()
    finally:
        ws.close()
    for hid in sorted(state.households):
        members = state.members_of(hid)
        residents = [p.id for p in members if p.residence == RESIDENT]
        away = [p.id for p in members if p.residence in AWAY]
        if report.statuses[hid] == NOT_VISITED and len(residents) == 2 and len(away) == 1 and len(members) == 3:
            return hid, residents, away[0]
    raise AssertionError("the demo village has no such household")


@run_async
async def test_first_run_explains_how_to_import_a_kit(tmp_path: Path) -> None:
    app = make_app(tmp_path / "nothing-here")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        body = text(app.screen.query_one("#welcome-body", Static))
        assert "import-kit" in body and str(tmp_path / "nothing-here") in body
        await pilot.press("escape")
    assert app.return_code == 0


@run_async
async def test_unlock_refuses_a_wrong_passphrase_then_opens(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test() as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await pilot.press(*"wrong passphrase", "enter")
        message = app.screen.query_one("#unlock-message", Static)
        await wait_until(pilot, lambda: "无法解锁" in text(message))
        assert app.data is None and isinstance(app.screen, UnlockScreen)
        await pilot.press(*PASSPHRASE, "enter")
        await wait_loaded(pilot)
        assert "红星村" in screen_text(app)


@run_async
async def test_start_screen_is_built_under_the_prompt_and_uncovered_after_unlock(workspace: Path) -> None:
    from fieldkit.app.components.home import HomeScreen

    app = make_app(workspace)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert isinstance(app.screen_stack[0], HomeScreen) and app.screen_stack[0].is_mounted
        await pilot.press("f2")  # navigation waits for the unlock
        assert isinstance(app.screen, UnlockScreen) and app.current_mode == "home"
        await pilot.press(*PASSPHRASE, "enter")
        await wait_loaded(pilot)
        assert [type(screen) for screen in app.screen_stack] == [HomeScreen]
        assert "红星村" in screen_text(app)


@run_async
async def test_a_wrong_passphrase_given_at_start_asks_for_it(workspace: Path) -> None:
    app = make_app(workspace, passphrase="not the passphrase")
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen) and "无法解锁" in text(
            app.screen.query_one("#unlock-message", Static)))
        assert app.data is None and len(app.screen_stack) == 2
        await pilot.press(*PASSPHRASE, "enter")
        await wait_loaded(pilot)
        assert len(app.screen_stack) == 1 and not isinstance(app.screen, UnlockScreen)


@run_async
async def test_unlock_screen_shows_the_demo_hint_only_when_given(workspace: Path) -> None:
    for hint in ("演示口令：demo-passphrase", ""):
        app = make_app(workspace, unlock_hint=hint)
        async with app.run_test():
            assert isinstance(app.screen, UnlockScreen)
            shown = app.screen.query("#unlock-hint")
            assert (text(shown.first(Static)) if shown else "") == hint


@run_async
async def test_find_by_initials_record_visit_and_reopen(workspace: Path) -> None:
    household, residents, away = pick_household(workspace)
    seen: list[object] = []
    app = make_app(workspace, passphrase=PASSPHRASE)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await wait_loaded(pilot)
        before = app.snapshot
        group = before.rows[household].group
        group_before = before.report.groups[(before.village_code, group)]
        head = before.rows[household].head
        initials = pinyin_keys(head)[1][0]

        # the roster: type the head's pinyin initials
        await press_into(pilot, RosterScreen, "f2")
        await pilot.press(*initials)
        roster = app.screen
        assert isinstance(roster, RosterScreen)
        assert roster.query_one("#search", Input).value == initials
        await wait_until(pilot, lambda: household in getattr(roster, "_shown", []))
        # households with someone whose initials are exactly these come first
        exact = [h for h in roster._shown if any(initials in pinyin_keys(p.name)[1] for p in before.state.members_of(h))]
        assert household in exact and roster._shown[: len(exact)] == exact
        position = roster._shown.index(household)
        await press_into(pilot, HouseholdScreen, "down", *(["down"] * position), "enter")
        assert app.screen.household == household
        assert "未走访" in text(app.screen.query_one("#hh-title", Static))

        # record the visit: the two residents briefed in person, the one away briefed by phone
        await press_into(pilot, VisitFormScreen, "v")
        form = app.screen
        grid = form.query_one("#grid", MemberGrid)
        for person in residents:  # a click on the cell flips it
            await pilot.click("#grid", offset=grid.cell_offset(person, "briefed"))
            assert grid.value(person, "briefed") is True
            assert grid.value(person, "channel") == "in_person"  # residents: face to face by default
        await pilot.click("#grid", offset=grid.cell_offset(away, "briefed"))
        await pilot.click("#grid", offset=grid.cell_offset(away, "app_installed"))
        assert grid.value(away, "channel") is None  # nobody guesses how an absent member was reached
        assert "‹—›" in grid.cell_text(away, next(q for q in grid.questions if q.id == "channel"))
        # keyboard: the cursor is on the away member's app cell; go left to the channel and step it
        await pilot.press("left", "space", "space")  # — → in person → phone
        assert grid.value(away, "channel") == "phone"
        await press_into(pilot, HouseholdScreen, "ctrl+s")
        await wait_until(pilot, lambda: app.snapshot.version > before.version)
        await pilot.pause()
        assert any(isinstance(m, msg.Saved) and m.household == household for m in seen)
        assert "已保存" in screen_text(app)

        # the household and its group changed status
        after = app.snapshot
        assert after.report.statuses[household] == COVERED
        assert "已覆盖" in text(app.screen.query_one("#hh-title", Static))
        group_after = after.report.groups[(after.village_code, group)]
        assert group_after.covered == group_before.covered + 1
        assert group_after.not_visited == group_before.not_visited - 1
        members = app.screen.query_one("#members", DataTable)
        assert [members.get_cell_at((row, 5)) for row in range(members.row_count)] == ["是"] * 3
        await pilot.press("ctrl+q")

    # reopen the store: the visit is there, as recorded
    ws = open_workspace(workspace)
    try:
        visits = ws.state().visits_of(household)
    finally:
        ws.close()
    assert len(visits) == 1
    records = {pid: visits[0].member(pid) for pid in visits[0].members}
    assert {pid: (r.briefed, r.channel) for pid, r in records.items()} == {
        residents[0]: (True, "in_person"),
        residents[1]: (True, "in_person"),
        away: (True, "phone"),
    }
    assert records[away].app_installed and not records[residents[0]].app_installed
    assert visits[0].form_id == "household_visit"


@run_async
async def test_missing_required_answer_cannot_be_saved_and_says_why(workspace: Path) -> None:
    household, residents, away = pick_household(workspace)
    async with loaded_app(workspace) as (app, pilot):
        entries = app.snapshot.state.entry_count
        app.open_household(household)
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdScreen))
        await press_into(pilot, VisitFormScreen, "v")
        form = app.screen
        away_index = [p.id for p in form.members].index(away)
        grid = form.query_one("#grid", MemberGrid)
        await pilot.click("#grid", offset=grid.cell_offset(away, "briefed"))  # briefed, but how? (left blank)
        form.query_one("#q-risk_noticed", Toggle).value = True  # something suspicious, not described
        await pilot.pause()
        assert form.query_one("#qbox-risk_note").display  # the follow-up question appears
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert isinstance(app.screen, VisitFormScreen)
        row_error = text(form.query_one("#member-errors", Static))
        assert "宣传方式" in row_error and "必须填写" in row_error
        assert form.members[away_index].name in row_error
        assert "必须填写" in text(form.query_one("#err-risk_note", Static))
        assert "2 处" in text(form.query_one("#form-status", Static))
        assert app.screen.focused is grid and grid.cursor == (away_index, 1)  # on the missing answer
        assert app.snapshot.state.entry_count == entries
        await pilot.press("ctrl+q")
    ws = open_workspace(workspace)
    try:
        assert ws.state().visits_of(household) == ()
    finally:
        ws.close()


@run_async
async def test_locks_after_idle_and_refuses_a_wrong_passphrase(workspace: Path) -> None:
    app = make_app(workspace, passphrase=PASSPHRASE, idle_lock_seconds=3600)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await press_into(pilot, RosterScreen, "f2")
        await pilot.pause(0.3)
        assert not app.locked
        app.idle_lock_seconds = 0.3  # now leave it alone
        await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen) and app.screen.lock, timeout=5)
        assert app.locked
        # Back to a long idle time: with 0.3 s the app could lock again between two polls of a busy
        # test machine, right after the correct passphrase opened it.
        app.idle_lock_seconds = 3600
        assert "红星村第" not in screen_text(app)  # the roster is covered
        await pilot.press("f1")  # navigation is off while locked
        assert isinstance(app.screen, UnlockScreen)
        await pilot.press(*"not it", "enter")
        message = app.screen.query_one("#unlock-message", Static)
        await wait_until(pilot, lambda: "无法解锁" in text(message))
        assert app.locked and isinstance(app.screen, UnlockScreen)
        await pilot.press(*PASSPHRASE, "enter")
        await wait_until(pilot, lambda: not app.locked)
        assert isinstance(app.screen, RosterScreen)


@run_async
async def test_a_wrong_passphrase_given_at_start_falls_back_to_the_prompt(workspace: Path) -> None:
    app = make_app(workspace, passphrase="not the passphrase")
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen) and bool(app.screen.query("#unlock-message")))
        message = app.screen.query_one("#unlock-message", Static)
        await wait_until(pilot, lambda: "无法解锁" in text(message))
        await pilot.press(*PASSPHRASE, "enter")
        await wait_loaded(pilot)


@run_async
async def test_a_big_household_keeps_the_grid_cursor_in_view(workspace: Path) -> None:
    """A collective household (集体户: a dormitory, a care home) can list dozens of people: at 80×24 the
    grid is taller than the form's window, and moving down must scroll to the cursor's row."""
    household, _, _ = pick_household(workspace)
    ws = open_workspace(workspace)
    try:
        for index in range(24):
            body = {"household": household, "name": f"郑{'一二三四五六七八九十'[index % 10]}{index}", "sex": "男",
                    "birth_year": 1990 + index, "phone": "", "residence": RESIDENT, "relation": "其他",
                    "status": "active"}
            ws.record("person.set", f"p:{household}-big{index}", [], body)
    finally:
        ws.close()
    async with loaded_app(workspace) as (app, pilot):
        app.open_household(household)
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdScreen))
        await press_into(pilot, VisitFormScreen, "v")
        form = app.screen.query_one("#visit-form")
        grid = app.screen.query_one("#grid", MemberGrid)
        assert grid.virtual_region.height > form.scrollable_content_region.height  # it does not fit

        def cursor_row_visible() -> bool:
            y = grid.virtual_region.y + grid.header_height + grid.cursor[0]
            return form.scroll_y <= y < form.scroll_y + form.scrollable_content_region.height

        for _ in range(len(grid.members) - 1):
            await pilot.press("down")
            await pilot.pause()
            assert cursor_row_visible(), grid.cursor
        await pilot.press("space")
        person = grid.members[-1][0]
        assert grid.value(person, "briefed") is True
        for _ in range(len(grid.members) - 1):
            await pilot.press("up")
        await pilot.pause()
        assert form.scroll_y <= grid.virtual_region.y  # back at the top, the header shows again
