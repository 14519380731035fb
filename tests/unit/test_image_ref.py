"""Reference parsing: Docker Hub defaults, hosts with ports, digests, namespaces, malformed input."""

from __future__ import annotations

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils._image_ref import (
    ImageRef,
    InvalidReference,
    is_valid_digest,
    parse_reference,
    validate_tag,
)

D = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        ("ubuntu", "docker.io", "library/ubuntu", None, None),
        ("ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", None),
        ("kolla/nova-api:2024.1", "docker.io", "kolla/nova-api", "2024.1", None),
        ("index.docker.io/library/busybox:1", "docker.io", "library/busybox", "1", None),
        ("quay.io/openstack.kolla/nova-api:2024.1-debian-bookworm", "quay.io", "openstack.kolla/nova-api",
         "2024.1-debian-bookworm", None),
        ("127.0.0.1:4000/openstack.kolla/keystone:t", "127.0.0.1:4000", "openstack.kolla/keystone", "t", None),
        ("localhost/x/y", "localhost", "x/y", None, None),
        ("localhost:5000/x", "localhost:5000", "x", None, None),
        ("reg.example.com:443/a/b/c@" + D, "reg.example.com:443", "a/b/c", None, D),
        ("quay.io/ns/n:tag@" + D, "quay.io", "ns/n", "tag", D),
        ("[::1]:5000/ns/img:1", "[::1]:5000", "ns/img", "1", None),
        ("my_reg__x/a-b.c", "docker.io", "my_reg__x/a-b.c", None, None),
    ],
)  # fmt: skip
def test_parse(text, registry, repository, tag, digest):
    ref = parse_reference(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag, digest)


def test_default_registry_and_tag():
    ref = parse_reference("openstack.kolla/nova-api", default_registry="127.0.0.1:5001", default_tag="t1")
    # A first component with a dot is a host, as in Docker.
    assert ref.registry == "openstack.kolla" and ref.repository == "nova-api" and ref.tag == "t1"
    ref = parse_reference("kolla/nova-api", default_registry="127.0.0.1:5001", default_tag="t1")
    assert ref == ImageRef("127.0.0.1:5001", "kolla/nova-api", "t1", None)
    assert ref.reference == "t1" and ref.name == "nova-api" and ref.namespace == "kolla"
    # No library/ prefix outside Docker Hub.
    assert parse_reference("busybox", default_registry="127.0.0.1:5001").repository == "busybox"


def test_digest_wins_as_reference_and_str_round_trip():
    ref = parse_reference("quay.io/ns/n:tag@" + D)
    assert ref.reference == D
    assert str(ref) == "quay.io/ns/n:tag@" + D
    assert parse_reference(str(ref)) == ref


def test_docker_hub_api_host():
    assert parse_reference("busybox").api_host == "registry-1.docker.io"
    assert parse_reference("quay.io/a/b").api_host == "quay.io"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "UPPER/case",  # a host-looking first part must then be a valid domain, and 'case' is fine, but:
        "quay.io/Ns/img",
        "quay.io/ns/img:bad tag",
        "quay.io/ns/img:-dash",
        "quay.io/ns//img",
        "quay.io/ns/img@sha256:abc",
        "quay.io/ns/img@sha256:" + "A" * 64,
        "quay.io/ns/img@md5",
        "quay.io/ns/img:" + "t" * 129,
        "quay.io/" + "a" * 256,
        "bad_host!/x",
        "ns/img:",
    ],
)
def test_bad_references(text):
    if text == "UPPER/case":
        # Docker reads an upper-case first component as a host name; it parses, it is just not Docker Hub.
        assert parse_reference(text).registry == "UPPER"
        return
    with pytest.raises(InvalidReference) as err:
        parse_reference(text)
    assert "invalid reference" in str(err.value)


def test_digest_and_tag_validation():
    assert is_valid_digest(D)
    assert not is_valid_digest("sha256:" + "a" * 63)
    assert is_valid_digest("sha512:" + "b" * 128)
    assert validate_tag("2024.1-debian-bookworm") == "2024.1-debian-bookworm"
    with pytest.raises(InvalidReference):
        validate_tag(".hidden")
