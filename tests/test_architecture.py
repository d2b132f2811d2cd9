"""The layering rule: surveys, the i18n catalogue, fieldkit's core and sync never import textual,
and the arrows point surveys <- fieldkit.core <- sync <- app/cli only."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> the first-party packages it must not import
RULES = {
    "surveys": ("textual", "fieldkit", "sync"),
    "fieldkit/i18n": ("textual", "sync", "fieldkit.core", "fieldkit.app", "fieldkit.cli", "surveys"),
    "fieldkit/core": ("textual", "sync", "fieldkit.app", "fieldkit.cli"),
    "sync": ("textual", "fieldkit.app", "fieldkit.cli"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(RULES))
def test_layering(package):
    assert (ROOT / package).is_dir()
    assert violations(package, RULES[package]) == []


def test_checker_catches_a_violation(tmp_path, monkeypatch):
    bad = tmp_path / "surveys"
    bad.mkdir()
    (bad / "x.py").write_text("from textual.app import App\nimport fieldkit.core\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert sorted(violations("surveys", RULES["surveys"])) == [
        "surveys/x.py imports fieldkit.core",
        "surveys/x.py imports textual.app",
    ]
