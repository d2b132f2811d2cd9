"""Round trips with the standard `age` command-line tool (Debian package `age`), both directions.

A township must be able to open its own data with a tool it did not get from us. The age CLI reads
passphrases only from a terminal (age 1.1.1 has no environment variable or flag for it): it opens
/dev/tty, or, when the process has no controlling terminal, uses standard input if that is a
terminal. So passphrase tests run age in a new session (no controlling terminal, so it can never
grab the terminal pytest runs in) with a pseudo-terminal as its standard input and output, and type
the passphrase when the prompt appears.
"""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldkit.core import age, keys

AGE = shutil.which("age")
AGE_KEYGEN = shutil.which("age-keygen")

pytestmark = [
    pytest.mark.skipif(AGE is None, reason="the `age` command-line tool is not installed (Debian: apt install age)"),
    pytest.mark.skipif(sys.platform == "win32", reason="driving age's passphrase prompt needs a POSIX pseudo-terminal"),
]

SIZES = [0, 1, 65536, 65537, 131072, 200_000]


def payload(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def output_of(path: Path) -> bytes:
    """age creates its -o file on the first write, so an empty plaintext leaves no file at all."""
    return path.read_bytes() if path.exists() else b""


def run_age(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([AGE, *map(str, args)], capture_output=True, timeout=60, check=False)


def _wait_for_echo_off(fd: int) -> None:
    """age turns echo off before reading; typing earlier would echo the passphrase into the log."""
    import termios

    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            if not termios.tcgetattr(fd)[3] & termios.ECHO:
                return
        except termios.error:
            return
        time.sleep(0.005)


def run_age_with_terminal(args: list[str | Path], answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run age with a pseudo-terminal; type answers[i] at the i-th passphrase prompt.

    Returns the exit code and what age wrote to the terminal.
    """
    master, slave = os.openpty()
    process = subprocess.Popen(
        [AGE, *map(str, args)], stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    os.close(slave)
    output = b""
    typed = 0
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                process.kill()
                raise AssertionError(f"age timed out; terminal so far: {output!r}")
            ready, _, _ = select.select([master], [], [], min(remaining, 0.5))
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: age exited and the terminal closed
                break
            if not chunk:
                break
            output += chunk
            if typed < len(answers) and output.lower().count(b"passphrase") > typed:
                _wait_for_echo_off(master)
                os.write(master, answers[typed].encode("utf-8") + b"\n")
                typed += 1
    finally:
        os.close(master)
    return process.wait(timeout=timeout), output.decode("utf-8", "replace")


# ------------------------------------------------------------------------------------------- X25519


@pytest.mark.parametrize("size", SIZES)
def test_fieldkit_x25519_file_opens_with_age(tmp_path: Path, size: int) -> None:
    identity = age.X25519Identity.generate()
    other = age.X25519Identity.generate()
    message = payload(size)
    (tmp_path / "key.txt").write_text(identity.to_string() + "\n")
    (tmp_path / "in.age").write_bytes(age.encrypt(message, [other.recipient(), identity.recipient()]))
    result = run_age("-d", "-i", tmp_path / "key.txt", "-o", tmp_path / "out", tmp_path / "in.age")
    assert result.returncode == 0, result.stderr.decode()
    assert output_of(tmp_path / "out") == message


@pytest.mark.parametrize("size", SIZES)
def test_age_x25519_file_opens_with_fieldkit(tmp_path: Path, size: int) -> None:
    identity = age.X25519Identity.generate()
    other = age.X25519Identity.generate()
    message = payload(size)
    (tmp_path / "plain").write_bytes(message)
    result = run_age(
        "-r", other.recipient().to_string(), "-r", identity.recipient().to_string(),
        "-o", tmp_path / "out.age", tmp_path / "plain",
    )
    assert result.returncode == 0, result.stderr.decode()
    data = (tmp_path / "out.age").read_bytes()
    assert age.decrypt(data, [identity]) == message
    assert age.decrypt(data, [other]) == message
    with pytest.raises(age.AgeNoMatchError):
        age.decrypt(data, [age.X25519Identity.generate()])


@pytest.mark.skipif(AGE_KEYGEN is None, reason="age-keygen is not installed")
def test_age_keygen_keys_parse_identically(tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    subprocess.run([AGE_KEYGEN, "-o", str(key_file)], capture_output=True, check=True, timeout=30)
    secret = next(line for line in key_file.read_text().splitlines() if line.startswith("AGE-SECRET-KEY-1"))
    public = subprocess.run(
        [AGE_KEYGEN, "-y", str(key_file)], capture_output=True, check=True, timeout=30, text=True
    ).stdout.strip()
    identity = age.X25519Identity.from_string(secret)
    assert identity.to_string() == secret
    assert identity.recipient().to_string() == public
    assert age.X25519Recipient.from_string(public) == identity.recipient()


# ------------------------------------------------------------------------------------------- scrypt


@pytest.mark.parametrize("size", [0, 65536, 70_000])
def test_fieldkit_passphrase_file_opens_with_age(tmp_path: Path, size: int) -> None:
    message = payload(size)
    (tmp_path / "in.age").write_bytes(age.encrypt(message, [age.ScryptRecipient("村委会 口令 2026", 10)]))
    code, terminal = run_age_with_terminal(["-d", "-o", tmp_path / "out", tmp_path / "in.age"], ["村委会 口令 2026"])
    assert code == 0, terminal
    assert "村委会" not in terminal  # typed with echo off
    assert output_of(tmp_path / "out") == message


def test_age_refuses_a_wrong_passphrase_on_a_fieldkit_file(tmp_path: Path) -> None:
    (tmp_path / "in.age").write_bytes(age.encrypt(b"secret", [age.ScryptRecipient("right", 10)]))
    code, terminal = run_age_with_terminal(["-d", "-o", tmp_path / "out", tmp_path / "in.age"], ["wrong"])
    assert code != 0
    assert "incorrect passphrase" in terminal
    assert output_of(tmp_path / "out") == b""


@pytest.mark.parametrize("size", [0, 131072])
def test_age_passphrase_file_opens_with_fieldkit(tmp_path: Path, size: int) -> None:
    # age -p always uses work factor 18 (~1 s per side), so only two sizes here.
    message = payload(size)
    (tmp_path / "plain").write_bytes(message)
    code, terminal = run_age_with_terminal(
        ["-p", "-o", tmp_path / "out.age", tmp_path / "plain"], ["秘密 passe", "秘密 passe"]
    )
    assert code == 0, terminal
    data = (tmp_path / "out.age").read_bytes()
    assert data.split(b"\n")[1].startswith(b"-> scrypt ")
    assert age.decrypt(data, [age.ScryptIdentity("秘密 passe")]) == message


def test_keyfile_opens_with_age(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.WORK_FACTOR_ENV, "10")
    secrets = {"device_identity": age.X25519Identity.generate().to_string(), "note": "户主 张三"}
    keys.write_keyfile(tmp_path / "keys.age", secrets, "乡镇 key pass")
    code, terminal = run_age_with_terminal(
        ["-d", "-o", tmp_path / "keys.json", tmp_path / "keys.age"], ["乡镇 key pass"]
    )
    assert code == 0, terminal
    assert json.loads((tmp_path / "keys.json").read_text("utf-8")) == secrets
