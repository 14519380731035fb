"""Install as users install collections: build the tarball, install it into an empty collections path, and use it
from a directory outside the checkout with nothing of the checkout on any path: its modules, its lookup (which reads
the Kolla tables shipped as data), its roles' docs and site.yml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testbed import clean_env

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv/bin"

PLAYBOOK = """\
- name: Use the installed collection
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Merge a setting into a daemon configuration file
      kollaprep.registry.docker_daemon_config:
        path: "{{ conf }}"
        settings:
          insecure-registries: [192.0.2.10:4000]
        check_flag_conflicts: false
      register: merged

    - name: Read the image set of a globals.yml
      ansible.builtin.set_fact:
        images: "{{ query('kollaprep.registry.kolla_images', globals_path=globals, release='2025.1') }}"

    - name: Write what the test checks
      ansible.builtin.copy:
        content: "{{ {'changed': merged.changed, 'images': images | map(attribute='name') | list} | to_json }}"
        dest: "{{ out }}"
        mode: "0644"
"""


def _env(collections: Path) -> dict:
    env = clean_env()
    for name in list(env):
        if name.startswith("ANSIBLE_") or name == "PYTHONPATH":
            del env[name]
    env.update(PATH="%s:%s" % (BIN, env.get("PATH", "")), ANSIBLE_COLLECTIONS_PATH=str(collections), HOME=env["HOME"])
    return env


def _run(argv, cwd, env, timeout=300):
    res = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout)
    assert res.returncode == 0, "%s\n%s\n%s" % (" ".join(map(str, argv)), res.stdout[-3000:], res.stderr[-3000:])
    return res.stdout


def test_built_tarball_installs_and_runs_outside_the_checkout(tmp_path):
    work = tmp_path / "elsewhere"
    work.mkdir()
    collections = tmp_path / "collections"
    env = _env(collections)
    _run([BIN / "ansible-galaxy", "collection", "build", "--output-path", tmp_path / "dist", ROOT], work, env)
    (tarball,) = (tmp_path / "dist").glob("kollaprep-registry-*.tar.gz")
    _run([BIN / "ansible-galaxy", "collection", "install", "--no-deps", "-p", collections, tarball], work, env)
    installed = collections / "ansible_collections/kollaprep/registry"
    assert (installed / "plugins/module_utils/kolla_tables/2025.1.json").is_file()
    assert not (installed / "molecule").exists() and not (installed / ".venv").exists()

    # Modules, the lookup and its data tables, from the installed copy only.
    (work / "globals.yml").write_text("kolla_base_distro: debian\nenable_cinder: true\n")
    (work / "play.yml").write_text(PLAYBOOK)
    extra = {"conf": str(work / "daemon.json"), "globals": str(work / "globals.yml"), "out": str(work / "out.json")}
    _run([BIN / "ansible-playbook", "-i", "localhost,", "play.yml", "-e", json.dumps(extra),
          "-e", "ansible_python_interpreter=%s" % sys.executable], work, env)  # fmt: skip
    out = json.loads((work / "out.json").read_text())
    assert out["changed"] is True
    assert json.loads((work / "daemon.json").read_text()) == {"insecure-registries": ["192.0.2.10:4000"]}
    assert "cinder-volume" in out["images"] and "keystone" in out["images"]

    # Every role's documentation and the whole flow's playbook, by their collection names.
    roles = _run([BIN / "ansible-doc", "-t", "role", "-l", "kollaprep.registry"], work, env)
    for role in ("docker_host", "registry_server", "registry_client", "image_mirror", "registry_bundle"):
        assert "kollaprep.registry.%s" % role in roles
    (work / "hosts.ini").write_text("[deployment]\ndeploy01\n[targets]\ntarget01\n")
    _run([BIN / "ansible-playbook", "-i", "hosts.ini", "--syntax-check", "kollaprep.registry.site"], work, env)
    assert not os.path.exists(work / ".cache")
