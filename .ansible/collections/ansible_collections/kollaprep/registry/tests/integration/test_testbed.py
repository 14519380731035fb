"""The test bed itself: a push and a pull through a real registry:2 container with the real engine."""

import subprocess

import pytest

pytestmark = pytest.mark.integration

DOCKER = "/usr/bin/docker"


def test_registry_image_behaves_like_upstream(testbed):
    out = subprocess.run(
        [
            DOCKER,
            "image",
            "inspect",
            "--format",
            "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Volumes}}",
            "registry:2",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert '["/entrypoint.sh"]' in out
    assert '["/etc/docker/registry/config.yml"]' in out
    assert "/var/lib/registry" in out


def test_push_and_pull_through_real_registry(registry_factory):
    reg = registry_factory.start("pushpull")
    ref = f"{reg.host}/testbed/registry:probe"
    subprocess.run([DOCKER, "tag", "registry:2", ref], check=True)
    try:
        subprocess.run([DOCKER, "push", ref], check=True, capture_output=True)
        subprocess.run([DOCKER, "rmi", ref], check=True, capture_output=True)
        subprocess.run([DOCKER, "pull", ref], check=True, capture_output=True)
        repo_digests = subprocess.run(
            [DOCKER, "image", "inspect", "--format", "{{json .RepoDigests}}", ref],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert f"{reg.host}/testbed/registry@sha256:" in repo_digests
        assert any((reg.storage / "docker/registry/v2/repositories/testbed/registry").iterdir())
    finally:
        subprocess.run([DOCKER, "rmi", ref], capture_output=True, check=False)


def test_tls_and_auth_registry(registry_factory):
    import ssl
    import urllib.error
    import urllib.request

    reg = registry_factory.start("tlsauth", tls=True, auth={"kolla": "s3cret"})
    ctx = ssl.create_default_context(cafile=str(reg.ca_path))
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{reg.url}/v2/", context=ctx)
    assert exc.value.code == 401
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{reg.url}/v2/", context=ssl.create_default_context())
