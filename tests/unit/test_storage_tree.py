"""The storage-tree paths and the prune plan, on trees written here the way Distribution lays them out."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _storage_tree as st

HEX = "a" * 64
DIGEST = "sha256:" + HEX
INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def test_storage_tree_paths_match_distribution_layout():
    assert st.blob_path(DIGEST) == "docker/registry/v2/blobs/sha256/aa/%s/data" % HEX
    repo = "openstack.kolla/nova-api"
    root = "docker/registry/v2/repositories/openstack.kolla/nova-api"
    assert st.layer_link_path(repo, DIGEST) == root + "/_layers/sha256/%s/link" % HEX
    assert st.revision_link_path(repo, DIGEST) == root + "/_manifests/revisions/sha256/%s/link" % HEX
    assert (
        st.tag_link_path(repo, "2024.1-debian-bookworm")
        == root + "/_manifests/tags/2024.1-debian-bookworm/current/link"
    )
    assert st.tag_index_link_path(repo, "t1", DIGEST) == root + "/_manifests/tags/t1/index/sha256/%s/link" % HEX
    assert st.link_body(DIGEST) == DIGEST.encode()  # no newline, like Distribution


@pytest.mark.parametrize(
    "call",
    [
        lambda: st.blob_path("sha256:abc"),
        lambda: st.blob_path("sha512:" + "a" * 128),
        lambda: st.blob_path("sha256:" + "A" * 64),
        lambda: st.layer_link_path("../etc", DIGEST),
        lambda: st.layer_link_path("Upper/case", DIGEST),
        lambda: st.tag_link_path("ns/x", "../../x"),
        lambda: st.tag_link_path("ns/x", ".hidden"),
    ],
)
def test_paths_refuse_bad_names(call):
    with pytest.raises(st.TreeError):
        call()


class Tree:
    """A storage tree written by hand: blobs, revisions, tags (with their index history)."""

    def __init__(self, root):
        self.root = str(root)

    def _write(self, rel, data: bytes):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)

    def manifest(self, repo, doc, tag=None) -> str:
        body = json.dumps(doc).encode()
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        self._write(st.blob_path(digest), body)
        self._write(st.revision_link_path(repo, digest), st.link_body(digest))
        if tag:
            self._write(st.tag_link_path(repo, tag), st.link_body(digest))
            self._write(st.tag_index_link_path(repo, tag, digest), st.link_body(digest))
        return digest

    def image(self, repo, seed, tag=None) -> str:
        layer = "sha256:" + hashlib.sha256(seed.encode()).hexdigest()
        return self.manifest(repo, {"mediaType": MANIFEST, "layers": [{"digest": layer}]}, tag)

    def index(self, repo, children, tag=None) -> str:
        return self.manifest(repo, {"mediaType": INDEX, "manifests": [{"digest": c} for c in children]}, tag)


def test_plan_keeps_everything_a_tag_reaches_and_nothing_else(tmp_path):
    tree = Tree(tmp_path)
    ns = "openstack.kolla/extra/memcached"  # nested below the namespace
    amd, arm = tree.image(ns, "amd64"), tree.image(ns, "arm64")
    tree.index(ns, [amd, arm], tag="2024.1")
    nested_child = tree.image(ns, "nested")
    inner = tree.index(ns, [nested_child])
    tree.index(ns, [inner], tag="nested")  # an index of an index
    old = tree.image("openstack.kolla/cron", "old", tag="t")
    new = tree.image("openstack.kolla/cron", "new")
    tree._write(st.tag_link_path("openstack.kolla/cron", "t"), st.link_body(new))  # tag overwritten
    orphan = tree.image("openstack.kolla/cron", "orphan")
    protected = tree.image("openstack.kolla/cron", "by-digest")

    plan = st.plan_prune(str(tmp_path), protect=[protected])
    assert st.repositories(str(tmp_path)) == ["openstack.kolla/cron", ns]
    assert sorted((o.repository, o.digest) for o in plan.orphans) == sorted(
        [("openstack.kolla/cron", old), ("openstack.kolla/cron", orphan)]
    )
    assert plan.summary()["kept"] == 10 - 2  # 4 in cron, 6 in memcached
    st.prune(str(tmp_path), plan.orphans)
    assert sorted(st.revisions(str(tmp_path), "openstack.kolla/cron")) == sorted([new, protected])
    history = tmp_path / st.tag_index_link_path("openstack.kolla/cron", "t", old)
    assert not history.exists(), "the tag's history entry of a pruned manifest stays"
    assert st.plan_prune(str(tmp_path), protect=[protected]).orphans == []
    assert (tmp_path / st.blob_path(old)).exists(), "blobs are garbage-collect's to free"


def test_unreadable_manifest_keeps_its_repository_whole(tmp_path):
    tree = Tree(tmp_path)
    child = tree.image("ns/x", "child")
    lost = tree.index("ns/x", [child])
    tree.image("ns/y", "orphan")
    os.remove(tmp_path / st.blob_path(lost))
    plan = st.plan_prune(str(tmp_path))
    assert [o.repository for o in plan.orphans] == ["ns/y"]
    assert plan.unreadable == ["ns/x"] and plan.summary()["kept"] == 2


def test_no_tree_is_an_error(tmp_path):
    with pytest.raises(st.TreeError, match="no registry storage tree"):
        st.plan_prune(str(tmp_path))
