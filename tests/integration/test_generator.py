"""The generator against real registry:2 containers, skopeo and the machine's own Docker engine."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.testbed import clean_env
from tests.testbed import generator as g

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DOCKER = "/usr/bin/docker"
# (media_type, multiarch, tag): one tag per kind so that they coexist in one registry
KINDS = [
    ("docker", False, "2024.1-debian-bookworm"),
    ("oci", False, "2024.1-ubuntu-jammy"),
    ("docker", True, "2024.2-debian-bookworm"),
    ("oci", True, "2024.2-ubuntu-noble"),
]
KIND_IDS = ["docker", "oci", "docker-multiarch", "oci-multiarch"]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KOLLAPREP_GEN_CACHE", str(tmp_path / "digests.json"))


@pytest.fixture(scope="module")
def plain(registry_factory):
    return registry_factory.start(f"kp-gen-plain-{os.getpid()}")


@pytest.fixture(scope="module")
def kinds(plain):
    """The first 7 images (keystone and its chain) of each kind, kilobyte layers, pushed once."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOLLAPREP_GEN_CACHE", "off")
        return {
            (mt, multi): g.generate(plain.host, count=7, layer_size=3000, media_type=mt, multiarch=multi, tag=tag)
            for mt, multi, tag in KINDS
        }


def _get(reg, path: str, **kwargs) -> requests.Response:
    resp = requests.get(
        f"{reg.url}{path}", auth=reg.auth, verify=str(reg.ca_path) if reg.ca_path else True, timeout=30, **kwargs
    )
    resp.raise_for_status()
    return resp


def _manifest(reg, repo: str, ref: str) -> requests.Response:
    return _get(reg, f"/v2/{repo}/manifests/{ref}", headers={"Accept": g.ACCEPT})


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("media_type", "multiarch", "tag"), KINDS, ids=KIND_IDS)
def test_tags_resolve_to_the_returned_digests(plain, kinds, media_type, multiarch, tag):
    images = kinds[(media_type, multiarch)]
    assert [i.name for i in images] == [name for name, _unused in g.KOLLA_IMAGES[:7]]
    planned = {p.name: p for p in g.plan(count=7, layer_size=3000, media_type=media_type, multiarch=multiarch, tag=tag)}
    for img in images:
        assert img.reference == f"openstack.kolla/{img.name}:{tag}"
        resp = _manifest(plain, img.repository, img.tag)
        assert resp.headers["Docker-Content-Digest"] == img.digest == _sha(resp.content)
        assert resp.headers["Content-Type"] == img.media_type == json.loads(resp.content)["mediaType"]
        assert img.digest == planned[img.name].digest  # offline rendering == what was pushed
        assert img.unique_bytes == planned[img.name].unique_bytes


@pytest.mark.parametrize(("media_type", "multiarch", "tag"), KINDS[2:], ids=KIND_IDS[2:])
def test_multiarch_children_and_blobs_are_in_the_registry(plain, kinds, media_type, multiarch, tag):
    keystone = kinds[(media_type, multiarch)][-1]
    index = _manifest(plain, keystone.repository, keystone.tag).json()
    tops = {}
    for entry in index["manifests"]:
        child = _manifest(plain, keystone.repository, entry["digest"])
        assert child.headers["Docker-Content-Digest"] == entry["digest"]
        manifest = child.json()
        config = json.loads(_get(plain, f"/v2/{keystone.repository}/blobs/{manifest['config']['digest']}").content)
        assert config["architecture"] == entry["platform"]["architecture"]
        assert len(config["rootfs"]["diff_ids"]) == len(manifest["layers"]) == 6
        tops[config["architecture"]] = manifest["layers"][-1]["digest"]
    assert set(tops) == {"amd64", "arm64"} and tops["amd64"] != tops["arm64"]


def test_layer_blob_from_the_registry_matches_its_diff_id(plain, kinds):
    keystone = kinds[("docker", False)][-1]
    manifest = _manifest(plain, keystone.repository, keystone.tag).json()
    config = _get(plain, f"/v2/{keystone.repository}/blobs/{manifest['config']['digest']}").json()
    for layer, diff_id in zip(manifest["layers"], config["rootfs"]["diff_ids"], strict=True):
        blob = _get(plain, f"/v2/{keystone.repository}/blobs/{layer['digest']}").content  # parents' are mounted
        assert _sha(blob) == layer["digest"] and len(blob) == layer["size"]
        assert _sha(gzip.decompress(blob)) == diff_id


@pytest.mark.parametrize(("media_type", "multiarch", "tag"), KINDS, ids=KIND_IDS)
def test_skopeo_inspect(plain, kinds, media_type, multiarch, tag):
    keystone = kinds[(media_type, multiarch)][-1]
    ref = f"docker://{plain.host}/openstack.kolla/keystone:{tag}"
    raw = subprocess.run(["skopeo", "inspect", "--tls-verify=false", "--raw", ref], capture_output=True, check=True)
    assert _sha(raw.stdout) == keystone.digest
    res = subprocess.run(
        ["skopeo", "inspect", "--tls-verify=false", "--override-arch", "amd64", ref],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(res.stdout)
    assert info["Name"] == f"{plain.host}/openstack.kolla/keystone"
    assert info["Digest"] == keystone.digest
    assert info["Architecture"] == "amd64" and info["Os"] == "linux"
    assert info["Labels"]["kolla_version"].split(".")[0] in ("18", "19")
    assert len(info["Layers"]) == 6


def test_rerun_is_idempotent_and_uploads_nothing(plain, kinds):
    again = g.generate(plain.host, count=7, layer_size=3000)
    assert [(i.name, i.digest) for i in again] == [(i.name, i.digest) for i in kinds[("docker", False)]]
    assert sum(i.uploaded_bytes for i in again) == 0


@pytest.mark.parametrize(("media_type", "multiarch", "tag"), [KINDS[0], KINDS[3]], ids=[KIND_IDS[0], KIND_IDS[3]])
def test_docker_pull_on_the_real_engine(plain, kinds, media_type, multiarch, tag):
    keystone = kinds[(media_type, multiarch)][-1]
    ref = f"{plain.host}/openstack.kolla/keystone:{tag}"
    subprocess.run([DOCKER, "pull", "-q", ref], capture_output=True, text=True, check=True)
    try:
        res = subprocess.run([DOCKER, "image", "inspect", ref], capture_output=True, text=True, check=True)
        info = json.loads(res.stdout)[0]
        assert f"{plain.host}/openstack.kolla/keystone@{keystone.digest}" in info["RepoDigests"]
        amd64 = next(p for p in g.plan(count=7, layer_size=3000, media_type=media_type, multiarch=multiarch, tag=tag)
                     if p.name == "keystone").platforms["amd64"]  # fmt: skip
        assert info["RootFS"]["Layers"] == [d.diff_id for d in amd64.layers]  # the engine unpacked every layer
        assert info["Config"]["Labels"]["name"] == "keystone"
    finally:
        subprocess.run([DOCKER, "rmi", ref], capture_output=True, check=False)


def test_streamed_layers_and_the_digest_cache(plain, monkeypatch):
    """Blobs above the in-memory limit go through the chunked PATCH path; a re-run skips them via the cache."""
    monkeypatch.setattr(g, "_INLINE_MAX", 64 << 10)
    monkeypatch.setattr(g, "_CHUNK", 100_000)  # several chunks per layer, none aligned to the gzip blocks
    monkeypatch.setattr(g, "_MEMO", {})
    first = g.generate(plain.host, namespace="kp-gen/streamed", images=["cron"], layer_size=300_000, workers=2)
    assert sum(i.uploaded_bytes for i in first) > 3 * 300_000
    cron = first[-1]
    manifest = _manifest(plain, cron.repository, cron.tag)
    assert manifest.headers["Docker-Content-Digest"] == cron.digest
    for layer in manifest.json()["layers"]:
        blob = _get(plain, f"/v2/{cron.repository}/blobs/{layer['digest']}").content
        assert _sha(blob) == layer["digest"] and len(gzip.decompress(blob)) > 300_000

    monkeypatch.setattr(g, "_MEMO", {})  # a new process: only the cache file remembers the digests
    assert len(g._cache_load()) == 3

    def no_generation(*_args, **_kwargs):
        raise AssertionError("a cached layer was regenerated")

    monkeypatch.setattr(g, "keystream", no_generation)
    again = g.generate(plain.host, namespace="kp-gen/streamed", images=["cron"], layer_size=300_000, workers=2)
    assert [i.digest for i in again] == [i.digest for i in first]
    assert sum(i.uploaded_bytes for i in again) == 0


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_and_basic_auth(registry_factory):
    reg = registry_factory.start(f"kp-gen-tls-{os.getpid()}", tls=True, auth={"kpgen": "s3cret-pw"})
    with pytest.raises(g.GeneratorError, match="401"):
        g.generate(reg.host, count=2, ca=reg.ca_path)
    with pytest.raises(g.GeneratorError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        g.generate(reg.host, count=2, auth=reg.auth, verify=True)
    images = g.generate(reg.host, count=2, auth=reg.auth, ca=reg.ca_path, media_type="oci")
    for img in images:
        assert _manifest(reg, img.repository, img.tag).headers["Docker-Content-Digest"] == img.digest
    insecure = g.generate(reg.host, count=2, auth=reg.auth, verify=False, media_type="oci")
    assert [i.digest for i in insecure] == [i.digest for i in images]


def test_cli_prints_a_summary(plain, tmp_path):
    env = clean_env(PYTHONPATH=str(ROOT))  # the generator finds the collection's client by itself
    res = subprocess.run(
        [sys.executable, "-m", "tests.testbed.generator", "--registry", plain.host, "--images", "cron",
         "--layer-size", "2K", "--namespace", "kp-gen/cli", "--oci", "--multiarch", "--seed", "5", "--json"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    lines = res.stdout.strip().splitlines()
    records = [json.loads(line) for line in lines[:-1]]
    assert [r["reference"] for r in records] == ["kp-gen/cli/base:2024.1-debian-bookworm",
                                                 "kp-gen/cli/cron:2024.1-debian-bookworm"]  # fmt: skip
    assert {r["media_type"] for r in records} == {g.OCI_INDEX}
    assert lines[-1].startswith(f"2 images -> {plain.host}/kp-gen/cli tag 2024.1-debian-bookworm (oci, multiarch)")
    assert "MB/s" in lines[-1]
    bad = subprocess.run(
        [sys.executable, "-m", "tests.testbed.generator", "--registry", plain.host, "--images", "nova-bogus"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert bad.returncode == 1 and "unknown Kolla image" in bad.stderr


def test_40_images_of_4mib_and_an_idempotent_rerun(plain, monkeypatch):
    """40 images, 4 MiB layers (~170 MiB), pushed then pushed again: the re-run uploads nothing. How long either
    takes is bench/bench_generator.py's business (part of make bench), never an assertion here."""
    monkeypatch.setattr(g, "_MEMO", {})
    images = g.generate(plain.host, namespace="kp-gen/measure", count=40, layer_size=4 << 20)
    monkeypatch.setattr(g, "_MEMO", {})
    again = g.generate(plain.host, namespace="kp-gen/measure", count=40, layer_size=4 << 20)
    unique = sum(i.unique_bytes for i in images)
    assert len(images) == 40 and unique > 40 * (4 << 20)
    assert sum(i.uploaded_bytes for i in images) == unique
    assert sum(i.uploaded_bytes for i in again) == 0
    assert [i.digest for i in again] == [i.digest for i in images]
    nova_api = _manifest(plain, "kp-gen/measure/nova-api", "2024.1-debian-bookworm")
    assert nova_api.headers["Docker-Content-Digest"] == next(i.digest for i in images if i.name == "nova-api")
