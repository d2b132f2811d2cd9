"""This computer's settings (language, idle lock): the file, its precedence, and `fieldkit settings`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldkit import cli
from fieldkit.core import settings
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import get_language


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(settings.CONFIG_DIR_ENV, str(tmp_path / "config"))
    monkeypatch.delenv(settings.LANG_ENV, raising=False)
    monkeypatch.delenv(settings.IDLE_LOCK_ENV, raising=False)
    return tmp_path / "config" / settings.FILE_NAME


def test_no_file_means_defaults(config: Path) -> None:
    assert settings.read_settings() == {}
    assert settings.effective_language() == ("zh", "default")
    assert settings.effective_idle_lock() == (300.0, "default")
    assert not config.exists()


def test_saved_values_apply_and_survive_a_rewrite(config: Path) -> None:
    settings.save_setting("lang", "EN ")
    settings.save_setting("idle-lock", "15")
    assert json.loads(config.read_text("utf-8")) == {"format": 1, "settings": {"lang": "en", "idle_lock_minutes": 15}}
    assert settings.effective_language() == ("en", "file")
    assert settings.effective_idle_lock() == (900.0, "file")
    settings.save_setting("lang", None)
    assert settings.read_settings() == {"idle_lock_minutes": 15}


@pytest.mark.parametrize(
    ("option", "env", "saved", "expected"),
    [
        (None, None, None, ("zh", "default")),
        (None, None, "en", ("en", "file")),
        (None, "zh", "en", ("zh", "env")),
        ("en", "zh", None, ("en", "option")),
        (None, "klingon", "en", ("en", "file")),  # a bad environment value is ignored
    ],
)
def test_language_precedence(config: Path, monkeypatch: pytest.MonkeyPatch, option, env, saved, expected) -> None:
    if env is not None:
        monkeypatch.setenv(settings.LANG_ENV, env)
    if saved is not None:
        settings.save_setting("lang", saved)
    assert settings.effective_language(option) == expected


def test_idle_lock_precedence(config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    from fieldkit.core.workspace import FORMAT

    info = {"format": FORMAT, "kind": "device", "idle_lock_seconds": 120}
    (workspace / "workspace.json").write_text(json.dumps(info), "utf-8")
    assert settings.effective_idle_lock(workspace) == (120.0, "workspace")
    settings.save_setting("idle-lock", "10")
    assert settings.effective_idle_lock(workspace) == (600.0, "file")
    monkeypatch.setenv(settings.IDLE_LOCK_ENV, "45")
    assert settings.effective_idle_lock(workspace) == (45.0, "env")
    monkeypatch.setenv(settings.IDLE_LOCK_ENV, "-1")
    assert settings.effective_idle_lock(workspace) == (600.0, "file")


@pytest.mark.parametrize(("name", "value", "key"), [
    ("lang", "fr", "settings.bad_lang"),
    ("idle-lock", "0", "settings.bad_idle_lock"),
    ("idle-lock", "241", "settings.bad_idle_lock"),
    ("idle-lock", "1.5", "settings.bad_idle_lock"),
    ("colour", "red", "settings.unknown"),
])
def test_bad_values_are_refused_and_nothing_changes(config: Path, name: str, value: str, key: str) -> None:
    settings.save_setting("lang", "en")
    before = config.read_bytes()
    with pytest.raises(FieldkitError) as error:
        settings.save_setting(name, value)
    assert error.value.key == key
    assert config.read_bytes() == before


@pytest.mark.parametrize("content", [b"{bad", b"[]", b'{"settings": 3}', b"\xff\xfe", b" " * 70000])
def test_a_damaged_file_is_named_and_kept_until_reset(config: Path, content: bytes) -> None:
    config.parent.mkdir(parents=True)
    config.write_bytes(content)
    with pytest.raises(FieldkitError) as error:
        settings.read_settings()
    assert error.value.key == "settings.damaged" and str(config) in str(error.value)
    with pytest.raises(FieldkitError):
        settings.save_setting("lang", "en")  # never silently replaced
    assert config.read_bytes() == content
    assert settings.effective_language() == ("zh", "default")
    settings.reset_settings()
    assert settings.read_settings() == {}


def test_hand_edited_bad_values_fall_back_and_unknown_keys_are_kept(config: Path) -> None:
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"format": 1, "settings": {"lang": "xx", "idle_lock_minutes": 5, "future": [1]}}), "utf-8")
    assert settings.read_settings() == {"idle_lock_minutes": 5, "future": [1]}
    settings.save_setting("idle-lock", "7")
    assert json.loads(config.read_text("utf-8"))["settings"] == {"idle_lock_minutes": 7, "future": [1]}


# ------------------------------------------------------------------------------------ the command


def test_cli_sets_lists_and_answers_in_the_new_language(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["settings", "lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == "saved: interface language (lang) = English"
    assert cli.main(["settings", "idle-lock", "20"]) == 0
    capsys.readouterr()
    assert cli.main(["settings"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "interface language (lang): English (settings file)",
        "idle lock (idle-lock): 20 min (settings file)",
        f"settings file: {config}",
    ]


def test_every_command_starts_in_the_saved_language(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings.save_setting("lang", "en")
    assert cli.main(["status", "--dir", str(config.parent / "no-such-workspace")]) == 1
    assert capsys.readouterr().err.startswith("error: ")
    assert get_language() == "en"
    assert cli.main(["--lang", "zh", "status", "--dir", str(config.parent / "nope")]) == 1
    assert capsys.readouterr().err.startswith("错误: ")


def test_cli_refuses_bad_input_in_one_line(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["settings", "idle-lock", "0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1" in err and "240" in err
    assert cli.main(["settings", "colour", "red"]) == 1
    assert "lang, idle-lock" in capsys.readouterr().err
    assert not config.exists()


def test_cli_warns_once_about_a_damaged_file_and_reset_fixes_it(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.parent.mkdir(parents=True)
    config.write_bytes(b"{bad")
    cli.main(["status", "--dir", str(config.parent / "nope")])
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "settings --reset" in err[0] and err[1].startswith("错误: ")
    assert cli.main(["settings"]) == 1
    assert "settings --reset" in capsys.readouterr().err
    assert cli.main(["settings", "--reset"]) == 0
    assert cli.main(["settings"]) == 0
    assert "默认" in capsys.readouterr().out
