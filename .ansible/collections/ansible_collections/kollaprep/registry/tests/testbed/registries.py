"""Run real registry:2 containers for tests and benchmarks: plain, TLS, basic auth, any config extras.

Registries use host networking bound to 127.0.0.1 only (no docker-proxy in the data path, nothing reachable from
outside the machine). Every container carries the test bed label so an interrupted run's leftovers are cleaned up.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.testbed import LABEL, REGISTRY_IMAGE

DOCKER = "/usr/bin/docker"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def wait_ready(reg: Registry, timeout: float = 20.0) -> None:
    import ssl

    ctx = ssl.create_default_context(cafile=str(reg.ca_path)) if reg.tls else None
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{reg.url}/v2/", timeout=2, context=ctx)
            return
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                return
            last = exc
        except OSError as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"registry {reg.name} on {reg.host} did not answer: {last}\n{reg.logs()}")


def start_registry(
    name: str,
    *,
    tls: bool = False,
    auth: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    port: int | None = None,
    workdir: Path | None = None,
) -> Registry:
    """Start a registry:2 container named name on 127.0.0.1 (a leftover of the same name is replaced)."""
    subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)
    port = port or free_port()
    workdir = workdir or Path(tempfile.mkdtemp(prefix=f"{name}-"))
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    reg = Registry(name=name, port=port, workdir=workdir, tls=tls)
    environment = {"REGISTRY_HTTP_ADDR": reg.host, "REGISTRY_STORAGE_DELETE_ENABLED": "true", **(env or {})}
    mounts = ["-v", f"{workdir / 'data'}:/var/lib/registry"]
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
    reg.env = environment
    cmd = [DOCKER, "run", "-d", "--name", name, "--network", "host", "--label", f"{LABEL}=1"]
    for k, v in environment.items():
        cmd += ["-e", f"{k}={v}"]
    cmd += [*mounts, REGISTRY_IMAGE]
    subprocess.run(cmd, check=True, capture_output=True)
    wait_ready(reg)
    return reg
