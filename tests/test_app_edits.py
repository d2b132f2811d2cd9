"""Roster corrections in the field, activities, export, the command palette, filters and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList, ProgressBar, Select, Static

from fieldkit.app.components.activities import ActivitiesScreen, ActivityFormScreen
from fieldkit.app.components.export import ExportScreen
from fieldkit.app.components.household import HouseholdScreen
from fieldkit.app.components.roster import RosterScreen
from fieldkit.app.components.roster_edit import AddMemberScreen, NewHouseholdScreen, PhoneScreen, RemoveMemberScreen
from fieldkit.app.removable import linux_mounts, windows_drives
from fieldkit.core.coverage import COVERED, NOT_VISITED
from fieldkit.core.model import PERSON_DECEASED
from fieldkit.core.search import pinyin_keys
from tests.app_fixtures import (
    PASSPHRASE,
    copy_workspace,
    demo_workspace,
    loaded_app,
    open_workspace,
    press_into,
    run_async,
    screen_text,
    static_text as text,
    wait_until,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("edits") / "ws", households=36)


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Path:
    return copy_workspace(template, tmp_path / "ws")


def entries_for(path: Path, entity: str):
    ws = open_workspace(path)
    try:
        return [e for e in ws.store.entries() if e.entity == entity], ws.state()
    finally:
        ws.close()


async def type_into(pilot, selector: str, value: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press(*value)


def resident_household(app) -> str:
    snapshot = app.snapshot
    return next(h for h in snapshot.order if snapshot.rows[h].status in (NOT_VISITED, COVERED) and snapshot.rows[h].members >= 2)


@run_async
async def test_add_change_phone_and_remove_members(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        household = resident_household(app)
        app.open_household(household)
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdScreen))
        members_before = len(app.snapshot.state.members_of(household))

        # a baby was born: add a member
        await press_into(pilot, AddMemberScreen, "a")
        dialog = app.screen
        await type_into(pilot, "#name", "张小宝")
        await type_into(pilot, "#birth_year", "2026")
        dialog.query_one("#sex", Select).value = "F"
        dialog.query_one("#relation", Select).value = "孙子女"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "原因" in text(dialog.query_one("#dialog-problem", Static)) or "reason" in text(dialog.query_one("#dialog-problem", Static))
        dialog.query_one("#reason", Select).value = "born"
        await press_into(pilot, HouseholdScreen, "ctrl+s")
        await wait_until(pilot, lambda: len(app.snapshot.state.members_of(household)) == members_before + 1)
        baby = next(p for p in app.snapshot.state.members_of(household) if p.name == "张小宝")
        assert baby.birth_year == 2026 and baby.id.startswith(household + "-x")
        assert "已保存" in screen_text(app)

        # change the head's phone: a wrong number is refused in plain words, a right one saved
        table = app.screen.query_one("#members", DataTable)
        table.focus()
        table.move_cursor(row=0)
        head_id = app.screen.selected_person()
        old_heads = app.snapshot.state.heads_of(f"p:{head_id}")
        await press_into(pilot, PhoneScreen, "p")
        phone = app.screen.query_one("#phone", Input)
        phone.value = "12345"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "11位" in text(app.screen.query_one("#dialog-problem", Static))
        phone.value = "13912345678"
        await press_into(pilot, HouseholdScreen, "ctrl+s")
        await wait_until(pilot, lambda: app.snapshot.state.persons[head_id].phone == "13912345678")

        # the baby's entry was a mistake of another kind: remove a member as deceased
        rows = [str(k.value) for k in app.screen.query_one("#members", DataTable).rows]
        app.screen.query_one("#members", DataTable).move_cursor(row=rows.index(baby.id))
        await press_into(pilot, RemoveMemberScreen, "d")
        app.screen.query_one("#reason", Select).value = "deceased"
        await press_into(pilot, HouseholdScreen, "ctrl+s")
        await wait_until(pilot, lambda: len(app.snapshot.state.members_of(household)) == members_before)
        await pilot.press("ctrl+q")

    phone_entries, state = entries_for(workspace, f"p:{head_id}")
    assert [e.body["phone"] for e in phone_entries][-1] == "13912345678"
    assert list(phone_entries[-1].base) == list(old_heads)  # an edit of the version it was made from
    baby_entries, _ = entries_for(workspace, f"p:{baby.id}")
    assert [e.body.get("reason") for e in baby_entries] == ["born", "deceased"]
    assert state.persons[baby.id].status == PERSON_DECEASED
    assert list(baby_entries[1].base) == [baby_entries[0].hash]


@run_async
async def test_add_a_household_found_on_the_ground(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, RosterScreen, "f2")
        await press_into(pilot, NewHouseholdScreen, "ctrl+n")
        dialog = app.screen
        dialog.query_one("#group", Select).value = "2"
        existing = app.snapshot.rows[app.snapshot.order[0]].number
        await type_into(pilot, "#number", existing)
        await type_into(pilot, "#name", "欧阳修")
        await type_into(pilot, "#birth_year", "1950")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text(dialog.query_one("#dialog-problem", Static))  # the number is taken
        dialog.query_one("#number", Input).value = "029901"
        await type_into(pilot, "#address", "红星村第2村民小组新1号")
        await press_into(pilot, RosterScreen, "ctrl+s")
        household = f"{app.snapshot.village_code}-029901"
        await wait_until(pilot, lambda: household in app.snapshot.rows)
        assert app.snapshot.rows[household].status == NOT_VISITED
        assert app.snapshot.rows[household].head == "欧阳修"
        # and search finds the new head by initials at once
        await pilot.press(*pinyin_keys("欧阳修")[1][0])
        await wait_until(pilot, lambda: household in app.screen._shown)


@run_async
async def test_new_household_with_the_keyboard_alone(workspace: Path) -> None:
    """No mouse and no focusing by hand: the dialog opens on its first field and Tab walks the rest
    (found in tmux: the dialog's box took the first focus, so the first keys went nowhere)."""
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, RosterScreen, "f2")
        await press_into(pilot, NewHouseholdScreen, "ctrl+n")
        assert app.focused is app.screen.query_one("#group", Select)
        await pilot.press("enter", "down", "down", "enter")  # the list opens on "—": two down is group 2
        await pilot.press("tab", *"029902", "tab", *"红星村第2村民小组新2号", "tab", *"欧阳修")
        await pilot.press("tab", "tab", *"1950")  # past the sex list, to the birth year
        await press_into(pilot, RosterScreen, "ctrl+s")
        household = f"{app.snapshot.village_code}-029902"
        await wait_until(pilot, lambda: household in app.snapshot.rows)
        row = app.snapshot.rows[household]
        assert (row.group, row.address, row.head) == ("2", "红星村第2村民小组新2号", "欧阳修")
        head = app.snapshot.state.members_of(household)[0]
        assert head.birth_year == 1950


@run_async
async def test_edit_dialogs_open_on_their_first_field(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, RosterScreen, "f2")
        await press_into(pilot, HouseholdScreen, "enter")
        for key, dialog, first in (("a", AddMemberScreen, "#name"), ("p", PhoneScreen, "#phone"),
                                   ("d", RemoveMemberScreen, "#reason")):
            await press_into(pilot, dialog, key)
            assert app.focused is app.screen.query_one(first), (dialog.__name__, app.focused)
            await press_into(pilot, HouseholdScreen, "escape")


def burst(app, *keys: str) -> None:
    """Keys as a terminal delivers them when typing outruns a busy laptop: all read at once, each
    posted to the app before it has handled the first (Pilot's press waits after every key)."""
    from textual import events

    for key in keys:
        character = {"tab": "\t", "shift+tab": None, "ctrl+s": None}.get(key, key)
        app.post_message(events.Key(key, character))


@run_async
async def test_ctrl_s_right_behind_typing_saves_what_was_typed(workspace: Path) -> None:
    """Found in a pseudo-terminal: Ctrl+U, a phone number and Ctrl+S in one read saved before the
    field had the digits, and the dialog complained that the number was not 11 digits."""
    async with loaded_app(workspace) as (app, pilot):
        household = resident_household(app)
        app.open_household(household)
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdScreen))
        await press_into(pilot, PhoneScreen, "p")
        person = app.screen.person_id
        app.screen.query_one("#phone", Input).value = ""
        burst(app, *"13912345678", "ctrl+s")
        await wait_until(pilot, lambda: app.snapshot.state.persons[person].phone == "13912345678")
        assert isinstance(app.screen, HouseholdScreen)


@run_async
async def test_keys_right_behind_tab_go_to_the_next_field(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, ActivitiesScreen, "f3")
        await press_into(pilot, ActivityFormScreen, "n")
        form = app.screen
        form.query_one("#q-place", Input).focus()
        await pilot.pause()
        burst(app, *"集市", "tab", *"45", "tab", *"30")
        await wait_until(pilot, lambda: form.query_one("#q-materials", Input).value == "30")
        assert form.query_one("#q-place", Input).value == "集市"
        assert form.query_one("#q-audience", Input).value == "45"
        burst(app, "shift+tab", "9")  # back one field; a field entered by Tab has its text selected
        await wait_until(pilot, lambda: form.query_one("#q-audience", Input).value == "9")
        assert form.query_one("#q-materials", Input).value == "30"


@run_async
async def test_log_an_activity(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, ActivitiesScreen, "f3")
        assert "还没有" in screen_text(app)
        await press_into(pilot, ActivityFormScreen, "n")
        form = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "必须填写" in text(form.query_one("#err-kind", Static))
        assert "必须填写" in text(form.query_one("#err-place", Static))
        form.query_one("#q-kind", Select).value = "market_stall"
        await type_into(pilot, "#q-place", "村委会门口集市")
        await type_into(pilot, "#q-audience", "150")
        await type_into(pilot, "#q-materials", "200")
        await press_into(pilot, ActivitiesScreen, "ctrl+s")
        await wait_until(pilot, lambda: len(app.snapshot.state.activities) == 1)
        table = app.screen.query_one("#activity-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1)
        assert table.get_cell_at((0, 1)) == "赶集日摆摊"
        activity = app.snapshot.state.activities[0]
        assert (activity.kind, activity.place, activity.audience, activity.materials) == ("market_stall", "村委会门口集市", 150, 200)
        assert activity.village == app.snapshot.village_code


@run_async
async def test_export_shows_progress_and_where_it_went(workspace: Path, tmp_path: Path, monkeypatch) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    calls: list[Path] = []

    def write(ws, dest: Path, progress) -> Path:  # the bundle format belongs to sync; the screen only calls this
        calls.append(dest)
        for done in range(1, 5):
            progress(done, 4)
        target = dest / "fieldkit-export.bundle"
        target.write_bytes(b"bundle")
        return target

    monkeypatch.setattr("fieldkit.app.components.export.export_bundle", write)
    monkeypatch.setattr("fieldkit.app.components.export.removable_drives", lambda: [stick])
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, ExportScreen, "f4")
        dest = app.screen.query_one("#dest", Input)
        await wait_until(pilot, lambda: dest.value == str(stick))  # the stick was found and chosen
        assert not app.screen.query_one("#progress", ProgressBar).display  # nothing running yet
        await pilot.press("ctrl+e")
        status = app.screen.query_one("#export-status", Static)
        await wait_until(pilot, lambda: "fieldkit-export.bundle" in text(status))
        assert calls == [stick]
        bar = app.screen.query_one("#progress", ProgressBar)
        assert bar.percentage == 1.0
        assert "回执" in text(app.screen.query_one("#receipt", Static))


def test_finds_usb_sticks_under_media_and_mnt(tmp_path: Path) -> None:
    for folder in ("media/cadre/KINGSTON", "run/media/cadre/U盘", "mnt/usb", "media/cadre/NOTE"):
        (tmp_path / folder).mkdir(parents=True)
    found = linux_mounts(tmp_path, require_mount=False)
    names = {p.relative_to(tmp_path).as_posix() for p in found}
    assert {"media/cadre/KINGSTON", "run/media/cadre/U盘", "mnt/usb", "media/cadre/NOTE"} <= names
    assert "media/cadre" not in names  # the per-user folder holds the mounts, it is not one
    assert linux_mounts(tmp_path) == []  # none of these is a real mount point


class FakeKernel32:
    """GetLogicalDrives / GetDriveTypeW / SetErrorMode as Windows answers them: C: fixed disk, D: CD-ROM,
    E: USB stick, F: card reader with no card, Z: network share."""

    TYPES = {"C": 3, "D": 5, "E": 2, "F": 2, "Z": 4}

    def __init__(self) -> None:
        self.error_modes: list[int] = []
        self.mode = 0

    def GetLogicalDrives(self) -> int:  # noqa: N802 - the Win32 name
        return sum(1 << (ord(letter) - ord("A")) for letter in self.TYPES)

    def GetDriveTypeW(self, root: str) -> int:  # noqa: N802
        assert root.endswith(":\\")
        return self.TYPES[root[0]]

    def SetErrorMode(self, mode: int) -> int:  # noqa: N802
        self.error_modes.append(mode)
        previous, self.mode = self.mode, mode
        return previous


def test_finds_removable_drive_letters_on_windows() -> None:
    kernel32 = FakeKernel32()
    found = windows_drives(kernel32, ready=lambda root: root != "F:\\")
    assert [str(p) for p in found] == ["E:\\"]  # not the fixed disk, CD, share or the empty card reader
    assert kernel32.error_modes == [1, 0]  # no "insert a disk" dialogs while probing, then put back


@run_async
async def test_palette_jumps_to_a_household_and_filters_narrow_the_roster(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        snapshot = app.snapshot
        household = resident_household(app)
        number = snapshot.rows[household].number
        await press_into(pilot, CommandPalette, "ctrl+p")
        await pilot.press(*number)
        palette = app.screen
        await wait_until(
            pilot,
            lambda: any(
                number in str(options.get_option_at_index(i).prompt)
                for options in palette.query(OptionList)
                for i in range(options.option_count)
            ),
        )
        await press_into(pilot, HouseholdScreen, "enter")
        assert app.screen.household == household

        await press_into(pilot, RosterScreen, "escape")
        roster = app.screen
        await pilot.press("f5")  # all → to do
        await pilot.press("f5")  # → not visited
        await wait_until(pilot, lambda: roster.status_filter == NOT_VISITED)
        assert roster._shown and all(snapshot.rows[h].status == NOT_VISITED for h in roster._shown)
        assert len(roster._shown) == sum(1 for r in snapshot.rows.values() if r.status == NOT_VISITED)


@run_async
async def test_english_everywhere(workspace: Path) -> None:
    async with loaded_app(workspace, "en") as (app, pilot):
        home = screen_text(app)
        assert "households:" in home and "Anti-fraud app" in home and "Roster" in home
        await press_into(pilot, RosterScreen, "f2")
        roster = screen_text(app)
        assert "Search" in roster or "Status" in roster
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in roster.splitlines()[-1])  # the footer


@run_async
async def test_export_failure_is_one_plain_line(workspace: Path, tmp_path: Path, monkeypatch) -> None:
    """The real bundle writer refuses a laptop that was never enrolled; the screen says so, no crash."""
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr("fieldkit.app.components.export.removable_drives", lambda: [stick])
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, ExportScreen, "f4")
        dest = app.screen.query_one("#dest", Input)
        await wait_until(pilot, lambda: dest.value == str(stick))
        await pilot.press("ctrl+e")
        status = app.screen.query_one("#export-status", Static)
        await wait_until(pilot, lambda: "导出失败" in text(status))
        assert "\n" not in text(status) and "Traceback" not in text(status)
        assert not app.screen.query_one("#progress", ProgressBar).display  # no bar left half-way
        assert list(stick.iterdir()) == []  # nothing half-written on the stick


@run_async
async def test_export_from_an_enrolled_laptop_writes_a_bundle(tmp_path: Path, monkeypatch) -> None:
    """End to end with the real bundle writer: the demo township enrols a laptop, the app exports."""
    from sync.demo import DEMO_LAPTOP_NAME, build_demo

    demo = build_demo(tmp_path / "demo", PASSPHRASE, households=12)
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr("fieldkit.app.components.export.removable_drives", lambda: [stick])
    async with loaded_app(demo.laptop) as (app, pilot):
        assert app.snapshot.village_name != app.snapshot.village_code  # the kit brought the roster
        # the laptop is named for its cadre; the demo's visits and new ones record that name
        assert app.data.cadre == DEMO_LAPTOP_NAME
        assert {visit.cadre for visit in app.snapshot.state.visits} == {DEMO_LAPTOP_NAME}
        await press_into(pilot, ExportScreen, "f4")
        dest = app.screen.query_one("#dest", Input)
        await wait_until(pilot, lambda: dest.value == str(stick))
        await pilot.press("ctrl+e")
        status = app.screen.query_one("#export-status", Static)
        await wait_until(pilot, lambda: "已导出" in text(status) or "导出失败" in text(status))
        assert "已导出" in text(status), text(status)
        written = list(stick.iterdir())
        assert len(written) == 1 and str(written[0]) in text(status)
        assert app.screen.query_one("#progress", ProgressBar).percentage == 1.0


@run_async
async def test_without_a_stick_typing_goes_into_the_path(workspace: Path, tmp_path: Path, monkeypatch) -> None:
    """No stick found: the cadre types a folder straight away (found in a tmux session: keys went nowhere)."""
    folder = tmp_path / "export-folder"
    folder.mkdir()
    calls: list[Path] = []

    def write(ws, dest: Path, progress) -> Path:
        calls.append(dest)
        target = dest / "fk.fkb"
        target.write_bytes(b"bundle")
        return target

    monkeypatch.setattr("fieldkit.app.components.export.export_bundle", write)
    monkeypatch.setattr("fieldkit.app.components.export.removable_drives", lambda: [])
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, ExportScreen, "f4")
        dest = app.screen.query_one("#dest", Input)
        await wait_until(pilot, lambda: dest.has_focus)
        await pilot.press(*str(folder))
        await pilot.press("ctrl+e")
        status = app.screen.query_one("#export-status", Static)
        await wait_until(pilot, lambda: "fk.fkb" in text(status))
        assert calls == [folder]


@run_async
async def test_home_group_opens_the_roster_on_that_group(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        await pilot.press("down", "enter")  # the second group
        await wait_until(pilot, lambda: isinstance(app.screen, RosterScreen))
        roster = app.screen
        await wait_until(pilot, lambda: roster.group == app.snapshot.groups[1])
        rows = app.snapshot.rows
        assert roster._shown == [h for h in app.snapshot.order if rows[h].group == app.snapshot.groups[1]]
