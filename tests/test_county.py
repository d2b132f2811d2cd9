"""County: township masters travel as county bundles signed by the township; a county workspace merges
them with the same commands and the same guarantees (idempotent, any order, every refusal one line,
the master unchanged by refused files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldkit.cli import main
from fieldkit.core.canonical import canonical
from fieldkit.core.keys import SigningKey
from fieldkit.core.workspace import Workspace
from sync.container import seal
from sync.county import verify_county_bundle, write_county_bundle
from sync.digest import content_digest
from sync.merge import held_view, merge_files, trust_for
from sync.verify import Rejected
from tests.sync_support import PASS, copy_workspace, digest_of, export, make_device, make_township, record_visits


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Townships 110101001 and 110101002 of county 110101 (each with a laptop's visits merged),
    110101003 (not registered with the county), and the county workspace."""
    root = tmp_path_factory.mktemp("county")
    views = {}
    for code, name, visits in (("110101001", "城关镇", 4), ("110101002", "东城镇", 3), ("110101003", "西城镇", 2)):
        T = make_township(root / code, code=code, name=name)
        laptop = make_device(root / f"dev-{code}", T, f"笔记本{code[-1]}")
        record_visits(laptop, visits)
        assert merge_files(T, [export(laptop, root / f"usb-{code}")]).rejected == 0
        views[code] = held_view(T.store)
        laptop.close()
        T.close()
    return {"root": root, "views": views}


@pytest.fixture
def cli(monkeypatch, capsys):
    monkeypatch.setenv("FIELDKIT_PASSPHRASE", PASS)

    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_county_merges_township_masters_with_the_same_commands(world, tmp_path, cli):
    root, C, out = world["root"], tmp_path / "C", tmp_path / "to-county"
    out.mkdir()
    assert cli("township", "county-init", "--dir", C, "--code", "110101", "--name", "某县")[0] == 0
    for code in ("110101001", "110101002"):
        code_, text, err = cli("township", "add-township", "--dir", C, root / code / "workspace.json")
        assert code_ == 0, err
        assert code in text
        code_, text, err = cli("township", "export-county", "--dir", root / code, "--county", C / "workspace.json",
                               "--out", out)
        assert code_ == 0, err
    files = sorted(out.glob("*.fkc"))
    assert len(files) == 2 and all(f.name.startswith("fk-county-11010100") for f in files)

    code_, text, err = cli("township", "merge", "--dir", C, out)
    assert code_ == 0, err
    union = {**world["views"]["110101001"], **world["views"]["110101002"]}
    with Workspace.open(C, PASS) as ws:
        assert digest_of(ws) == content_digest(union)  # everything, laptops' feeds included
        state = ws.state()
        assert set(state.townships) == {"110101001", "110101002"}
        assert {v.village[:9] for v in state.visits} == {"110101001", "110101002"}
        assert len(state.visits) == 7
        report = ws.report()
        assert report is not None

    # Again, and in the other order: nothing changes.
    code_, text, err = cli("township", "merge", "--dir", C, *reversed(files))
    assert code_ == 0
    with Workspace.open(C, PASS) as ws:
        assert digest_of(ws) == content_digest(union)

    # A laptop bundle is not a county bundle; an unregistered township is refused.
    laptop_bundle = next((root / "usb-110101001").iterdir())
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    code_, text, err = cli("township", "export-county", "--dir", root / "110101003", "--county", C / "workspace.json",
                           "--out", stranger)
    assert code_ == 0
    code_, text, err = cli("township", "merge", "--dir", C, laptop_bundle, *stranger.iterdir())
    assert code_ == 1
    reasons = [line for line in err.splitlines() if line.startswith("错误")]
    assert len(reasons) == 2 and "110101003" in reasons[1]
    with Workspace.open(C, PASS) as ws:
        assert digest_of(ws) == content_digest(union)


@pytest.fixture
def county(world, tmp_path):
    from sync.county import init_county, read_township_info, register_township

    ws = init_county(tmp_path / "C", code="110101", name="某县", passphrase=PASS)
    for code in ("110101001", "110101002"):
        register_township(ws, read_township_info(world["root"] / code / "workspace.json"))
    yield ws
    ws.close()


def _county_bundle(world, county, code, tmp_path) -> Path:
    with Workspace.open(world["root"] / code, PASS) as T:
        path, _ = write_county_bundle(T, tmp_path, county.info["office_recipient"])
    return path


def test_flipped_byte_in_a_county_bundle_is_refused_others_merged(world, county, tmp_path):
    good = _county_bundle(world, county, "110101002", tmp_path)
    data = bytearray(_county_bundle(world, county, "110101001", tmp_path).read_bytes())
    trust = trust_for(county)
    for position in (1, 40, data.index(b"\n", 30) - 5, len(data) // 2, len(data) - 3):
        flipped = bytes(data[:position]) + bytes([data[position] ^ 0x20]) + bytes(data[position + 1 :])
        with pytest.raises(Rejected):
            verify_county_bundle(flipped, "x.fkc", trust)
    bad = tmp_path / "bad.fkc"
    data[len(data) // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    report = merge_files(county, [bad, good])
    assert [f.accepted for f in report.files] == [False, True]
    assert report.digest_after == content_digest(world["views"]["110101002"])


def test_a_township_cannot_alter_a_laptop_feed_it_passes_on(world, county, tmp_path):
    """The county checks laptop entries against the laptop's own checkpoint signature."""
    code = "110101001"
    with Workspace.open(world["root"] / code, PASS) as T:
        key = SigningKey.from_hex(T.secrets["signing"])
        path, _ = write_county_bundle(T, tmp_path, county.info["office_recipient"])
        device = next(f for f in T.store.feeds() if f.startswith("d-"))
        honest = T.store.feed(device)
    from sync.container import parse_container

    header = parse_container(path.read_bytes(), "county").header
    claims = header["feeds"]
    # Drop the laptop's last visit, keep its signature: the township re-signs the file, not the feed.
    shortened = [e.raw.decode() for e in honest[:-1]]
    def shorten(claim):  # consistent numbers, but the laptop never signed this head
        checkpoint = dict(claim["checkpoint"], seq=len(shortened), head=honest[-2].hash)
        return dict(claim, to_seq=len(shortened), head=honest[-2].hash, checkpoint=checkpoint)

    claims = [shorten(c) if c["feed"] == device else c for c in claims]
    with Workspace.open(world["root"] / code, PASS) as T:
        body = {"feeds": {f: [e.raw.decode() for e in entries] for f, entries in T.store.feeds().items()
                          if any(c["feed"] == f for c in claims)}}
    body["feeds"][device] = shortened
    from fieldkit.core import age

    forged = seal("county", township=code, sender=f"t-{code}", signing_key=key,
                  recipients=[age.X25519Recipient.from_string(county.info["office_recipient"])],
                  body=canonical(body), fields={"feeds": claims})
    with pytest.raises(Rejected) as caught:
        verify_county_bundle(forged, "forged.fkc", trust_for(county))
    assert caught.value.key == "sync.bad_checkpoint"


def test_county_bundles_in_any_order_same_master(world, county, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _county_bundle(world, county, "110101001", tmp_path / "a")
    b = _county_bundle(world, county, "110101002", tmp_path / "b")
    other = copy_workspace(county.path, tmp_path / "C2")
    merge_files(county, [a])
    merge_files(county, [b])
    with Workspace.open(other, PASS) as ws:
        merge_files(ws, [b, a])
        assert digest_of(ws) == digest_of(county)
