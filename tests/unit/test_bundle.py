"""Offline bundles without a registry: storage-tree paths, index/sums/trailer, corruption and truncation detection
on crafted archives, import into a data dir (idempotence, tag re-pointing, resumable staging) and the archive
source of the mirror."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _bundle_format as b
from ansible_collections.kollaprep.registry.plugins.module_utils import _bundle_import as bi
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as bsrc
from ansible_collections.kollaprep.registry.plugins.module_utils._image_ref import ImageRef
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import (
    MEDIA_DOCKER_MANIFEST,
    DigestMismatch,
)

HEX = "a" * 64
DIGEST = "sha256:" + HEX


# ------------------------------------------------------------------------------------------------ fixtures


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _manifest(config: bytes, layers: list[bytes]) -> bytes:
    doc = {
        "schemaVersion": 2,
        "mediaType": MEDIA_DOCKER_MANIFEST,
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": len(config),
            "digest": _digest(config),
        },
        "layers": [
            {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": len(x), "digest": _digest(x)}
            for x in layers
        ],
    }
    return json.dumps(doc, indent=3).encode()


class _Stream:
    def __init__(self, data: bytes):
        self._buf = io.BytesIO(data)
        self.length = len(data)
        self.closed = None

    def read(self, n=-1):
        return self._buf.read(n)

    def close(self, broken=False):
        self.closed = "broken" if broken else "clean"


def make_set(names=("base", "cron", "keystone"), tag="2024.1", seed=b"s"):
    """An index, its manifests and its blobs: every image shares the 'base' layer, each adds one of its own."""
    base_layer = hashlib.sha512(seed + b"base").digest() * 300  # ~19 KB
    blobs: dict[str, bytes] = {_digest(base_layer): base_layer}
    manifests: dict[str, bytes] = {}
    images = []
    for name in names:
        own = hashlib.sha512(seed + name.encode()).digest() * 200
        config = json.dumps({"architecture": "amd64", "os": "linux", "name": name}).encode()
        body = _manifest(config, [base_layer, own])
        for x in (own, config):
            blobs[_digest(x)] = x
        manifests[_digest(body)] = body
        images.append(
            {
                "repository": "openstack.kolla/" + name,
                "tag": tag,
                "digest": _digest(body),
                "media_type": MEDIA_DOCKER_MANIFEST,
                "manifests": [_digest(body)],
                "blobs": [_digest(config), _digest(base_layer), _digest(own)],
                "source": "up/openstack.kolla/%s:%s" % (name, tag),
            }
        )
    sizes = {d: len(x) for d, x in blobs.items()} | {d: len(x) for d, x in manifests.items()}
    index = {"format": b.FORMAT, "images": images, "blobs": dict(sorted(sizes.items())), "registry_image": None}
    return b.validate_index(index), manifests, blobs


def write(path, index, manifests, blobs, image_file=None):
    return b.write_bundle(str(path), index, manifests, lambda d: _Stream(blobs[d]), image_file)


@pytest.fixture
def bundle(tmp_path):
    index, manifests, blobs = make_set()
    path = tmp_path / "bundle.tar"
    write(path, index, manifests, blobs)
    return path, index, manifests, blobs


def snapshot(root) -> dict:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            data = open(full, "rb").read() if os.path.isfile(full) else b""
            out[os.path.relpath(full, root)] = (st.st_mode, st.st_size, st.st_mtime_ns, hashlib.sha256(data).digest())
    return out


def members(path) -> list[str]:
    with tarfile.open(path) as tar:
        return tar.getnames()


def rewrite(src, dst, *, drop=(), change=None):
    """Copy a tar member by member, dropping some and changing the data of one (name -> new bytes)."""
    with tarfile.open(src) as tin, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as tout:
        for info in tin.getmembers():
            if info.name in drop:
                continue
            data = tin.extractfile(info).read()
            if change and info.name in change:
                data = change[info.name](data)
            info.size = len(data)
            tout.addfile(info, io.BytesIO(data))


def test_tree_files_shared_blob_once_and_tags_last():
    index = make_set()[0]
    files = b.tree_files(index)
    kinds = [f.kind for f in files]
    # Placement order: blobs, layer links, revisions, tag index, tag current.
    assert kinds == sorted(kinds, key=b.PLACE_ORDER.index)
    blob_files = [f for f in files if f.kind == b.KIND_BLOB]
    assert len(blob_files) == len(index["blobs"]) == 3 * 3 + 1  # own layer, config, manifest per image + shared base
    assert len({f.path for f in files}) == len(files)
    assert sum(f.kind == b.KIND_LAYER_LINK for f in files) == 3 * 3  # base linked in every repository
    assert sum(f.kind == b.KIND_TAG_LINK for f in files) == 3


def test_validate_index_refuses_inconsistencies():
    index = make_set()[0]
    bad = json.loads(json.dumps(index))
    bad["images"][0]["blobs"].append("sha256:" + "b" * 64)
    with pytest.raises(b.BundleCorrupt, match="does not list"):
        b.validate_index(bad)
    with pytest.raises(b.BundleCorrupt, match="format"):
        b.validate_index({"format": "other"})


# ------------------------------------------------------------------------------------------------ archive


def test_member_order_index_first_trailer_last(bundle):
    path, index = bundle[:2]
    names = members(path)
    assert names[:2] == [b.INDEX_MEMBER, b.SUMS_MEMBER]
    assert names[-1] == b.TRAILER_MEMBER
    assert set(names[2:-1]) == set(b.expected_members(index))
    with tarfile.open(path) as tar:
        trailer = json.load(tar.extractfile(b.TRAILER_MEMBER))
        index_bytes = tar.extractfile(b.INDEX_MEMBER).read()
        sums = b.parse_sums(tar.extractfile(b.SUMS_MEMBER).read())
        blob = tar.extractfile(b.DATA_PREFIX + b.blob_path(index["images"][0]["digest"])).read()
    assert trailer["index_sha256"] == hashlib.sha256(index_bytes).hexdigest()
    assert trailer["members"] == len(names) - 1
    assert trailer["blobs"] == len(index["blobs"])
    # Blob lines of SHA256SUMS are their digests (content addressed).
    assert sums[b.DATA_PREFIX + b.blob_path(index["images"][0]["digest"])] == hashlib.sha256(blob).hexdigest()
    report = bi.verify_bundle(str(path))
    assert report.bytes_verified == sum(index["blobs"].values()) + sum(
        len(f.content) for f in b.tree_files(index) if f.content
    )


def test_export_refuses_a_blob_that_does_not_match(tmp_path):
    index, manifests, blobs = make_set()
    victim = index["images"][1]["blobs"][2]
    blobs[victim] = blobs[victim][:-1] + b"X"
    with pytest.raises(DigestMismatch, match=victim):
        write(tmp_path / "x.tar", index, manifests, blobs)
    assert list(tmp_path.iterdir()) == []  # no archive, no .part left


@pytest.mark.parametrize("where", ["half", "before-trailer", "mid-header", "first-member"])
def test_truncated_archive_refused_and_data_untouched(bundle, tmp_path, where):
    path = bundle[0]
    data = path.read_bytes()
    with tarfile.open(path) as tar:
        infos = tar.getmembers()
    cut = {
        "half": len(data) // 2,
        "before-trailer": infos[-1].offset,
        "mid-header": infos[-1].offset + 100,
        "first-member": 300,
    }[where]
    broken = tmp_path / "broken.tar"
    broken.write_bytes(data[:cut])
    data_dir = tmp_path / "data"
    (data_dir / "docker/registry/v2").mkdir(parents=True)
    (data_dir / "docker/registry/v2/keep").write_text("precious")
    before = snapshot(data_dir)
    with pytest.raises(b.BundleCorrupt) as err:
        bi.Importer(str(broken), str(data_dir), load_registry_image=False).run()
    assert "truncated" in str(err.value) or "not a kollaprep bundle" in str(err.value) or "not a tar" in str(err.value)
    assert snapshot(data_dir) == before
    with pytest.raises(b.BundleCorrupt):
        bi.verify_bundle(str(broken))


def test_missing_trailer_refused(bundle, tmp_path):
    path = bundle[0]
    broken = tmp_path / "notrailer.tar"
    rewrite(path, broken, drop={b.TRAILER_MEMBER})
    with pytest.raises(b.BundleCorrupt, match=r"without the trailer kollaprep-bundle\.json"):
        bi.verify_bundle(str(broken))


def test_missing_member_refused(bundle, tmp_path):
    path, index = bundle[:2]
    victim = b.DATA_PREFIX + b.blob_path(index["images"][2]["blobs"][2])
    broken = tmp_path / "missing.tar"
    rewrite(path, broken, drop={victim})
    with pytest.raises(b.BundleCorrupt, match="members"):
        bi.verify_bundle(str(broken))


def test_corrupt_blob_refused_naming_it_and_data_untouched(bundle, tmp_path):
    path, index = bundle[:2]
    victim = b.DATA_PREFIX + b.blob_path(index["images"][2]["blobs"][2])
    broken = tmp_path / "corrupt.tar"
    rewrite(path, broken, change={victim: lambda d: d[:100] + bytes([d[100] ^ 1]) + d[101:]})
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "sentinel").write_text("x")
    before = snapshot(data_dir)
    with pytest.raises(b.BundleCorrupt, match=victim.split("/")[-2]):
        bi.Importer(str(broken), str(data_dir), load_registry_image=False).run()
    assert snapshot(data_dir) == before  # staging removed too
    with pytest.raises(b.BundleCorrupt, match="corrupt"):
        bi.verify_bundle(str(broken))


def test_tampered_index_refused(bundle, tmp_path):
    path = bundle[0]
    broken = tmp_path / "tampered.tar"
    rewrite(path, broken, change={b.INDEX_MEMBER: lambda d: d.replace(b'"up/', b'"UP/')})
    with pytest.raises(b.BundleCorrupt, match="index checksum"):
        bi.verify_bundle(str(broken))
    # A change that moves a tag is caught before that: SHA256SUMS no longer matches the index.
    rewrite(path, broken, change={b.INDEX_MEMBER: lambda d: d.replace(b'"2024.1"', b'"2024.2"')})
    with pytest.raises(b.BundleCorrupt, match=r"SHA256SUMS does not match index\.json"):
        bi.verify_bundle(str(broken))


def test_not_a_bundle(tmp_path):
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.addfile(tarfile.TarInfo("hello"), io.BytesIO(b""))
    with pytest.raises(b.BundleCorrupt, match="not a kollaprep bundle"):
        bi.verify_bundle(str(other))
    junk = tmp_path / "junk.tar"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(b.BundleCorrupt):
        bi.verify_bundle(str(junk))


# ------------------------------------------------------------------------------------------------ import


def test_import_check_mode_then_real_then_again(bundle, tmp_path):
    path, index, manifests, blobs = bundle
    data_dir = tmp_path / "data"
    check = bi.Importer(str(path), str(data_dir), check_mode=True, load_registry_image=False).run()
    assert check.changed and check.files_placed == len(b.tree_files(index))
    assert not data_dir.exists()
    real = bi.Importer(str(path), str(data_dir), load_registry_image=False).run()
    assert real.changed and real.files_placed == check.files_placed
    for digest, data in list(blobs.items()) + list(manifests.items()):
        assert (data_dir / b.blob_path(digest)).read_bytes() == data
    for img in index["images"]:
        assert (data_dir / b.tag_link_path(img["repository"], img["tag"])).read_bytes() == img["digest"].encode()
    assert not (data_dir / b.STAGING_DIR).exists()
    again = bi.Importer(str(path), str(data_dir), load_registry_image=False).run()
    assert not again.changed and again.files_placed == 0 and again.bytes_verified == 0
    assert not bi.Importer(str(path), str(data_dir), check_mode=True, load_registry_image=False).run().changed


def test_import_on_top_keeps_existing_data_and_repoints_tag(bundle, tmp_path):
    path, index = bundle[:2]
    old_index, old_manifests, old_blobs = make_set(names=("base", "nova-api"), seed=b"old")
    old = tmp_path / "old.tar"
    write(old, old_index, old_manifests, old_blobs)
    data_dir = tmp_path / "data"
    bi.Importer(str(old), str(data_dir), load_registry_image=False).run()
    before = snapshot(data_dir)
    report = bi.Importer(str(path), str(data_dir), load_registry_image=False).run()
    after = snapshot(data_dir)
    base_tag = b.tag_link_path("openstack.kolla/base", "2024.1")
    # Every file that was there is still there, unchanged, except the re-pointed tag.
    for rel, meta in before.items():
        assert rel in after
        if rel != base_tag and not rel.endswith("/current"):
            assert after[rel][3] == meta[3], rel
    assert [t["link"] for t in report.tags_changed] == [base_tag]
    assert report.tags_changed[0]["before"] == old_index["images"][0]["digest"]
    assert (data_dir / base_tag).read_bytes() == index["images"][0]["digest"].encode()
    # The old revision is still there: nothing deleted.
    assert (data_dir / b.revision_link_path("openstack.kolla/base", old_index["images"][0]["digest"])).exists()


def test_damaged_existing_blob_is_not_overwritten(bundle, tmp_path):
    path, index = bundle[:2]
    data_dir = tmp_path / "data"
    digest = index["images"][0]["blobs"][2]
    target = data_dir / b.blob_path(digest)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"short")
    with pytest.raises(b.BundleError, match="damaged"):
        bi.Importer(str(path), str(data_dir), load_registry_image=False).run()
    assert target.read_bytes() == b"short"


class _Killed(BaseException):
    pass


def _kill_after(phase, n):
    seen = []

    def hook(p, name):
        if p == phase:
            seen.append(name)
            if len(seen) > n:
                raise _Killed(name)

    return hook


def test_interrupted_staging_is_reused(bundle, tmp_path):
    path, index = bundle[:2]
    data_dir = tmp_path / "data"
    stale = data_dir / b.STAGING_DIR / "0123456789abcdef"
    stale.mkdir(parents=True)
    (stale / "junk").write_text("left by another bundle")
    with pytest.raises(_Killed):
        bi.Importer(str(path), str(data_dir), load_registry_image=False, hook=_kill_after("stage", 5)).run()
    assert not stale.exists()  # other bundles' staging is cleaned
    staged = [p for p in (data_dir / b.STAGING_DIR).rglob("*") if p.is_file()]
    assert len(staged) == 5
    assert not (data_dir / "docker").exists()  # nothing placed yet
    report = bi.Importer(str(path), str(data_dir), load_registry_image=False).run()
    assert report.staging_reused == 5
    assert report.files_placed == len(b.tree_files(index))
    assert not (data_dir / b.STAGING_DIR).exists()


def test_interrupted_placement_is_finished(bundle, tmp_path):
    path, index = bundle[:2]
    data_dir = tmp_path / "data"
    with pytest.raises(_Killed):
        bi.Importer(str(path), str(data_dir), load_registry_image=False, hook=_kill_after("place", 7)).run()
    # Blobs go first: no tag points at anything yet.
    assert list((data_dir / "docker").rglob("data"))
    assert not list((data_dir / "docker").rglob("current"))
    report = bi.Importer(str(path), str(data_dir), load_registry_image=False).run()
    assert report.changed and report.files_present == 7
    assert report.files_placed == len(b.tree_files(index)) - 7
    assert not bi.Importer(str(path), str(data_dir), load_registry_image=False).run().changed


# ------------------------------------------------------------------------------------------------ mirror source


def test_archive_source(bundle):
    path, index, manifests, blobs = bundle
    src = bsrc.ArchiveSource(str(path))
    try:
        img = index["images"][1]
        ref = ImageRef(registry="bundle.invalid", repository=img["repository"], tag=img["tag"])
        head = src.head_manifest(ref)
        assert head["digest"] == img["digest"] and head["media_type"] == MEDIA_DOCKER_MANIFEST
        body, _media, digest = src.get_manifest(ref, img["digest"])
        assert body == manifests[img["digest"]] and digest == img["digest"]
        assert src.head_manifest(ref.with_tag("nope")) is None
        stream = src.open_blob(ref, img["blobs"][2])
        got = b"".join(iter(lambda: stream.read(1000), b""))
        assert got == blobs[img["blobs"][2]] and stream.length == len(got)
        assert src.list_repositories("openstack.kolla") == sorted(i["repository"] for i in index["images"])
    finally:
        src.close()


def test_archive_source_catches_corrupt_blob(bundle, tmp_path):
    path, index = bundle[:2]
    img = index["images"][0]
    victim = b.DATA_PREFIX + b.blob_path(img["blobs"][2])
    broken = tmp_path / "corrupt.tar"
    rewrite(path, broken, change={victim: lambda d: b"\0" + d[1:]})
    src = bsrc.ArchiveSource(str(broken))
    try:
        stream = src.open_blob(None, img["blobs"][2])
        with pytest.raises(DigestMismatch, match="corrupt"):
            while stream.read(4096):
                pass
    finally:
        src.close()
