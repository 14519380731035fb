"""kolla-ansible's own inventory drives site.yml: a kolla-ansible-style INI multinode inventory (no extra groups) and a
globals.yml with a handful of enable_* overrides, on real systemd test hosts (one deployment host, two targets) against
a synthetic upstream registry. Checked independently of the code: the mirrored set against a list written by hand from
kolla-ansible 2025.1's defaults, every image pulled by digest on every target (digests read from the upstream), the
globals fragment, the engine kept on a target that came with docker-ce, daemon.json rewritten the way kolla-ansible's
bootstrap-servers does, and a wrong tag failing before anything is pulled, naming the tags the upstream has.

The first tests need no test host: the unchanged multinode inventory of kolla-ansible with its `localhost
ansible_connection=local` deployment host, a missing group, and the globals fragment in four steps.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.testbed import (
    LABEL,
    NETWORK,
    REGISTRY_IMAGE,
    RUN_ID,
    RUN_LABEL,
    engine,
    generator,
    images,
    label_args,
    network,
)
from tests.testbed import lab as labmod
from tests.testbed.ansible import ROOT, ansible_env

pytestmark = pytest.mark.integration

DOCKER = "/usr/bin/docker"
SCENARIO_LABEL = f"{LABEL}.kolla_inventory"
KOLLA_MULTINODE = ROOT / "inventories/multinode/multinode"
NS = "openstack.kolla"
TAG = "2025.1-debian-bookworm"  # kolla-ansible 2025.1: openstack_release-debian-bookworm (its default for debian)
WRONG_TAG = "2025.1-ubuntu-noble"  # a real Kolla tag, but not one this upstream has
BAREMETAL = ["control01", "control02", "control03", "network01", "network02", "compute01", "storage01", "monitoring01"]

GLOBALS = """\
---
openstack_release: "2025.1"
kolla_base_distro: "debian"
network_interface: "eth0"
enable_openstack_core: "no"
enable_keystone: "yes"
enable_haproxy: "no"
enable_proxysql: "no"
enable_fluentd: "no"
"""
# Written by hand from kolla-ansible stable/2025.1 (ansible/group_vars/all.yml, ansible/site.yml, the roles'
# defaults/main.yml) for the globals above, not from the code under test:
# - common (always applied): cron, kolla-toolbox (enabled: True); fluentd is off (enable_fluentd "no");
# - keystone (enable_keystone "yes"): keystone, keystone-ssh, keystone-fernet (each enabled: true);
# - mariadb (enable_mariadb "yes"): mariadb-server, and mariadb-clustercheck since enable_mariadb_clustercheck is
#   True when mariadb_loadbalancer is haproxy, which it is when enable_proxysql is "no";
# - memcached (enable_memcached "yes"), rabbitmq (om_rpc_transport "rabbit");
# - loadbalancer is not applied: enable_loadbalancer = haproxy or keepalived (follows haproxy) or proxysql, all off;
# - enable_openstack_core "no" drops glance, nova, neutron (and openvswitch, which follows it), placement, heat,
#   horizon.
EXPECTED = sorted(
    [
        "cron",
        "kolla-toolbox",
        "keystone",
        "keystone-ssh",
        "keystone-fernet",
        "mariadb-server",
        "mariadb-clustercheck",
        "memcached",
        "rabbitmq",
    ]
)
# On the upstream too, but not wanted by these globals: they must not be mirrored.
UNWANTED = ["fluentd", "haproxy", "proxysql", "nova-api"]

MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
    ]
)


def _docker(*args: str, check: bool = True, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, check=check, timeout=timeout)


def _exec(host: str, *cmd: str, check: bool = True, timeout: int = 300) -> subprocess.CompletedProcess:
    res = _docker("exec", host, *cmd, check=False, timeout=timeout)
    if check and res.returncode:
        raise AssertionError(
            "%s: %s failed (%d): %s %s" % (host, " ".join(cmd), res.returncode, res.stdout, res.stderr)
        )
    return res


def _wait_for(condition, what: str, timeout: float = 120) -> None:
    """Poll ``condition`` until it is true (an event, not a delay); fail after a generous timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(0.5)


def _get(url: str, method: str = "GET", accept: str | None = None):
    req = urllib.request.Request(url, method=method, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers, resp.read()


def _answers(host: str) -> bool:
    try:
        _get("http://%s/v2/" % host)
    except OSError:
        return False
    return True


def _upstream_digest(host: str, name: str, tag: str) -> str:
    headers, _body = _get("http://%s/v2/%s/%s/manifests/%s" % (host, NS, name, tag), "HEAD", MANIFEST_TYPES)
    return headers["Docker-Content-Digest"]


def _playbook(inventory: Path, playbook: Path, *args: str, timeout: int = 1800, **env: str):
    return subprocess.run(
        ["ansible-playbook", "-i", str(inventory), str(playbook), *args],
        capture_output=True,
        text=True,
        env=ansible_env(**env),
        cwd=str(ROOT),
        check=False,
        timeout=timeout,
    )


def _kolla_inventory(hosts: dict[str, str], host_vars: str) -> str:
    """kolla-ansible's multinode inventory (inventories/multinode/multinode, a copy of stable/2025.1's) with these
    hosts in its first groups; every other line, the per-service groups included, unchanged."""
    text = KOLLA_MULTINODE.read_text()
    replacements = {
        "control01\ncontrol02\ncontrol03\n": "%s %s\n" % (hosts["t1"], host_vars),
        "network01\nnetwork02\n": "%s\n" % hosts["t1"],
        "[compute]\ncompute01\n": "[compute]\n%s %s\n" % (hosts["t2"], host_vars),
        "[monitoring]\nmonitoring01\n": "[monitoring]\n%s\n" % hosts["t1"],
        "[storage]\nstorage01\n": "[storage]\n%s\n" % hosts["t2"],
        "localhost       ansible_connection=local\n": "%s %s\n" % (hosts["deploy"], host_vars),
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, "kolla-ansible's multinode inventory changed: %r" % old
        text = text.replace(old, new)
    return text


# ---------------------------------------------------------------------------------------------------------------------
# Without test hosts


def _default_interface() -> tuple[str, str]:
    """The controller's interface of its default route and its IPv4 address, read with ip(8)."""
    route = subprocess.run(["ip", "-4", "route", "show", "default"], capture_output=True, text=True, check=True).stdout
    iface = route.split(" dev ", 1)[1].split()[0]
    addr = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", iface], capture_output=True, text=True, check=True)
    return iface, addr.stdout.split(" inet ", 1)[1].split("/")[0]


def test_unchanged_kolla_multinode_inventory_is_read(tmp_path):
    """kolla-ansible's multinode file as it ships: targets = baremetal, registry = the deployment host `localhost
    ansible_connection=local` (the controller), its address on the API network (network_interface)."""
    iface, address = _default_interface()
    out = tmp_path / "resolved.json"
    vars_file = tmp_path / "vars.json"
    # No globals.yml on this machine: the example's kollaprep_kolla_globals (/etc/kolla/globals.yml) emptied.
    vars_file.write_text(json.dumps({"kolla_out": str(out), "network_interface": iface, "kollaprep_kolla_globals": ""}))
    res = _playbook(
        KOLLA_MULTINODE,
        ROOT / "tests/integration/playbooks/kolla_inventory_show.yml",
        "-e",
        "@%s" % vars_file,
        # kolla-ansible's localhost has no interpreter set; this machine's discovery finds a pyenv shim.
        "-e",
        "ansible_python_interpreter=%s" % sys.executable,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    got = json.loads(out.read_text())
    assert got["_registry"] == ["localhost"]
    assert sorted(got["_targets"]) == sorted(BAREMETAL)
    for host in ["localhost", *BAREMETAL]:
        assert got[host] == "%s:4000" % address
    assert got["_listen"] == address
    assert "Could not match supplied host pattern" not in res.stdout + res.stderr


def test_a_missing_group_fails_at_the_start_naming_it(tmp_path):
    text = KOLLA_MULTINODE.read_text()
    text = text.replace(
        "localhost       ansible_connection=local", "kp-nowhere ansible_connection=community.docker.docker"
    )
    text = re.sub(r"\[baremetal:children\]\n(\w+\n)+", "", text)
    assert "[baremetal" not in text
    (tmp_path / "multinode").write_text(text)
    res = _playbook(tmp_path / "multinode", ROOT / "playbooks/site.yml", timeout=120)
    assert res.returncode != 0
    assert "The inventory has no host in the group baremetal" in res.stdout
    assert "kollaprep_targets_group" in res.stdout
    # Nothing after the first play ran (no Docker, no registry, no pull).
    plays = re.findall(r"^PLAY \[(.*?)\]", res.stdout, re.M)
    assert plays == ["Read the site from the inventory"], plays


def test_globals_fragment_four_steps(tmp_path):
    """check mode, real, check mode again, real again; the password only as a reference to a vault variable."""
    (tmp_path / "hosts").write_text(
        "[deployment]\nkp-nowhere ansible_connection=community.docker.docker\n[baremetal]\nkp-nowhere2\n"
    )
    fragment = tmp_path / "etc/kolla/globals.d/kollaprep-registry.yml"
    extra = {
        "kollaprep_registry": "192.0.2.10:4000",
        "kollaprep_registry_tls": False,  # plain HTTP, an explicit opt-in (HTTPS is the default)
        "kollaprep_kolla_tag": TAG,
        "kollaprep_namespace": NS,
        "kollaprep_registry_username": "kolla",
        "kollaprep_globals_path": str(fragment),
    }
    (tmp_path / "vars.json").write_text(json.dumps(extra))

    def run(*args: str) -> dict:
        res = _playbook(
            tmp_path / "hosts",
            ROOT / "playbooks/kolla_globals.yml",
            "-e",
            "@%s" % (tmp_path / "vars.json"),
            *args,
            timeout=120,
            ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        )
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
        tasks = json.loads(res.stdout)["plays"][-1]["tasks"]
        return next(t for t in tasks if t["task"]["name"] == "Write the fragment")["hosts"]["localhost"]

    step = run("--check", "--diff")
    assert step["changed"] and not fragment.exists()
    assert 'openstack_tag: "%s"' % TAG in step["diff"][0]["after"]
    step = run("--diff")
    assert step["changed"]
    text = fragment.read_text()
    assert yaml.safe_load(text) == {
        "docker_registry": "192.0.2.10:4000",
        "docker_namespace": NS,
        "docker_registry_insecure": True,
        "docker_registry_username": "kolla",
        "docker_registry_password": "{{ vault_docker_registry_password }}",
        "openstack_tag": TAG,
    }
    assert not run("--check", "--diff")["changed"]
    assert not run()["changed"]
    assert fragment.read_text() == text

    # Per-node registries on the shared object storage: every node pulls from its own 127.0.0.1 registry.
    extra.update(kollaprep_registry_per_node=True, registry_node_port=4100)
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    assert run()["changed"]
    node = yaml.safe_load(fragment.read_text())
    assert (node["docker_registry"], node["docker_registry_insecure"]) == ("127.0.0.1:4100", False)
    assert {k: v for k, v in node.items() if k not in ("docker_registry", "docker_registry_insecure")} == {
        k: v for k, v in yaml.safe_load(text).items() if k not in ("docker_registry", "docker_registry_insecure")
    }


# ---------------------------------------------------------------------------------------------------------------------
# The done-when scenario on real test hosts


@dataclass
class Site:
    tmp: Path
    hosts: dict[str, str]
    upstream_local: str
    deploy_ip: str
    inventory: Path
    globals_yml: Path
    fragment: Path
    first_run: subprocess.CompletedProcess

    @property
    def registry(self) -> str:
        return "%s:4000" % self.deploy_ip

    @property
    def targets(self) -> list[str]:
        return [self.hosts["t1"], self.hosts["t2"]]


# kolla-ansible's bootstrap-servers comes with docker-ce (Docker's repository, not reachable here): the same engine as
# Debian's docker.io, repackaged under docker-ce's name with its Conflicts: docker.io, so apt sees what it sees on a
# site where bootstrap-servers ran first.
DOCKER_CE_STANDIN = r"""
set -e
cd /tmp
rm -rf pkg
dpkg-deb -R /var/cache/apt/archives/docker.io_*.deb pkg
sed -i -e 's/^Package: docker.io$/Package: docker-ce/' -e 's/^Conflicts:.*/Conflicts: docker.io/' \
    -e '/^Replaces:/d' -e '/^Breaks:/d' -e '/^Provides:/d' pkg/DEBIAN/control
dpkg-deb -Znone -b pkg /tmp/docker-ce.deb >/dev/null  # uncompressed: xz takes minutes here
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/docker-ce.deb
"""


def _cleanup() -> None:
    ids = _docker(
        "ps", "-aq", "--filter", f"label={RUN_LABEL}={RUN_ID}", "--filter", f"label={SCENARIO_LABEL}=1", check=False
    ).stdout.split()
    if ids:
        _docker("rm", "-f", "-v", *ids, check=False)


@pytest.fixture(scope="module")
def site(testbed, tmp_path_factory):
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    tmp = tmp_path_factory.mktemp("kolla-site")
    with engine.setup_lock():
        images.build_testhost()
    network.ensure_network()
    labels = label_args({SCENARIO_LABEL: "1"})
    hosts = {role: f"kp-it-{RUN_ID}-k{role}" for role in ("deploy", "t1", "t2")}
    upstream = f"kp-it-{RUN_ID}-kup"
    try:
        for name in hosts.values():
            labmod.ensure_host(name, labels)
        _docker("run", "-d", "--name", upstream, "--network", NETWORK, *labels, "-p", "127.0.0.1::5000", REGISTRY_IMAGE)
        upstream_local = "127.0.0.1:%s" % _docker("port", upstream, "5000/tcp").stdout.split()[0].rsplit(":", 1)[1]
        _wait_for(lambda: _answers(upstream_local), "the upstream registry", 60)
        generator.generate(upstream_local, images=[*EXPECTED, *UNWANTED], tag=TAG)
        _docker("save", "-o", str(tmp / "registry.tar"), REGISTRY_IMAGE)
        for name in hosts.values():
            labmod.wait_booted(name, timeout=120)
        _exec(hosts["t2"], "sh", "-c", DOCKER_CE_STANDIN, timeout=300)
        deploy_ip = _docker(
            "inspect", "-f", '{{(index .NetworkSettings.Networks "%s").IPAddress}}' % NETWORK, hosts["deploy"]
        ).stdout.strip()

        etc = tmp / "etc/kolla"
        (etc / "globals.d").mkdir(parents=True)
        (etc / "globals.yml").write_text(GLOBALS)
        inventory = tmp / "inventory"
        (inventory / "group_vars").mkdir(parents=True)
        # Like a real site: the hosts' API interface in the inventory, everything kollaprep in group_vars/all.yml.
        (inventory / "multinode").write_text(
            _kolla_inventory(hosts, "ansible_connection=community.docker.docker api_interface=eth0")
        )
        fragment = etc / "globals.d/kollaprep-registry.yml"
        (inventory / "group_vars/all.yml").write_text(
            yaml.safe_dump(
                {
                    "kollaprep_kolla_globals": str(etc / "globals.yml"),
                    "kollaprep_globals_path": str(fragment),
                    "kollaprep_upstream": f"{upstream}:5000",
                    "kollaprep_upstream_scheme": "http",
                    "kollaprep_registry_tls": False,  # plain HTTP, an explicit opt-in (HTTPS is the default)
                    "registry_server_image_archive": str(tmp / "registry.tar"),
                }
            )
        )
        first = _playbook(inventory / "multinode", ROOT / "playbooks/site.yml")
        yield Site(tmp, hosts, upstream_local, deploy_ip, inventory / "multinode", etc / "globals.yml", fragment, first)
    finally:
        _cleanup()


def _catalog(site: Site) -> dict[str, list[str]]:
    _headers, body = _get("http://%s/v2/_catalog?n=1000" % site.registry)
    out = {}
    for repo in json.loads(body)["repositories"]:
        _headers, tags = _get("http://%s/v2/%s/tags/list" % (site.registry, repo))
        out[repo] = sorted(json.loads(tags)["tags"] or [])
    return out


def test_site_yml_runs_on_the_kolla_inventory(site):
    res = site.first_run
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-3000:]
    assert "Could not match supplied host pattern" not in res.stdout + res.stderr
    recap = dict(re.findall(r"^(\S+)\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=(\d+)", res.stdout, re.M))
    assert {recap.get(h) for h in site.hosts.values()} == {"0"}, res.stdout[-3000:]
    # The client play ran on every target: its daemon.json trusts the registry at the deployment host's API address.
    for target in site.targets:
        daemon = json.loads(_exec(target, "cat", "/etc/docker/daemon.json").stdout)
        assert site.registry in daemon["insecure-registries"]


def test_the_mirrored_set_is_what_kolla_ansible_2025_1_pulls(site):
    assert site.first_run.returncode == 0
    assert _catalog(site) == {"%s/%s" % (NS, name): [TAG] for name in EXPECTED}


def test_the_globals_fragment(site):
    assert site.first_run.returncode == 0
    assert yaml.safe_load(site.fragment.read_text()) == {
        "docker_registry": site.registry,
        "docker_namespace": NS,
        "docker_registry_insecure": True,
        "openstack_tag": TAG,
    }


def _installed(host: str, *packages: str) -> dict[str, str]:
    """dpkg's status abbreviation per package ("ii": installed), "" for a package dpkg does not know."""
    query = _exec(host, "dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n", *packages, check=False).stdout
    status = {line.split()[0]: "".join(line.split()[1:]) for line in query.splitlines() if line.strip()}
    return {name: status.get(name, "") for name in packages}


def test_an_engine_from_docker_ce_is_kept(site):
    assert site.first_run.returncode == 0
    t2 = _installed(site.hosts["t2"], "docker-ce", "docker.io", "python3-docker")
    assert t2["docker-ce"] == "ii" and t2["python3-docker"] == "ii" and t2["docker.io"] != "ii", t2
    assert _installed(site.hosts["t1"], "docker.io")["docker.io"] == "ii"


def _bootstrap_servers_daemon_json(fragment: dict) -> dict:
    """daemon.json as kolla-ansible's bootstrap-servers writes it (openstack/ansible-collection-kolla stable/2025.1,
    commit 63dc4c71: roles/docker/tasks/config.yml `Write docker config`, vars/main.yml default_docker_config,
    defaults/main.yml), wholesale, for a Debian host with the role's defaults and the fragment's globals."""
    config = {"log-opts": {"max-file": "5", "max-size": "50m"}}
    if fragment["docker_registry_insecure"]:
        config["insecure-registries"] = [fragment["docker_registry"]]
    # docker_disable_default_iptables_rules "yes" -> iptables false; docker_disable_default_network and
    # docker_disable_ip_forward follow it.
    config.update({"iptables": False, "bridge": "none", "ip-forward": False})
    return config


def test_after_bootstrap_servers_every_target_pulls_every_image_by_digest(site):
    """The supported order: site.yml, then kolla-ansible bootstrap-servers (daemon.json rewritten wholesale from the
    fragment's globals, docker restarted), then every target pulls the whole set from the local registry."""
    assert site.first_run.returncode == 0
    fragment = yaml.safe_load(site.fragment.read_text())
    daemon = json.dumps(_bootstrap_servers_daemon_json(fragment), indent=4)
    digests = {name: _upstream_digest(site.upstream_local, name, TAG) for name in EXPECTED}
    for target in site.targets:
        subprocess.run(
            [DOCKER, "exec", "-i", target, "sh", "-c", "cat > /etc/docker/daemon.json"],
            input=daemon,
            text=True,
            check=True,
            capture_output=True,
        )
        _exec(target, "systemctl", "restart", "docker")
        _wait_for(lambda t=target: _exec(t, "docker", "info", check=False).returncode == 0, "docker on " + target)
        for name in EXPECTED:
            ref = "%s/%s/%s" % (fragment["docker_registry"], fragment["docker_namespace"], name)
            _exec(target, "docker", "pull", "-q", "%s:%s" % (ref, fragment["openstack_tag"]))
            repo_digests = json.loads(
                _exec(target, "docker", "image", "inspect", "-f", "{{json .RepoDigests}}", "%s:%s" % (ref, TAG)).stdout
            )
            assert "%s@%s" % (ref, digests[name]) in repo_digests, (target, name, repo_digests)


def _images(host: str) -> list[str]:
    listing = _exec(host, "docker", "images", "--digests", "--format", "{{.Repository}}:{{.Tag}}@{{.Digest}}")
    return sorted(listing.stdout.split())


def test_a_wrong_tag_fails_before_anything_is_pulled_naming_the_valid_tags(site):
    assert site.first_run.returncode == 0
    before_catalog = _catalog(site)
    before_images = {t: _images(t) for t in site.targets}
    before_fragment = site.fragment.read_text()
    site.globals_yml.write_text(GLOBALS + 'openstack_tag: "%s"\n' % WRONG_TAG)
    try:
        res = _playbook(site.inventory, ROOT / "playbooks/site.yml")
    finally:
        site.globals_yml.write_text(GLOBALS)
    assert res.returncode != 0
    out = res.stdout
    assert "Nothing was copied" in out, out[-4000:]
    assert "has no tag %s" % WRONG_TAG in out
    assert "it has 1 tag: %s" % TAG in out  # the valid tag the upstream has, named
    plays = re.findall(r"^PLAY \[(.*?)\]", out, re.M)
    assert "Point the targets' Docker at the deployment host's registry" not in plays, plays
    assert _catalog(site) == before_catalog
    for target in site.targets:
        assert _images(target) == before_images[target]
    assert site.fragment.read_text() == before_fragment
