"""A wheel built from the project, installed in a fresh venv, carries the YAML forms and runs."""

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs(tmp_path):
    # Build from a copy: setuptools writes build/ and *.egg-info next to the sources it builds.
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "__snapshots__", ".hypothesis", "tests"))
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)],
        check=True,
        cwd=tmp_path,
    )
    wheels = list(dist.glob("fieldkit-*.whl"))
    assert len(wheels) == 1

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    python = bin_dir / ("python.exe" if sys.platform == "win32" else "python")
    fresh_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )
    # Dependencies come from the test venv (a plain path line: its .pth files, including the
    # editable install of this checkout, are not processed), the project itself only from the wheel.
    (fresh_site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheels[0])],
        check=True,
    )

    probe = subprocess.run(
        [str(python), "-c",
         "import surveys, fieldkit; from surveys import default_forms; "
         "print(surveys.__file__); print(fieldkit.__file__); print(sorted(default_forms()))"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    ).stdout.splitlines()
    assert probe[0].startswith(str(fresh_site)) and probe[1].startswith(str(fresh_site))
    assert "household_visit" in probe[2] and "key_person_dossier" in probe[2]

    script = bin_dir / ("fieldkit.exe" if sys.platform == "win32" else "fieldkit")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "fieldkit" in result.stdout and "township" in result.stdout
