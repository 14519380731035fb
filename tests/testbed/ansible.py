"""Run ansible-playbook from the tests against this checkout (the collection through .cache/collections)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ansible_env(**extra: str) -> dict[str, str]:
    """The environment the Makefile gives Ansible, without the variables that break the registry or colour output."""
    env = dict(os.environ)
    env.pop("AWS_CA_BUNDLE", None)
    env.update(
        PATH="%s:%s" % (ROOT / ".venv/bin", env.get("PATH", "")),
        PYTHONPATH="%s:%s" % (ROOT / ".cache/collections", ROOT),
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache/collections"),
        ANSIBLE_ROLES_PATH=str(ROOT / "roles"),
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_NOCOLOR="1",
    )
    env.update(extra)
    return env


def run_playbook(
    tmp_path: Path, name: str, text: str, *args: str, env: dict | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    """Write playbook text to tmp_path/name and run it on localhost (connection local, this Python)."""
    playbook = tmp_path / name
    playbook.write_text(text)
    inventory = tmp_path / "hosts"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    return subprocess.run(
        ["ansible-playbook", "-i", str(inventory), str(playbook), *args],
        capture_output=True,
        text=True,
        env=env or ansible_env(),
        cwd=str(ROOT),
        check=False,
        timeout=timeout,
    )
