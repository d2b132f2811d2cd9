"""A virtual list of households for the roster: only the visible lines are ever rendered.

A DataTable measures and stores every cell on each update, which took hundreds of milliseconds per
keystroke for a few hundred rows on a slow laptop. Here replacing the rows is O(1) (a new list of
ids) and drawing costs a few lines: search as you type stays fast whatever the village's size.
Columns have fixed widths in terminal cells (CJK characters take two), the last one takes the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

Cells = Callable[[str], Sequence[str]]


def fit(text: str, width: int) -> str:
    """``text`` padded or cut to exactly ``width`` cells (a cut CJK character becomes a space)."""
    return set_cell_size(text, width)


class ListHeader(Widget):
    """The column titles above a HouseholdList (outside the scrolling area)."""

    DEFAULT_CSS = "ListHeader { height: 1; color: $text-muted; text-style: bold; }"

    def __init__(self, titles: Sequence[str], widths: Sequence[int], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.titles = list(titles)
        self.widths = list(widths)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.rich_style
        return Strip([Segment(part, style) for part in row_cells(self.titles, self.widths, width)], width)


def row_cells(cells: Sequence[str], widths: Sequence[int], total: int) -> list[str]:
    """Each cell fitted to its column (the last takes what is left), with a one-cell gap before."""
    out = []
    used = 0
    for index, cell in enumerate(cells):
        column = widths[index] if index < len(widths) and index < len(cells) - 1 else max(1, total - used - 1)
        column = min(column, max(0, total - used - 1))
        if column <= 0:
            break
        out.append(fit(" " + cell, column + 1))
        used += column + 1
    if used < total:
        out.append(" " * (total - used))
    return out


def row_text(cells: Sequence[str], widths: Sequence[int], total: int) -> str:
    return "".join(row_cells(cells, widths, total))


class HouseholdList(ScrollView, can_focus=True):
    """Rows of household cells with a cursor; Enter (or a click on the cursor row) selects."""

    DEFAULT_CSS = """
    HouseholdList { height: 1fr; overflow-x: hidden; }
    HouseholdList > .household-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    HouseholdList:blur > .household-list--cursor { background: $block-cursor-blurred-background; text-style: none; }
    HouseholdList > .household-list--odd { background: $surface-lighten-1 20%; }
    """
    COMPONENT_CLASSES = {"household-list--cursor", "household-list--odd"}
    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "select", show=False),
    ]

    class Selected(Message):
        def __init__(self, source: "HouseholdList", household: str) -> None:
            super().__init__()
            self.source = source
            self.household = household

        @property
        def control(self) -> "HouseholdList":
            return self.source

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, widths: Sequence[int], cells: Cells, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.widths = list(widths)
        self.cells = cells
        self.ids: list[str] = []
        self.styles_for: Callable[[str], Style | None] = lambda household: None

    # -- data ----------------------------------------------------------------------------------
    def set_rows(self, ids: list[str]) -> None:
        self.ids = ids
        size = Size(self.scrollable_content_region.width, len(ids))
        if size != self.virtual_size:  # a new virtual size means a layout pass: skip when unchanged
            self.virtual_size = size
        if self.scroll_offset.y:
            self.scroll_to(y=0, animate=False)
        self.cursor = 0

    @property
    def row_count(self) -> int:
        return len(self.ids)

    @property
    def current(self) -> str | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    # -- drawing -------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_offset.y)
        if index >= len(self.ids):
            return Strip.blank(width, self.rich_style)
        household = self.ids[index]
        style = self.rich_style
        if index == self.cursor:
            style = style + self.get_component_rich_style("household-list--cursor")
        elif index % 2:
            style = style + self.get_component_rich_style("household-list--odd")
        # one segment per cell, so every column starts at its own cell offset
        parts = row_cells(self.cells(household), self.widths, width)
        extra = self.styles_for(household)
        segments = [Segment(part, style) for part in parts]
        if extra is not None and index != self.cursor and segments:
            segments[0] = Segment(parts[0], style + extra)
        return Strip(segments, width)

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.ids:
            return
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.ids))

    # -- input ---------------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        if self.ids:
            self.cursor = max(0, min(len(self.ids) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, index: int) -> None:
        if self.ids:
            self.cursor = index % len(self.ids)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.ids):
            if index == self.cursor:
                self.action_select()
            else:
                self.cursor = index
