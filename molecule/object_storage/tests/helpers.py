"""What the object_storage scenario's tests share: polling for a condition, a container's address."""

import subprocess
import time

import requests


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
