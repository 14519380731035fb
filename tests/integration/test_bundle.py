"""Offline bundles against real registry:2 containers (registry_factory) filled by the test bed generator.

Covers: the archive's data tree equals a real registry's storage after a push; a round trip with NO upstream
reachable (export, stop the upstream, import into a fresh data dir, start registry:2 on it, every digest served);
a truncated archive and a corrupt blob refused with the existing data untouched; a second import changes nothing;
an import killed (SIGKILL) while staging and while placing, finished by a rerun; the archive as a mirror source into
a running registry; the module's four steps (export and import) through ansible-playbook, and the import's diff of a
re-pointed tag (the tag link, old and new digest).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _bundle_format as b
from ansible_collections.kollaprep.registry.plugins.module_utils import _bundle_import as bi
from ansible_collections.kollaprep.registry.plugins.module_utils import _engine as beng
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as bsrc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources

from tests.testbed import generator
from tests.testbed.ansible import ansible_env, run_playbook_file, run_task_once

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TAG = "2024.1-debian-bookworm"
NS = "openstack.kolla"


def client(reg):
    return rc.RegistryClient(reg.host, side="dest", scheme="http")


def specs_for(reg, names):
    specs, bad = mm.build_specs(names, tag=TAG, src_registry=reg.host, src_namespace=NS)
    assert not bad, [r.msg for r in bad]
    return specs


def tree(root: Path) -> dict[str, bytes]:
    """Files of a registry storage tree (upload sessions excluded) -> sha256 of their content."""
    out = {}
    for path in (root / "docker").rglob("*"):
        if path.is_file() and "/_uploads/" not in str(path):
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).digest()
    return out


def snapshot(root: Path) -> dict:
    out = {}
    for path in root.rglob("*"):
        st = path.lstat()
        data = path.read_bytes() if path.is_file() else b""
        out[str(path.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns, hashlib.sha256(data).digest())
    return out


def served_all(reg, images):
    report = bi.check_served(client(reg), images)
    assert report["missing"] == [] and report["wrong"] == [], report
    return report["ok"]


@pytest.fixture(scope="module")
def exported(registry_factory, tmp_path_factory):
    """Two bundles exported from an upstream registry, which is then STOPPED: the rest runs offline."""
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    work = tmp_path_factory.mktemp("kp-bdl")
    up = registry_factory.start("kp-bdl-up")
    images = generator.generate(up.host, count=6, layer_size=16 * 1024, tag=TAG)
    multi = generator.generate(
        up.host, images=["cron"], layer_size=8 * 1024, tag="multi", media_type="oci", multiarch=True
    )
    source = sources.RegistrySource(up.host, scheme="http")
    small = work / "small.tar"
    mm.export_bundle(str(small), specs_for(up, ["base", "cron"]), source, include_registry_image=False)
    full = work / "full.tar"
    names = ["%s:%s" % (i.name, i.tag) for i in images + multi]
    report = mm.export_bundle(str(full), specs_for(up, names), source, include_registry_image=True)
    assert report.changed and report.registry_image["name"] == "registry:2"
    again = mm.export_bundle(str(full), specs_for(up, names), source, include_registry_image=True)
    assert not again.changed, "a second export of the same set rewrote the archive"
    up_tree = tree(up.storage)
    source.close()
    up.stop()
    with pytest.raises(rc.Unreachable):
        client(up).ping()
    expected = {(i.repository, i.tag): i.digest for i in images + multi}
    return {"work": work, "small": small, "full": full, "up_tree": up_tree, "expected": expected, "report": report}


def test_archive_tree_is_the_registry_storage_tree(exported, tmp_path):
    # A plain tar -x of data/ gives exactly what registry:2 wrote for the same pushes (file set and content).
    subprocess.run(["tar", "-xf", str(exported["full"]), "-C", str(tmp_path)], check=True)
    assert tree(tmp_path / "data") == exported["up_tree"]
    with tarfile.open(exported["full"]) as tar:
        names = tar.getnames()
        index = json.load(tar.extractfile(b.INDEX_MEMBER))
    assert names[0] == b.INDEX_MEMBER and names[-1] == b.TRAILER_MEMBER
    assert b.IMAGE_MEMBER in names
    # Shared layers once: as many blob files as distinct digests.
    assert sum(n.endswith("/data") for n in names) == len(index["blobs"])


def test_roundtrip_without_upstream(exported, registry_factory, tmp_path):
    full, expected = exported["full"], exported["expected"]
    workdir = tmp_path / "reg"
    data = workdir / "data"
    check = bi.Importer(str(full), str(data), check_mode=True).run()
    assert check.changed and check.files_placed > 0 and not data.exists()
    # The registry image of the archive is the one the engine has: not loaded again.
    real = bi.Importer(str(full), str(data)).run()
    assert real.changed and real.files_placed == check.files_placed and not real.registry_image_loaded
    reg = registry_factory.start("kp-bdl-rt", workdir=workdir)
    assert served_all(reg, real.images) == len(expected)
    c = client(reg)
    for (repo, tag), digest in expected.items():
        assert c.head_manifest(repo, tag)["digest"] == digest
        got = c.get_manifest(repo, tag)[2]
        assert got == digest
    # Blobs are served too (a layer of the multi-arch index's arm64 child, pulled by digest).
    body = c.get_manifest(f"{NS}/cron", "multi")[0]
    child = rc.manifest_children(body)[-1]["digest"]
    layer = rc.manifest_blobs(c.get_manifest(f"{NS}/cron", child)[0])[-1]
    stream = c.open_blob(f"{NS}/cron", layer["digest"])
    blob = b"".join(iter(lambda: stream.read(65536), b""))
    assert rc.sha256_digest(blob) == layer["digest"]
    # Second import, registry running: nothing changes.
    before = snapshot(data)
    again = bi.Importer(str(full), str(data)).run()
    assert not again.changed and again.files_placed == 0
    assert snapshot(data) == before


def _index(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile(b.INDEX_MEMBER))


def _flip_blob_byte(src: Path, dst: Path, avoid=()) -> str:
    """Copy src to dst with one byte of its biggest blob (not in avoid) flipped; return that blob's digest."""
    shutil.copyfile(src, dst)
    with tarfile.open(dst) as tar:
        index = json.load(tar.extractfile(b.INDEX_MEMBER))
        biggest = max((d for d in index["blobs"] if d not in avoid), key=index["blobs"].get)
        info = tar.getmember(b.DATA_PREFIX + b.blob_path(biggest))
    with open(dst, "r+b") as f:
        f.seek(info.offset_data + info.size // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))
    return biggest


def test_truncated_and_corrupt_archives_refused_data_untouched(exported, registry_factory, tmp_path):
    work, small, full = exported["work"], exported["small"], exported["full"]
    workdir = tmp_path / "reg"
    data = workdir / "data"
    bi.Importer(str(small), str(data), load_registry_image=False).run()
    before = snapshot(data)
    size = full.stat().st_size
    for cut in (size // 3, size - 1024 * 3):
        broken = work / ("cut-%d.tar" % cut)
        with open(full, "rb") as fin, open(broken, "wb") as fout:
            fout.write(fin.read(cut))
        with pytest.raises(b.BundleCorrupt, match="truncated"):
            bi.Importer(str(broken), str(data), load_registry_image=False).run()
        assert snapshot(data) == before
    corrupt = work / "corrupt.tar"
    # A blob the data dir lacks (import skips reading blobs already in place; verify reads everything).
    victim = _flip_blob_byte(full, corrupt, avoid=_index(small)["blobs"])
    with pytest.raises(b.BundleCorrupt, match=b.digest_hex(victim)):
        bi.Importer(str(corrupt), str(data), load_registry_image=False).run()
    assert snapshot(data) == before
    with pytest.raises(b.BundleCorrupt, match="corrupt"):
        bi.verify_bundle(str(corrupt))
    # The good archive on top of the existing data: shared files are left as they are, everything is served.
    report = bi.Importer(str(full), str(data), load_registry_image=False).run()
    assert report.changed and report.files_present > 0
    after = snapshot(data)
    for rel, meta in before.items():
        if (data / rel).is_file():  # directories gain entries; files stay exactly as they were
            assert after[rel] == meta, rel
    reg = registry_factory.start("kp-bdl-ontop", workdir=workdir)
    assert served_all(reg, report.images) == len(exported["expected"])


KILLER = """
import os, signal, sys
from ansible_collections.kollaprep.registry.plugins.module_utils._bundle_import import Importer
path, data, phase, after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seen = []
def hook(p, name):
    if p == phase:
        seen.append(name)
        if len(seen) > after:
            os.kill(os.getpid(), signal.SIGKILL)
Importer(path, data, load_registry_image=False, hook=hook).run()
"""


def test_killed_import_is_finished_by_a_rerun(exported, registry_factory, tmp_path):
    full = exported["full"]
    workdir = tmp_path / "reg"
    data = workdir / "data"
    for phase, after in (("stage", 20), ("place", 40)):
        res = subprocess.run(
            [sys.executable, "-c", KILLER, str(full), str(data), phase, str(after)],
            env=ansible_env(KOLLAPREP_GEN_CACHE="off"),
            capture_output=True,
            check=False,
            timeout=60,
        )
        assert res.returncode == -signal.SIGKILL, res.stderr
    assert list((data / b.STAGING_DIR).iterdir()), "the killed run left no staging"
    placed = [p for p in (data / "docker").rglob("*") if p.is_file()]
    assert len(placed) == 40
    report = bi.Importer(str(full), str(data), load_registry_image=False).run()
    assert report.changed and report.files_present == 40
    assert not (data / b.STAGING_DIR).exists()
    assert not bi.Importer(str(full), str(data), load_registry_image=False).run().changed
    reg = registry_factory.start("kp-bdl-kill", workdir=workdir)
    assert served_all(reg, report.images) == len(exported["expected"])


def test_archive_source_into_running_registry(exported, registry_factory):
    dest_reg = registry_factory.start("kp-bdl-mirror")
    source = bsrc.ArchiveSource(str(exported["full"]))
    try:
        names = ["%s:%s" % (repo.split("/", 1)[1], tag) for repo, tag in exported["expected"]]
        specs, bad = mm.build_specs(names, tag=None, src_registry="bundle.invalid", src_namespace=NS)
        assert not bad
        report = mm.Mirror(source, client(dest_reg), workers=4).run(specs)
        assert [r.msg for r in report.failed] == []
        assert all(r.destination_digest == r.source_digest for r in report.results)
        again = mm.Mirror(source, client(dest_reg), workers=4).run(specs)
        assert not again.changed
    finally:
        source.close()
    assert served_all(dest_reg, source.index["images"]) == len(exported["expected"])


def _playbook(tmp_path, name, extra_vars):
    res = run_playbook_file(name, tmp_path, extra_vars, env=ansible_env(KOLLAPREP_GEN_CACHE="off"))
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    return res.stdout


def test_module_four_steps(registry_factory, tmp_path):
    src = registry_factory.start("kp-bdl-modsrc")
    pushed = generator.generate(src.host, count=3, layer_size=4096, tag=TAG)
    extra = {
        "bundle_dir": str(tmp_path),
        "bundle_src_registry": src.host,
        "bundle_tag": TAG,
        "bundle_expected_images": ["%s:%s %s" % (i.repository, i.tag, i.digest) for i in pushed],
    }
    out = _playbook(tmp_path, "bundle_four_steps.yml", extra)
    assert "failed=0" in out and "ignored=1" in out
    src.stop()
    dest = registry_factory.start("kp-bdl-moddst", workdir=tmp_path / "reg")
    _playbook(tmp_path, "bundle_served.yml", {"bundle_dir": str(tmp_path), "bundle_dest_registry": dest.host})


def test_registry_image_loaded_and_tagged(exported, tmp_path):
    """The engine lacks the wanted name: import loads the archive's registry image (Engine API) and tags it."""
    name = "kp-bdl-it/registry:loaded-%d" % os.getpid()
    engine = beng.DockerEngine()
    try:
        assert engine.image_id(name) is None
        data = tmp_path / "data"
        report = bi.Importer(str(exported["small"]), str(data), registry_image=name).run()
        assert not report.registry_image_loaded  # small.tar has no registry image
        report = bi.Importer(str(exported["full"]), str(data), registry_image=name).run()
        assert report.registry_image_loaded and report.changed
        assert engine.image_id(name) == report.registry_image["id"]
        again = bi.Importer(str(exported["full"]), str(data), registry_image=name).run()
        assert not again.changed and not again.registry_image_loaded
    finally:
        subprocess.run(["/usr/bin/docker", "rmi", name], capture_output=True, check=False)


def test_image_mirror_module_archive_source(exported, registry_factory, tmp_path):
    """The mirror module's archive source: from the bundle into a running registry, upstream long gone."""
    dest = registry_factory.start("kp-bdl-modarch")
    extra = {"mirror_src_archive": str(exported["small"]), "mirror_dest_registry": dest.host, "mirror_tag": TAG}
    out = _playbook(tmp_path, "image_mirror_from_archive.yml", extra)
    assert "failed=0" in out
    for repo in ("openstack.kolla/base", "openstack.kolla/cron"):
        assert client(dest).head_manifest(repo, TAG)["digest"] == exported["expected"][(repo, TAG)]


def _tag_link(repo: str, tag: str) -> str:
    """Where Distribution's storage keeps what a tag points at (relative to the data dir)."""
    return "docker/registry/v2/repositories/%s/_manifests/tags/%s/current/link" % (repo, tag)


def test_module_import_diff_of_a_repointed_tag(registry_factory, tmp_path):
    """A second bundle holds base and cron:TAG rebuilt (other digests), cron:keep unchanged and kolla-toolbox new:
    importing it over the first one's data dir, the diff names the two tag links with the old and the new digest and
    the count of new files, nothing for cron:keep; check mode changes nothing, the real run re-points the tags, a
    registry started on the data dir serves the new digests; check mode again and real again show no diff."""
    old_up = registry_factory.start("kp-bdl-diff-old")
    new_up = registry_factory.start("kp-bdl-diff-new")
    old = generator.generate(old_up.host, images=["cron"], tag=TAG, seed=3)
    keep = generator.generate(old_up.host, images=["cron"], tag="keep", seed=3)
    new = generator.generate(new_up.host, images=["cron", "kolla-toolbox"], tag=TAG, seed=4)
    again = generator.generate(new_up.host, images=["cron"], tag="keep", seed=3)
    assert [i.digest for i in again] == [i.digest for i in keep]  # the same build in both upstreams
    old_d = {(i.repository, i.tag): i.digest for i in old + keep}
    new_d = {(i.repository, i.tag): i.digest for i in new + keep}
    for up, path, names in (
        (old_up, tmp_path / "old.tar", ["base", "cron", "cron:keep"]),
        (new_up, tmp_path / "new.tar", ["base", "cron", "cron:keep", "kolla-toolbox"]),
    ):
        source = sources.RegistrySource(up.host, scheme="http")
        try:
            mm.export_bundle(str(path), specs_for(up, names), source, include_registry_image=False)
        finally:
            source.close()
    workdir = tmp_path / "reg"
    data = workdir / "data"
    first = run_task_once("bundle_import_run.yml", tmp_path, {"bundle_path": str(tmp_path / "old.tar"),
                                                              "bundle_data_dir": str(data)}, "--diff")  # fmt: skip
    assert first.get("failed") is not True and first["changed"] is True, first.get("msg")
    assert first["diff"]["before"] == ""

    repointed = [(f"{NS}/base", TAG), (f"{NS}/cron", TAG)]
    keep_key = (f"{NS}/cron", "keep")
    assert all(old_d[k] != new_d[k] for k in repointed) and old_d[keep_key] == new_d[keep_key]
    expected_before = sorted("%s %s" % (_tag_link(*k), old_d[k]) for k in repointed)
    expected_after = sorted("%s %s" % (_tag_link(*k), new_d[k]) for k in repointed)
    extra = {"bundle_path": str(tmp_path / "new.tar"), "bundle_data_dir": str(data)}
    before_snapshot = snapshot(data)
    for args in (("--check", "--diff"), ("--diff",)):
        res = run_task_once("bundle_import_run.yml", tmp_path, extra, *args)
        assert res.get("failed") is not True and res["changed"] is True, (args, res.get("msg"))
        before_lines = res["diff"]["before"].splitlines()
        after_lines = res["diff"]["after"].splitlines()
        assert sorted(before_lines) == expected_before, args
        # One line per re-pointed tag link, in the same order on both sides, then the count of new files.
        assert [line.split()[0] for line in before_lines] == [line.split()[0] for line in after_lines[:-1]], args
        assert sorted(after_lines[:-1]) == expected_after, args
        assert after_lines[-1] == "%d new files" % res["summary"]["files_placed"], args
        assert res["summary"]["tags_changed"] == 2 and res["summary"]["files_placed"] > 2, args
        assert {(t["link"], t["before"], t["after"]) for t in res["tags_changed"]} == {
            (_tag_link(*k), old_d[k], new_d[k]) for k in repointed
        }, args
        if "--check" in args:
            assert snapshot(data) == before_snapshot  # check mode wrote nothing
    for k in repointed:
        assert (data / _tag_link(*k)).read_text() == new_d[k]
    reg = registry_factory.start("kp-bdl-diff-served", workdir=workdir)
    c = client(reg)
    for repo, tag in [*repointed, (f"{NS}/cron", "keep"), (f"{NS}/kolla-toolbox", TAG)]:
        assert c.head_manifest(repo, tag)["digest"] == new_d[(repo, tag)], (repo, tag)

    for args in (("--check", "--diff"), ("--diff",)):  # check mode again, real again: nothing to do, no diff
        again = run_task_once("bundle_import_run.yml", tmp_path, extra, *args)
        assert again["changed"] is False and again["diff"] == {"before": "", "after": ""}, args
