"""What an operator checks after site.yml: the registry answers, the targets trust it and pull by digest."""

import json
import os

import pytest
import testinfra

testinfra_hosts = ["deployment"]
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


def inventory_hosts(group):
    """The hosts of a group of the scenario's inventory (names carry the run suffix: never written here)."""
    return testinfra.get_hosts([group], connection="ansible", ansible_inventory=os.environ["MOLECULE_INVENTORY_FILE"])


TARGETS = inventory_hosts("targets")


@pytest.fixture(scope="module")
def site(host):
    """The scenario's inventory variables (molecule.yml group_vars, literal strings)."""
    return host.ansible.get_variables()


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


def test_every_image_of_the_profile_is_mirrored_with_the_upstream_digest(host, site):
    for name in MINIMAL:
        repo = f"openstack.kolla/{name}"
        assert digest(host, repo, TAG, site["kollaprep_registry"]) == digest(
            host, repo, TAG, site["kollaprep_upstream"]
        ), name


@pytest.mark.parametrize("t", TARGETS, ids=lambda t: t.backend.get_pytest_id())
def test_target_trusts_registry_and_pulls_by_digest(host, site, t):
    registry = site["kollaprep_registry"]
    config = json.loads(t.file("/etc/docker/daemon.json").content_string)
    assert registry in config["insecure-registries"]
    assert config["live-restore"] is True
    assert t.service("docker").is_running
    dig = digest(host, "openstack.kolla/memcached", TAG, registry)
    t.check_output(f"docker pull {registry}/openstack.kolla/memcached@{dig}")
    assert f"{registry}/openstack.kolla/memcached@{dig}" in t.check_output(
        f"docker image inspect --format '{{{{json .RepoDigests}}}}' {registry}/openstack.kolla/memcached@{dig}"
    )
    # The converge warm-up is checked by side_effect.yml on an image verify.yml does not pull (by the time this runs,
    # the load test has pulled every image anyway: a presence check here could not fail).


def test_globals_fragment_hands_registry_to_kolla(site):
    registry = site["kollaprep_registry"]
    local = testinfra.get_host("local://")
    path = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "globals.d/kollaprep-registry.yml")
    content = local.file(path).content_string
    assert f'docker_registry: "{registry}"' in content
    assert 'docker_namespace: "openstack.kolla"' in content
    assert "docker_registry_insecure: true" in content


@pytest.mark.parametrize("t", TARGETS, ids=lambda t: t.backend.get_pytest_id())
def test_target_pulls_the_engine_built_image_by_its_digest(host, site, t):
    """side_effect.yml built an image in the deployment host's engine and mirrored it with source=engine."""
    registry = site["kollaprep_registry"]
    pushed = json.loads(host.file("/root/kp-engine.json").content_string)
    assert digest(host, pushed["repository"], pushed["tag"], registry) == pushed["digest"]
    ref = f"{registry}/{pushed['repository']}@{pushed['digest']}"
    t.check_output(f"docker pull {ref}")
    read = f"c=$(docker create {ref} /none) && docker cp $c:/kolla-build-output.txt - | tar -xO; docker rm $c"
    assert "second build" in t.check_output(f"sh -c '{read}'")
