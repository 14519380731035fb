"""What an operator checks after site.yml: the registry answers, the targets trust it and pull by digest."""

import base64
import json
import os
import shlex

import pytest
import testinfra
from registry_auth import ACCEPT, cacert, curl, granted, token

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


def inventory_hosts(group):
    """The hosts of a group of the scenario's inventory (names carry the run suffix: never written here)."""
    return testinfra.get_hosts([group], connection="ansible", ansible_inventory=os.environ["MOLECULE_INVENTORY_FILE"])


TARGETS = inventory_hosts("targets")


@pytest.fixture(scope="module")
def site(host):
    """The scenario's inventory variables (molecule.yml group_vars, literal strings)."""
    return host.ansible.get_variables()


def push_token(host, site, repos):
    """A pull token for repos as the push account (an admin)."""
    scopes = [f"repository:{r}:pull" for r in repos]
    return token(
        host,
        site["kollaprep_registry"],
        scopes,
        site["kollaprep_registry_push_username"],
        site["kollaprep_registry_push_password"],
    )


def digest(host, repo, ref, registry, jwt=None):
    """The digest the registry (HTTPS, token auth: jwt) or the plain-HTTP upstream (jwt None) serves."""
    if jwt is None:
        out = host.check_output(f"curl -sfI -H 'Accept: {ACCEPT}' http://{registry}/v2/{repo}/manifests/{ref}")
    else:
        out = curl(host, registry, f"/v2/{repo}/manifests/{ref}", jwt, head=True)
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
    jwt = push_token(host, site, [f"openstack.kolla/{name}" for name in MINIMAL])
    for name in MINIMAL:
        repo = f"openstack.kolla/{name}"
        assert digest(host, repo, TAG, site["kollaprep_registry"], jwt) == digest(
            host, repo, TAG, site["kollaprep_upstream"]
        ), name


@pytest.mark.parametrize("t", TARGETS, ids=lambda t: t.backend.get_pytest_id())
def test_target_trusts_registry_and_pulls_by_digest(host, site, t):
    """HTTPS (no insecure entry, the CA installed) and token auth: the target is logged in with its own account."""
    registry = site["kollaprep_registry"]
    account = t.ansible.get_variables()["kollaprep_registry_username"]
    config = json.loads(t.file("/etc/docker/daemon.json").content_string)
    assert registry not in config.get("insecure-registries", [])
    assert config["live-restore"] is True
    assert t.file(cacert(registry)).is_file
    assert t.service("docker").is_running
    with t.sudo():
        auths = json.loads(t.file("/root/.docker/config.json").content_string)["auths"]
    assert registry in auths
    # Only the account name is compared and shown: the password stays out of the test output.
    assert base64.b64decode(auths[registry]["auth"]).decode().split(":", 1)[0] == account
    dig = digest(
        host, "openstack.kolla/memcached", TAG, registry, push_token(host, site, ["openstack.kolla/memcached"])
    )
    t.check_output(f"docker pull {registry}/openstack.kolla/memcached@{dig}")
    assert f"{registry}/openstack.kolla/memcached@{dig}" in t.check_output(
        f"docker image inspect --format '{{{{json .RepoDigests}}}}' {registry}/openstack.kolla/memcached@{dig}"
    )
    # The converge warm-up is checked by side_effect.yml on an image verify.yml does not pull (by the time this runs,
    # the load test has pulled every image anyway: a presence check here could not fail).


def _fragment():
    local = testinfra.get_host("local://")
    path = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "globals.d/kollaprep-registry.yml")
    return local.file(path).content_string


def _fragment_value(content, key):
    """The value of a top-level key of the fragment (one-line scalars, as the template writes them)."""
    for line in content.splitlines():
        if line.startswith(f"{key}:"):
            return line.split(":", 1)[1].strip().strip('"')
    raise AssertionError(f"no {key} in the fragment:\n{content}")


def test_globals_fragment_hands_registry_to_kolla(site):
    registry = site["kollaprep_registry"]
    content = _fragment()
    assert f'docker_registry: "{registry}"' in content
    assert 'docker_namespace: "openstack.kolla"' in content
    assert "docker_registry_insecure: false" in content
    assert 'docker_registry_username: "kolla"' in content
    # A reference to the vault variable, never its value.
    assert 'docker_registry_password: "{{ vault_docker_registry_password }}"' in content
    assert site["vault_docker_registry_password"] not in content


def test_kolla_ansible_logs_in_with_the_fragment(host, site):
    """kolla-ansible's login: exactly the fragment's docker_registry and username, the password the vault variable
    holds, in a Docker config of its own (the host's own login stays as it is), then a pull of the public namespace."""
    content = _fragment()
    registry = _fragment_value(content, "docker_registry")
    username = _fragment_value(content, "docker_registry_username")
    assert _fragment_value(content, "docker_registry_password") == "{{ vault_docker_registry_password }}"
    password = site["vault_docker_registry_password"]
    dig = digest(host, "openstack.kolla/cron", TAG, registry, push_token(host, site, ["openstack.kolla/cron"]))
    script = (
        "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; "
        f"printf %s {shlex.quote(password)} | DOCKER_CONFIG=$d docker login --username {shlex.quote(username)} "
        f"--password-stdin {registry} >/dev/null; "
        f"DOCKER_CONFIG=$d docker pull -q {registry}/openstack.kolla/cron@{dig}"
    )
    with host.sudo():
        assert dig in host.check_output(f"sh -c {shlex.quote(script)}")


def test_token_service_keeps_target_accounts_apart(host, site):
    """target1 (control1's account) gets nothing on target2/*, everything on its own namespace, pull on the public
    one; the Keystone user kuser (storage1's) likewise nothing on target1/*."""
    registry = site["kollaprep_registry"]
    users = {t.backend.get_hostname(): t.ansible.get_variables() for t in TARGETS}
    creds = {v["kollaprep_registry_username"]: v["kollaprep_registry_password"] for v in users.values()}
    assert sorted(creds) == ["kuser", "target1", "target2"]
    assert granted(host, registry, "repository:target2/x:pull,push,delete", "target1", creds["target1"]) == []
    assert granted(host, registry, "repository:target1/x:pull,push,delete", "target1", creds["target1"]) == [
        "delete",
        "pull",
        "push",
    ]
    assert granted(host, registry, "repository:openstack.kolla/cron:pull,push", "target1", creds["target1"]) == ["pull"]
    assert granted(host, registry, "repository:target1/x:pull,push", "kuser", creds["kuser"]) == []
    assert granted(host, registry, "repository:openstack.kolla/cron:pull", "kuser", creds["kuser"]) == ["pull"]


@pytest.mark.parametrize("t", [t for t in TARGETS if "control1" in t.backend.get_hostname()], ids=["control1"])
def test_target1_cannot_push_into_target2(host, site, t):
    """docker push as target1 (control1's login) into target2/* is refused; into target1/* it works."""
    registry = site["kollaprep_registry"]
    t.check_output(f"docker tag {registry}/openstack.kolla/memcached:{TAG} {registry}/target2/kp-denied:{TAG}")
    t.check_output(f"docker tag {registry}/openstack.kolla/memcached:{TAG} {registry}/target1/kp-own:{TAG}")
    denied = t.run(f"docker push {registry}/target2/kp-denied:{TAG}")
    assert denied.rc != 0
    assert (
        "denied" in (denied.stdout + denied.stderr).lower() or "unauthorized" in (denied.stdout + denied.stderr).lower()
    )
    t.check_output(f"docker push {registry}/target1/kp-own:{TAG}")


@pytest.mark.parametrize("t", TARGETS, ids=lambda t: t.backend.get_pytest_id())
def test_target_pulls_the_engine_built_image_by_its_digest(host, site, t):
    """side_effect.yml built an image in the deployment host's engine and mirrored it with source=engine."""
    registry = site["kollaprep_registry"]
    pushed = json.loads(host.file("/root/kp-engine.json").content_string)
    jwt = push_token(host, site, [pushed["repository"]])
    assert digest(host, pushed["repository"], pushed["tag"], registry, jwt) == pushed["digest"]
    ref = f"{registry}/{pushed['repository']}@{pushed['digest']}"
    t.check_output(f"docker pull {ref}")
    read = f"c=$(docker create {ref} /none) && docker cp $c:/kolla-build-output.txt - | tar -xO; docker rm $c"
    assert "second build" in t.check_output(f"sh -c '{read}'")
