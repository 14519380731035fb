"""A real OpenStack Swift all-in-one for object-storage tests: Debian's swift 2.30, tempauth, s3api.

``start_swift(name)`` runs the image tests/testbed/images.py builds (``build_swift``: the systemd test-host image
with Swift's proxy, account, container and object servers and memcached) as a labelled container on the test network,
run like a test host (molecule/shared/vars/testhost.yml: the same capability list, no --privileged), and returns once
systemd has booted and tempauth hands out a token. Registries with host networking reach it by its address on the
test network (``Swift.authurl``), test hosts by its name (``Swift.authurl_by_name``).

Accounts (tempauth): ``test:tester`` / ``testing`` and ``test2:tester2`` / ``testing2``. The S3 API (s3api) takes
the tempauth user as access key and its password as secret key (``Swift.s3_params``).
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
import yaml

from tests.testbed import NETWORK, label_args
from tests.testbed.images import SWIFT_IMAGE

DOCKER = "/usr/bin/docker"
TESTHOST_VARS = Path(__file__).resolve().parents[2] / "molecule/shared/vars/testhost.yml"
USER, KEY = "test:tester", "testing"


def testhost_run_args() -> list[str]:
    """``docker run`` options of a systemd test host, from the one list molecule uses."""
    caps = yaml.safe_load(TESTHOST_VARS.read_text())["testhost_capabilities"]
    args = [f"--cap-add={c}" for c in caps]
    args += ["--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined"]
    args += ["--tmpfs", "/run", "--tmpfs", "/run/lock", "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw"]
    return [*args, "--stop-signal", "SIGRTMIN+3"]


@dataclass
class Swift:
    name: str
    ip: str

    @property
    def endpoint(self) -> str:
        return f"http://{self.ip}:8080"

    @property
    def authurl(self) -> str:
        return f"{self.endpoint}/auth/v1.0"

    @property
    def authurl_by_name(self) -> str:
        return f"http://{self.name}:8080/auth/v1.0"

    def swift_params(self, container: str, *, by_name: bool = False, **extra) -> dict:
        """Distribution's ``storage.swift`` parameters for a container of the test account."""
        account = USER.split(":", 1)[0]
        return {
            "authurl": self.authurl_by_name if by_name else self.authurl,
            "username": USER,
            "password": KEY,
            "container": container,
            "tenant": account,
            **extra,
        }

    def s3_params(self, bucket: str, *, by_name: bool = False, **extra) -> dict:
        """Distribution's ``storage.s3`` parameters for a bucket (a Swift container) of the test account."""
        host = self.name if by_name else self.ip
        return {
            "accesskey": USER,
            "secretkey": KEY,
            "region": "us-east-1",
            "regionendpoint": f"http://{host}:8080",
            "bucket": bucket,
            "secure": False,
            "v4auth": True,
            "forcepathstyle": True,
            **extra,
        }

    def registry_env(self, container: str, *, readonly: bool = False, secret: str | None = None) -> dict[str, str]:
        """REGISTRY_* settings (tests/testbed/registries.py ``env``) of a registry:2 on a container of the test
        account: redirects off as the roles configure them, the given http.secret ("shared" by default)."""
        env = {f"REGISTRY_STORAGE_SWIFT_{k.upper()}": str(v) for k, v in self.swift_params(container).items()}
        env |= {"REGISTRY_STORAGE": "swift", "REGISTRY_STORAGE_REDIRECT_DISABLE": "true"}
        env["REGISTRY_HTTP_SECRET"] = secret or "shared"
        if readonly:
            env["REGISTRY_STORAGE_MAINTENANCE_READONLY"] = '{"enabled": true}'
        return env

    def token(self, user: str = USER, key: str = KEY) -> tuple[str, str]:
        """(storage URL, token) from tempauth; the storage URL rewritten to this container's address."""
        res = requests.get(self.authurl, headers={"X-Auth-User": user, "X-Auth-Key": key}, timeout=10)
        res.raise_for_status()
        path = res.headers["X-Storage-Url"].split(":8080", 1)[1]
        return f"{self.endpoint}{path}", res.headers["X-Auth-Token"]

    def containers(self) -> list[str]:
        url, token = self.token()
        res = requests.get(url, headers={"X-Auth-Token": token}, params={"format": "json"}, timeout=10)
        res.raise_for_status()
        return [c["name"] for c in res.json()]

    def create_container(self, container: str) -> None:
        url, token = self.token()
        requests.put(f"{url}/{container}", headers={"X-Auth-Token": token}, timeout=10).raise_for_status()

    def objects(self, container: str, prefix: str = "") -> list[str]:
        """Names of the objects in container (every page)."""
        url, token = self.token()
        names: list[str] = []
        marker = ""
        while True:
            res = requests.get(
                f"{url}/{container}",
                headers={"X-Auth-Token": token},
                params={"format": "json", "prefix": prefix, "marker": marker},
                timeout=30,
            )
            if res.status_code == 404:
                return names
            res.raise_for_status()
            page = [o["name"] for o in res.json()]
            if not page:
                return names
            names += page
            marker = page[-1]

    def logs(self, lines: int = 60) -> str:
        res = subprocess.run(
            [DOCKER, "exec", self.name, "journalctl", "--no-pager", "-n", str(lines)],
            capture_output=True,
            text=True,
            check=False,
        )
        return res.stdout + res.stderr

    def stop(self) -> None:
        subprocess.run([DOCKER, "rm", "-f", "-v", self.name], capture_output=True, check=False)


def _ip(name: str) -> str:
    fmt = '{{(index .NetworkSettings.Networks "%s").IPAddress}}' % NETWORK
    return subprocess.run(
        [DOCKER, "inspect", "--format", fmt, name], capture_output=True, text=True, check=True
    ).stdout.strip()


def wait_ready(swift: Swift, timeout: float = 120.0) -> None:
    """Return once tempauth gives a token and a container can be created and deleted (every server is up: the proxy
    answers before the container server does)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            swift.create_container("kollaprep-ready-probe")
            url, token = swift.token()
            requests.delete(f"{url}/kollaprep-ready-probe", headers={"X-Auth-Token": token}, timeout=10)
            return
        except (requests.RequestException, KeyError, IndexError) as exc:
            last = exc
        time.sleep(0.5)
    raise RuntimeError(f"Swift {swift.name} did not answer at {swift.endpoint}: {last}\n{swift.logs()}")


def start_swift(name: str, *, network: str = NETWORK) -> Swift:
    """Start the Swift all-in-one as container name (a leftover of that name is replaced) and wait until it serves."""
    subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)
    cmd = [DOCKER, "run", "-d", "--name", name, "--hostname", name, "--network", network, *label_args()]
    cmd += [*testhost_run_args(), SWIFT_IMAGE]
    subprocess.run(cmd, check=True, capture_output=True)
    swift = Swift(name=name, ip=_ip(name))
    try:
        wait_ready(swift)
    except BaseException:
        swift.stop()
        raise
    return swift
