"""The lab: a deployment host and targets as systemd test hosts, plus a synthetic upstream registry standing in for
quay.io, on a docker network of the lab's own. Idempotent: what is already up is left as it is.

One lab per checkout (or per ``KP_RUN_SUFFIX`` when one is set), so two checkouts, or ``make demo`` beside ``make
test`` and ``make molecule``, never meet: every container and the network carry the lab's suffix in their names and
the labels ``org.kollaprep.testbed=1`` and ``org.kollaprep.testbed.lab=<lab id>``; on the lab's network each container
also answers to its plain name (``kp-lab-deploy``, ``kp-lab-upstream``), the names inventories/lab uses, and the
controller reaches the upstream on a port Docker picks. The lab has no owner label: it stays after ``make demo`` for a
look (the clean-up of test runs never removes it) until ``make clean`` (``python -m tests.testbed down``).

The test-host container spec is read from molecule/shared/vars/testhost.yml, the one place it is defined.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.testbed import LABEL, REGISTRY_IMAGE, RUN_LABEL, network

DOCKER = "/usr/bin/docker"
ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "molecule/shared/vars/testhost.yml").read_text())

LAB_LABEL = f"{LABEL}.lab"
UPSTREAM = "kp-lab-upstream"  # the plain names (network aliases on the lab's network), as inventories/lab has them
DEPLOY = "kp-lab-deploy"


def lab_suffix() -> str:
    """``KP_RUN_SUFFIX`` when set, else one per checkout (from its path): the same lab for every demo of a checkout."""
    return os.environ.get("KP_RUN_SUFFIX") or "-" + hashlib.sha256(str(ROOT).encode()).hexdigest()[:6]


@dataclass
class Lab:
    suffix: str
    targets_count: int = 2
    upstream_local: str = ""  # 127.0.0.1:<port Docker picked>, known once the upstream runs
    aliases: dict[str, str] = field(init=False)  # container name -> its plain name on the lab's network

    def __post_init__(self) -> None:
        plain = [DEPLOY, *(f"kp-lab-target{i}" for i in range(1, self.targets_count + 1)), UPSTREAM]
        self.aliases = {f"{name}{self.suffix}": name for name in plain}

    @property
    def id(self) -> str:
        return "lab" + self.suffix

    @property
    def network(self) -> str:
        return "kp-lab" + self.suffix

    @property
    def deploy(self) -> str:
        return DEPLOY + self.suffix

    @property
    def targets(self) -> list[str]:
        return [f"kp-lab-target{i}{self.suffix}" for i in range(1, self.targets_count + 1)]

    @property
    def upstream(self) -> str:
        return UPSTREAM + self.suffix

    @property
    def upstream_net(self) -> str:
        return f"{UPSTREAM}:5000"  # what the test hosts use (the alias on the lab's network)

    @property
    def hosts(self) -> list[str]:
        return [self.deploy, *self.targets]

    def labels(self) -> list[str]:
        return ["--label", f"{LABEL}=1", "--label", f"{LAB_LABEL}={self.id}", "--label", f"{RUN_LABEL}={self.id}"]

    def inventory(self) -> dict:
        """Host vars that map inventories/lab's host names onto this lab's containers (a second ``-i`` source)."""
        return {"all": {"hosts": {plain: {"ansible_host": name} for name, plain in self.aliases.items()
                                  if name != self.upstream}}}  # fmt: skip


def _running(name: str) -> bool:
    res = subprocess.run(
        [DOCKER, "inspect", "-f", "{{.State.Running}}", name], capture_output=True, text=True, check=False
    )
    return res.returncode == 0 and res.stdout.strip() == "true"


def testhost_run_args(name: str, labels: list[str], network: str | None = None, alias: str | None = None) -> list[str]:
    """``docker run`` of a test host with ``labels`` (``--label`` arguments), on ``network`` (the test network by
    default), answering there to ``alias`` too (then also its hostname)."""
    args = [
        DOCKER,
        "run",
        "-d",
        "--name",
        name,
        "--hostname",
        alias or name,
        "--network",
        network or SPEC["testhost_network"],
        *(["--network-alias", alias] if alias else []),
        *labels,
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


def ensure_host(name: str, labels: list[str], network: str | None = None, alias: str | None = None) -> bool:
    """Start the test host when it is not running; return True when (re)created. See testhost_run_args."""
    if _running(name):
        return False
    subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)
    subprocess.run(testhost_run_args(name, labels, network, alias), check=True, capture_output=True)
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


def ensure_upstream(lab: Lab) -> bool:
    """The synthetic upstream on the lab's network (its data in an anonymous volume, removed with it), published on
    127.0.0.1 at a port Docker picks; sets ``lab.upstream_local``. True when (re)created."""
    created = False
    if not _running(lab.upstream):
        subprocess.run([DOCKER, "rm", "-f", "-v", lab.upstream], capture_output=True, check=False)
        subprocess.run(
            [DOCKER, "run", "-d", "--name", lab.upstream, "--network", lab.network, "--network-alias", UPSTREAM,
             *lab.labels(), "-p", "127.0.0.1::5000", REGISTRY_IMAGE],
            check=True,
            capture_output=True,
        )  # fmt: skip
        created = True
    port = subprocess.run(
        [DOCKER, "port", lab.upstream, "5000/tcp"], check=True, capture_output=True, text=True
    ).stdout.split()[0]
    lab.upstream_local = "127.0.0.1:" + port.rsplit(":", 1)[1]
    return created


def up(targets: int = 2, suffix: str | None = None) -> tuple[Lab, list[str]]:
    lab = Lab(suffix=lab_suffix() if suffix is None else suffix, targets_count=targets)
    created = [lab.network] if network.ensure_network(lab.network, lab.labels()) else []
    created += [name for name in lab.hosts if ensure_host(name, lab.labels(), lab.network, lab.aliases[name])]
    if ensure_upstream(lab):
        created.append(lab.upstream)
    for name in lab.hosts:
        wait_booted(name)
    return lab, created


def down(lab_id: str | None = None) -> list[str]:
    """Remove a lab (``lab_id``), or every lab of the machine: containers with their volumes, then the networks."""
    label = f"{LAB_LABEL}={lab_id}" if lab_id else LAB_LABEL
    removed = []
    ids = subprocess.run(
        [DOCKER, "ps", "-aq", "--filter", f"label={label}"], capture_output=True, text=True, check=False
    ).stdout.split()
    if ids:
        subprocess.run([DOCKER, "rm", "-f", "-v", *ids], capture_output=True, check=False)
        removed += ids
    nets = subprocess.run(
        [DOCKER, "network", "ls", "--filter", f"label={label}", "--format", "{{.Name}}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    for net in nets:
        if subprocess.run([DOCKER, "network", "rm", net], capture_output=True, check=False).returncode == 0:
            removed.append(net)
    return removed
