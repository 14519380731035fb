"""Run real registry:2 containers for tests and benchmarks: plain, TLS, basic auth, any config extras.

Registries use host networking bound to 127.0.0.1 only: no docker-proxy in the data path (the benchmarks under bench/
measure through this same helper), nothing reachable from outside the machine, and 127.0.0.1 is an insecure registry
for dockerd by default (the tests push and pull through the engine).

Ports: Distribution cannot listen on port 0 and report the port, so the test bed picks one, and the race between
picking and binding is settled by checking, not by luck. A port is picked below the kernel's ephemeral range (where
no client socket and no ``bind(("127.0.0.1", 0))`` of this machine ever lands), and a registry counts as started only
once its own process, the container's PID, holds the listening socket on 127.0.0.1:<port> (read in /proc) and then
answers /v2/. When another process got the port first, the registry exits with "address already in use": the
container is removed and the next attempt uses another port. Nothing ever talks to a stranger's registry that
happened to answer on the port this one wanted.

Every container carries the test bed labels with the owner run (tests/testbed/__init__.py: run_labels), so the
leftovers of an interrupted run are removed by tests/testbed/network.py and a live concurrent run's never are.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.testbed import OWNER_LABEL, REGISTRY_IMAGE, RUN_ID, RUN_LABEL, WORKDIR_LABEL, label_args, owner_alive

DOCKER = "/usr/bin/docker"
PORT_ATTEMPTS = 8
PORTS_BELOW_EPHEMERAL = 12000  # how many ports under the ephemeral range free_port draws from


def _ephemeral_start() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as fh:
            return int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A port nobody listens on now, drawn at random below the ephemeral range (see the module's docstring)."""
    high = _ephemeral_start()
    low = max(1024, high - PORTS_BELOW_EPHEMERAL)
    for _attempt in range(200):
        port = random.randrange(low, high)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}..{high - 1} on 127.0.0.1")


class PortTaken(RuntimeError):
    """The registry could not bind its port: another process took it first."""


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_tls(directory: Path, names: list[str], ips: list[str]) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for names/ips; return (ca, cert, key)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (directory / n for n in ("ca.key", "ca.crt", "server.key", "server.csr", "server.crt"))
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=kollaprep test CA",
        "-keyout",
        str(ca_key),
        "-out",
        str(ca),
    )
    _openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        f"/CN={names[0] if names else ips[0]}",
        "-keyout",
        str(key),
        "-out",
        str(csr),
    )
    san = ",".join([f"DNS:{n}" for n in names] + [f"IP:{i}" for i in ips])
    ext = directory / "san.ext"
    ext.write_text(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    _openssl(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        str(ext),
        "-out",
        str(cert),
    )
    for p in (ca_key, key):
        p.chmod(0o600)
    return ca, cert, key


@dataclass
class Registry:
    name: str
    port: int
    workdir: Path
    tls: bool = False
    auth: tuple[str, str] | None = None
    ca_path: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}"

    @property
    def storage(self) -> Path:
        return self.workdir / "data"

    def logs(self, tail: int = 50) -> str:
        res = subprocess.run(
            [DOCKER, "logs", "--tail", str(tail), self.name], capture_output=True, text=True, check=False
        )
        return res.stdout + res.stderr

    def stop(self) -> None:
        subprocess.run([DOCKER, "rm", "-f", "-v", self.name], capture_output=True, check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _state(name: str) -> tuple[bool, int] | None:
    """(running, pid) of a container; None when there is no such container."""
    res = subprocess.run(
        [DOCKER, "inspect", "--format", "{{.State.Running}} {{.State.Pid}}", name],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        return None
    running, pid = res.stdout.split()
    return running == "true", int(pid)


def listens(pid: int, port: int) -> bool | None:
    """Whether process pid holds the listening TCP socket on 127.0.0.1:port; None when /proc does not let us see."""
    local = "0100007F:%04X" % port
    try:
        with open(f"/proc/{pid}/net/tcp") as fh:
            inodes = {f[9] for f in (line.split() for line in fh.readlines()[1:]) if f[1] == local and f[3] == "0A"}
        if not inodes:
            return False
        for fd in os.scandir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(fd.path)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return True
    except PermissionError:
        return None
    except FileNotFoundError:
        return False
    return False


def wait_ready(reg: Registry, timeout: float = 20.0) -> None:
    """Return once reg's own container listens on reg.host and answers /v2/ (200, or 401 with auth).

    Raises PortTaken when the registry exited because the port was taken, RuntimeError (with its logs) on any other
    exit or on timeout. Also for a registry started again (``docker start``) on the port it had.
    """
    import ssl

    ctx = ssl.create_default_context(cafile=str(reg.ca_path)) if reg.tls else None
    deadline = time.monotonic() + timeout
    last: object = "not listening yet"
    while time.monotonic() < deadline:
        state = _state(reg.name)
        if state is None or not state[0]:
            logs = reg.logs()
            if "address already in use" in logs:
                raise PortTaken(f"registry {reg.name}: {reg.host} was taken by another process")
            raise RuntimeError(f"registry {reg.name} on {reg.host} is not running:\n{logs}")
        mine = listens(state[1], reg.port)
        if mine is None:  # no access to the registry's /proc entries: its own log line says what it bound
            mine = f"listening on {reg.host}" in reg.logs(tail=200)
        if mine:
            try:
                urllib.request.urlopen(f"{reg.url}/v2/", timeout=2, context=ctx)
                return
            except urllib.error.HTTPError as exc:
                if exc.code == 401:
                    return
                last = exc
            except OSError as exc:
                last = exc
        time.sleep(0.1)
    raise RuntimeError(f"registry {reg.name} on {reg.host} did not answer: {last}\n{reg.logs()}")


def _claim_name(name: str) -> None:
    """Remove a leftover container called name, unless a live run other than this one owns it (then raise)."""
    res = subprocess.run(
        [DOCKER, "inspect", "--format", "{{json .Config.Labels}}", name], capture_output=True, text=True, check=False
    )
    if res.returncode != 0:
        return
    labels = json.loads(res.stdout) or {}
    run, owner = labels.get(RUN_LABEL, ""), labels.get(OWNER_LABEL, "")
    if run != RUN_ID and owner and owner_alive(owner):
        raise RuntimeError(f"container {name} belongs to the live run {run}: pick another name")
    subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)


def start_registry(
    name: str,
    *,
    tls: bool = False,
    auth: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    port: int | None = None,
    workdir: Path | None = None,
    volumes: list[str] | None = None,
) -> Registry:
    """Start a registry:2 container named name on 127.0.0.1 and return once it answers.

    A leftover of the same name is replaced, unless a live concurrent run owns it (RuntimeError). port: a fixed port
    (no retry); by default one is picked, and picked again when another process takes it first (PortTaken, up to
    PORT_ATTEMPTS). workdir: where data/ (the storage, mounted at /var/lib/registry), tls/ and auth/ go; by default a
    new temp directory, removed by Registry.stop or with a gone run's leftovers. volumes: more ``-v`` arguments
    (``host:container[:ro]``), e.g. a token service's certificate for ``auth.token.rootcertbundle``.
    """
    _claim_name(name)
    own_workdir = workdir is None
    workdir = workdir or Path(tempfile.mkdtemp(prefix=f"{name}-"))
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    reg = Registry(name=name, port=0, workdir=workdir, tls=tls)
    environment = {"REGISTRY_STORAGE_DELETE_ENABLED": "true", **(env or {})}
    mounts = ["-v", f"{workdir / 'data'}:/var/lib/registry"]
    for volume in volumes or []:
        mounts += ["-v", volume]
    if tls:
        ca, _cert, _key = make_tls(workdir / "tls", ["localhost"], ["127.0.0.1"])
        reg.ca_path = ca
        mounts += ["-v", f"{workdir / 'tls'}:/certs:ro"]
        environment |= {
            "REGISTRY_HTTP_TLS_CERTIFICATE": "/certs/server.crt",
            "REGISTRY_HTTP_TLS_KEY": "/certs/server.key",
        }
    if auth:
        lines = []
        for user, pw in auth.items():
            out = subprocess.run(["htpasswd", "-Bbn", user, pw], check=True, capture_output=True, text=True).stdout
            lines.append(out.strip())
        (workdir / "auth").mkdir()
        (workdir / "auth/htpasswd").write_text("\n".join(lines) + "\n")
        mounts += ["-v", f"{workdir / 'auth'}:/auth:ro"]
        environment |= {
            "REGISTRY_AUTH": "htpasswd",
            "REGISTRY_AUTH_HTPASSWD_REALM": "kollaprep",
            "REGISTRY_AUTH_HTPASSWD_PATH": "/auth/htpasswd",
        }
        reg.auth = next(iter(auth.items()))
    labels = label_args({WORKDIR_LABEL: str(workdir)} if own_workdir else None)
    attempt = 0
    try:
        while True:
            attempt += 1
            reg.port = port or free_port()
            reg.env = {"REGISTRY_HTTP_ADDR": reg.host, **environment}
            cmd = [DOCKER, "run", "-d", "--name", name, "--network", "host", *labels]
            for k, v in reg.env.items():
                cmd += ["-e", f"{k}={v}"]
            cmd += [*mounts, REGISTRY_IMAGE]
            subprocess.run(cmd, check=True, capture_output=True)
            try:
                wait_ready(reg)
                return reg
            except PortTaken:
                if port or attempt >= PORT_ATTEMPTS:
                    raise
                subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)
    except BaseException:
        subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        raise


def assert_complete(cli, repo, ref):
    """Every manifest (children too) and every blob ``repo:ref`` needs is in the registry ``cli`` (a RegistryClient)
    reads; returns the tag's digest."""
    from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc

    body, media_type, digest = cli.get_manifest(repo, ref)
    manifests = [body]
    if rc.is_index(media_type):
        manifests = [cli.get_manifest(repo, c["digest"])[0] for c in rc.manifest_children(body)]
    for manifest in manifests:
        for desc in rc.manifest_blobs(manifest):
            assert cli.head_blob(repo, desc["digest"]) == desc["size"], (repo, ref, desc["digest"])
    return digest
