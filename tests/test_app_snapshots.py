"""Snapshots of the four main screens at 80×24 and 120×40, in Chinese and English (16 images).

The demo village is deterministic and the clock is frozen, so the pictures only change when the UI
does. Regenerate after an intended change with ``pytest tests/test_app_snapshots.py --snapshot-update``
and look at the SVGs in tests/__snapshots__/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_fixtures import (
    PASSPHRASE,
    copy_workspace,
    demo_workspace,
    make_app,
    open_workspace,
    press_into,
    tables_settled,
    wait_loaded,
    wait_until,
)
from fieldkit.app.components.household import HouseholdScreen
from fieldkit.app.components.roster import RosterScreen
from fieldkit.app.components.visit_form import VisitFormScreen
from fieldkit.core.coverage import PARTIAL
from fieldkit.core.model import AWAY

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_workspace(tmp_path_factory.mktemp("snap") / "ws")


@pytest.fixture(scope="module")
def shown_household(template: Path) -> str:
    """The first partly covered household with someone away: the screens with the most to show."""
    ws = open_workspace(template)
    try:
        state, report = ws.state(), ws.report()
    finally:
        ws.close()
    for hid in sorted(state.households):
        if report.statuses[hid] == PARTIAL and any(p.residence in AWAY for p in state.members_of(hid)):
            return hid
    raise AssertionError("no partly covered household in the demo village")


def navigate(screen: str, household: str):
    async def run_before(pilot) -> None:
        app = pilot.app
        await wait_loaded(pilot)
        if screen == "roster":
            await press_into(pilot, RosterScreen, "f2")
        elif screen in ("household", "visit"):
            app.open_household(household)
            await wait_until(pilot, lambda: isinstance(app.screen, HouseholdScreen))
            if screen == "visit":
                await press_into(pilot, VisitFormScreen, "v")
        await tables_settled(pilot)

    return run_before


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", ["home", "roster", "household", "visit"])
def test_screen(snap_compare, template: Path, shown_household: str, tmp_path: Path, screen: str, size: str, lang: str) -> None:
    workspace = copy_workspace(template, tmp_path / "ws")
    app = make_app(workspace, lang, passphrase=PASSPHRASE)
    try:
        assert snap_compare(app, terminal_size=SIZES[size], run_before=navigate(screen, shown_household))
    finally:
        app.close_data()
