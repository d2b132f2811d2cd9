"""``fieldkit device …``: set up a laptop and import kits from the township.

Each subcommand is ``_add_<name>(sub)`` plus ``cmd_<name>(args) -> int``; add new ones to ``SUBCOMMANDS``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from fieldkit.cli import common
from fieldkit.cli.township import refuse_existing
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t


def register(subparsers) -> None:
    common.add_group(subparsers, "device", "device.cli.help", SUBCOMMANDS)


# ------------------------------------------------------------------------------ init


def _add_init(sub) -> None:
    p = common.add_subcommand(sub, "init", cmd_init, "device.cli.init.help", "device.cli.init.description")
    p.add_argument("--name", required=True, help=t("device.cli.opt.name"))
    p.add_argument("--out", metavar="REQUEST", help=t("device.cli.opt.request_out"))


def cmd_init(args) -> int:
    from fieldkit.core.keys import fingerprint
    from sync import device as ops

    path = common.workspace_dir(args)
    name = ops.check_name(args.name)
    refuse_existing(path)
    ws = ops.init_device(path, name=name, passphrase=common.new_passphrase())
    try:
        request = ops.write_request(ws, Path(args.out) if args.out else None)
        info = ws.info
        print(t("device.cli.init.done", name=name, device=info["device"], path=str(path)))
        print(t("device.cli.init.fingerprint", fingerprint=fingerprint(info["signing_public"])))
        print(t("device.cli.init.request", path=str(request)))
        print(t("device.cli.init.next"))
    finally:
        ws.close()
    return 0


# ------------------------------------------------------------------------------ import-kit


def _add_import_kit(sub) -> None:
    p = common.add_subcommand(sub, "import-kit", cmd_import_kit, "device.cli.import.help",
                              "device.cli.import.description")
    p.add_argument("kit", metavar="KIT", help=t("device.cli.opt.kit"))
    p.add_argument("--fingerprint", metavar="FP", help=t("device.cli.opt.fingerprint"))
    p.add_argument("--yes", action="store_true", help=t("device.cli.opt.yes"))


def _same_fingerprint(a: str, b: str) -> bool:
    norm = lambda s: "".join(ch for ch in s.upper() if ch.isalnum())  # noqa: E731
    return norm(a) == norm(b)


def cmd_import_kit(args) -> int:
    from sync import device as ops

    kit_path = common.existing_file(args.kit)
    ws = common.open_workspace(args, ("device",))
    try:
        kit = ops.verify_kit_file(ws, kit_path)
        if args.fingerprint and not _same_fingerprint(args.fingerprint, kit.fingerprint):
            raise FieldkitError("device.fingerprint_mismatch", found=kit.fingerprint, expected=args.fingerprint[:40])
        if kit.first_trust:
            print(t("device.cli.import.first_trust", name=kit.township["name"], code=kit.township["code"]))
            print(t("device.cli.import.fingerprint", fingerprint=kit.fingerprint))
            if not args.fingerprint and not args.yes:
                # The first kit decides which township key this laptop trusts from now on: someone
                # must have compared the fingerprint with the paper, here or with --fingerprint.
                if sys.stdin is None or not sys.stdin.isatty():
                    raise FieldkitError("device.first_kit_unchecked")
                try:
                    answer = input(t("device.cli.import.confirm") + " ").strip().lower()
                except EOFError:
                    answer = ""
                if answer not in ("y", "yes", "是", "对"):
                    raise FieldkitError("device.not_confirmed")
        result = ops.apply_kit(ws, kit)
        print(t("device.cli.import.done", file=kit.file, entries=result.total, township=result.township_name,
                code=result.township, village=result.village_name, village_code=result.village))
        if not kit.first_trust:
            print(t("device.cli.import.fingerprint", fingerprint=kit.fingerprint))
        state = ws.state()
        households = sum(1 for h in state.households.values() if h.village == result.village)
        print(t("device.cli.import.summary", households=households, forms=len(state.forms),
                devices=sum(1 for d in state.devices.values() if d.village == result.village and not d.revoked)))
    finally:
        ws.close()
    return 0


SUBCOMMANDS: list[Callable[[object], None]] = [_add_init, _add_import_kit]
