"""The registry_server role's token service for tests and benchmarks: imported from its file, or run as a process.

The service is one file the role installs on the deployment host (roles/registry_server/files/
kollaprep_token_service.py); here it is imported by path (unit tests, the benchmark) or started as a real process
with a JSON config, its own TLS certificate and signing key, exactly as the systemd unit runs it.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.testbed import clean_env
from tests.testbed.registries import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICE_FILE = ROOT / "roles/registry_server/files/kollaprep_token_service.py"


def load():
    """The service as a module (name ``kollaprep_token_service``), loaded once."""
    name = "kollaprep_token_service"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SERVICE_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class TokenService:
    proc: subprocess.Popen
    port: int
    workdir: Path
    config: dict
    ca_path: Path
    log_path: Path

    @property
    def realm(self) -> str:
        return f"https://127.0.0.1:{self.port}/token"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start(workdir: Path, config: dict, tls: tuple[Path, Path, Path], timeout: float = 20.0) -> TokenService:
    """Run the service with ``config`` (listen, TLS and signing key filled in here) until /healthz answers.

    tls: (ca, cert, key) of the service's HTTPS; the signing key and its certificate are made by ``--init-key`` in
    workdir. The port is picked below the ephemeral range and picked again when another process got it first.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    ca, cert, key = tls
    conf = {
        "signing_key": str(workdir / "signing.key"),
        "signing_cert": str(workdir / "signing.crt"),
        "tls_cert": str(cert),
        "tls_key": str(key),
        **config,
    }
    conf_path = workdir / "token.json"
    conf_path.write_text(json.dumps(conf))
    subprocess.run(
        [sys.executable, str(SERVICE_FILE), "--config", str(conf_path), "--init-key"],
        check=True,
        capture_output=True,
        env=clean_env(),
    )
    ctx = ssl.create_default_context(cafile=str(ca))
    for _attempt in range(8):
        port = free_port()
        conf["listen"] = f"127.0.0.1:{port}"
        conf_path.write_text(json.dumps(conf))
        log_path = workdir / f"token-{port}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, str(SERVICE_FILE), "--config", str(conf_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=clean_env(),
            )
        svc = TokenService(proc=proc, port=port, workdir=workdir, config=conf, ca_path=ca, log_path=log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"https://127.0.0.1:{port}/healthz", timeout=2, context=ctx) as resp:
                    if resp.status == 200:
                        return svc
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        svc.stop()
        if "Address already in use" not in svc.log():
            raise RuntimeError(f"token service did not start on port {port}:\n{svc.log()}")
    raise RuntimeError("token service: no free port after 8 attempts")


def htpasswd_line(user: str, password: str) -> str:
    out = subprocess.run(["htpasswd", "-Bbn", user, password], check=True, capture_output=True, text=True).stdout
    return out.strip()


__all__ = ["SERVICE_FILE", "TokenService", "htpasswd_line", "load", "start"]
