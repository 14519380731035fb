"""What an operator checks after site.yml: the registry answers, the targets trust it and pull by digest."""

import json
import os

import pytest
import testinfra

REGISTRY = "kp-mn-deploy:4000"
TARGETS = ["kp-mn-control1", "kp-mn-compute1", "kp-mn-storage1"]
MINIMAL = [
    "cron",
    "kolla-toolbox",
    "fluentd",
    "haproxy",
    "keepalived",
    "mariadb-server",
    "memcached",
    "rabbitmq",
    "keystone",
    "keystone-fernet",
    "keystone-ssh",
]
TAG = "2024.1-debian-bookworm"
ACCEPT = (
    "application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json,"
    "application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json"
)

testinfra_hosts = ["kp-mn-deploy"]


def digest(host, repo, ref, registry):
    out = host.check_output(f"curl -sfI -H 'Accept: {ACCEPT}' http://{registry}/v2/{repo}/manifests/{ref}")
    for line in out.splitlines():
        if line.lower().startswith("docker-content-digest:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no digest for {repo}:{ref} in {out}")


def test_registry_container_runs_on_host_network(host):
    with host.sudo():
        info = json.loads(host.check_output("docker inspect registry"))[0]
    assert info["State"]["Running"]
    assert info["HostConfig"]["NetworkMode"] == "host"
    assert info["HostConfig"]["RestartPolicy"]["Name"] == "always"
    assert host.socket("tcp://0.0.0.0:4000").is_listening or any(
        s.endswith(":4000") for s in host.check_output("ss -Htln").split()
    )


def test_every_image_of_the_profile_is_mirrored_with_the_upstream_digest(host):
    for name in MINIMAL:
        repo = f"openstack.kolla/{name}"
        assert digest(host, repo, TAG, REGISTRY) == digest(host, repo, TAG, "kp-mn-upstream:5000"), name


@pytest.mark.parametrize("target", TARGETS)
def test_target_trusts_registry_and_pulls_by_digest(host, target):
    t = testinfra.get_host(f"ansible://{target}?ansible_inventory={os.environ['MOLECULE_INVENTORY_FILE']}")
    config = json.loads(t.file("/etc/docker/daemon.json").content_string)
    assert REGISTRY in config["insecure-registries"]
    assert config["live-restore"] is True
    assert t.service("docker").is_running
    dig = digest(host, "openstack.kolla/memcached", TAG, REGISTRY)
    t.check_output(f"docker pull {REGISTRY}/openstack.kolla/memcached@{dig}")
    assert f"{REGISTRY}/openstack.kolla/memcached@{dig}" in t.check_output(
        f"docker image inspect --format '{{{{json .RepoDigests}}}}' {REGISTRY}/openstack.kolla/memcached@{dig}"
    )
    # warm-up pulled the configured images
    assert t.check_output(f"docker image ls -q {REGISTRY}/openstack.kolla/keystone:{TAG}")


def test_globals_fragment_hands_registry_to_kolla():
    local = testinfra.get_host("local://")
    path = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "globals.d/kollaprep-registry.yml")
    content = local.file(path).content_string
    assert f'docker_registry: "{REGISTRY}"' in content
    assert 'docker_namespace: "openstack.kolla"' in content
    assert "docker_registry_insecure: true" in content


@pytest.mark.parametrize("target", TARGETS)
def test_target_pulls_the_engine_built_image_by_its_digest(host, target):
    """side_effect.yml built an image in the deployment host's engine and mirrored it with source=engine."""
    pushed = json.loads(host.file("/root/kp-engine.json").content_string)
    assert digest(host, pushed["repository"], pushed["tag"], REGISTRY) == pushed["digest"]
    t = testinfra.get_host(f"ansible://{target}?ansible_inventory={os.environ['MOLECULE_INVENTORY_FILE']}")
    ref = f"{REGISTRY}/{pushed['repository']}@{pushed['digest']}"
    t.check_output(f"docker pull {ref}")
    read = f"c=$(docker create {ref} /none) && docker cp $c:/kolla-build-output.txt - | tar -xO; docker rm $c"
    assert "second build" in t.check_output(f"sh -c '{read}'")
