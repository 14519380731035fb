"""Errors that point at the fix, against real registry:2 containers: a TLS registry spoken to in plain HTTP and the
other way round, a certificate nobody trusts, an unreachable source (one probe for the run, not a retry budget per
image), a missing repository and a missing tag."""

from __future__ import annotations

import os
import socket

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources

from tests.testbed import generator

pytestmark = pytest.mark.integration

TAG = "2024.1-debian-bookworm"
NS = "openstack.kolla"


@pytest.fixture(scope="module")
def plain(registry_factory):
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    reg = registry_factory.start("kp-err-plain")
    generator.generate(reg.host, images=["cron"], layer_size=4096, tag=TAG)
    return reg


@pytest.fixture(scope="module")
def tls(registry_factory):
    return registry_factory.start("kp-err-tls", tls=True)


def _run(src_host, dest, images, **src_options):
    source = sources.RegistrySource(src_host, **src_options)
    try:
        return mm.mirror(images, source=source, dest=dest, tag=TAG, src_registry=src_host, src_namespace=NS)
    finally:
        source.close()


def test_https_to_a_plain_registry_says_set_scheme_http(plain, tls):
    dest = rc.RegistryClient(tls.host, side="dest", ca_path=str(tls.ca_path))
    with pytest.raises(rc.Unreachable, match="plain HTTP, not HTTPS: set src_scheme=http"):
        _run(plain.host, dest, ["cron"], scheme="https", retries=4)


def test_plain_http_to_a_tls_registry_says_set_scheme_https(plain, tls):
    dest = rc.RegistryClient(tls.host, side="dest", scheme="http")
    with pytest.raises(rc.Unreachable, match="HTTPS, not plain HTTP: set dest_scheme=https"):
        _run(plain.host, dest, ["cron"], scheme="http")


def test_an_untrusted_certificate_says_set_ca_path(plain, tls):
    dest = rc.RegistryClient(tls.host, side="dest")  # the system CAs do not know the test CA
    with pytest.raises(rc.Unreachable, match=r"certificate is not trusted .*set dest_ca_path"):
        _run(plain.host, dest, ["cron"], scheme="http")


def test_an_unreachable_source_fails_once_before_any_image(plain, tls):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = "127.0.0.1:%d" % s.getsockname()[1]  # bound, not listening: connection refused
        dest = rc.RegistryClient(plain.host, side="dest", scheme="http")
        source = sources.RegistrySource(dead, scheme="http", retries=2, backoff=0.01)
        with pytest.raises(rc.Unreachable, match="src registry %s is unreachable" % dead):
            mm.mirror(["cron", "base", "keystone"], source=source, dest=dest, tag=TAG, src_registry=dead,
                      src_namespace=NS)  # fmt: skip
        assert source.client().stats["requests"] == 3  # the probe and its 2 retries, no image tried


def test_missing_repository_and_missing_tag_are_told_apart(plain, registry_factory):
    dest_reg = registry_factory.start("kp-err-dest")
    dest = rc.RegistryClient(dest_reg.host, side="dest", scheme="http")
    report = _run(plain.host, dest, ["cron:2023.2-debian-bookworm", "no-such-image"], scheme="http")
    msgs = {r.image: r.msg for r in report.results}
    assert "has no tag 2023.2-debian-bookworm (it has 1 tag: %s)" % TAG in msgs["cron:2023.2-debian-bookworm"]
    assert "repository openstack.kolla/no-such-image does not exist" in msgs["no-such-image"]
