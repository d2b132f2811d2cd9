"""`fieldkit demo`: the throwaway township, and the app opened on it (through the CLI, as `make demo` does)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldkit import cli
from fieldkit.cli.app import DEMO_PASSPHRASE
from fieldkit.core.workspace import Workspace


def test_demo_builds_a_township_and_a_laptop_without_opening_the_app(tmp_path: Path, capsys) -> None:
    root = tmp_path / "demo"
    assert cli.main(["demo", "--dir", str(root), "--households", "12", "--no-app"]) == 0
    out = capsys.readouterr().out
    assert DEMO_PASSPHRASE in out and str(root / "laptop") in out
    with Workspace.open(root / "laptop", DEMO_PASSPHRASE) as laptop:
        state = laptop.state()
        assert len(state.households) == 12
        assert {activity.kind for activity in state.activities} == {"loudspeaker", "lecture", "market_stall", "wechat_push"}
    assert "4 次集中宣传活动" in out


def test_demo_opens_the_app_with_the_passphrase_on_the_unlock_screen(tmp_path: Path, monkeypatch, capsys) -> None:
    """The wiring cli → fieldkit.app.run_app → FieldkitApp, with only App.run replaced."""
    from fieldkit.app.app import FieldkitApp

    opened: list[tuple[Path, str]] = []

    def run(self: FieldkitApp) -> int:
        opened.append((self.workspace_dir, self.unlock_hint))
        return 0

    monkeypatch.setattr(FieldkitApp, "run", run)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    root = tmp_path / "demo"
    assert cli.main(["demo", "--dir", str(root), "--households", "12"]) == 0
    assert opened == [(root / "laptop", f"演示口令：{DEMO_PASSPHRASE}")]


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys) -> None:
    (tmp_path / "keep.txt").write_text("mine", "utf-8")
    assert cli.main(["demo", "--dir", str(tmp_path), "--no-app"]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


_ESCAPE = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")


class Terminal:
    """``python -m fieldkit ARGS`` in a pseudo-terminal of 80×24: type keys, wait for text on screen."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fieldkit", *args],
            stdin=slave, stdout=slave, stderr=slave, env={**env, "TERM": "xterm-256color"},
            close_fds=True, start_new_session=True,
        )
        os.close(slave)
        self.seen = bytearray()

    def text(self) -> str:
        return _ESCAPE.sub(b"", bytes(self.seen)).decode("utf-8", "replace")

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        import select

        deadline = time.monotonic() + timeout
        while text.encode("utf-8") not in _ESCAPE.sub(b"", bytes(self.seen)):
            remaining = deadline - time.monotonic()
            chunk = b""
            if remaining > 0 and select.select([self.master], [], [], min(remaining, 0.2))[0]:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: the program ended and the terminal closed
                    chunk = b""
                self.seen.extend(chunk)
                if chunk:
                    continue
            if remaining <= 0 or self.proc.poll() is not None:
                raise AssertionError(f"{text!r} never appeared (exit code {self.proc.poll()}); "
                                     f"last output: {self.text()[-800:]}")

    def type(self, keys: bytes) -> None:
        del self.seen[:]  # wait_for looks at what comes after this
        os.write(self.master, keys)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def _terminal_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "FIELDKIT_CONFIG_DIR": str(tmp_path / "config")}
    env.pop("FIELDKIT_PASSPHRASE", None)
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_demo_in_a_real_terminal_unlocks_and_quits(tmp_path: Path) -> None:
    """`fieldkit demo` in a pseudo-terminal: the unlock screen shows the demo passphrase, typing it
    opens the home screen, Ctrl+Q quits with exit code 0."""
    terminal = Terminal(["demo", "--dir", str(tmp_path / "demo"), "--households", "12"], _terminal_env(tmp_path))
    try:
        terminal.wait_for(DEMO_PASSPHRASE)  # printed, then shown on the unlock screen
        terminal.wait_for("解锁")
        terminal.type(DEMO_PASSPHRASE.encode() + b"\r")
        terminal.wait_for("红星村")  # the home screen: the village at a glance
        terminal.type(b"\x11")  # Ctrl+Q
        assert terminal.proc.wait(timeout=30) == 0
    finally:
        terminal.close()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_first_run_in_a_real_terminal_explains_and_quits(tmp_path: Path) -> None:
    """`fieldkit --dir EMPTY`: the welcome screen says how to get a workspace; Esc leaves with 0."""
    terminal = Terminal(["--dir", str(tmp_path / "nothing")], _terminal_env(tmp_path))
    try:
        terminal.wait_for("import-kit")
        terminal.type(b"\x1b")
        assert terminal.proc.wait(timeout=30) == 0
    finally:
        terminal.close()
