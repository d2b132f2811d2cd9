"""`fieldkit` with no command opens the field app; `fieldkit demo` builds a demo township and opens it."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from fieldkit.cli.common import Progress, add_dir_option
from fieldkit.i18n import get_language, t

DEMO_PASSPHRASE = "demo-passphrase"


def register(sub) -> None:
    demo = sub.add_parser("demo", help=t("cli.demo.help"), description=t("cli.demo.help"))
    add_dir_option(demo)
    demo.add_argument("--households", type=int, default=120, help=t("cli.demo.households"))
    demo.add_argument("--no-app", action="store_true", help=t("cli.demo.no_app"))
    demo.set_defaults(handler=cmd_demo)


def open_app(args) -> int:
    from fieldkit.app import run_app

    folder = Path(args.dir).expanduser() if getattr(args, "dir", None) else None
    return run_app(folder, get_language())


def cmd_demo(args) -> int:
    from fieldkit.core.errors import FieldkitError
    from sync.demo import build_demo

    folder = getattr(args, "sub_dir", None) or getattr(args, "dir", None)
    root = Path(folder).expanduser() if folder else Path(tempfile.mkdtemp(prefix="fieldkit-demo-"))
    if root.exists() and any(root.iterdir()):
        raise FieldkitError("cli.demo.not_empty", path=str(root))
    passphrase = os.environ.get("FIELDKIT_PASSPHRASE") or DEMO_PASSPHRASE
    demo = build_demo(root, passphrase, households=args.households, progress=Progress(t("cli.demo.building"), 5))
    print(t("cli.demo.ready", township=str(demo.township), laptop=str(demo.laptop),
            households=demo.households, visits=demo.visits, activities=demo.activities))
    print(t("cli.demo.passphrase", passphrase=passphrase))
    print(t("cli.demo.fingerprint", fingerprint=demo.fingerprint))
    if args.no_app or not sys.stdout.isatty():
        return 0
    from fieldkit.app import run_app

    return run_app(demo.laptop, get_language(), unlock_hint=t("cli.demo.passphrase", passphrase=passphrase))
