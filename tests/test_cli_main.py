"""The CLI's outer contract: one line on failure, exit codes, no traceback, lazy command loading."""

import subprocess
import sys

import pytest

from fieldkit import cli
from fieldkit.core.errors import FieldkitError


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_unknown_option_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--bogus"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--bogus" in err


def test_user_error_is_one_line_exit_1(capsys, tmp_path):
    code, _, err = run(["status", "--dir", str(tmp_path)], capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert str(tmp_path) in err and "Traceback" not in err


def test_unexpected_error_hides_details(capsys, monkeypatch):
    def boom(args):
        raise RuntimeError("13812345678 should never be shown")

    real = cli.build_parser

    def parser_with_boom(command=None):
        parser = real(command)
        parser.set_defaults(handler=boom)
        return parser

    monkeypatch.setattr(cli, "build_parser", parser_with_boom)
    monkeypatch.delenv("FIELDKIT_DEBUG", raising=False)
    code, out, err = run([], capsys)
    assert code == 3
    assert err.strip().count("\n") == 0
    assert "RuntimeError" in err and "13812345678" not in err + out


def test_fieldkit_error_exit_code(capsys, monkeypatch):
    def fail(args):
        raise FieldkitError("io.not_found", path="x.csv")

    real = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda command=None: _with(real(command), fail))
    code, _, err = run([], capsys)
    assert code == 1 and "x.csv" in err


def _with(parser, handler):
    parser.set_defaults(handler=handler)
    return parser


def test_english_help(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--lang", "en", "--help"])
    out = capsys.readouterr().out
    assert "township" in out and "language" in out


def test_only_the_named_command_is_loaded():
    probe = (
        "import sys; from fieldkit import cli; cli.build_parser('status'); "
        "print(sorted(m for m in sys.modules if m.startswith(('sync.merge', 'fieldkit.app', 'fieldkit.cli.dossier'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
