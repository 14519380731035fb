"""Garbage collection never breaks a tagged image: real registry:2, real ``registry garbage-collect``, real pulls.

One registry holds an OCI index and a Docker manifest list (two platforms each), single-platform images of both
kinds, a repository nested below the namespace, an untagged orphan (copied by digest) and an overwritten tag. The
registry is stopped, ``registry_manifest_prune`` runs through ansible-playbook (the module as the gc entry point
runs it), ``garbage-collect`` (no ``--delete-untagged``) runs in a one-shot registry:2 container on the same
storage, the registry starts again; then every tagged image pulls whole (the host's dockerd, and every child and
blob through the API, hashed), the orphans' manifests and unique layers are gone, their bytes freed and reported.
A first test shows why: Distribution's own ``--delete-untagged`` deletes the children of the tagged index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources

from tests.testbed import REGISTRY_IMAGE, generator, label_args
from tests.testbed.ansible import run_playbook_file
from tests.testbed.registries import wait_ready

pytestmark = pytest.mark.integration

DOCKER = "/usr/bin/docker"
TAG = "2024.1-debian-bookworm"
ACCEPT = ", ".join((rc.MEDIA_OCI_INDEX, rc.MEDIA_DOCKER_LIST, rc.MEDIA_OCI_MANIFEST, rc.MEDIA_DOCKER_MANIFEST))


def _fill(reg, scratch) -> dict:
    """Push the mixed set; return {tagged: {(repo, tag): digest}, orphans: {(repo, digest)}, orphan_layers: {...}}."""
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    pushed = []
    small = dict(layer_size=8 * 1024)
    pushed += generator.generate(
        reg.host, namespace="kp/oci", images=["cron"], media_type="oci", multiarch=True, **small
    )
    pushed += generator.generate(reg.host, namespace="kp/docker", images=["cron"], multiarch=True, **small)
    pushed += generator.generate(reg.host, namespace="kp/single", images=["haproxy"], media_type="oci", **small)
    pushed += generator.generate(reg.host, namespace="kp/extra/deep", images=["memcached"], **small)
    first = generator.generate(reg.host, namespace="kp/over", images=["cron"], seed=1, **small)
    cli = rc.RegistryClient(reg.host, scheme="http")
    old = {i.repository: i.digest for i in first}  # kp/over/base and kp/over/cron
    old_bodies = [cli.get_manifest(repo, digest)[0] for repo, digest in old.items()]
    second = generator.generate(reg.host, namespace="kp/over", images=["cron"], seed=2, **small)  # same tags
    assert not set(old.values()) & {i.digest for i in second}
    pushed += second
    # An orphan: an image copied by digest only (no tag) from a scratch registry.
    lone = generator.generate(scratch.host, namespace="kp/orphan", images=["cron"], seed=3, **small)
    by_digest = next(i for i in lone if i.repository == "kp/orphan/cron")
    report = mm.mirror(
        ["%s/%s@%s" % (scratch.host, by_digest.repository, by_digest.digest)],
        source=sources.RegistrySource(scratch.host, scheme="http"), dest=cli, tag=None,
        src_registry=scratch.host, src_namespace="",
    )  # fmt: skip
    assert not report.failed, [r.msg for r in report.failed]
    orphan_body = cli.get_manifest("kp/orphan/cron", by_digest.digest)[0]
    cli.close()
    tagged = {(i.repository, i.tag): i.digest for i in pushed}
    orphans = set(old.items()) | {("kp/orphan/cron", by_digest.digest)}
    layers = {d["digest"] for body in [*old_bodies, orphan_body] for d in rc.manifest_blobs(body)}
    return {"tagged": tagged, "orphans": orphans, "orphan_layers": layers}


def _http(reg):
    session = requests.Session()
    session.headers["Accept"] = ACCEPT
    return session


def check_whole(reg, repo, ref) -> list[str]:
    """Problems with one tag: the manifest, every child, every blob (fetched and sha256'd)."""
    s, base, problems = _http(reg), reg.url + "/v2/" + repo, []
    top = s.get("%s/manifests/%s" % (base, ref))
    if top.status_code != 200:
        return ["%s:%s -> %d" % (repo, ref, top.status_code)]
    bodies = [top.content]
    if rc.is_index(rc.detect_media_type(top.content, top.headers.get("Content-Type"))):
        bodies = []
        for child in rc.manifest_children(top.content):
            got = s.get("%s/manifests/%s" % (base, child["digest"]))
            if got.status_code != 200:
                problems.append("%s child %s -> %d" % (repo, child["digest"], got.status_code))
            else:
                bodies.append(got.content)
    for body in bodies:
        for desc in rc.manifest_blobs(body):
            blob = s.get("%s/blobs/%s" % (base, desc["digest"]))
            if blob.status_code != 200 or "sha256:" + hashlib.sha256(blob.content).hexdigest() != desc["digest"]:
                problems.append("%s blob %s -> %d" % (repo, desc["digest"], blob.status_code))
    return problems


def _collect(reg, *flags) -> str:
    """registry garbage-collect on the registry's storage, in a one-shot container, the registry stopped."""
    subprocess.run([DOCKER, "stop", reg.name], check=True, capture_output=True)
    try:
        res = subprocess.run(
            [DOCKER, "run", "--rm", "--network", "none", *label_args(), "-v", "%s:/var/lib/registry" % reg.storage,
             REGISTRY_IMAGE, "garbage-collect", *flags, "/etc/docker/registry/config.yml"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        subprocess.run([DOCKER, "start", reg.name], check=True, capture_output=True)
        wait_ready(reg)  # its own process on its old port again (raises if another process took the port meanwhile)
    return res.stdout + res.stderr


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _prune(tmp_path: Path, storage: Path, check: bool) -> subprocess.CompletedProcess:
    """registry_manifest_prune through ansible-playbook (manifest_prune_run.yml); its result in tmp_path/prune.json."""
    extra = {"prune_root": str(storage), "prune_check_mode": check, "prune_result_path": str(tmp_path / "prune.json")}
    return run_playbook_file("manifest_prune_run.yml", tmp_path, extra)


def test_distribution_delete_untagged_breaks_multiarch(registry_factory):
    """Why the collection never passes --delete-untagged: Distribution 2.8 deletes the tagged index's children."""
    reg = registry_factory.start("kp-gc-upstream-bug")
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    images = generator.generate(reg.host, namespace="kp/oci", images=["cron"], media_type="oci", multiarch=True)
    index = next(i for i in images if i.repository == "kp/oci/cron")
    assert check_whole(reg, index.repository, TAG) == []
    _collect(reg, "--delete-untagged")
    broken = check_whole(reg, index.repository, TAG)
    assert broken and all("child" in p for p in broken), broken


@pytest.mark.parametrize("delete_untagged", [False, True])
def test_gc_keeps_every_tagged_image_whole(registry_factory, tmp_path, delete_untagged):
    reg = registry_factory.start("kp-gc-%s" % ("prune" if delete_untagged else "plain"))
    scratch = registry_factory.start("kp-gc-scratch-%s" % ("prune" if delete_untagged else "plain"))
    fill = _fill(reg, scratch)
    before = _du(reg.storage)

    subprocess.run([DOCKER, "stop", reg.name], check=True, capture_output=True)
    try:
        for check in [True] if not delete_untagged else [True, False]:
            res = _prune(tmp_path, reg.storage, check)
            assert res.returncode == 0, res.stdout + res.stderr
            result = json.loads((tmp_path / "prune.json").read_text())
            got = {(o["repository"], o["digest"]) for o in result["orphans"]}
            assert got == fill["orphans"], result
            assert result["changed"] is True
        if delete_untagged:
            again = _prune(tmp_path, reg.storage, False)
            assert again.returncode == 0 and not json.loads((tmp_path / "prune.json").read_text())["changed"]
    finally:
        subprocess.run([DOCKER, "start", reg.name], check=True, capture_output=True)
    output = _collect(reg)
    after = _du(reg.storage)

    problems = [p for (repo, tag) in sorted(fill["tagged"]) for p in check_whole(reg, repo, tag)]
    assert problems == [], problems
    s = _http(reg)
    for (repo, tag), digest in fill["tagged"].items():
        head = s.head("%s/v2/%s/manifests/%s" % (reg.url, repo, tag))
        assert head.headers.get("Docker-Content-Digest") == digest, (repo, tag)
    # Real pulls by the host's engine (127.0.0.1 registries are trusted without TLS).
    for repo, tag in [("kp/oci/cron", TAG), ("kp/docker/cron", TAG), ("kp/extra/deep/memcached", TAG)]:
        ref = "%s/%s:%s" % (reg.host, repo, tag)
        pulled = subprocess.run([DOCKER, "pull", "-q", ref], capture_output=True, text=True, check=False)
        subprocess.run([DOCKER, "rmi", "-f", ref], capture_output=True, check=False)
        assert pulled.returncode == 0, pulled.stderr

    orphan_state = {
        (repo, digest): s.head("%s/v2/%s/manifests/%s" % (reg.url, repo, digest)).status_code
        for repo, digest in fill["orphans"]
    }
    layer_state = {d: (reg.storage / "docker/registry/v2/blobs/sha256" / d[7:9] / d[7:] / "data").exists()
                   for d in fill["orphan_layers"]}  # fmt: skip
    if delete_untagged:
        assert set(orphan_state.values()) == {404}, orphan_state
        assert not any(layer_state.values()), "orphan layers survived: %s" % layer_state
        assert output.count("blob eligible for deletion") >= len(fill["orphan_layers"]), output[-2000:]
        assert after < before
    else:
        assert set(orphan_state.values()) == {200}, orphan_state
        assert all(layer_state.values())
    shutil.rmtree(tmp_path, ignore_errors=True)
