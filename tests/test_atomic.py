"""atomic_write: the old file or the new one, never a mix; a full disk is a clear error."""

import errno
import os

import pytest

from fieldkit.core import atomic
from fieldkit.core.errors import DiskFullError, FieldkitError


def test_replaces_content_and_leaves_no_temp(tmp_path):
    target = tmp_path / "f.bin"
    atomic.atomic_write(target, b"old")
    atomic.atomic_write(target, b"new" * 100_000)
    assert target.read_bytes() == b"new" * 100_000
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


@pytest.mark.parametrize("code,error", [(errno.ENOSPC, DiskFullError), (errno.EIO, FieldkitError)])
def test_a_failing_write_keeps_the_old_file(tmp_path, monkeypatch, code, error):
    target = tmp_path / "f.bin"
    atomic.atomic_write(target, b"old")
    real_write = os.write
    calls = []

    def failing_write(fd, data):  # the first write gets part-way, the next one hits the error
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:10]))
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic.os, "write", failing_write)
    with pytest.raises(error) as exc:
        atomic.atomic_write(target, b"x" * 1000)
    message = str(exc.value)
    assert "\n" not in message and str(target) in message
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_disk_full_message_says_old_data_is_intact(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    with pytest.raises(DiskFullError) as exc:
        atomic.atomic_write(tmp_path / "g.bin", b"data")
    assert "磁盘已满" in str(exc.value) and "intact" in exc.value.english()
    assert not (tmp_path / "g.bin").exists()
