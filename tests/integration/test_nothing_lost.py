"""Input the test bed generator did not make before, against real registry:2 containers.

- nested repository names under the namespace (``openstack.kolla/extra/memcached``) through ``all_images``: the
  mirror, the bundle export and the archive source;
- a platform filter in front of a registry whose HEAD answers leave out the Content-Type (a real registry behind
  the test bed proxy that drops the header): the tag must point at what was copied, reported truthfully;
- a ``name@sha256:`` reference;
- a mirror run leaves no socket open (counted in /proc/self/fd), whichever worker thread opened it.
"""

from __future__ import annotations

import gc
import importlib.machinery
import importlib.util
import os
from pathlib import Path

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as bsrc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources

from tests.testbed import generator
from tests.testbed.faultproxy import FaultProxy
from tests.testbed.registries import assert_complete

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TAG = "2024.1-debian-bookworm"
NS = "openstack.kolla"


@pytest.fixture(scope="module")
def nested(registry_factory):
    """An upstream with top-level repositories and a nested namespace below openstack.kolla."""
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    reg = registry_factory.start("kp-nl-src")
    top = generator.generate(reg.host, images=["cron"], layer_size=8 * 1024, tag=TAG)
    deep = generator.generate(reg.host, namespace=NS + "/extra", images=["memcached"], layer_size=8 * 1024, tag=TAG)
    multi = generator.generate(
        reg.host, images=["fluentd"], layer_size=8 * 1024, tag=TAG, media_type="oci", multiarch=True
    )
    reg.expected = {i.repository: i.digest for i in top + deep + multi}
    assert NS + "/extra/memcached" in reg.expected
    return reg


def client(reg, side="dest"):
    return rc.RegistryClient(reg.host, side=side, scheme="http")


@pytest.mark.parametrize("dest_namespace", [None, "kolla"])
def test_all_images_copies_nested_repositories(nested, registry_factory, dest_namespace):
    dest_reg = registry_factory.start("kp-nl-dest-%s" % (dest_namespace or "same"))
    source = sources.RegistrySource(nested.host, scheme="http")
    dest = client(dest_reg)
    try:
        report = mm.mirror(
            [], source=source, dest=dest, tag=TAG, src_registry=nested.host, src_namespace=NS,
            dest_namespace=dest_namespace, all_images=True, workers=4,
        )  # fmt: skip
        assert [r.msg for r in report.failed] == []
        assert len(report.results) == len(nested.expected)
        for repo, digest in nested.expected.items():
            target = repo if dest_namespace is None else dest_namespace + repo[len(NS) :]
            assert assert_complete(dest, target, TAG) == digest, target
        assert dest.head_manifest((dest_namespace or NS) + "/extra/memcached", TAG) is not None
        assert not mm.mirror(
            [], source=source, dest=dest, tag=TAG, src_registry=nested.host, src_namespace=NS,
            dest_namespace=dest_namespace, all_images=True,
        ).changed  # fmt: skip
    finally:
        source.close()
        dest.close()


def test_bundle_of_all_images_keeps_nested_repositories(nested, registry_factory, tmp_path):
    """Export with all_images (the module's expansion), then the archive as a source with all_images."""
    source = sources.RegistrySource(nested.host, scheme="http")
    try:
        images = mm.expand_images(
            [], source, all_images=True, tag=TAG, src_registry=nested.host, src_namespace=NS
        )  # fmt: skip
        specs, bad = mm.build_specs(images, tag=TAG, src_registry=nested.host, src_namespace=NS)
        assert not bad
        mm.export_bundle(str(tmp_path / "all.tar"), specs, source, include_registry_image=False)
    finally:
        source.close()
    archive = bsrc.ArchiveSource(str(tmp_path / "all.tar"))
    assert {(i["repository"], i["digest"]) for i in archive.index["images"]} == set(nested.expected.items())
    dest_reg = registry_factory.start("kp-nl-bundle")
    dest = client(dest_reg)
    try:
        report = mm.mirror(
            [], source=archive, dest=dest, tag=TAG, src_registry="bundle.invalid", src_namespace=NS,
            all_images=True,
        )  # fmt: skip
        assert [r.msg for r in report.failed] == []
        for repo, digest in nested.expected.items():
            assert assert_complete(dest, repo, TAG) == digest
    finally:
        archive.close()
        dest.close()


@pytest.mark.parametrize(
    ("platforms", "preserved"),
    [(["linux/arm64"], False), (["linux/amd64", "linux/arm64"], True)],
)
def test_platform_filter_when_head_hides_the_media_type(nested, registry_factory, platforms, preserved):
    """The source's HEAD answers carry no Content-Type: the filter still sees the index, the tag points at what was
    copied (complete), and digest_preserved says whether the tag kept the source digest."""
    repo = NS + "/fluentd"
    index_body, _type, index_digest = client(nested, "src").get_manifest(repo, TAG)
    arm64 = next(c["digest"] for c in rc.manifest_children(index_body) if c["platform"]["architecture"] == "arm64")
    dest_reg = registry_factory.start("kp-nl-plat-%d" % len(platforms))
    dest = client(dest_reg)
    with FaultProxy(nested.host, drop_headers={"HEAD": ["Content-Type"]}).start() as proxy:
        source = sources.RegistrySource(proxy.host, scheme="http")
        try:
            assert source.client().head_manifest(repo, TAG)["media_type"] == ""
            report = mm.mirror(
                ["fluentd"], source=source, dest=dest, tag=TAG, src_registry=proxy.host, src_namespace=NS,
                platforms=platforms,
            )  # fmt: skip
        finally:
            source.close()
    (result,) = report.results
    assert result.status == mm.STATUS_COPIED, result.msg
    got = assert_complete(dest, repo, TAG)
    assert got == result.destination_digest
    assert result.digest_preserved is preserved
    assert got == (index_digest if preserved else arm64)
    dest.close()


def test_digest_reference_is_copied_by_digest(nested, registry_factory):
    repo = NS + "/cron"
    digest = nested.expected[repo]
    dest_reg = registry_factory.start("kp-nl-digest")
    dest = client(dest_reg)
    source = sources.RegistrySource(nested.host, scheme="http")
    try:
        report = mm.mirror(
            ["cron@" + digest], source=source, dest=dest, tag=None, src_registry=nested.host, src_namespace=NS
        )  # fmt: skip
    finally:
        source.close()
    (result,) = report.results
    assert result.status == mm.STATUS_COPIED and result.destination.endswith("@" + digest), result
    assert assert_complete(dest, repo, digest) == digest
    assert dest.head_manifest(repo, TAG) is None, "a copy by digest must not create a tag"
    dest.close()


def _sockets() -> set[str]:
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink("/proc/self/fd/" + fd)
        except OSError:
            continue
        if target.startswith("socket:"):
            out.add(target)
    return out


def test_a_mirror_run_leaves_no_socket_open(nested, registry_factory):
    """bin/kollaprep-mirror's main() in this process, with the garbage collector off (so nothing is closed by
    accident): every socket its worker threads opened is closed when it returns."""
    dest_reg = registry_factory.start("kp-nl-sock")
    loader = importlib.machinery.SourceFileLoader("kp_mirror_cli", str(ROOT / "bin/kollaprep-mirror"))
    spec = importlib.util.spec_from_loader("kp_mirror_cli", loader)
    cli = importlib.util.module_from_spec(spec)
    loader.exec_module(cli)
    before = _sockets()
    gc.disable()
    try:
        argv = ["--src", nested.host, "--src-insecure", "--dest", dest_reg.host, "--dest-insecure", "--tag", TAG]
        assert cli.main([*argv, "--workers", "4", "--quiet", "cron", "fluentd"]) == 0
        left = _sockets() - before
    finally:
        gc.enable()
    assert not left, "sockets left open after the run: %s" % sorted(left)
