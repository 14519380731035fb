"""What a user checks on the deployment host after the registry_server role (and the side effect) ran.

kp-rs-deploy: container mode, plain HTTP. kp-rs-tls: service mode, generated TLS, htpasswd auth. kp-rs-tlsc:
container mode, generated TLS. Which host has what comes from the inventory (the `expected` fixture, conftest.py);
the config the role wrote is checked against it, never used to decide what to expect.
"""

import os
from pathlib import Path

import pytest
import yaml

CONFIG = "/etc/kollaprep/registry/config.yml"
CA = "/etc/kollaprep/registry/tls/ca.crt"
USER, PASSWORD = "kolla", "kp-rs-secret-pw"


def _name(host):
    return host.backend.get_hostname()


def _config(host):
    return yaml.safe_load(host.file(CONFIG).content_string)


def _addr(host):
    return _config(host)["http"]["addr"]


def _curl(host, expected, path, *, ca=True, auth=True, scheme=None, method="GET", accept=None):
    """HTTP status code of a request to the registry, or the curl exit code as a negative number."""
    tls = expected.tls
    scheme = scheme or ("https" if tls else "http")
    args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"]
    args += ["--head"] if method == "HEAD" else ["-X", method]
    if tls and ca:
        args += ["--cacert", CA]
    if auth and expected.auth:
        args += ["-u", f"{USER}:{PASSWORD}"]
    if accept:
        args += ["-H", f"Accept: {accept}"]
    cmd = host.run(" ".join(f"'{a}'" for a in args) + f" '{scheme}://{_addr(host)}{path}'")
    if cmd.rc != 0:
        return -cmd.rc
    return int(cmd.stdout.strip())


def test_config_is_managed_and_complete(host):
    f = host.file(CONFIG)
    assert f.is_file
    assert f.mode == 0o640
    assert f.content_string.startswith("#")
    config = _config(host)
    assert config["storage"]["delete"]["enabled"] is True
    assert config["storage"]["maintenance"]["readonly"]["enabled"] is False
    assert config["health"]["storagedriver"]["enabled"] is True
    assert len(config["http"]["secret"]) >= 32
    ip = host.interface("eth0").addresses[0]
    assert config["http"]["addr"] == f"{ip}:4000"
    # The side effect's level change was reverted by the GC playbook, which brings the registry back as configured.
    assert config["log"]["level"] == "info"


def test_config_matches_the_inventory(host, expected):
    config = _config(host)
    if expected.tls:
        assert config["http"]["tls"] == {
            "certificate": "/etc/kollaprep/registry/tls/server.crt",
            "key": "/etc/kollaprep/registry/tls/server.key",
        }
    else:
        assert "tls" not in config["http"]
    if expected.auth:
        assert config["auth"]["htpasswd"]["path"] == "/etc/kollaprep/registry/htpasswd"
        assert config["auth"]["htpasswd"]["realm"]
    else:
        assert "auth" not in config
        assert not host.file("/etc/kollaprep/registry/htpasswd").exists
    unit = host.file("/etc/systemd/system/kollaprep-registry.service")
    assert unit.exists == expected.service
    with host.sudo():
        containers = host.check_output("docker ps -a --filter name=^registry$ --format '{{.Names}}'").split()
    assert containers == ([] if expected.service else ["registry"])


def test_http_secret_kept_private(host):
    secret = host.file("/etc/kollaprep/registry/http-secret")
    assert secret.mode == 0o600
    assert secret.user == "root"
    assert secret.content_string.strip() == _config(host)["http"]["secret"]


def test_v2_answers(host, expected):
    assert _curl(host, expected, "/v2/", auth=False) == (401 if expected.auth else 200)
    assert _curl(host, expected, "/v2/") == 200


@pytest.mark.applies_to(service=False)
def test_registry_container(host, expected):
    inspect = host.docker("registry").inspect()
    assert inspect["State"]["Running"]
    assert inspect["HostConfig"]["NetworkMode"] == "host"
    assert inspect["HostConfig"]["RestartPolicy"]["Name"] == "always"
    assert len(inspect["Config"]["Labels"]["kollaprep.config-sha"]) == 64
    mounts = {m["Destination"]: m["Source"] for m in inspect["Mounts"]}
    assert mounts["/var/lib/registry"] == "/var/lib/kollaprep/registry"
    assert mounts["/etc/docker/registry/config.yml"] == CONFIG
    if expected.tls:
        assert mounts["/etc/kollaprep/registry/tls"] == "/etc/kollaprep/registry/tls"
        assert "/etc/kollaprep/registry/ca" not in mounts  # the CA key stays on the host
    assert host.socket(f"tcp://{_addr(host)}").is_listening
    # Stored images live on the host, not in the container.
    assert host.file("/var/lib/kollaprep/registry/docker/registry/v2/repositories/test/busy").is_directory


@pytest.mark.applies_to(service=True)
def test_registry_service(host, expected):
    service = host.service("kollaprep-registry")
    assert service.is_running
    assert service.is_enabled
    assert not host.service("docker-registry").is_running
    assert not host.socket("tcp://0.0.0.0:5000").is_listening
    assert host.socket(f"tcp://{_addr(host)}").is_listening
    data = host.file("/var/lib/kollaprep/registry")
    assert data.user == "docker-registry"
    assert host.file("/var/lib/kollaprep/registry/docker/registry/v2/repositories/test/busy").is_directory


def test_push_and_pull(host):
    addr = _addr(host)
    src, dst = f"{addr}/test/busy:1", f"{addr}/test/verify:1"
    steps = [
        f"docker tag {src} {dst}",
        f"docker push {dst}",
        f"docker rmi {dst}",
        f"docker pull {dst}",
        f"docker run --rm --network none {dst} /bin/busybox true",
    ]
    for step in steps:
        host.run_expect([0], step)


def test_deleted_image_collected_and_kept_image_served(host, expected):
    manifest = "application/vnd.docker.distribution.manifest.v2+json"
    assert _curl(host, expected, "/v2/test/gc/manifests/1", method="HEAD", accept=manifest) == 404
    assert _curl(host, expected, "/v2/test/busy/manifests/1", method="HEAD", accept=manifest) == 200


def test_tls_needs_the_ca(host, expected):
    if not expected.tls:
        # Plain HTTP host: no certificate in the way, https gets no TLS handshake (curl 35).
        assert _curl(host, expected, "/v2/") == 200
        assert _curl(host, expected, "/v2/", scheme="https", ca=False) == -35
        return
    assert _curl(host, expected, "/v2/") == 200
    assert _curl(host, expected, "/v2/", ca=False) == -60  # curl: peer certificate cannot be authenticated
    # Plain HTTP on the TLS port: Go answers 400 "client sent an HTTP request to an HTTPS server".
    assert _curl(host, expected, "/v2/", scheme="http") == 400


@pytest.mark.applies_to(tls=True)
def test_server_certificate(host, expected):
    ip = _addr(host).rsplit(":", 1)[0]
    text = host.check_output("openssl x509 -noout -text -in /etc/kollaprep/registry/tls/server.crt")
    assert f"IP Address:{ip}" in text
    assert "DNS:registry.kp-rs.test" in text
    assert f"DNS:{_name(host)}" in text
    host.run_expect([0], f"openssl verify -CAfile {CA} /etc/kollaprep/registry/tls/server.crt")
    assert host.file("/etc/kollaprep/registry/tls/server.key").mode == 0o600
    assert not host.file("/etc/kollaprep/registry/ca/ca.key").exists  # made on the controller, kept there
    owner = "docker-registry" if expected.service else "root"
    assert host.file("/etc/kollaprep/registry/tls/server.key").user == owner


@pytest.mark.applies_to(tls=True)
def test_ca_copied_to_controller(host, expected):
    local = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], f"{_name(host)}-ca.crt")
    assert local.read_text() == host.file(CA).content_string


def test_auth(host, expected):
    if not expected.auth:
        # No auth asked: an anonymous client reads the catalog.
        assert _curl(host, expected, "/v2/_catalog", auth=False) == 200
        return
    assert _curl(host, expected, "/v2/_catalog", auth=False) == 401
    assert _curl(host, expected, "/v2/_catalog") == 200
    htpasswd = host.file("/etc/kollaprep/registry/htpasswd").content_string
    assert htpasswd.startswith(f"{USER}:$2")
    # An anonymous client (empty docker config) cannot push; the logged-in user did in test_push_and_pull.
    addr = _addr(host)
    cmd = host.run(f"DOCKER_CONFIG=/tmp/kp-rs-anonymous docker push {addr}/test/verify:1")
    assert cmd.rc != 0
    assert "no basic auth credentials" in cmd.stderr or "unauthorized" in cmd.stderr
