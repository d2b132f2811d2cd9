"""The per-member part of the visit form as one spreadsheet-like widget.

One row per household member, one column per per-member question (yes/no or a choice). Arrow keys
move, Space or Enter flips a yes/no or steps a choice, Backspace clears a choice, a click does the
same as Space on the cell clicked. Cells of questions that are not relevant for that member (how
they were briefed when they were not) are blank and skipped.

A single widget drawing its own lines costs a fraction of one widget per cell, which mattered: a
household of six with five questions was over thirty widgets and took a second to open on a slow
laptop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.strip import Strip

from fieldkit.i18n import get_language, t
from surveys.model import Question

NAME_WIDTH = 16
CELL_WIDTH = 12
GRID_TYPES = ("bool", "choice")
MAX_HEADER_LINES = 4


def wrap_cells(text: str, width: int, max_lines: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` terminal cells (CJK-aware, breaks anywhere,
    prefers spaces for Latin text)."""
    lines: list[str] = []
    words = text.split(" ") if " " in text else [text]
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if cell_len(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = set_cell_size(lines[-1], width - 1) + "…"
    return lines


class MemberGrid(Widget, can_focus=True):
    DEFAULT_CSS = """
    MemberGrid { height: auto; }
    MemberGrid > .member-grid--header { color: $text-muted; text-style: bold; }
    MemberGrid > .member-grid--cursor { background: $accent; color: $text; text-style: bold; }
    MemberGrid:blur > .member-grid--cursor { background: $boost; text-style: none; }
    MemberGrid > .member-grid--yes { color: $success; text-style: bold; }
    MemberGrid > .member-grid--odd { background: $boost; }
    """
    COMPONENT_CLASSES = {"member-grid--header", "member-grid--cursor", "member-grid--yes", "member-grid--odd"}
    BINDINGS = [
        Binding("up", "move(0, -1)", show=False),
        Binding("down", "move(0, 1)", show=False),
        Binding("left", "move(-1, 0)", show=False),
        Binding("right", "move(1, 0)", show=False),
        Binding("space,enter", "activate(1)", show=False),
        Binding("backspace,delete", "clear", show=False),
    ]

    class Changed(Message):
        def __init__(self, grid: "MemberGrid") -> None:
            super().__init__()
            self.grid = grid

        @property
        def control(self) -> "MemberGrid":
            return self.grid

    cursor: reactive[tuple[int, int]] = reactive((0, 0), always_update=True)

    def __init__(
        self,
        members: list[tuple[str, str]],
        questions: list[Question],
        defaults: dict[tuple[str, str], Any],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.members = members  # (person id, label)
        self.questions = [q for q in questions if q.type in GRID_TYPES]
        self.values: dict[tuple[str, str], Any] = {
            (pid, q.id): defaults.get((pid, q.id), False if q.type == "bool" else None)
            for pid, _ in members
            for q in self.questions
        }
        self.asked: Callable[[str, str], bool] = lambda person, question: True
        # called synchronously on every change, before the next key is handled, so that moving
        # right after "briefed: yes" already lands on "how briefed" (keys can arrive back to back)
        self.on_values_changed: Callable[[], None] | None = None
        lang = get_language()
        self._header = [wrap_cells(q.label.get(lang), CELL_WIDTH - 1, MAX_HEADER_LINES) for q in self.questions]
        self.header_height = max((len(lines) for lines in self._header), default=1)

    # -- values ----------------------------------------------------------------------------------
    def value(self, person: str, question: str) -> Any:
        return self.values.get((person, question))

    def set_value(self, person: str, question: str, value: Any) -> None:
        self.values[(person, question)] = value
        if self.on_values_changed is not None:
            self.on_values_changed()
        self.refresh()
        self.post_message(self.Changed(self))

    def answers_of(self, person: str) -> dict[str, Any]:
        return {q.id: self.values[(person, q.id)] for q in self.questions if self.values[(person, q.id)] is not None}

    def cell_offset(self, person: str, question: str) -> Offset:
        """Where a cell is on the widget (for mouse clicks)."""
        row = [pid for pid, _ in self.members].index(person)
        col = [q.id for q in self.questions].index(question)
        return Offset(NAME_WIDTH + col * CELL_WIDTH + 1, self.header_height + row)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.header_height + len(self.members)

    # -- drawing ---------------------------------------------------------------------------------
    def cell_text(self, person: str, question: Question) -> str:
        if not self.asked(person, question.id):
            return ""
        value = self.values[(person, question.id)]
        if question.type == "bool":
            return f"[X] {t('app.yes')}" if value else f"[ ] {t('app.no')}"
        if value is None:
            return "‹—›"
        return f"‹{question.choice_label(value, get_language())}›"

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y < self.header_height:
            style = base + self.get_component_rich_style("member-grid--header")
            segments = [Segment(set_cell_size(t("app.visit.col.member") if y == 0 else "", NAME_WIDTH), style)]
            for lines in self._header:
                segments.append(Segment(set_cell_size(lines[y] if y < len(lines) else "", CELL_WIDTH), style))
            return Strip(segments).extend_cell_length(width, base).crop(0, width)
        row = y - self.header_height
        if row >= len(self.members):
            return Strip.blank(width, base)
        person, label = self.members[row]
        row_style = base + self.get_component_rich_style("member-grid--odd") if row % 2 else base
        segments = [Segment(set_cell_size(label, NAME_WIDTH), row_style)]
        cursor_row, cursor_col = self.cursor
        for col, question in enumerate(self.questions):
            style = row_style
            if self.values[(person, question.id)] is True and self.asked(person, question.id):
                style = style + self.get_component_rich_style("member-grid--yes")
            if (row, col) == (cursor_row, cursor_col) and self.has_focus:
                style = style + self.get_component_rich_style("member-grid--cursor")
            segments.append(Segment(set_cell_size(self.cell_text(person, question), CELL_WIDTH - 1), style))
            segments.append(Segment(" ", row_style))
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def watch_cursor(self) -> None:
        self.refresh()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        """A big household makes the grid taller than the form's window: keep the cursor's row (and,
        on the first rows, the header) in view, since the form only scrolls to whole widgets."""
        container = self.parent
        if not isinstance(container, Widget) or not container.is_scrollable:
            return
        row = self.cursor[0]
        top = self.virtual_region.y + (0 if row < 2 else self.header_height + row)
        bottom = self.virtual_region.y + self.header_height + row + 1
        container.scroll_to_region(Region(0, top, 1, bottom - top), animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- input -----------------------------------------------------------------------------------
    def action_move(self, dx: int, dy: int) -> None:
        if not self.members or not self.questions:
            return
        row, col = self.cursor
        rows, cols = len(self.members), len(self.questions)
        for _ in range(max(rows, cols)):
            row = min(rows - 1, max(0, row + dy))
            col = min(cols - 1, max(0, col + dx))
            if self.asked(self.members[row][0], self.questions[col].id) or dx == 0:
                break
        self.cursor = (row, col)

    def action_activate(self, step: int = 1) -> None:
        if not self.members or not self.questions:
            return
        row, col = self.cursor
        person, question = self.members[row][0], self.questions[col]
        if not self.asked(person, question.id):
            return
        current = self.values[(person, question.id)]
        if question.type == "bool":
            self.set_value(person, question.id, not current)
        else:
            options: list[Any] = [None, *question.choice_values()]
            index = options.index(current) if current in options else 0
            self.set_value(person, question.id, options[(index + step) % len(options)])

    def action_clear(self) -> None:
        row, col = self.cursor
        if self.members and self.questions and self.questions[col].type == "choice":
            self.set_value(self.members[row][0], self.questions[col].id, None)

    def on_click(self, event: events.Click) -> None:
        row = event.y - self.header_height
        col = (event.x - NAME_WIDTH) // CELL_WIDTH if event.x >= NAME_WIDTH else -1
        if 0 <= row < len(self.members) and 0 <= col < len(self.questions):
            self.cursor = (row, col)
            self.action_activate()
