"""Make sure a Docker engine answers: install Debian's docker.io when absent, start dockerd when down."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tests.testbed import clean_env

DOCKERD_LOG = Path("/var/log/kollaprep-dockerd.log")
SETUP_LOCK = Path("/run/lock/kollaprep-testbed.lock")

_held = threading.local()


@contextlib.contextmanager
def setup_lock() -> Iterator[None]:
    """One process at a time sets the machine up (apt, starting dockerd, building images); reentrant in a process.

    Concurrent runs (two pytest sessions, a benchmark) would otherwise race for apt's lock or start dockerd twice.
    """
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    path = SETUP_LOCK if SETUP_LOCK.parent.is_dir() else Path("/tmp") / SETUP_LOCK.name
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            fcntl.flock(fh, fcntl.LOCK_UN)


def _answers() -> bool:
    docker = shutil.which("docker", path="/usr/bin") or shutil.which("docker")
    if not docker:
        return False
    res = subprocess.run(
        [docker, "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True, check=False
    )
    return res.returncode == 0


# Debian packages the test bed needs, by the binary that shows each is there.
PACKAGES = {
    "dockerd": "docker.io",
    "skopeo": "skopeo",
    "mmdebstrap": "mmdebstrap",
    "docker-registry": "docker-registry",
    "busybox": "busybox-static",
    "htpasswd": "apache2-utils",
    "ip": "iproute2",
    "openssl": "openssl",
}


def install_engine() -> None:
    """Install whatever the test bed needs and is missing (one apt transaction)."""
    missing = [
        pkg for binary, pkg in PACKAGES.items() if not shutil.which(binary, path="/usr/bin:/usr/sbin:/bin:/sbin")
    ]
    if not missing:
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
    )


def ensure_engine(timeout: float = 60.0) -> None:
    """Return once the engine answers; start dockerd if it is not running."""
    with setup_lock():
        _ensure_engine(timeout)


def _ensure_engine(timeout: float) -> None:
    install_engine()
    if _answers():
        return
    running = subprocess.run(["pgrep", "-x", "dockerd"], capture_output=True, check=False).returncode == 0
    if not running:
        # PID 1 is not systemd on these machines: start the daemon ourselves, detached from this process.
        with DOCKERD_LOG.open("ab") as log:
            subprocess.Popen(["dockerd"], stdout=log, stderr=log, start_new_session=True, env=clean_env())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _answers():
            return
        time.sleep(0.3)
    raise RuntimeError(f"dockerd did not answer within {timeout:.0f}s; see {DOCKERD_LOG}")
