"""Helpers shared by the command modules: workspace paths, passphrases, progress, tables."""

from __future__ import annotations

import getpass
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t

DOSSIER_PASSPHRASE_ENV = "FIELDKIT_DOSSIER_PASSPHRASE"  # the township dossier key's, when it differs from the office's


def workspace_dir(args, *, default_kind: str = "device") -> Path:
    """The workspace folder from ``--dir`` (given before or after the subcommand), else the default."""
    value = getattr(args, "sub_dir", None) or getattr(args, "dir", None)
    if value:
        return Path(value).expanduser()
    from fieldkit.core.workspace import default_workspace_dir

    return default_workspace_dir()


def add_dir_option(parser) -> None:
    parser.add_argument("--dir", dest="sub_dir", metavar="DIR", help=t("cli.opt.dir"))


def add_group(subparsers, name: str, help_key: str, adders: Iterable[Callable[[object], None]]) -> None:
    """A command group (``fieldkit <name> COMMAND``) whose subcommands come from ``adders``; bare, it prints help."""
    parser = subparsers.add_parser(name, help=t(help_key), description=t(help_key))
    parser.set_defaults(handler=lambda args: usage(parser))
    sub = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND")
    for add in adders:
        add(sub)


def usage(parser) -> int:
    parser.print_help(sys.stderr)
    return 2


def add_subcommand(sub, name: str, handler, help_key: str, description_key: str | None = None, **params):
    """A subcommand parser with ``--dir`` and its handler; the caller adds the rest of its arguments."""
    parser = sub.add_parser(name, help=t(help_key), description=t(description_key or help_key, **params))
    add_dir_option(parser)
    parser.set_defaults(handler=handler)
    return parser


def existing_file(value: str) -> Path:
    """``value`` as a path, refused with ``io.not_found`` unless it is a file."""
    path = Path(value)
    if not path.is_file():
        raise FieldkitError("io.not_found", path=str(path))
    return path


def print_error(error: object) -> None:
    print(f"{t('error.prefix')}: {error}", file=sys.stderr)


def passphrase(prompt_key: str = "cli.passphrase.prompt") -> str:
    """``FIELDKIT_PASSPHRASE`` for automation, else an interactive prompt that does not echo."""
    value = os.environ.get("FIELDKIT_PASSPHRASE")
    if value is not None:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise FieldkitError("cli.passphrase.no_tty")
    return getpass.getpass(t(prompt_key) + " ")


def new_passphrase() -> str:
    """A new passphrase, typed twice unless it comes from ``FIELDKIT_PASSPHRASE``."""
    value = env_passphrase("FIELDKIT_PASSPHRASE")
    return value if value is not None else ask_new_passphrase("cli.passphrase.new")


def env_passphrase(name: str) -> str | None:
    """The passphrase in environment variable ``name`` (refused when set but empty), else None."""
    value = os.environ.get(name)
    if value is not None and not value:
        raise FieldkitError("cli.passphrase.empty")
    return value


def ask_new_passphrase(prompt_key: str) -> str:
    """A new passphrase typed twice at the terminal (not echoed), at least 8 characters."""
    if not sys.stdin or not sys.stdin.isatty():
        raise FieldkitError("cli.passphrase.no_tty")
    first = getpass.getpass(t(prompt_key) + " ")
    if len(first) < 8:
        raise FieldkitError("cli.passphrase.too_short")
    if getpass.getpass(t("cli.passphrase.again") + " ") != first:
        raise FieldkitError("cli.passphrase.mismatch")
    return first


def open_workspace(args, kinds: tuple[str, ...] | None = None):
    from fieldkit.core.workspace import Workspace, read_info

    path = workspace_dir(args)
    read_info(path)  # "not a workspace" before asking for a passphrase it could never use
    ws = Workspace.open(path, passphrase())
    if kinds and ws.kind not in kinds:
        raise FieldkitError("cli.wrong_kind", path=str(path), kind=ws.kind, expected="/".join(kinds))
    return ws


def open_master(args, kinds: tuple[str, ...] | None = None):
    """Open a workspace, first putting back the master if a merge was interrupted."""
    from sync.merge import recover_master

    path = workspace_dir(args)
    if (path / "workspace.json").is_file() and recover_master(path):
        print(t("sync.cli.interrupted_merge"), file=sys.stderr)
    return open_workspace(args, kinds)


def progress_for(count: int, threshold: int, label_key: str) -> Callable[[int, int], None]:
    """A progress bar when ``count`` steps reach ``threshold``, else a callback that shows nothing."""
    if count >= threshold:
        return Progress(t(label_key), count)
    return lambda done, total: None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    gap = max(0, width - display_width(text))
    return (" " * gap + text) if right else (text + " " * gap)


def table(header: list[str], rows: list[list[str]], right_from: int = 1) -> str:
    """A plain-text table that lines up Chinese and Latin text (CJK counts two columns)."""
    cells = [header] + rows
    widths = [max(display_width(str(r[i])) for r in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(str(c), widths[i], right=i >= right_from) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Progress:
    """Progress on stderr for long work: a bar on a terminal, a few plain lines otherwise."""

    def __init__(self, label: str, total: int, stream=None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_pct = -1
        self._last_quarter = -1

    def __call__(self, done: int, total: int | None = None) -> None:
        if total:
            self.total = max(total, 1)
        self.done = done
        pct = int(100 * done / self.total)
        if pct == self._last_pct:
            return
        self._last_pct = pct
        if self.tty:
            filled = pct * 30 // 100
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {pct:3d}%")
            if done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif pct // 25 > self._last_quarter:  # a plain log: one line per quarter crossed
            self._last_quarter = pct // 25
            self.stream.write(f"{self.label} {pct}%\n")
            self.stream.flush()
