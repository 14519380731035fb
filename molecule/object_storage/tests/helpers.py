"""What the object_storage scenario's tests share: the inventory's hosts, polling for a condition, a container's
address, a manifest through the registry API, a command run from the project (the synthetic image generator)."""

import os
import subprocess
import time

import requests
import testinfra

TAG = "2024.1-debian-bookworm"
PROJECT = os.environ.get("MOLECULE_PROJECT_DIRECTORY", os.getcwd())


def inventory_hosts(group):
    """The testinfra hosts of group in the scenario's inventory."""
    return testinfra.get_hosts([group], connection="ansible", ansible_inventory=os.environ["MOLECULE_INVENTORY_FILE"])


def run_in_project(argv):
    """Run argv in the project directory (where tests.testbed imports from) with the generator's cache off and
    without AWS_CA_BUNDLE (tests/testbed UNWANTED_ENV); the CompletedProcess, not checked."""
    env = {**os.environ, "KOLLAPREP_GEN_CACHE": "off"}
    env.pop("AWS_CA_BUNDLE", None)
    return subprocess.run(argv, capture_output=True, text=True, check=False, cwd=PROJECT, env=env)


def get_manifest(url, repo, ref, accept):
    """GET repo's manifest at ref (tag or digest) from the registry at url with the Accept header accept; raises on an
    error status."""
    res = requests.get(f"{url}/v2/{repo}/manifests/{ref}", headers={"Accept": accept}, timeout=30)
    res.raise_for_status()
    return res


def container_ip(name):
    fmt = "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}"
    out = subprocess.run(["docker", "inspect", "--format", fmt, name], capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


def wait_for(predicate, what, timeout=120.0, interval=0.5):
    """Poll predicate until it is truthy (an event, not a sleep); fail with what after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (requests.RequestException, subprocess.SubprocessError, AssertionError) as exc:
            last = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}: {last}")
