"""The registry password never leaks from the registry_client role's login, even at -vvv.

A real registry:2 with TLS and htpasswd auth (registry_factory) on 127.0.0.1, which dockerd treats as insecure by
default: the engine logs in over HTTPS without checking the certificate. ansible-playbook -vvv runs the role's login
step (--tags registry_client_run, no warm-up) on localhost with HOME set to a temp dir, so docker_login writes
$HOME/.docker/config.json there and never touches root's real one. The password reaches the play through the
environment only, so no file the test writes holds it. Then: no form of the password in the output, and the only file
under HOME (Ansible's local and remote temp dirs live there too) that holds it is $HOME/.docker/config.json, 0600.
A wrong password fails the login without printing it either.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.testbed import clean_env

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
USER = "kp-sec-user"
PASSWORD = "kp-sec-pw-" + secrets.token_hex(12)

PLAYBOOK = ROOT / "tests/integration/playbooks/registry_client_login.yml"


def secret_forms(user: str, password: str) -> dict[str, str]:
    """The password as it could appear: plain, and base64 of user:password (Docker's auth) and of itself."""

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    return {
        "plain": password,
        "base64 user:password": b64(f"{user}:{password}"),
        "base64 password": b64(password).rstrip("="),
    }


def files_holding(root: Path, forms: dict[str, str]) -> dict[str, list[str]]:
    """Every regular file under root that holds one of the forms -> the forms it holds."""
    needles = {name: value.encode() for name, value in forms.items()}
    found: dict[str, list[str]] = {}
    for path in root.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        hits = [name for name, needle in needles.items() if needle in data]
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


@pytest.fixture(scope="module")
def registry(registry_factory):
    return registry_factory.start("kp-sec-leak", tls=True, auth={USER: PASSWORD})


def run_login(tmp_path: Path, registry, password: str) -> tuple[subprocess.CompletedProcess, Path]:
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env({k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_CONFIG", "ANSIBLE_"))})
    env |= {
        "HOME": str(home),
        "PATH": "%s:%s" % (ROOT / ".venv/bin", env.get("PATH", "")),
        "PYTHONPATH": "%s:%s" % (ROOT / ".cache/collections", ROOT),
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".cache/collections"),
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCAL_TEMP": str(home / ".ansible/tmp"),
        "ANSIBLE_REMOTE_TEMP": str(home / ".ansible/tmp"),
        "KP_SEC_REGISTRY": registry.host,
        "KP_SEC_CA": str(registry.ca_path),  # HTTPS is the default: the role's preflight wants the CA
        "KP_SEC_USER": USER,
        "KP_SEC_PASSWORD": password,
    }
    proc = subprocess.run(
        ["ansible-playbook", "-vvv", "-i", "localhost,", "--tags", "registry_client_run", str(PLAYBOOK)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc, home


def test_login_at_vvv_leaks_no_password(tmp_path, registry):
    proc, home = run_login(tmp_path, registry, PASSWORD)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    # The login really ran: the task reported a change, its result censored.
    assert "TASK [kollaprep.registry.registry_client : Log in to the registry]" in output
    login = output.split("Log in to the registry]", 1)[1].split("TASK [", 1)[0]
    assert "changed: [localhost]" in login
    assert "censored: 'the output has been hidden" in login
    assert "changed=1" in output

    forms = secret_forms(USER, PASSWORD)
    leaked = [name for name, value in forms.items() if value in output]
    assert not leaked, f"the -vvv output holds the password as {leaked}"

    config = home / ".docker/config.json"
    assert config.is_file()
    assert config.stat().st_mode & 0o777 == 0o600
    auth = json.loads(config.read_text())["auths"][registry.host]["auth"]
    assert auth == forms["base64 user:password"]

    # The scan finds the one file that must hold the credential (so it can find a leak), and nothing else.
    holding = files_holding(tmp_path, forms)
    assert list(holding) == ["home/.docker/config.json"], holding
    assert "plain" not in holding["home/.docker/config.json"]
    real = Path("/root/.docker/config.json")
    assert not (real.is_file() and forms["base64 user:password"] in real.read_text())


def test_failed_login_at_vvv_leaks_no_password(tmp_path, registry):
    wrong = "kp-sec-wrong-" + secrets.token_hex(12)
    proc, home = run_login(tmp_path, registry, wrong)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-4000:]
    assert "TASK [kollaprep.registry.registry_client : Log in to the registry]" in output
    assert "fatal: [localhost]" in output
    forms = secret_forms(USER, wrong)
    leaked = [name for name, value in forms.items() if value in output]
    assert not leaked, f"the -vvv output of the failed login holds the password as {leaked}"
    assert files_holding(tmp_path, forms) == {}
    assert not (home / ".docker/config.json").exists()
