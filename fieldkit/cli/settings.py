"""`fieldkit settings`: list, set, clear or reset this computer's settings (language, idle lock)."""

from __future__ import annotations

from pathlib import Path

from fieldkit.cli.common import add_dir_option, workspace_dir
from fieldkit.core import settings
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import set_language, t


def register(sub) -> None:
    parser = sub.add_parser("settings", help=t("settings.cli.help"), description=t("settings.cli.help"))
    add_dir_option(parser)
    parser.add_argument("name", nargs="?", metavar="NAME", help=t("settings.cli.name"))
    parser.add_argument("value", nargs="?", metavar="VALUE", help=t("settings.cli.value"))
    parser.add_argument("--clear", action="store_true", help=t("settings.cli.clear"))
    parser.add_argument("--reset", action="store_true", help=t("settings.cli.reset"))
    parser.set_defaults(handler=cmd_settings)


def cmd_settings(args) -> int:
    if args.reset:
        settings.reset_settings()
        print(t("settings.reset_done"))
        return 0
    if args.name is None:
        return show(args)
    if args.name not in settings.SETTINGS:
        raise FieldkitError("settings.unknown", name=args.name, known=", ".join(settings.SETTINGS))
    if args.clear:
        settings.save_setting(args.name, None)
        print(t("settings.cleared", name=t(f"settings.name.{args.name}")))
        return 0
    if args.value is None:
        return show(args, only=args.name)
    saved = settings.save_setting(args.name, args.value)
    key = settings.SETTINGS[args.name][0]
    if args.name == "lang" and getattr(args, "lang", None) is None:
        set_language(saved[key])  # answer in the language just chosen
    print(t("settings.saved", name=t(f"settings.name.{args.name}"), value=_value_text(args.name, saved[key])))
    if _applying(args)[args.name][1] == "env":
        print(t("settings.overridden", name=ENV[args.name]))
    return 0


def show(args, only: str | None = None) -> int:
    """Each setting, the value that applies now and where it comes from; then the file's path."""
    settings.read_settings()  # a damaged file is an error here, with the way out
    for name, (value, source) in _applying(args).items():
        if only is None or only == name:
            print(t("settings.row", name=t(f"settings.name.{name}"), value=_value_text(name, value),
                    source=t(f"settings.source.{source}", name=ENV[name])))
    print(t("settings.file", path=str(settings.settings_path())))
    return 0


ENV = {"lang": settings.LANG_ENV, "idle-lock": settings.IDLE_LOCK_ENV}


def _applying(args) -> dict[str, tuple[object, str]]:
    """Per setting: the value that applies now (idle lock in minutes) and where it comes from."""
    idle, idle_source = settings.effective_idle_lock(_workspace(args))
    return {
        "lang": settings.effective_language(getattr(args, "lang", None)),
        "idle-lock": (idle / 60, idle_source),
    }


def _workspace(args) -> Path | None:
    folder = workspace_dir(args)
    return folder if (folder / "workspace.json").is_file() else None


def _value_text(name: str, value: object) -> str:
    if name == "lang":
        return t(f"settings.value.lang.{value}")
    minutes = float(value)  # type: ignore[arg-type]
    return t("settings.value.minutes", minutes=int(minutes) if minutes == int(minutes) else round(minutes, 1))
