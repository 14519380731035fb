"""The lab: a deployment host and targets as systemd test hosts, plus a synthetic upstream registry standing in for
quay.io, all on the test network. Idempotent: what is already up is left as it is.

The test-host container spec is read from molecule/shared/vars/testhost.yml, the one place it is defined.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.testbed import LABEL, NETWORK, REGISTRY_IMAGE

DOCKER = "/usr/bin/docker"
ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "molecule/shared/vars/testhost.yml").read_text())

UPSTREAM = "kp-lab-upstream"
UPSTREAM_LOCAL_PORT = 5100  # the controller reaches the upstream at 127.0.0.1:5100, test hosts at kp-lab-upstream:5000


@dataclass
class Lab:
    deploy: str
    targets: list[str]
    upstream_local: str = f"127.0.0.1:{UPSTREAM_LOCAL_PORT}"
    upstream_net: str = f"{UPSTREAM}:5000"

    @property
    def hosts(self) -> list[str]:
        return [self.deploy, *self.targets]


def _running(name: str) -> bool:
    res = subprocess.run(
        [DOCKER, "inspect", "-f", "{{.State.Running}}", name], capture_output=True, text=True, check=False
    )
    return res.returncode == 0 and res.stdout.strip() == "true"


def testhost_run_args(name: str, labels: list[str] | None = None) -> list[str]:
    """``docker run`` of a test host; labels: ``--label`` arguments instead of the lab's (a test's run labels)."""
    args = [
        DOCKER,
        "run",
        "-d",
        "--name",
        name,
        "--hostname",
        name,
        "--network",
        SPEC["testhost_network"],
        *(labels if labels is not None else ["--label", f"{LABEL}=1", "--label", f"{LABEL}.lab=1"]),
    ]
    for cap in SPEC["testhost_capabilities"]:
        args += ["--cap-add", cap]
    args += [
        "--security-opt",
        "seccomp=unconfined",
        "--security-opt",
        "apparmor=unconfined",
        "--tmpfs",
        "/run",
        "--tmpfs",
        "/run/lock",
        "--cgroupns",
        "host",
        "-v",
        "/sys/fs/cgroup:/sys/fs/cgroup:rw",
        "-v",
        "/var/lib/docker",
        "--stop-signal",
        "SIGRTMIN+3",
        SPEC["testhost_image"],
    ]
    return args


def ensure_host(name: str, labels: list[str] | None = None) -> bool:
    """Start the test host when it is not running; return True when (re)created. labels: see testhost_run_args."""
    if _running(name):
        return False
    subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)
    subprocess.run(testhost_run_args(name, labels), check=True, capture_output=True)
    return True


def wait_booted(name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        res = subprocess.run(
            [DOCKER, "exec", name, "systemctl", "is-system-running"], capture_output=True, text=True, check=False
        )
        if res.stdout.strip() in ("running", "degraded"):
            return
        time.sleep(0.5)
    raise RuntimeError(f"test host {name} did not boot within {timeout}s")


def ensure_upstream() -> bool:
    if _running(UPSTREAM):
        return False
    subprocess.run([DOCKER, "rm", "-f", "-v", UPSTREAM], capture_output=True, check=False)
    subprocess.run(
        [
            DOCKER,
            "run",
            "-d",
            "--name",
            UPSTREAM,
            "--network",
            NETWORK,
            "--label",
            f"{LABEL}=1",
            "--label",
            f"{LABEL}.lab=1",
            "-p",
            f"127.0.0.1:{UPSTREAM_LOCAL_PORT}:5000",
            "-v",
            "kp-lab-upstream-data:/var/lib/registry",
            REGISTRY_IMAGE,
        ],
        check=True,
        capture_output=True,
    )
    return True


def up(targets: int = 2) -> tuple[Lab, list[str]]:
    lab = Lab(deploy="kp-lab-deploy", targets=[f"kp-lab-target{i}" for i in range(1, targets + 1)])
    created = [name for name in lab.hosts if ensure_host(name)]
    if ensure_upstream():
        created.append(UPSTREAM)
    for name in lab.hosts:
        wait_booted(name)
    return lab, created


def down() -> None:
    ids = subprocess.run(
        [DOCKER, "ps", "-aq", "--filter", f"label={LABEL}.lab=1"], capture_output=True, text=True, check=False
    ).stdout
    if ids.split():
        subprocess.run([DOCKER, "rm", "-f", "-v", *ids.split()], capture_output=True, check=False)
    subprocess.run([DOCKER, "volume", "rm", "-f", "kp-lab-upstream-data"], capture_output=True, check=False)
