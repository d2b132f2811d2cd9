"""``fieldkit export --dir D --to PATH [--since-receipt]``: the laptop's bundle for the USB stick."""

from __future__ import annotations

from pathlib import Path

from fieldkit.cli import common
from fieldkit.i18n import t
from sync.bundle import bundle_summary, write_bundle
from sync.refresh import receipt_text


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help=t("sync.cli.export.help"), description=t("sync.cli.export.description"))
    common.add_dir_option(p)
    p.add_argument("--to", required=True, metavar="PATH", help=t("sync.cli.opt.to"))
    p.add_argument("--since-receipt", action="store_true", help=t("sync.cli.opt.since_receipt"))
    p.set_defaults(handler=cmd_export)


def cmd_export(args) -> int:
    ws = common.open_workspace(args, ("device",))
    try:
        progress = common.Progress(t("sync.progress.export"), 3)
        path = write_bundle(ws, Path(args.to), progress, since_receipt=args.since_receipt)
        summary = bundle_summary(path)
        print(t("sync.exported", count=summary["count"], first=summary["first"], last=summary["last"], path=str(path)))
        line = receipt_text(ws)
        if line:
            print(line)
    finally:
        ws.close()
    return 0
