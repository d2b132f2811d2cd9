"""Switching the app between Chinese and English: F9 on the home screen, applied at once and saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app_fixtures import copy_workspace, demo_workspace, loaded_app, press_into, run_async, screen_text, wait_until
from fieldkit.app.components.household import HouseholdScreen
from fieldkit.app.components.roster import RosterScreen
from fieldkit.core import settings


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("template") / "ws", households=20)


@pytest.fixture
def workspace(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(settings.CONFIG_DIR_ENV, str(tmp_path / "config"))
    return copy_workspace(template, tmp_path / "ws")


@run_async
async def test_f9_switches_every_screen_and_saves_the_choice(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        assert "首页" in screen_text(app) and "English" in screen_text(app)
        await pilot.press("f9")
        await wait_until(pilot, lambda: app.lang == "en" and "Home" in screen_text(app))
        home = screen_text(app)
        assert "households" in home and "中文" in home and "首页" not in home
        assert settings.read_settings() == {"lang": "en"}
        assert any("English" in n.message for n in app._notifications)
        await press_into(pilot, RosterScreen, "f2")
        await pilot.pause()
        assert "Search" in screen_text(app) or "search" in screen_text(app)
        assert "花名册" not in screen_text(app)
        await pilot.press("f1")
        await wait_until(pilot, lambda: app.current_mode == "home")
        await pilot.press("f9")
        await wait_until(pilot, lambda: app.lang == "zh" and "首页" in screen_text(app))
        assert settings.read_settings() == {"lang": "zh"}


@run_async
async def test_no_switch_while_a_page_is_open_over_the_list(workspace: Path) -> None:
    async with loaded_app(workspace) as (app, pilot):
        await press_into(pilot, RosterScreen, "f2")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdScreen))
        app.action_switch_language()
        await pilot.pause()
        assert app.lang == "zh" and isinstance(app.screen, HouseholdScreen)
        assert any("回到首页" in n.message for n in app._notifications)
        assert not settings.settings_path().exists()


@run_async
async def test_a_setting_that_cannot_be_saved_still_switches_and_says_so(workspace: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", "utf-8")
    monkeypatch.setenv(settings.CONFIG_DIR_ENV, str(blocker))  # the settings folder can't be made
    async with loaded_app(workspace) as (app, pilot):
        await pilot.press("f9")
        await wait_until(pilot, lambda: app.lang == "en" and "Home" in screen_text(app))
        assert any("could not be saved" in n.message for n in app._notifications)
    assert blocker.read_text("utf-8") == "x"
