"""``fieldkit township …``: the township office's commands.

Each subcommand is two small functions: ``_add_<name>(sub)`` declares its arguments and sets its
handler, ``cmd_<name>(args) -> int`` runs it. To add a subcommand, write both and append the adder
to ``SUBCOMMANDS``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from fieldkit.cli import common
from fieldkit.core.atomic import atomic_write
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t

# Handlers import the core and sync modules they need when they run, so that building the parser
# (done for every `fieldkit` invocation, the app included) stays fast.

DOSSIER_PASSPHRASE_ENV = common.DOSSIER_PASSPHRASE_ENV
PROGRESS_FROM = 2000  # show progress for imports recording at least this many events
MASTER_KINDS = ("township", "county")
READING_NOTE_FROM = 1_000_000  # bytes: say that a big roster is being read (parsing takes seconds)


def register(subparsers) -> None:
    common.add_group(subparsers, "township", "township.cli.help", SUBCOMMANDS)


def refuse_existing(path: Path) -> None:
    """Refuse a non-empty target folder before asking for passphrases."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FieldkitError("workspace.exists", path=str(path))


def open_township(args):
    ws = common.open_workspace(args, ("township",))
    return ws


# ------------------------------------------------------------------------------ init


def _add_init(sub) -> None:
    p = common.add_subcommand(sub, "init", cmd_init, "township.cli.init.help", "township.cli.init.description")
    p.add_argument("--name", required=True, help=t("township.cli.opt.name"))
    p.add_argument("--code", required=True, help=t("township.cli.opt.code"))


def dossier_passphrase(office: str) -> str:
    """``FIELDKIT_DOSSIER_PASSPHRASE``, else ``FIELDKIT_PASSPHRASE``'s value, else asked twice."""
    value = common.env_passphrase(DOSSIER_PASSPHRASE_ENV)
    if value is not None:
        return value
    if os.environ.get("FIELDKIT_PASSPHRASE") is not None:
        return office
    return common.ask_new_passphrase("township.cli.dossier_passphrase")


def cmd_init(args) -> int:
    from sync import township as ops

    path = common.workspace_dir(args)
    code, name = ops.check_code(args.code), ops.check_name(args.name)
    refuse_existing(path)
    office = common.new_passphrase()
    dossier = dossier_passphrase(office)
    ws = ops.init_township(path, code=code, name=name, passphrase=office, dossier_passphrase=dossier)
    try:
        state = ws.state()
        print(t("township.cli.init.done", name=name, code=code, path=str(path)))
        print(t("township.cli.fingerprint", fingerprint=ops.township_fingerprint(ws)))
        print(t("township.cli.fingerprint_hint"))
        print(t("township.cli.init.dossier_key", path=str(path / ops.DOSSIER_KEY_FILE)))
        forms = "、".join(f"{f.id} v{f.version}" for f in state.forms.values())
        print(t("township.cli.init.forms", forms=forms))
        print(t("township.cli.init.next"))
    finally:
        ws.close()
    return 0


# ------------------------------------------------------------------------------ roster


def _add_roster(sub) -> None:
    p = common.add_subcommand(sub, "roster", cmd_roster, "township.cli.roster.help", "township.cli.roster.description")
    p.add_argument("file", metavar="FILE", help=t("township.cli.opt.roster_file"))
    p.add_argument("--skip-bad-rows", action="store_true", help=t("township.cli.opt.skip_bad_rows"))
    p.add_argument(
        "--village-code", action="append", default=[], metavar="NAME=CODE", help=t("township.cli.opt.village_code")
    )


def _village_codes(pairs: list[str]) -> dict[str, str]:
    codes: dict[str, str] = {}
    for pair in pairs:
        name, sep, code = pair.partition("=")
        if not sep or not name.strip() or not code.strip():
            raise FieldkitError("township.bad_village_code_option", value=pair[:60])
        codes[name.strip()] = code.strip()
    return codes


def cmd_roster(args) -> int:
    from fieldkit.core.gcpause import paused_gc

    file = common.existing_file(args.file)
    codes = _village_codes(args.village_code)
    ws = open_township(args)
    try:
        size = file.stat().st_size
        if size >= READING_NOTE_FROM:
            print(t("township.cli.roster.reading", file=file.name, size_mb=f"{size / 1e6:.1f}"), file=sys.stderr)
        with paused_gc():  # parse, plan, record and the summary's fold: millions of objects
            _roster(ws, file, codes, args.skip_bad_rows)
    finally:
        ws.close()
    return 0


def _roster(ws, file: Path, codes: dict[str, str], skip_bad_rows: bool) -> None:
    from fieldkit.core.roster import RosterRefused, describe_fixes
    from fieldkit.core.tables import format_problem
    from sync import township as ops

    parse = ops.parse_roster_file(file)
    fixes = describe_fixes(parse.fixes)
    if parse.ignored_columns:
        print(t("township.cli.roster.ignored_columns", columns="、".join(parse.ignored_columns)))
    for problem in parse.problems:
        print(format_problem(problem))
    try:
        plan = ops.plan_roster(ws, parse, skip_bad_rows=skip_bad_rows, village_codes=codes)
    except RosterRefused:
        if fixes:
            print(fixes)
        raise
    progress = common.progress_for(len(plan.events), PROGRESS_FROM, "township.cli.roster.progress")
    result = ops.record_roster(ws, parse, plan, progress=progress)
    _print_roster_summary(ws, result)
    if fixes:
        print(fixes)


def _print_roster_summary(ws, result) -> None:
    from fieldkit.core.roster import describe_counts

    plan = result.plan
    counts = describe_counts(plan.counts)
    if result.written == 0:
        print(t("township.cli.roster.unchanged"))
    else:
        print(t("township.cli.roster.recorded", events=result.written))
    if counts:
        print(counts)
    if plan.skipped:
        rows = len({p.row for p in plan.skipped})
        print(t("township.cli.roster.skipped", rows=rows))
    state = ws.state()
    rows = []
    for name, code in plan.village_codes.items():
        households = [h for h in state.households.values() if h.village == code and h.status != "moved_out"]
        persons = sum(len(state.members_of(h.id)) for h in households)
        rows.append([name, code, str(len(households)), str(persons)])
    if rows:
        header = [t("township.cli.col.village"), t("township.cli.col.code"), t("township.cli.col.households"),
                  t("township.cli.col.persons")]
        print(common.table(header, rows, right_from=2))


# ------------------------------------------------------------------------------ enroll


def _add_enroll(sub) -> None:
    p = common.add_subcommand(sub, "enroll", cmd_enroll, "township.cli.enroll.help", "township.cli.enroll.description")
    p.add_argument("request", metavar="REQUEST", help=t("township.cli.opt.request"))
    p.add_argument("--village", required=True, help=t("township.cli.opt.village"))
    p.add_argument("--out", required=True, metavar="KIT", help=t("township.cli.opt.kit_out"))


def _kit_file(out: str, device: str) -> Path:
    """``--out``: the kit file itself, or a folder to write ``kit-<device>.fieldkit`` into."""
    path = Path(out)
    return path / f"kit-{device}.fieldkit" if path.is_dir() else path


def cmd_enroll(args) -> int:
    from sync import township as ops
    from sync.device import read_request

    request = read_request(Path(args.request))
    out = _kit_file(args.out, request.device)
    ws = open_township(args)
    try:
        enrolment = ops.enroll(ws, request, args.village)
        atomic_write(out, enrolment.kit)
        key = "township.cli.enroll.done" if enrolment.recorded else "township.cli.enroll.again"
        print(t(key, device=enrolment.device, name=enrolment.name, village=enrolment.village_name,
                code=enrolment.village))
        print(t("township.cli.enroll.device_fingerprint", fingerprint=request.fingerprint))
        print(t("township.cli.enroll.kit", path=str(out)))
        print(t("township.cli.fingerprint", fingerprint=ops.township_fingerprint(ws)))
    finally:
        ws.close()
    return 0


SUBCOMMANDS: list[Callable[[object], None]] = [_add_init, _add_roster, _add_enroll]


# ------------------------------------------------------------------------------ sync: merge, kits, conflicts, county
# (sync/ owns the operations; these handlers only parse, call and print)


def _add_merge(sub) -> None:
    p = common.add_subcommand(sub, "merge", cmd_merge, "sync.cli.merge.help", "sync.cli.merge.description")
    p.add_argument("files", nargs="+", metavar="FILE", help=t("sync.cli.opt.files"))


def cmd_merge(args) -> int:
    from sync.merge import merge_files

    ws = common.open_master(args, MASTER_KINDS)
    try:
        progress = common.Progress(t("sync.progress.verify"), len(args.files))
        writing = common.Progress(t("sync.progress.write"), 1)
        report = merge_files(ws, [Path(f) for f in args.files], progress, writing)
        rows = []
        for f in report.files:
            result = t("sync.result.merged") if f.accepted else t("sync.result.rejected", reason=str(f.error))
            rows.append([f.label, f.sender or "?", str(f.new), str(f.already), str(f.conflicts), result])
        header = [t("sync.col.file"), t("sync.col.sender"), t("sync.col.new"), t("sync.col.already"),
                  t("sync.col.conflicts"), t("sync.col.result")]
        print(common.table(header, rows, right_from=2).rstrip())
        merged = sum(1 for f in report.files if f.accepted)
        print(t("sync.merge.summary", merged=merged, rejected=report.rejected, new=report.new,
                digest=report.digest_after[:16]))
        if report.rejected:
            if any(f.copy for f in report.files):
                print(t("sync.merge.quarantine_note", path=str(ws.path / "quarantine")))
            for f in report.files:
                if not f.accepted:
                    reason = str(f.error)
                    reason = reason if f.label in reason else f"{f.label}: {reason}"
                    common.print_error(reason)
    finally:
        ws.close()
    return 1 if report.rejected else 0


def _add_kit(sub) -> None:
    p = common.add_subcommand(sub, "kit", cmd_kit, "sync.cli.kit.help", "sync.cli.kit.description")
    p.add_argument("--device", required=True, metavar="ID", help=t("sync.cli.opt.device"))
    p.add_argument("--out", required=True, metavar="KIT", help=t("sync.cli.opt.kit_out"))


def cmd_kit(args) -> int:
    from sync.refresh import build_refresh_kit

    ws = common.open_master(args, ("township",))
    try:
        kit = build_refresh_kit(ws, args.device)
        out = _kit_file(args.out, kit.device)
        atomic_write(out, kit.data)
        print(t("sync.kit_written", device=kit.device, path=str(out), feeds=kit.feeds, entries=kit.entries,
                seq=kit.receipt_seq))
    finally:
        ws.close()
    return 0


def _add_revoke(sub) -> None:
    p = common.add_subcommand(sub, "revoke", cmd_revoke, "sync.cli.revoke.help")
    p.add_argument("device", metavar="DEVICE", help=t("sync.cli.opt.device"))
    p.add_argument("--reason", required=True, help=t("sync.cli.opt.reason"))


def cmd_revoke(args) -> int:
    from sync.quarantine import revoke_device

    ws = common.open_master(args, ("township",))
    try:
        revoke_device(ws, args.device, args.reason)
        print(t("sync.revoked", device=args.device))
    finally:
        ws.close()
    return 0


def _add_release(sub) -> None:
    p = common.add_subcommand(sub, "release", cmd_release, "sync.cli.release.help")
    p.add_argument("feed", metavar="FEED", help=t("sync.cli.opt.feed"))


def cmd_release(args) -> int:
    from sync.quarantine import release_feed

    ws = common.open_master(args, MASTER_KINDS)
    try:
        if not release_feed(ws.store, args.feed):
            raise FieldkitError("sync.not_quarantined", feed=args.feed[:40])
        print(t("sync.released", feed=args.feed))
    finally:
        ws.close()
    return 0


def _add_conflicts(sub) -> None:
    common.add_subcommand(sub, "conflicts", cmd_conflicts, "sync.cli.conflicts.help")


def cmd_conflicts(args) -> int:
    from sync.conflicts import list_conflicts

    ws = common.open_master(args, MASTER_KINDS)
    try:
        views = list_conflicts(ws.state())
        if not views:
            print(t("sync.conflicts.none"))
            return 0
        for view in views:
            winner = next((v.ref for v in view.values if v.winner), "?")
            print(t("sync.conflicts.header", entity=view.entity, count=len(view.values), winner=winner))
            for v in view.values:
                value = ", ".join(f"{k}={v.changes[k]}" for k in sorted(v.changes))
                mark = "*" if v.winner else " "
                print(t("sync.conflicts.value", mark=mark, ref=v.ref, device=v.device, time=v.time, value=value))
        print(t("sync.conflicts.hint"))
    finally:
        ws.close()
    return 0


def _add_resolve(sub) -> None:
    p = common.add_subcommand(sub, "resolve", cmd_resolve, "sync.cli.resolve.help")
    p.add_argument("entity", metavar="ENTITY", help=t("sync.cli.opt.entity"))
    p.add_argument("--pick", required=True, metavar="FEED:SEQ", help=t("sync.cli.opt.pick"))


def cmd_resolve(args) -> int:
    from sync.conflicts import resolve

    ws = common.open_master(args, ("township",))
    try:
        entry = resolve(ws, args.entity, args.pick)
        print(t("sync.resolved", entity=args.entity, pick=args.pick, seq=f"{entry.feed}:{entry.seq}"))
    finally:
        ws.close()
    return 0


def _add_export_county(sub) -> None:
    p = common.add_subcommand(sub, "export-county", cmd_export_county, "sync.cli.export_county.help")
    p.add_argument("--county", required=True, metavar="COUNTY", help=t("sync.cli.opt.county"))
    p.add_argument("--out", required=True, metavar="PATH", help=t("sync.cli.opt.out"))


def cmd_export_county(args) -> int:
    from sync.county import county_recipient, write_county_bundle

    recipient = county_recipient(args.county)
    ws = common.open_master(args, ("township",))
    try:
        path, summary = write_county_bundle(ws, Path(args.out), recipient)
        print(t("sync.county_exported", path=str(path), feeds=summary["feeds"], entries=summary["entries"]))
    finally:
        ws.close()
    return 0


def _add_county_init(sub) -> None:
    p = common.add_subcommand(sub, "county-init", cmd_county_init, "sync.cli.county_init.help")
    p.add_argument("--code", required=True, help=t("sync.cli.opt.county_code"))
    p.add_argument("--name", required=True, help=t("sync.cli.opt.name"))


def cmd_county_init(args) -> int:
    from sync.county import init_county

    path = common.workspace_dir(args)
    refuse_existing(path)
    ws = init_county(path, code=args.code, name=args.name, passphrase=common.new_passphrase())
    try:
        print(t("sync.cli.county_init.done", name=ws.info["name"], code=ws.info["county"], path=str(path),
                info=str(path / "workspace.json")))
    finally:
        ws.close()
    return 0


def _add_add_township(sub) -> None:
    p = common.add_subcommand(sub, "add-township", cmd_add_township, "sync.cli.add_township.help")
    p.add_argument("info", metavar="WORKSPACE_JSON", help=t("sync.cli.opt.township_info"))


def cmd_add_township(args) -> int:
    from sync.county import read_township_info, register_township

    township = read_township_info(Path(args.info))
    ws = common.open_master(args, ("county",))
    try:
        print(t("sync.township_added", township=township["code"], fingerprint=register_township(ws, township)))
    finally:
        ws.close()
    return 0


SUBCOMMANDS += [_add_merge, _add_kit, _add_revoke, _add_release, _add_conflicts, _add_resolve,
                _add_export_county, _add_county_init, _add_add_township]

from fieldkit.cli.dossier import add_township_dossiers  # noqa: E402  (owned by the dossier area)

SUBCOMMANDS.append(add_township_dossiers)
