"""``fieldkit dossier …`` (laptop) and ``fieldkit township dossiers`` (dossier key holder).

Each subcommand is ``_add_<name>(sub)`` plus ``cmd_<name>(args) -> int``; add new ones to ``SUBCOMMANDS``.
The township command lives here too (``add_township_dossiers`` / ``township_dossiers``) and is
registered by ``fieldkit/cli/township.py``.

What is printed: counts, dossier ids, row numbers; names and categories only in listings the reader
is entitled to; ID numbers masked except in ``township dossiers --show``. Nothing is logged.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from fieldkit.cli import common
from fieldkit.core import age
from fieldkit.core import dossier as core
from fieldkit.core.errors import FieldkitError
from fieldkit.core.keys import read_keyfile
from fieldkit.core.model import State
from fieldkit.core.tables import format_problem
from fieldkit.i18n import get_language, t
from surveys import Form
from sync.device import DEVICE_SECRET, require_device
from sync.township import DOSSIER_KEY_FILE, DOSSIER_SECRET, record_many

DOSSIER_PASSPHRASE_ENV = common.DOSSIER_PASSPHRASE_ENV
PROGRESS_FROM = 200


def register(subparsers) -> None:
    common.add_group(subparsers, "dossier", "dossier.cli.help", SUBCOMMANDS)


def _when(iso: str) -> str:
    """``2026-11-29T18:04:15+08:00`` → ``2026-11-29 18:04`` (as recorded, in the device's zone)."""
    return iso[:16].replace("T", " ")


# ------------------------------------------------------------------------------ laptop


class _Laptop:
    """A device workspace's dossier keys and village."""

    def __init__(self, ws) -> None:
        require_device(ws)
        state = ws.state()
        info = ws.info
        me = state.devices.get(info.get("device", ""))
        village = me.village if me is not None and me.enrolled else info.get("village")
        if not village:
            raise FieldkitError("dossier.not_enrolled")
        self.state: State = state
        self.village: str = village
        self.recipients = core.recipients_for(state, info["recipient"])
        self.identity = age.X25519Identity.from_string(ws.secrets[DEVICE_SECRET])


def _add_import(sub) -> None:
    p = common.add_subcommand(sub, "import", cmd_import, "dossier.cli.import.help", "dossier.cli.import.description")
    p.add_argument("file", metavar="FILE", help=t("dossier.cli.opt.file"))
    p.add_argument("--skip-bad-rows", action="store_true", help=t("dossier.cli.opt.skip_bad_rows"))
    p.add_argument("--dry-run", action="store_true", help=t("dossier.cli.opt.dry_run"))


def cmd_import(args) -> int:
    file = common.existing_file(args.file)
    ws = common.open_workspace(args, ("device",))
    try:
        laptop = _Laptop(ws)
        form = core.dossier_form(laptop.state)
        sheet = core.parse_dossier_sheet(file, form)
        if sheet.ignored_columns:
            print(t("dossier.cli.ignored_columns", columns="、".join(sheet.ignored_columns)))
        own = core.read_dossiers(laptop.state, [laptop.identity], village=laptop.village).opened
        try:
            plan = core.plan_dossier_import(sheet, own, laptop.state, skip_bad_rows=args.skip_bad_rows)
        except core.DossiersRefused as refused:
            for problem in refused.problems:
                print(format_problem(problem))
            raise
        for problem in plan.problems:
            print(format_problem(problem))
        counts = {"new": plan.new, "updated": plan.updated, "unchanged": plan.unchanged}
        if args.dry_run:
            print(t("dossier.cli.import.dry_run", **counts))
            return 0
        events = core.seal_changes(plan, laptop.village, laptop.recipients)
        progress = common.progress_for(len(events), PROGRESS_FROM, "dossier.cli.progress")
        record_many(ws, ws.feed_id, events, progress=progress)
        print(t("dossier.cli.import.done", **counts))
        if plan.problems:
            print(t("dossier.cli.import.skipped", rows=len({p.row for p in plan.problems})))
    finally:
        ws.close()
    return 0


def _add_list(sub) -> None:
    common.add_subcommand(sub, "list", cmd_list, "dossier.cli.list.help", "dossier.cli.list.description")


def cmd_list(args) -> int:
    ws = common.open_workspace(args, ("device",))
    try:
        laptop = _Laptop(ws)
        read = core.read_dossiers(laptop.state, [laptop.identity], village=laptop.village)
    finally:
        ws.close()
    _print_failures(read.failed)
    if read.opened:
        print(_listing(laptop.state, read.opened, with_village=False))
        print(t("dossier.cli.list.count", count=len(read.opened)))
    else:
        print(t("dossier.cli.list.none"))
    if read.locked:
        print(t("dossier.cli.list.locked", count=len(read.locked)))
    return 1 if read.failed else 0


def _listing(state: State, dossiers: tuple[core.OpenedDossier, ...], *, with_village: bool) -> str:
    lang = get_language()
    forms: dict[int, Form] = {}
    header = [t("dossier.cli.col.id"), t("dossier.cli.col.name"), t("dossier.cli.col.category"),
              t("dossier.cli.col.id_number"), t("dossier.cli.col.version"), t("dossier.cli.col.updated")]
    if with_village:
        header.insert(0, t("dossier.cli.col.village"))
    rows = []
    conflicts = False
    ordered = sorted(dossiers, key=lambda d: (d.village, d.created, d.id))
    for d in ordered:
        form = forms.get(d.form_version) or forms.setdefault(d.form_version, core.dossier_form(state, d.form_version))
        version = str(d.version) + ("!" if d.conflict else "")
        conflicts = conflicts or d.conflict
        row = [core.short_id(d.id), str(d.answers.get("name", "")), core.category_label(form, d.answers.get("category"), lang),
               core.mask_id_number(d.answers.get("id_number")), version, _when(d.updated)[:10]]
        if with_village:
            village = state.villages.get(d.village)
            row.insert(0, village.name if village else d.village)
        rows.append(row)
    text = common.table(header, rows, right_from=len(header))
    if conflicts:
        text += "\n" + t("dossier.cli.conflict_note")
    return text


def _print_failures(failed) -> None:
    for error in failed:
        common.print_error(error)


def _add_template(sub) -> None:
    p = common.add_subcommand(sub, "template", cmd_template, "dossier.cli.template.help",
                              "dossier.cli.template.description")
    p.add_argument("--out", required=True, metavar="FILE", help=t("dossier.cli.opt.out"))


def cmd_template(args) -> int:
    out = Path(args.out)
    form = None
    if getattr(args, "sub_dir", None) or getattr(args, "dir", None):  # the township's published form
        ws = common.open_workspace(args, ("device", "township"))
        try:
            form = core.dossier_form(ws.state())
        finally:
            ws.close()
    core.write_dossier_template(out, form)
    print(t("dossier.cli.template.done", path=str(out)))
    return 0


SUBCOMMANDS: list[Callable[[object], None]] = [_add_import, _add_list, _add_template]


# ------------------------------------------------------------------------------ township


def add_township_dossiers(sub) -> None:
    """Adds ``dossiers`` to the ``fieldkit township`` subcommands."""
    p = common.add_subcommand(sub, "dossiers", township_dossiers, "dossier.cli.township.help",
                              "dossier.cli.township.description")
    p.add_argument("--key", metavar="FILE", help=t("dossier.cli.opt.key"))
    p.add_argument("--village", metavar="CODE", help=t("dossier.cli.opt.village"))
    p.add_argument("--show", metavar="ID", help=t("dossier.cli.opt.show"))


def dossier_passphrase() -> str:
    """``FIELDKIT_DOSSIER_PASSPHRASE``, else ``FIELDKIT_PASSPHRASE`` (as at township init), else asked."""
    value = os.environ.get(DOSSIER_PASSPHRASE_ENV)
    return value if value is not None else common.passphrase("dossier.cli.passphrase")


def load_dossier_identity(ws, key_file: Path | None, state: State) -> age.X25519Identity:
    """The township dossier identity from its own key file, checked against the township's key."""
    path = Path(key_file) if key_file else ws.path / ws.info.get("dossier_key_file", DOSSIER_KEY_FILE)
    if not path.is_file():
        raise FieldkitError("dossier.key_missing", path=str(path))
    secrets = read_keyfile(path, dossier_passphrase())
    try:
        identity = age.X25519Identity.from_string(secrets[DOSSIER_SECRET])
    except (KeyError, age.AgeError):
        raise FieldkitError("dossier.key_incomplete", path=str(path)) from None
    expected = state.township.dossier_recipient if state.township else ws.info.get("dossier_recipient")
    if identity.recipient().to_string() != expected:
        raise FieldkitError("dossier.key_wrong", path=str(path))
    return identity


def township_dossiers(args) -> int:
    ws = common.open_workspace(args, ("township",))
    try:
        state = ws.state()
        identity = load_dossier_identity(ws, Path(args.key) if args.key else None, state)
        if args.show:
            return _show(state, identity, args.show)
        read = core.read_dossiers(state, [identity], village=args.village or None)
    finally:
        ws.close()
    _print_failures(read.locked + read.failed)  # every dossier must open with the township key
    if read.opened:
        print(_listing(state, read.opened, with_village=True))
        print(t("dossier.cli.list.count", count=len(read.opened)))
    elif not read.failed and not read.locked:
        print(t("dossier.cli.township.none"))
    problems = len(read.failed) + len(read.locked)
    if problems:
        print(t("dossier.cli.township.failed", count=problems), file=sys.stderr)
    return 1 if problems else 0


def _find(state: State, wanted: str) -> str:
    prefix = wanted.strip().lower().removeprefix(core.PREFIX)
    matches = [ident for ident in state.dossiers if ident.startswith(prefix)] if prefix else []
    if not matches:
        raise FieldkitError("dossier.unknown", dossier=prefix[:32])
    if len(matches) > 1:
        raise FieldkitError("dossier.ambiguous", dossier=prefix[:32], count=len(matches))
    return matches[0]


def _show(state: State, identity: age.X25519Identity, wanted: str) -> int:
    index = state.dossiers[_find(state, wanted)]
    heads = core.open_heads(state, index, [identity])
    village = state.villages.get(index.village)
    print(t("dossier.cli.show.title", dossier=index.id))
    print(t("dossier.cli.show.village", village=village.name if village else "?", code=index.village))
    print(t("dossier.cli.show.version", version=index.version, created=_when(index.created), updated=_when(index.updated)))
    print(t("dossier.cli.show.devices", devices="、".join(_device_name(state, f) for f in index.feeds)))
    if len(heads) > 1:
        print(t("dossier.cli.show.conflict", count=len(heads)))
    failed = 0
    for head in heads:
        if isinstance(head, core.DossierError):
            common.print_error(head)
            failed += 1
            continue
        if len(heads) > 1:
            print(t("dossier.cli.show.head", version=head.version, time=_when(head.updated)))
        form = core.dossier_form(state, head.form_version)
        print(t("dossier.cli.show.form", form=head.form_id, version=head.form_version))
        for line in _answer_lines(form, head.answers):
            print(line)
    return 1 if failed else 0


def _device_name(state: State, feed: str) -> str:
    device = state.devices.get(feed)
    if device is None or not device.name:
        return feed
    return f"{device.name}（{feed}）" if get_language() == "zh" else f"{device.name} ({feed})"


def _answer_lines(form: Form, answers: dict) -> list[str]:
    lang = get_language()
    lines = []
    shown = set()
    for question in form.questions:
        if question.id not in answers:
            continue
        shown.add(question.id)
        value = answers[question.id]
        if question.type == "choice":
            text = question.choice_label(str(value), lang)
        elif question.type == "multi" and isinstance(value, list):
            text = "、".join(question.choice_label(str(v), lang) for v in value)
        elif question.type == "bool":
            text = {True: "是", False: "否"}.get(value, str(value)) if lang == "zh" else {True: "yes", False: "no"}.get(value, str(value))
        else:
            text = str(value)
        lines.append(f"  {question.label.get(lang)}：{text}" if lang == "zh" else f"  {question.label.get(lang)}: {text}")
    for key in sorted(set(answers) - shown):  # answers to questions a newer form version dropped
        lines.append(f"  {key}: {answers[key]}")
    return lines
