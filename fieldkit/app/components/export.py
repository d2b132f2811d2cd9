"""Export to a USB stick: find sticks, write the bundle in a thread worker with progress, show the
township's last receipt."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from fieldkit.app import messages as msg
from fieldkit.app.components.common import DataScreen, FieldInput, after_typed_keys
from fieldkit.app.data import error_text
from fieldkit.app.exporter import export_bundle, receipt_line
from fieldkit.app.removable import removable_drives
from fieldkit.i18n import t

if TYPE_CHECKING:
    from fieldkit.app.data import Snapshot


class ExportScreen(DataScreen):
    BINDINGS = [
        Binding("f5", "rescan", "app.export.rescan"),
        Binding("ctrl+e", "export_typed", "app.export.go", priority=True),  # the path box's own Ctrl+E is "end"
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exporting = False

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with VerticalScroll(id="export"):
            yield Static(t("app.export.title"), classes="title")
            yield Static(t("app.export.drives"), id="drives-label")
            yield OptionList(id="drives", compact=True)
            with Horizontal(id="dest-row"):
                yield Static(t("app.export.dest"), classes="question-label")
                yield FieldInput(id="dest", compact=True)
            yield Button(t("app.export.go"), id="go", variant="primary", compact=True)
            progress = ProgressBar(id="progress", show_eta=False)
            progress.display = False  # an idle bar pulses as if something were running: shown per export
            yield progress
            yield Static("", id="export-status")
            yield Static("", id="receipt")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.action_rescan()

    def draw(self, snapshot: "Snapshot") -> None:
        data = self.fk.data
        receipt = receipt_line(data.workspace) if data is not None else None
        lines = [t("app.export.entries", count=snapshot.state.entry_count), receipt or t("app.export.no_receipt")]
        self.query_one("#receipt", Static).update("\n".join(lines))

    @work(thread=True, exclusive=True, group="drives")
    def action_rescan(self) -> None:
        self.post_message(msg.DrivesFound(removable_drives()))

    @on(msg.DrivesFound)
    def _drives(self, message: msg.DrivesFound) -> None:
        drives = self.query_one("#drives", OptionList)
        drives.clear_options()
        drives.add_options([Option(str(path), id=str(index)) for index, path in enumerate(message.drives)])
        self._drive_paths = message.drives
        self.query_one("#drives-label", Static).update(t("app.export.drives") if message.drives else t("app.export.no_drives"))
        dest = self.query_one("#dest", Input)
        if message.drives and not dest.value:
            dest.value = str(message.drives[0])
        # Typing should land somewhere useful: the stick list when there are sticks, else the path.
        (drives if message.drives else dest).focus()
        message.stop()

    @on(OptionList.OptionSelected, "#drives")
    def _drive_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#dest", Input).value = str(event.option.prompt)

    def action_export_typed(self) -> None:
        after_typed_keys(self, self.action_export)

    @on(Button.Pressed, "#go")
    @on(Input.Submitted, "#dest")
    def action_export(self) -> None:
        if self.exporting or self.fk.data is None:
            return
        text = self.query_one("#dest", Input).value.strip()
        status = self.query_one("#export-status", Static)
        if not text:
            status.update(t("app.export.need_dest"))
            return
        dest = Path(text).expanduser()
        if not dest.is_dir():
            status.update(t("app.export.not_dir", path=str(dest)))
            return
        self.exporting = True
        status.update(t("app.export.working"))
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.run_export(dest)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, dest: Path) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(msg.ExportProgress(done, total))

        try:
            path = export_bundle(self.fk.data.workspace, dest, progress)
        except Exception as exc:  # noqa: BLE001
            self.post_message(msg.ExportFailed(error_text(exc)))
            return
        self.post_message(msg.ExportFinished(path))

    @on(msg.ExportProgress)
    def _progress(self, message: msg.ExportProgress) -> None:
        self.query_one("#progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)
        message.stop()

    @on(msg.ExportFinished)
    def _finished(self, message: msg.ExportFinished) -> None:
        self.exporting = False
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#export-status", Static).update(t("app.export.done", path=str(message.path)))
        message.stop()

    @on(msg.ExportFailed)
    def _failed(self, message: msg.ExportFailed) -> None:
        self.exporting = False
        self.query_one("#progress", ProgressBar).display = False
        status = self.query_one("#export-status", Static)
        status.update(t("app.export.failed", reason=message.reason))
        message.stop()
