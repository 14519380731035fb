"""The user-defined docker network for test hosts, and cleanup of what an interrupted run left behind."""

from __future__ import annotations

import subprocess

from tests.testbed import LABEL, NETWORK

DOCKER = "/usr/bin/docker"


def _docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, check=check)


def ensure_network() -> bool:
    """Create the test network when absent; return True when created."""
    if _docker("network", "inspect", NETWORK, check=False).returncode == 0:
        return False
    _docker("network", "create", "--label", f"{LABEL}=1", NETWORK)
    return True


def container_names(prefix: str) -> list[str]:
    return [n for n in _docker("ps", "-a", "--format", "{{.Names}}").stdout.split() if n.startswith(prefix)]


def remove_containers(prefix: str) -> list[str]:
    """Force-remove containers whose name starts with prefix (with their anonymous volumes)."""
    doomed = container_names(prefix)
    if doomed:
        _docker("rm", "-f", "-v", *doomed, check=False)
    return doomed


def clean_leftovers(all_objects: bool = False) -> None:
    """Remove the test bed's containers (by label) left by an interrupted run; with all_objects the network too."""
    ids = _docker("ps", "-aq", "--filter", f"label={LABEL}").stdout.split()
    if ids:
        _docker("rm", "-f", "-v", *ids, check=False)
    if all_objects:
        _docker("network", "rm", NETWORK, check=False)
    _docker("volume", "prune", "-f", "--filter", f"label={LABEL}", check=False)
