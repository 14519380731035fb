"""The kolla_images lookup plugin: options, globals files, release from the globals, errors, and the preview an
operator runs (a debug task, in check mode)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from ansible.errors import AnsibleError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, ".cache", "collections")


@pytest.fixture(scope="module")
def lookup():
    """The plugin as Ansible's loader sets it up: its documented options registered under its name."""
    import yaml
    from ansible import constants as C
    from ansible_collections.kollaprep.registry.plugins.lookup import kolla_images

    name = "kollaprep.registry.kolla_images"
    options = yaml.safe_load(kolla_images.DOCUMENTATION)["options"]
    C.config.initialize_plugin_configuration_definitions("lookup", name, options)
    plugin = kolla_images.LookupModule()
    plugin._load_name = plugin.ansible_name = name
    return plugin


def _globals(tmp_path, text, extra=None):
    path = tmp_path / "globals.yml"
    path.write_text(text)
    for name, content in (extra or {}).items():
        (tmp_path / "globals.d").mkdir(exist_ok=True)
        (tmp_path / "globals.d" / name).write_text(content)
    return str(path)


def test_release_from_the_globals_and_globals_d(lookup, tmp_path):
    path = _globals(
        tmp_path,
        'openstack_release: "2025.2"\nkolla_base_distro: "ubuntu"\n',
        {"kollaprep-registry.yml": 'docker_registry: "192.0.2.10:4000"\nneutron_plugin_agent: "ovn"\n'},
    )
    images = lookup.run([], variables={}, globals_path=path)
    by_name = {i["name"]: i for i in images}
    assert by_name["ovn-controller"]["image"] == "192.0.2.10:4000/openstack.kolla/ovn-controller:2025.2-ubuntu-noble"
    assert by_name["ovn-controller"]["ref"] == "ovn-controller:2025.2-ubuntu-noble"
    assert "neutron-openvswitch-agent" not in by_name


def test_globals_d_can_be_skipped_and_extra_vars_come_last(lookup, tmp_path):
    path = _globals(tmp_path, "enable_heat: no\n", {"a.yml": "enable_cinder: yes\n"})
    images = lookup.run(
        [], variables={}, globals_path=path, release="2025.1", read_globals_d=False, extra_vars={"enable_heat": True}
    )
    names = {i["name"] for i in images}
    assert "heat-api" in names and "cinder-api" not in names


def test_extra_and_exclude(lookup):
    images = lookup.run([], variables={}, globals_path="", release="2024.1", extra=["dnsmasq"], exclude=["nova-*"])
    names = {i["name"] for i in images}
    assert "dnsmasq" in names and not any(n.startswith("nova-") for n in names)


def test_errors_name_the_problem(lookup, tmp_path):
    with pytest.raises(AnsibleError, match="takes no terms"):
        lookup.run(["x"], variables={}, globals_path="", release="2025.1")
    with pytest.raises(AnsibleError, match="release is required"):
        lookup.run([], variables={}, globals_path="")
    path = _globals(tmp_path, "enable_cinder: yes\n")
    with pytest.raises(AnsibleError, match="does not set openstack_release"):
        lookup.run([], variables={}, globals_path=path)
    with pytest.raises(AnsibleError, match="cannot read"):
        lookup.run([], variables={}, globals_path=str(tmp_path / "nope.yml"), release="2025.1")
    with pytest.raises(AnsibleError, match=r"'2023\.1'"):
        lookup.run([], variables={}, globals_path="", release="2023.1")
    with pytest.raises(AnsibleError, match="unknown variable 'my_flag'"):
        lookup.run([], variables={}, globals_path="", release="2025.1", extra_vars={"enable_heat": "{{ my_flag }}"})


def test_preview_with_a_debug_task_in_check_mode(tmp_path):
    """What the lookup's documentation tells an operator to run: a debug task, which runs under --check too."""
    if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "kollaprep", "registry")):
        pytest.skip("the collection link (make collection-link) is missing")
    path = _globals(tmp_path, 'openstack_release: "2026.1"\nkolla_base_distro: "debian"\n')
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_STDOUT_CALLBACK="json",
        ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
    )
    msg = "{{ query('kollaprep.registry.kolla_images', globals_path='%s') | map(attribute='ref') | list }}" % path
    ansible = os.path.join(os.path.dirname(sys.executable), "ansible")
    proc = subprocess.run(
        [ansible, "localhost", "--check", "-m", "ansible.builtin.debug", "-a", "msg=%s" % msg],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert "keystone:2026.1-debian-trixie" in result["msg"]
