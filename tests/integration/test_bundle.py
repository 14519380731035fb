"""Offline bundles against real registry:2 containers (registry_factory) filled by the test bed generator.

Covers: the archive's data tree equals a real registry's storage after a push; a round trip with NO upstream
reachable (export, stop the upstream, import into a fresh data dir, start registry:2 on it, every digest served);
a truncated archive and a corrupt blob refused with the existing data untouched; a second import changes nothing;
an import killed (SIGKILL) while staging and while placing, finished by a rerun; the archive as a mirror source into
a running registry; the module's four steps (export and import) through ansible-playbook.
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
from ansible_collections.kollaprep.registry.plugins.module_utils import _bundle as b
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc

from tests.testbed import generator
from tests.testbed.ansible import ansible_env, run_playbook

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
    report = b.check_served(client(reg), images)
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
    source = mm.RegistrySource(up.host, scheme="http")
    small = work / "small.tar"
    b.export_bundle(str(small), specs_for(up, ["base", "cron"]), source, include_registry_image=False)
    full = work / "full.tar"
    names = ["%s:%s" % (i.name, i.tag) for i in images + multi]
    report = b.export_bundle(str(full), specs_for(up, names), source, include_registry_image=True)
    assert report.changed and report.registry_image["name"] == "registry:2"
    again = b.export_bundle(str(full), specs_for(up, names), source, include_registry_image=True)
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
    check = b.Importer(str(full), str(data), check_mode=True).run()
    assert check.changed and check.files_placed > 0 and not data.exists()
    # The registry image of the archive is the one the engine has: not loaded again.
    real = b.Importer(str(full), str(data)).run()
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
    again = b.Importer(str(full), str(data)).run()
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
    b.Importer(str(small), str(data), load_registry_image=False).run()
    before = snapshot(data)
    size = full.stat().st_size
    for cut in (size // 3, size - 1024 * 3):
        broken = work / ("cut-%d.tar" % cut)
        with open(full, "rb") as fin, open(broken, "wb") as fout:
            fout.write(fin.read(cut))
        with pytest.raises(b.BundleCorrupt, match="truncated"):
            b.Importer(str(broken), str(data), load_registry_image=False).run()
        assert snapshot(data) == before
    corrupt = work / "corrupt.tar"
    # A blob the data dir lacks (import skips reading blobs already in place; verify reads everything).
    victim = _flip_blob_byte(full, corrupt, avoid=_index(small)["blobs"])
    with pytest.raises(b.BundleCorrupt, match=b.digest_hex(victim)):
        b.Importer(str(corrupt), str(data), load_registry_image=False).run()
    assert snapshot(data) == before
    with pytest.raises(b.BundleCorrupt, match="corrupt"):
        b.verify_bundle(str(corrupt))
    # The good archive on top of the existing data: shared files are left as they are, everything is served.
    report = b.Importer(str(full), str(data), load_registry_image=False).run()
    assert report.changed and report.files_present > 0
    after = snapshot(data)
    for rel, meta in before.items():
        if (data / rel).is_file():  # directories gain entries; files stay exactly as they were
            assert after[rel] == meta, rel
    reg = registry_factory.start("kp-bdl-ontop", workdir=workdir)
    assert served_all(reg, report.images) == len(exported["expected"])


KILLER = """
import os, signal, sys
from ansible_collections.kollaprep.registry.plugins.module_utils._bundle import Importer
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
    report = b.Importer(str(full), str(data), load_registry_image=False).run()
    assert report.changed and report.files_present == 40
    assert not (data / b.STAGING_DIR).exists()
    assert not b.Importer(str(full), str(data), load_registry_image=False).run().changed
    reg = registry_factory.start("kp-bdl-kill", workdir=workdir)
    assert served_all(reg, report.images) == len(exported["expected"])


def test_archive_source_into_running_registry(exported, registry_factory):
    dest_reg = registry_factory.start("kp-bdl-mirror")
    source = b.ArchiveSource(str(exported["full"]))
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


PLAYBOOK = """\
- name: registry_bundle four steps
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    export_args: &export
      mode: export
      path: "{work}/mod.tar"
      src_registry: "{src}"
      src_scheme: http
      tag: "{tag}"
      images: [base, cron, kolla-toolbox]
      include_registry_image: false
    import_args: &import
      mode: import
      path: "{work}/mod.tar"
      data_dir: "{work}/reg/data"
      load_registry_image: false
  tasks:
    - name: Export, check mode
      kollaprep.registry.registry_bundle: *export
      check_mode: true
      diff: true
      register: echeck1
    - name: Export
      kollaprep.registry.registry_bundle: *export
      register: ereal1
    - name: Export, check mode again
      kollaprep.registry.registry_bundle: *export
      check_mode: true
      register: echeck2
    - name: Export again
      kollaprep.registry.registry_bundle: *export
      register: ereal2
    - name: Import, check mode
      kollaprep.registry.registry_bundle: *import
      check_mode: true
      diff: true
      register: icheck1
    - name: Import
      kollaprep.registry.registry_bundle: *import
      register: ireal1
    - name: Import, check mode again
      kollaprep.registry.registry_bundle: *import
      check_mode: true
      register: icheck2
    - name: Import again
      kollaprep.registry.registry_bundle: *import
      register: ireal2
    - name: Verify
      kollaprep.registry.registry_bundle:
        mode: verify
        path: "{work}/mod.tar"
      register: verify
    - name: Make a truncated copy
      ansible.builtin.shell: head -c 20000 {work}/mod.tar > {work}/cut.tar
      changed_when: true
    - name: A truncated archive is refused
      kollaprep.registry.registry_bundle:
        mode: import
        path: "{work}/cut.tar"
        data_dir: "{work}/reg/data"
        load_registry_image: false
      register: bad
      ignore_errors: true
    - name: Assert
      ansible.builtin.assert:
        that:
          - echeck1 is changed
          - echeck1.summary.images == 3
          - echeck1.diff.after is search('openstack.kolla/cron:{tag}')
          - ereal1 is changed
          - ereal1.summary.archive_bytes > ereal1.summary.blob_bytes
          - echeck2 is not changed
          - ereal2 is not changed
          - icheck1 is changed
          - icheck1.summary.files_placed > 0
          - ireal1 is changed
          - ireal1.summary.files_placed == icheck1.summary.files_placed
          - icheck2 is not changed
          - ireal2 is not changed
          - ireal2.summary.files_placed == 0
          - verify is not changed
          - verify.images | map(attribute='digest') | list == ereal1.images | map(attribute='digest') | list
          - bad is failed
          - bad.msg is search('truncated')
"""

VERIFY = """\
- name: registry_bundle serves check
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Verify what the registry serves
      kollaprep.registry.registry_bundle:
        mode: verify
        path: "{work}/mod.tar"
        verify_archive: false
        dest_registry: "{dest}"
        dest_scheme: http
      register: served
    - name: Assert
      ansible.builtin.assert:
        that:
          - served.served.ok == 3
          - served.served.missing == []
"""


def _playbook(tmp_path, name, text):
    res = run_playbook(tmp_path, name, text, env=ansible_env(KOLLAPREP_GEN_CACHE="off"))
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    return res.stdout


def test_module_four_steps(registry_factory, tmp_path):
    src = registry_factory.start("kp-bdl-modsrc")
    generator.generate(src.host, count=3, layer_size=4096, tag=TAG)
    out = _playbook(tmp_path, "bundle.yml", PLAYBOOK.format(work=tmp_path, src=src.host, tag=TAG))
    assert "failed=0" in out and "ignored=1" in out
    src.stop()
    dest = registry_factory.start("kp-bdl-moddst", workdir=tmp_path / "reg")
    _playbook(tmp_path, "served.yml", VERIFY.format(work=tmp_path, dest=dest.host))


def test_registry_image_loaded_and_tagged(exported, tmp_path):
    """The engine lacks the wanted name: import loads the archive's registry image (Engine API) and tags it."""
    name = "kp-bdl-it/registry:loaded-%d" % os.getpid()
    engine = b.DockerEngine()
    try:
        assert engine.image_id(name) is None
        data = tmp_path / "data"
        report = b.Importer(str(exported["small"]), str(data), registry_image=name).run()
        assert not report.registry_image_loaded  # small.tar has no registry image
        report = b.Importer(str(exported["full"]), str(data), registry_image=name).run()
        assert report.registry_image_loaded and report.changed
        assert engine.image_id(name) == report.registry_image["id"]
        again = b.Importer(str(exported["full"]), str(data), registry_image=name).run()
        assert not again.changed and not again.registry_image_loaded
    finally:
        subprocess.run(["/usr/bin/docker", "rmi", name], capture_output=True, check=False)


MIRROR_FROM_ARCHIVE = """\
- name: image_mirror from an offline bundle, four steps
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    args: &args
      source: archive
      src_archive: "{archive}"
      src_registry: bundle.invalid
      dest_registry: "{dest}"
      dest_scheme: http
      images: [base, cron]
      tag: "{tag}"
  tasks:
    - name: Check mode on an empty registry
      kollaprep.registry.image_mirror: *args
      check_mode: true
      register: check1
    - name: Real
      kollaprep.registry.image_mirror: *args
      register: real1
    - name: Check mode again
      kollaprep.registry.image_mirror: *args
      check_mode: true
      register: check2
    - name: Real again
      kollaprep.registry.image_mirror: *args
      register: real2
    - name: Assert the four steps
      ansible.builtin.assert:
        that:
          - check1 is changed and check1.summary.would_copy == 2
          - real1 is changed and real1.summary.copied == 2
          - real1.images | map(attribute='digest_preserved') | list == [true, true]
          - check2 is not changed and check2.summary.skipped == 2
          - real2 is not changed and real2.summary.skipped == 2
"""


def test_image_mirror_module_archive_source(exported, registry_factory, tmp_path):
    """The mirror module's archive source: from the bundle into a running registry, upstream long gone."""
    dest = registry_factory.start("kp-bdl-modarch")
    out = _playbook(
        tmp_path, "mirror.yml", MIRROR_FROM_ARCHIVE.format(archive=exported["small"], dest=dest.host, tag=TAG)
    )
    assert "failed=0" in out
    for repo in ("openstack.kolla/base", "openstack.kolla/cron"):
        assert client(dest).head_manifest(repo, TAG)["digest"] == exported["expected"][(repo, TAG)]
