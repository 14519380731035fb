"""The mirror core on two in-memory registries: copy, skip, dedup + mount, indexes, platform filter, check mode,
digest verification and per-image failures."""

from __future__ import annotations

import json

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources

from tests.unit.test_registry_client import FakeRegistry, sha

TAG = "2024.1-debian-bookworm"
NS = "openstack.kolla"


def no_sleep(_seconds):
    return None


def run(src, dest, images, **kw):
    source = sources.RegistrySource("src.test", transport=src, sleep=no_sleep)
    dest_client = rc.RegistryClient("dest.test", side="dest", transport=dest, sleep=no_sleep)
    options = {"tag": TAG, "src_registry": "src.test", "src_namespace": NS, "workers": 4}
    options.update(kw)
    return mm.mirror(images, source=source, dest=dest_client, **options)


def kolla_set(reg: FakeRegistry):
    base = [b"base-layer-1" * 1000, b"base-layer-2" * 1000]
    for name, extra in (("base", []), ("keystone", [b"keystone" * 500]), ("nova-api", [b"nova" * 700])):
        reg.add_image("%s/%s" % (NS, name), TAG, base + extra)
    return base


def test_build_specs_names_refs_namespaces_and_bad_entries():
    specs, bad = mm.build_specs(
        ["nova-api", "keystone:other", "quay.io/openstack.kolla/horizon:t2", "kolla/x", "Bad Name", "cron@sha256:12"],
        tag=TAG,
        src_registry="127.0.0.1:5001",
        src_namespace=NS,
        dest_namespace="kolla",
    )
    got = [(s.src.registry, s.src.repository, s.src.reference, s.dest_repo, s.dest_reference) for s in specs]
    assert got == [
        ("127.0.0.1:5001", "openstack.kolla/nova-api", TAG, "kolla/nova-api", TAG),
        ("127.0.0.1:5001", "openstack.kolla/keystone", "other", "kolla/keystone", "other"),
        ("quay.io", "openstack.kolla/horizon", "t2", "kolla/horizon", "t2"),
        ("127.0.0.1:5001", "kolla/x", TAG, "kolla/x", TAG),
    ]
    assert [b.image for b in bad] == ["Bad Name", "cron@sha256:12"]
    assert all(b.status == mm.STATUS_FAILED and "invalid reference" in b.msg for b in bad)
    specs, _unused = mm.build_specs(["nova-api"], tag=TAG, src_registry="q.io", src_namespace=NS, dest_namespace="")
    assert specs[0].dest_repo == "nova-api"
    _unused, bad = mm.build_specs(["nova-api"], tag=None, src_registry="q.io", src_namespace=NS)
    assert "no tag" in bad[0].msg


def test_copy_then_skip_with_dedup_and_mounts():
    src, dest = FakeRegistry(), FakeRegistry()
    kolla_set(src)
    report = run(src, dest, ["base", "keystone", "nova-api"])
    assert [r.status for r in report.results] == ["copied"] * 3, [r.msg for r in report.results]
    assert report.changed and not report.failed
    for name in ("base", "keystone", "nova-api"):
        repo = "%s/%s" % (NS, name)
        body, media_type = src.manifests[(repo, TAG)]
        assert dest.manifests[(repo, TAG)] == (body, media_type)  # byte for byte
        assert src.links[repo] <= dest.links[repo]
    # 2 shared base layers + 3 configs + 2 own layers = 7 unique blobs, each uploaded exactly once.
    uploads = [p for m, p in dest.log if m == "PUT" and "/blobs/uploads/" in p]
    assert len(uploads) == 7
    assert len({p.split("digest=")[1] for p in uploads}) == 7
    mounted = sum(r.blobs_mounted for r in report.results)
    assert mounted == 4  # the two base layers into the two other repositories
    assert report.summary()["bytes"] == sum(len(b) for d, b in dest.blobs.items())

    src.log.clear()
    dest.log.clear()
    again = run(src, dest, ["base", "keystone", "nova-api"])
    assert [r.status for r in again.results] == ["skipped"] * 3
    assert not again.changed
    # One probe per side (GET /v2/), then two HEAD requests per image, nothing else.
    assert src.log[0] == ("GET", "/v2/") and dest.log[0] == ("GET", "/v2/")
    assert [m for m, _unused in src.log[1:]] == ["HEAD"] * 3 and [m for m, _unused in dest.log[1:]] == ["HEAD"] * 3


@pytest.mark.parametrize("catalog", ["open", "forbidden"])
def test_blobs_from_an_earlier_run_are_mounted_not_uploaded(catalog):
    """A later run (one more service) mounts the base layers from the repositories an earlier run filled."""
    src, dest = FakeRegistry(), FakeRegistry()
    base = kolla_set(src)
    first = run(src, dest, ["base", "keystone"])
    assert [r.status for r in first.results] == ["copied"] * 2
    if catalog == "forbidden":
        dest.fail[r"GET /v2/_catalog"] = [403] * 10
    dest.log.clear()
    # With the catalog, nova-api alone finds the base layers; without it, the run's own images lead there.
    images = ["nova-api"] if catalog == "open" else ["base", "nova-api"]
    later = run(src, dest, images)
    nova = later.results[-1]
    assert nova.status == "copied", nova.msg
    assert nova.blobs_mounted == len(base) and nova.blobs_uploaded == 2  # its config and its own layer
    uploads = [p for m, p in dest.log if m == "PUT" and "/blobs/uploads/" in p]
    assert len(uploads) == 2
    assert {sha(b) for b in base} <= dest.links[NS + "/nova-api"]
    assert dest.manifests[(NS + "/nova-api", TAG)] == src.manifests[(NS + "/nova-api", TAG)]
    # The index of earlier runs' blobs is built once per run: one catalog read (a 403 is final, never retried).
    assert dest.count("GET", "_catalog") == 1


def test_a_stale_index_entry_falls_back_to_upload():
    """The repository the index names lost the blob (deleted, garbage collected): the mount fails, it is uploaded."""
    src, dest = FakeRegistry(), FakeRegistry()
    base = kolla_set(src)
    run(src, dest, ["base"])
    dest.links[NS + "/base"].discard(sha(base[0]))  # still in base's manifest, no longer mountable
    later = run(src, dest, ["keystone"])
    r = later.results[0]
    assert r.status == "copied", r.msg
    assert r.blobs_mounted == 1 and r.blobs_uploaded == 3
    assert {sha(b) for b in base} <= dest.links[NS + "/keystone"]


def test_check_mode_reports_and_writes_nothing():
    src, dest = FakeRegistry(), FakeRegistry()
    kolla_set(src)
    report = run(src, dest, ["base", "keystone"], check_mode=True)
    assert [r.status for r in report.results] == ["would_copy"] * 2 and report.changed
    assert not dest.manifests and not dest.blobs
    assert dest.log[0] == ("GET", "/v2/") and all(m == "HEAD" for m, _unused in dest.log[1:])


def _index(src, repo, media_type=rc.MEDIA_DOCKER_LIST, arches=("amd64", "arm64", "s390x")):
    children = []
    for arch in arches:
        d = src.add_image(repo, None, [("layer-" + arch).encode() * 300])
        body, mt = src.manifests[(repo, d)]
        children.append(
            {"mediaType": mt, "digest": d, "size": len(body), "platform": {"os": "linux", "architecture": arch}}
        )
    body = json.dumps({"schemaVersion": 2, "mediaType": media_type, "manifests": children}, indent=3).encode()
    return src.add_manifest(repo, TAG, body, media_type), children


def test_index_copied_whole_digest_preserved():
    src, dest = FakeRegistry(), FakeRegistry()
    digest, children = _index(src, NS + "/multi", media_type=rc.MEDIA_OCI_INDEX)
    report = run(src, dest, ["multi"])
    r = report.results[0]
    assert r.status == "copied" and r.destination_digest == digest and r.digest_preserved
    for child in children:
        assert (NS + "/multi", child["digest"]) in dest.manifests
    # The index went last: after every child manifest.
    puts = [p for m, p in dest.log if m == "PUT" and "/manifests/" in p]
    assert puts[-1].endswith("/manifests/" + TAG) and len(puts) == 4
    # Filter that keeps every platform: still the untouched index.
    dest2 = FakeRegistry()
    r2 = run(src, dest2, ["multi"], platforms=["linux/amd64", "linux/arm64", "linux/s390x"]).results[0]
    assert r2.destination_digest == digest and r2.digest_preserved


def test_platform_filter_one_and_several():
    src = FakeRegistry()
    _unused, children = _index(src, NS + "/multi")
    dest = FakeRegistry()
    r = run(src, dest, ["multi"], platforms=["linux/arm64"]).results[0]
    assert r.status == "copied" and not r.digest_preserved
    assert r.destination_digest == children[1]["digest"]
    assert "linux/arm64" in r.msg
    assert (NS + "/multi", children[0]["digest"]) not in dest.manifests
    # Idempotent with the filter too.
    assert run(src, dest, ["multi"], platforms=["linux/arm64"]).results[0].status == "skipped"

    dest = FakeRegistry()
    r = run(src, dest, ["multi"], platforms=["linux/amd64", "linux/s390x"]).results[0]
    body, _unused = dest.manifests[(NS + "/multi", TAG)]
    kept = [c["digest"] for c in json.loads(body)["manifests"]]
    assert kept == [children[0]["digest"], children[2]["digest"]]
    assert r.destination_digest == sha(body) and "rewritten" in r.msg

    r = run(src, FakeRegistry(), ["multi"], platforms=["windows/amd64"]).results[0]
    assert r.status == "failed" and "has no manifest for windows/amd64" in r.msg


def test_corrupt_blob_is_retried_then_image_fails_alone():
    src, dest = FakeRegistry(), FakeRegistry()
    kolla_set(src)
    nova_layer = sha(b"nova" * 700)
    src.corrupt.add(nova_layer)  # corrupt once: the retry gets good bytes
    report = run(src, dest, ["nova-api"])
    assert report.results[0].status == "copied"
    assert dest.blobs[nova_layer] == b"nova" * 700

    class AlwaysCorrupt(FakeRegistry):
        def request(self, method, url, headers, body=None):
            if method == "GET" and nova_layer in url:
                self.corrupt.add(nova_layer)
            return super().request(method, url, headers, body)

    src2, dest2 = AlwaysCorrupt(), FakeRegistry()
    kolla_set(src2)
    report = run(src2, dest2, ["nova-api", "keystone", "nope"])
    status = {r.image: r for r in report.results}
    assert status["keystone"].status == "copied"
    assert status["nova-api"].status == "failed" and "digest" in status["nova-api"].msg
    assert (NS + "/nova-api", TAG) not in dest2.manifests  # no tag on an incomplete image
    assert status["nope"].status == "failed" and "not found at src registry src.test" in status["nope"].msg
    assert report.summary()["failed"] == 2 and report.summary()["copied"] == 1


def test_transient_dest_errors_are_retried():
    src, dest = FakeRegistry(), FakeRegistry()
    kolla_set(src)
    dest.fail[r"PUT .*/manifests/"] = [503, 500]
    dest.fail[r"POST .*/blobs/uploads/"] = [502]
    report = run(src, dest, ["base"])
    assert report.results[0].status == "copied", report.results[0].msg


def test_all_images_lists_catalog_under_namespace():
    src, dest = FakeRegistry(), FakeRegistry()
    kolla_set(src)
    src.add_image("other/thing", TAG, [b"x"])
    report = run(src, dest, [], all_images=True)
    assert sorted(r.image for r in report.results) == ["base", "keystone", "nova-api"]
    with pytest.raises(mm.MirrorError, match="no images"):
        run(src, dest, [])


def test_engine_source_without_an_engine_fails_clearly(tmp_path):
    with pytest.raises(rc.RegistryError, match="cannot talk to the local Docker engine"):
        sources.EngineSource(docker_host="unix://%s" % (tmp_path / "no-such.sock"))


def test_missing_image_says_whether_the_repository_or_the_tag_is_missing():
    src, dest = FakeRegistry(), FakeRegistry()
    kolla_set(src)
    report = run(src, dest, ["keystone:no-such-tag", "no-such-image"])
    by_name = {r.image: r.msg for r in report.results}
    assert "has no tag no-such-tag (it has 1 tag: %s)" % TAG in by_name["keystone:no-such-tag"]
    assert "repository openstack.kolla/no-such-image does not exist at src src.test" in by_name["no-such-image"]


def test_an_unreachable_source_fails_the_run_once_before_any_image():
    src, dest = FakeRegistry(), FakeRegistry()
    src.fail[r"GET /v2/$"] = [503] * 10
    with pytest.raises(rc.RegistryError, match="API check /v2/"):
        run(src, dest, ["base", "keystone", "nova-api"])
    assert [p for _m, p in src.log] == ["/v2/"] * 5  # the probe's own retries (4), then nothing else
    assert dest.log == []
