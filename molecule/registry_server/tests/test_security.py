"""Security of the registry the role runs, checked as an attacker on the host or the network would.

kp-rs-deploy: container mode, plain HTTP. kp-rs-tls: service mode, generated TLS, htpasswd auth (users kolla and,
added by the side effect's nested `ansible-playbook -vvv`, kp-sec-user). kp-rs-tlsc: container mode, generated TLS.
Which host has what comes from the inventory (the `expected` fixture, conftest.py), not from the config on the host.
"""

import os
import re
import shlex
from pathlib import Path

import pytest
import yaml

CONFIG_DIR = "/etc/kollaprep/registry"
CONFIG = f"{CONFIG_DIR}/config.yml"
CA = f"{CONFIG_DIR}/tls/ca.crt"
USER, PASSWORD = "kolla", "kp-rs-secret-pw"
SEC_USER, SEC_PASSWORD = "kp-sec-user", "kp-sec-rs-pw-7f3c9e21d4"
PUBLIC = {f"{CONFIG_DIR}/tls/ca.crt", f"{CONFIG_DIR}/tls/server.crt"}


def _config(host):
    return yaml.safe_load(host.file(CONFIG).content_string)


def _addr(host):
    return _config(host)["http"]["addr"]


def _statuses(host, requests):
    """Run curl requests in one round trip: {name: HTTP status, or -<curl exit code>}.

    requests: {name: (url, [extra curl args])}.
    """
    lines = []
    for name, (url, extra) in requests.items():
        args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", *extra, url]
        lines.append(f"printf '%s ' {shlex.quote(name)}; {shlex.join(args)}; echo \" $?\"")
    out = host.check_output("; ".join(lines))
    result = {}
    for line in out.splitlines():
        name, code, rc = line.split()
        result[name] = int(code) if rc == "0" else -int(rc)
    assert set(result) == set(requests), out
    return result


def test_listens_only_on_the_asked_address(host, expected):
    addr = _addr(host)
    ip, port = addr.rsplit(":", 1)
    assert port == "4000"
    assert ip == host.interface("eth0").addresses[0]
    listeners = [line.split()[3] for line in host.check_output("ss -Hltn").splitlines()]
    on_port = [a for a in listeners if a.rsplit(":", 1)[1] == "4000"]
    assert on_port == [addr], listeners
    scheme = "https" if expected.tls else "http"
    codes = _statuses(
        host,
        {
            "asked": (f"{scheme}://{addr}/v2/", ["--cacert", CA] if expected.tls else []),
            "loopback": (f"{scheme}://127.0.0.1:4000/v2/", ["-k"]),
            "localhost6": (f"{scheme}://[::1]:4000/v2/", ["-k"]),
        },
    )
    assert codes["asked"] == (401 if expected.auth else 200)
    # curl exit 7: connection refused; nothing answers on loopback.
    assert codes["loopback"] == -7
    assert codes["localhost6"] == -7


@pytest.mark.applies_to(auth=True)
def test_anonymous_and_wrong_password_refused(host, expected):
    base = f"{'https' if expected.tls else 'http'}://{_addr(host)}/v2"
    ca = ["--cacert", CA]
    right, wrong = ["-u", f"{USER}:{PASSWORD}"], ["-u", f"{USER}:{PASSWORD}-wrong"]
    sec = ["-u", f"{SEC_USER}:{SEC_PASSWORD}"]
    push = ["-X", "POST"]
    manifest = ["-X", "PUT", "-H", "Content-Type: application/vnd.docker.distribution.manifest.v2+json", "-d", "{}"]
    codes = _statuses(
        host,
        {
            "anon-ping": (f"{base}/", ca),
            "anon-pull": (f"{base}/test/busy/manifests/1", ca),
            "anon-catalog": (f"{base}/_catalog", ca),
            "anon-push-blob": (f"{base}/test/kp-sec-anon/blobs/uploads/", ca + push),
            "anon-push-manifest": (f"{base}/test/kp-sec-anon/manifests/1", ca + manifest),
            "wrong-ping": (f"{base}/", ca + wrong),
            "wrong-pull": (f"{base}/test/busy/manifests/1", ca + wrong),
            "wrong-push-blob": (f"{base}/test/kp-sec-anon/blobs/uploads/", ca + wrong + push),
            "unknown-user": (f"{base}/", [*ca, "-u", f"nobody:{PASSWORD}"]),
            "right-ping": (f"{base}/", ca + right),
            "right-pull": (f"{base}/test/busy/manifests/1", ca + right),
            "sec-user-ping": (f"{base}/", ca + sec),
        },
    )
    refused = [n for n in codes if n.startswith(("anon-", "wrong-", "unknown-"))]
    assert {n: codes[n] for n in refused} == dict.fromkeys(refused, 401)
    assert codes["right-ping"] == 200
    assert codes["right-pull"] == 200
    assert codes["sec-user-ping"] == 200
    # Nothing was created by the refused pushes.
    assert not host.file("/var/lib/kollaprep/registry/docker/registry/v2/repositories/test/kp-sec-anon").exists


@pytest.mark.applies_to(auth=True)
def test_right_password_may_push(host, expected):
    base = f"{'https' if expected.tls else 'http'}://{_addr(host)}/v2"
    auth = f"--cacert {CA} -u {USER}:{PASSWORD}"
    out = host.check_output(f"curl -s -D - -o /dev/null -X POST {auth} {base}/test/kp-sec-push/blobs/uploads/")
    assert out.split()[1] == "202", out
    location = next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.lower().startswith("location:"))
    # Cancel the upload again so nothing is left behind.
    assert host.check_output(f"curl -s -o /dev/null -w '%{{http_code}}' -X DELETE {auth} '{location}'") == "204"


@pytest.mark.applies_to(tls=True)
def test_tls_refuses_plain_http(host, expected):
    url = f"http://{_addr(host)}/v2/_catalog"
    codes = _statuses(host, {"plain": (url, []), "plain-auth": (url, ["-u", f"{USER}:{PASSWORD}"])})
    # Go's TLS server answers a plain request with 400 and serves nothing, with or without credentials.
    assert codes == {"plain": 400, "plain-auth": 400}
    body = host.check_output(f"curl -s -u {USER}:{PASSWORD} {url}")
    assert "HTTP request to an HTTPS server" in body
    assert "repositories" not in body


def test_private_files_not_world_readable(host, expected):
    files = host.check_output(f"find {CONFIG_DIR} -type f").split()
    readable = set(host.check_output(f"find {CONFIG_DIR} -type f -perm /o=r").split())
    keys = host.check_output(f"find {CONFIG_DIR} -type f -name '*.key'").split()
    for key in keys:
        assert host.file(key).mode == 0o600, key
    assert CONFIG in files
    assert readable <= PUBLIC, readable - PUBLIC
    assert host.file(CONFIG_DIR).mode == 0o750
    assert host.file(f"{CONFIG_DIR}/http-secret").mode == 0o600
    if expected.tls:
        # The CA key stays on the controller (issue 14): the host holds the server's key only.
        assert keys == [f"{CONFIG_DIR}/tls/server.key"]
        assert not host.file(f"{CONFIG_DIR}/ca").exists
        if expected.service:
            # The service user reads its own key.
            assert host.run(f"runuser -u docker-registry -- test -r {CONFIG_DIR}/tls/server.key").rc == 0
        else:
            # Container mode: the key is root's; only the tls directory is mounted into the container.
            assert host.file(f"{CONFIG_DIR}/tls/server.key").user == "root"
    else:
        assert keys == []


@pytest.mark.applies_to(auth=True)
def test_htpasswd_hashed_and_not_world_readable(host, expected):
    htpasswd = host.file(f"{CONFIG_DIR}/htpasswd")
    assert htpasswd.mode & 0o007 == 0
    assert htpasswd.mode == 0o640
    assert htpasswd.user == "root"
    assert htpasswd.group == "docker-registry"
    entries = dict(line.split(":", 1) for line in htpasswd.content_string.split())
    assert set(entries) == {USER, SEC_USER}
    assert all(h.startswith("$2") for h in entries.values())
    # Only the registry's user (and root) can read it.
    assert host.run(f"runuser -u nobody -- cat {CONFIG_DIR}/htpasswd").rc != 0


@pytest.mark.applies_to(auth=True)
def test_no_password_in_vvv_output_or_host_files(host, expected):
    log = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "kp-sec-users-vvv.log").read_text()
    # The run did manage the users, at -vvv.
    assert "TASK [kollaprep.registry.registry_server : Manage the htpasswd users]" in log
    name = host.backend.get_hostname()
    assert f"<{name}> ESTABLISH" in log
    assert re.search(rf"^{re.escape(name)} +: ok=", log, re.MULTILINE), log[-2000:]
    for password in (PASSWORD, SEC_PASSWORD):
        assert password not in log
    # No file the role or the registry wrote holds a password in clear (the hashes are in htpasswd).
    for password in (PASSWORD, SEC_PASSWORD):
        cmd = host.run(f"grep -rlF -- {password} /etc /root /var/lib/kollaprep /var/log /tmp /var/tmp")
        assert cmd.rc == 1, cmd.stdout
