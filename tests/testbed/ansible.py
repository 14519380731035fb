"""Run ansible-playbook from the tests against this checkout (the collection through .cache/collections)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.testbed import clean_env

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "tests/integration/playbooks"


def ansible_env(**extra: str) -> dict[str, str]:
    """The environment the Makefile gives Ansible, without the variables that break the registry or colour output."""
    env = clean_env()
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


def _localhost_inventory(tmp_path: Path) -> Path:
    """tmp_path/hosts: localhost, connection local, this Python."""
    inventory = tmp_path / "hosts"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    return inventory


def run_playbook_file(
    playbook: str | Path,
    tmp_path: Path,
    extra_vars: dict | None = None,
    *args: str,
    env: dict | None = None,
    timeout: int = 300,
    prefix: Sequence[str] = (),
    inventory: str | Path | None = None,
) -> subprocess.CompletedProcess:
    """Run a playbook file on localhost (connection local, this Python) with extra vars.

    playbook: a path, or a file name under tests/integration/playbooks. extra_vars go into one JSON file in tmp_path
    (<playbook stem>.vars.json) passed as ``-e @file``, so their types (bools, lists, ints) survive. Secrets do not
    belong in extra_vars: pass them in env and read them in the playbook with lookup('ansible.builtin.env', ...).
    args: further ansible-playbook arguments (--check, --diff, -v, --tags ...). prefix: a command that runs
    ansible-playbook (e.g. ``unshare ...``), which gets the ansible-playbook command line as its last arguments.
    inventory: an inventory file to use instead of the localhost one (a play that needs Kolla's groups).
    """
    path = Path(playbook)
    if not path.is_absolute():
        path = PLAYBOOKS / path
    cmd = ["ansible-playbook", "-i", str(inventory or _localhost_inventory(tmp_path))]
    if extra_vars is not None:
        vars_file = tmp_path / ("%s.vars.json" % path.stem)
        vars_file.write_text(json.dumps(extra_vars))
        cmd += ["-e", "@%s" % vars_file]
    return subprocess.run(
        [*prefix, *cmd, str(path), *args],
        capture_output=True,
        text=True,
        env=env or ansible_env(),
        cwd=str(ROOT),
        check=False,
        timeout=timeout,
    )


def run_task_once(
    playbook: str | Path,
    tmp_path: Path,
    extra_vars: dict | None = None,
    *args: str,
    env: dict | None = None,
    timeout: int = 300,
    prefix: Sequence[str] = (),
) -> dict:
    """Run a playbook whose first task is the one under test with the json stdout callback; return that task's result
    on localhost (with ``failed`` and ``msg`` when it failed). args: --check, --diff and the like."""
    env = dict(env or ansible_env(), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json")
    proc = run_playbook_file(playbook, tmp_path, extra_vars, *args, env=env, timeout=timeout, prefix=prefix)
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(
            "ansible-playbook printed no JSON (rc %s): %s %s" % (proc.returncode, proc.stdout[-4000:], proc.stderr)
        ) from None
    return out["plays"][0]["tasks"][0]["hosts"]["localhost"]
