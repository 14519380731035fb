"""The test bed itself: a push and a pull through a real registry:2 container with the real engine; sharing the
machine with other runs (a taken port, cleanup by owner)."""

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.testbed import (
    LABEL,
    OWNER_LABEL,
    RUN_ID,
    RUN_LABEL,
    WORKDIR_LABEL,
    network,
    process_start_time,
    registries,
    run_labels,
)

pytestmark = pytest.mark.integration

DOCKER = "/usr/bin/docker"


def test_registry_image_behaves_like_upstream(testbed):
    out = subprocess.run(
        [
            DOCKER,
            "image",
            "inspect",
            "--format",
            "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Volumes}}",
            "registry:2",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert '["/entrypoint.sh"]' in out
    assert '["/etc/docker/registry/config.yml"]' in out
    assert "/var/lib/registry" in out


def test_push_and_pull_through_real_registry(registry_factory):
    reg = registry_factory.start("pushpull")
    ref = f"{reg.host}/testbed/registry:probe"
    subprocess.run([DOCKER, "tag", "registry:2", ref], check=True)
    try:
        subprocess.run([DOCKER, "push", ref], check=True, capture_output=True)
        subprocess.run([DOCKER, "rmi", ref], check=True, capture_output=True)
        subprocess.run([DOCKER, "pull", ref], check=True, capture_output=True)
        repo_digests = subprocess.run(
            [DOCKER, "image", "inspect", "--format", "{{json .RepoDigests}}", ref],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert f"{reg.host}/testbed/registry@sha256:" in repo_digests
        assert any((reg.storage / "docker/registry/v2/repositories/testbed/registry").iterdir())
    finally:
        subprocess.run([DOCKER, "rmi", ref], capture_output=True, check=False)


def test_tls_and_auth_registry(registry_factory):
    import ssl
    import urllib.error
    import urllib.request

    reg = registry_factory.start("tlsauth", tls=True, auth={"kolla": "s3cret"})
    ctx = ssl.create_default_context(cafile=str(reg.ca_path))
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{reg.url}/v2/", context=ctx)
    assert exc.value.code == 401
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{reg.url}/v2/", context=ssl.create_default_context())


# ------------------------------------------------------------------------------------------ sharing the machine


class _Stranger:
    """Another process's HTTP server on 127.0.0.1:<port> that answers /v2/ like a registry would, counting requests."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        stranger = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                stranger.requests += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", registries.free_port()), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_taken_port_is_detected_and_another_one_used(registry_factory, monkeypatch):
    """The port picked is taken before the registry binds it (the pick-then-bind race, forced): the registry exits
    with 'address already in use', is not mistaken for the stranger that answers there, and starts on another port."""
    stranger = _Stranger()
    picks = iter([stranger.port])
    real_free_port = registries.free_port
    monkeypatch.setattr(registries, "free_port", lambda: next(picks, None) or real_free_port())
    try:
        reg = registry_factory.start("port-race")
        assert reg.port != stranger.port
        assert stranger.requests == 0, "the test bed talked to the process that held the port"
        state = registries._state(reg.name)
        assert state is not None and state[0] and registries.listens(state[1], reg.port)
        with pytest.raises(registries.PortTaken):
            registries.start_registry(f"kp-it-{RUN_ID}-port-fixed", port=stranger.port)
        assert registries._state(f"kp-it-{RUN_ID}-port-fixed") is None  # removed, not left behind
        assert stranger.requests == 0
    finally:
        stranger.close()


def _docker_create(name: str, labels: dict[str, str]) -> None:
    args = [DOCKER, "create", "--name", name, "--network", "none"]
    for key, value in labels.items():
        args += ["--label", f"{key}={value}"]
    subprocess.run([*args, "registry:2"], check=True, capture_output=True)


def _exists(name: str) -> bool:
    return subprocess.run([DOCKER, "inspect", name], capture_output=True, check=False).returncode == 0


def test_cleanup_spares_live_runs_and_removes_gone_ones(testbed, tmp_path):
    """Containers of another live run (a process still running) stay; those of a gone run (its pid exited, or its pid
    now belongs to a process started later) go, with the work directory the test bed made for them; ownerless ones
    (lab, molecule, older test beds) are left to ``python -m tests.testbed down``."""
    import tempfile

    live = subprocess.Popen(["sleep", "300"])
    gone = subprocess.Popen(["true"])
    gone.wait()
    live_owner = f"{live.pid}:{process_start_time(live.pid)}"
    gone_owner = f"{gone.pid}:{process_start_time(os.getpid())}"  # a start time that pid never had
    reused_owner = f"{os.getpid()}:1"  # this very pid, but a process started at tick 1: not this one
    workdir = Path(tempfile.mkdtemp(prefix="kp-it-gone-"))
    suffix = secrets.token_hex(3)
    names = {
        "live": (f"kp-it-live-{suffix}", {**run_labels(), RUN_LABEL: "other-live", OWNER_LABEL: live_owner}),
        "gone": (
            f"kp-it-gone-{suffix}",
            {**run_labels(), RUN_LABEL: "other-gone", OWNER_LABEL: gone_owner, WORKDIR_LABEL: str(workdir)},
        ),
        "reused": (f"kp-it-reused-{suffix}", {**run_labels(), RUN_LABEL: "other-reused", OWNER_LABEL: reused_owner}),
        "mine": (f"kp-it-mine-{suffix}", run_labels()),
        "ownerless": (f"kp-it-ownerless-{suffix}", {LABEL: "1"}),
    }
    try:
        for name, labels in names.values():
            _docker_create(name, labels)
        # The state, not clean_leftovers()'s answer: another session's clean-up may remove the gone ones first.
        network.clean_leftovers()
        assert not _exists(names["gone"][0]) and not _exists(names["reused"][0]) and not workdir.exists()
        assert _exists(names["live"][0]) and _exists(names["mine"][0]) and _exists(names["ownerless"][0])
        with pytest.raises(RuntimeError, match="belongs to the live run other-live"):
            registries.start_registry(names["live"][0])
        live.kill()
        live.wait()
        network.clean_leftovers()
        assert not _exists(names["live"][0])
        assert _exists(names["mine"][0]) and _exists(names["ownerless"][0])
    finally:
        live.kill()
        live.wait()
        subprocess.run(
            [DOCKER, "rm", "-f", "-v", *(n for n, _labels in names.values())], capture_output=True, check=False
        )
        shutil.rmtree(workdir, ignore_errors=True)
