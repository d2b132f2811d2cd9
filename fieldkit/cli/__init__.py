"""The `fieldkit` command: parses arguments, calls core or sync, prints. Nothing else lives here.

Each command group is a module in this package exposing ``register(subparsers)``; a command's
handler takes the parsed ``args`` and returns an exit code. User errors are ``FieldkitError``: one
line on stderr, exit 1. Anything unexpected is one line too (exit 3); ``FIELDKIT_DEBUG=1`` shows
the traceback for developers.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from fieldkit import __version__
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import set_language, t

# command -> (module in this package, catalogue key of its one-line help). Only the module of the
# command being run is imported, so `fieldkit status` does not pay for loading the merge or the app.
COMMANDS = {
    "demo": ("app", "cli.demo.help"),
    "status": ("status", "status.help"),
    "device": ("device", "device.cli.help"),
    "township": ("township", "township.cli.help"),
    "visit": ("visit", "visit.cli.help"),
    "dossier": ("dossier", "dossier.cli.help"),
    "export": ("export", "sync.cli.export.help"),
    "audit": ("audit", "audit.cli.help"),
    "report": ("report", "report.cli.help"),
    "settings": ("settings", "settings.cli.help"),
}
_GLOBAL_WITH_VALUE = ("--lang", "--dir")


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other failure
        self.exit(2, f"{self.prog}: {t('error.prefix')}: {message}\n")


def _command_in(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` (skipping global options), if any."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser. Only ``command``'s module is loaded; the other commands are listed by name and help."""
    parser = ArgumentParser(prog="fieldkit", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"fieldkit {__version__}")
    parser.add_argument("--lang", choices=("zh", "en"), help=t("cli.opt.lang"))
    parser.add_argument("--dir", type=str, default=None, help=t("cli.opt.dir"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    loaded: set[str] = set()
    for name, (module_name, help_key) in COMMANDS.items():
        if module_name in loaded:
            continue
        if name == command:
            import_module(f"fieldkit.cli.{module_name}").register(sub)
            loaded.add(module_name)
        else:
            sub.add_parser(name, help=t(help_key), add_help=False)
    return parser


def _language_from(argv: list[str]) -> None:
    """``--lang`` if given, else ``FIELDKIT_LANG`` (read by i18n), else the saved setting."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            set_language(argv[i + 1])
            return
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in ("zh", "en"):
            set_language(arg.split("=", 1)[1])
            return
    from fieldkit.core import settings

    if os.environ.get(settings.LANG_ENV, "").strip().lower() in settings.LANGUAGES:
        return
    try:
        saved = settings.read_settings().get("lang")
    except FieldkitError as exc:
        if _command_in(argv) != "settings":  # that command reports it, with the way out
            print(t("settings.warning", message=str(exc)), file=sys.stderr)
        return
    if saved:
        set_language(saved)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # a GBK console must not crash on a character
        except (AttributeError, ValueError):
            pass
    _language_from(argv)  # before building the parser so --help is in the chosen language
    try:
        parser = build_parser(_command_in(argv))
        args = parser.parse_args(argv)
        handler = getattr(args, "handler", None)
        if handler is None:
            from fieldkit.cli.app import open_app

            return open_app(args)
        return int(handler(args) or 0)
    except FieldkitError as exc:
        print(f"{t('error.prefix')}: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the user sees one line, never a traceback
        if os.environ.get("FIELDKIT_DEBUG"):
            raise
        print(f"{t('error.prefix')}: {t('error.unexpected', kind=type(exc).__name__)}", file=sys.stderr)
        return 3
