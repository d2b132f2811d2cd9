"""read_file: one-line errors for missing, folder and oversized inputs."""

import pytest

from fieldkit.core.errors import FieldkitError
from fieldkit.core.files import read_file


def test_reads_bytes(tmp_path):
    (tmp_path / "a").write_bytes(b"abc")
    assert read_file(tmp_path / "a", limit=3) == b"abc"


@pytest.mark.parametrize("make,key", [
    (lambda p: None, "io.not_found"),
    (lambda p: p.mkdir(), "io.read_failed"),
])
def test_missing_or_folder(tmp_path, make, key):
    target = tmp_path / "x"
    make(target)
    with pytest.raises(FieldkitError) as exc:
        read_file(target, limit=10)
    assert exc.value.key == key and str(target) in str(exc.value)


def test_too_big_uses_the_callers_error(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * 11)

    class TooBig(FieldkitError):
        pass

    with pytest.raises(TooBig) as exc:
        read_file(tmp_path / "big", limit=10, too_big=lambda size: TooBig("io.read_failed", path="big", reason=str(size)))
    assert exc.value.params["reason"] == "11"
