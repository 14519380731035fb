"""The image_sync role talks to the site's HTTPS registry as every other client does: the CA and the push account come
from the site's variables (kollaprep_registry_ca_path, kollaprep_registry_push_username / _password), the password
only through the service's environment file, never on its command line."""

from __future__ import annotations

import json

from tests.testbed.ansible import ansible_env, run_playbook_file

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The role's settings as the site gives them
      ansible.builtin.import_role:
        name: kollaprep.registry.image_sync
        tasks_from: preflight.yml
    - name: Show the service's command line
      ansible.builtin.debug:
        msg: "{{ _image_sync_command | regex_replace('\\\\s+', ' ') | trim }}"
"""


def _command(tmp_path, extra):
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    res = run_playbook_file(
        tmp_path / "play.yml",
        tmp_path,
        dict({"image_sync_images": ["keystone"]}, **extra),
        env=ansible_env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json"),
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    tasks = json.loads(res.stdout)["plays"][0]["tasks"]
    return tasks[-1]["hosts"]["localhost"]["msg"].split()


def test_the_sync_uses_the_site_ca_and_push_account(tmp_path):
    site = {
        "kollaprep_registry": "reg:4000",
        "kollaprep_registry_ca_path": "/etc/docker/certs.d/reg:4000/ca.crt",
        "kollaprep_registry_push_username": "pusher",
        "kollaprep_registry_push_password": "kp-secret-push",
    }
    argv = _command(tmp_path, site)
    assert argv[argv.index("--dest") + 1] == "reg:4000"  # the name the certificate carries, not 127.0.0.1
    assert argv[argv.index("--dest-ca") + 1] == site["kollaprep_registry_ca_path"]
    assert argv[argv.index("--dest-username") + 1] == "pusher"
    assert "--dest-insecure" not in argv and "kp-secret-push" not in " ".join(argv)


def test_plain_http_site_gets_no_ca(tmp_path):
    argv = _command(tmp_path, {"kollaprep_registry_tls": False, "kollaprep_registry_ca_path": ""})
    assert "--dest-insecure" in argv and "--dest-ca" not in argv and "--dest-username" not in argv
