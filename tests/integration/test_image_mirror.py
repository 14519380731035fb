"""image_mirror against real registry:2 containers (registry_factory) filled by the test bed generator.

Covers: copy + digest equality, second run skipped, cross-repo mounts (counted on the client, within a run and
from what an earlier run left), multi-platform OCI index with and without a platform filter, TLS + basic auth at
the destination, the Docker bearer-token flow (a token service run by the test, JWT RS256 signed with
`cryptography`), the module's four steps through ansible-playbook and its diff of a changed tag (old and new
digest). Interrupted copies (kill -9, then a rerun) are covered by test_reliability_mirror.py, where a paced proxy
makes sure each kill lands mid-copy.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import subprocess
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources

from tests.testbed import generator
from tests.testbed.ansible import run_playbook_file, run_task_once
from tests.testbed.registries import assert_complete

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TAG = "2024.1-debian-bookworm"
NS = "openstack.kolla"


@pytest.fixture(autouse=True)
def _no_generator_cache(monkeypatch):
    monkeypatch.setenv("KOLLAPREP_GEN_CACHE", "off")


@pytest.fixture(scope="module")
def src(registry_factory):
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    reg = registry_factory.start("kp-mir-src")
    reg.images = generator.generate(reg.host, count=7, layer_size=64 * 1024, tag=TAG)
    reg.multi = generator.generate(
        reg.host, images=["cron"], layer_size=16 * 1024, tag="oci-multi", media_type="oci", multiarch=True
    )
    return reg


def dest_client(reg, **kw):
    options = {"scheme": "https" if reg.tls else "http", "ca_path": str(reg.ca_path) if reg.ca_path else None}
    options.update(kw)
    return rc.RegistryClient(reg.host, side="dest", **options)


def copy(src_reg, dest, images, *, tag=TAG, **kw):
    source = sources.RegistrySource(src_reg.host, scheme="http")
    return mm.mirror(images, source=source, dest=dest, tag=tag, src_registry=src_reg.host, src_namespace=NS, **kw)


def src_digest(src_reg, repo, ref):
    return rc.RegistryClient(src_reg.host, scheme="http").head_manifest(repo, ref)["digest"]


def test_copy_skip_digests_and_mounts(src, registry_factory):
    dest_reg = registry_factory.start("kp-mir-d1")
    dest = dest_client(dest_reg)
    names = [img.name for img in src.images]
    report = copy(src, dest, names, workers=4)
    assert [r.status for r in report.results] == ["copied"] * len(names), [r.msg for r in report.results]
    for img in src.images:
        assert dest.head_manifest(img.repository, TAG)["digest"] == img.digest
        assert assert_complete(dest, img.repository, TAG) == img.digest
    # Each unique blob went over the wire once; shared parent layers were mounted into the other repositories.
    unique = set()
    for img in src.images:
        body, _unused, _unused = dest.get_manifest(img.repository, img.digest)
        unique.update(d["digest"] for d in rc.manifest_blobs(body))
    assert dest.stats["uploads"] == len(unique)
    assert dest.stats["mounts"] > 0
    assert sum(r.blobs_mounted for r in report.results) == dest.stats["mounts"]
    assert report.summary()["bytes"] == sum(r.bytes for r in report.results) > 0

    again_client = dest_client(dest_reg)
    again = copy(src, again_client, names, workers=4)
    assert not again.changed
    assert [r.status for r in again.results] == ["skipped"] * len(names)
    assert again_client.stats["requests"] == 1 + len(names)  # the probe, then one HEAD per image at the destination
    assert again_client.stats["uploads"] == 0


def blob_digests(client, images):
    found = set()
    for img in images:
        body, _unused, _unused = client.get_manifest(img.repository, img.digest)
        found.update(d["digest"] for d in rc.manifest_blobs(body))
    return found


def test_later_run_mounts_what_an_earlier_run_left(src, registry_factory):
    """Distribution mounts only from a named repository: a later run (more services) finds one in the destination."""
    dest_reg = registry_factory.start("kp-mir-later")
    half = len(src.images) // 2
    earlier, later = src.images[:half], src.images[half:]
    first = copy(src, dest_client(dest_reg), [img.name for img in earlier], workers=4)
    assert [r.status for r in first.results] == ["copied"] * half, [r.msg for r in first.results]
    client = dest_client(dest_reg)
    held = blob_digests(client, earlier)
    client = dest_client(dest_reg)
    second = copy(src, client, [img.name for img in later], workers=4)
    assert [r.status for r in second.results] == ["copied"] * len(later), [r.msg for r in second.results]
    needed = blob_digests(client, later)
    assert needed & held, "the generator's layering should share parent layers"
    # Only blobs the destination did not hold anywhere went over the wire; the rest were mounted.
    assert client.stats["uploads"] == len(needed - held)
    assert client.stats["mounts"] >= len(needed & held)
    assert sum(r.blobs_mounted for r in second.results) == client.stats["mounts"]
    for img in later:
        assert assert_complete(client, img.repository, TAG) == img.digest


def test_multi_platform_oci_index(src, registry_factory):
    dest_reg = registry_factory.start("kp-mir-d2")
    dest = dest_client(dest_reg)
    multi = {img.name: img for img in src.multi}["cron"]
    assert multi.media_type == rc.MEDIA_OCI_INDEX
    report = copy(src, dest, ["cron"], tag="oci-multi")
    r = report.results[0]
    assert r.status == "copied" and r.digest_preserved, r.msg
    assert dest.head_manifest(NS + "/cron", "oci-multi")["digest"] == multi.digest
    assert assert_complete(dest, NS + "/cron", "oci-multi") == multi.digest
    # By digest too: the @sha256 reference of the source is valid at the destination.
    assert dest.head_manifest(NS + "/cron", multi.digest)["digest"] == multi.digest

    # One platform kept: the tag points at the amd64 manifest of the source index.
    index, _unused, _unused = dest.get_manifest(NS + "/cron", multi.digest)
    amd64 = next(c for c in rc.manifest_children(index) if c["platform"]["architecture"] == "amd64")
    report = copy(src, dest, ["cron"], tag="oci-multi", platforms=["linux/amd64"], dest_namespace="amd64only")
    r = report.results[0]
    assert r.status == "copied" and not r.digest_preserved and "linux/amd64" in r.msg
    assert dest.head_manifest("amd64only/cron", "oci-multi")["digest"] == amd64["digest"]
    assert_complete(dest, "amd64only/cron", "oci-multi")


def test_tls_and_basic_auth_dest(src, registry_factory):
    dest_reg = registry_factory.start("kp-mir-tls", tls=True, auth={"kolla": "s3cret"})
    good = dest_client(dest_reg, username="kolla", password="s3cret")
    report = copy(src, good, ["base", "cron"])
    assert [r.status for r in report.results] == ["copied", "copied"], [r.msg for r in report.results]
    assert good.head_manifest(NS + "/cron", TAG)["digest"] == src_digest(src, NS + "/cron", TAG)

    # Refused credentials or an untrusted certificate fail the run at once (the probe), saying what to set.
    with pytest.raises(rc.AuthError) as bad:
        copy(src, dest_client(dest_reg, username="kolla", password="wrong"), ["base"])
    assert "dest registry %s" % dest_reg.host in str(bad.value) and "dest_username='kolla'" in str(bad.value)

    with pytest.raises(rc.Unreachable) as no_ca:
        copy(src, rc.RegistryClient(dest_reg.host, side="dest", username="kolla", password="s3cret"), ["base"])
    assert "CERTIFICATE_VERIFY_FAILED" in str(no_ca.value) and "set dest_ca_path" in str(no_ca.value)


# ------------------------------------------------------------------------------------------ token auth


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenService:
    """A Docker token service: basic creds in, RS256 JWT out, granting every requested scope to kolla/s3cret."""

    def __init__(self, workdir: Path):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
        from cryptography.x509.oid import NameOID

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kp-mir token issuer")])
        now = datetime.datetime.now(datetime.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - __import__("datetime").timedelta(minutes=5))
            .not_valid_after(now + __import__("datetime").timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        self.cert_path = workdir / "token.crt"
        self.cert_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self._sign = lambda data: self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        self._x5c = base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()
        self.requests: list[list[str]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                expected = "Basic " + base64.b64encode(b"kolla:s3cret").decode()
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                query = parse_qs(urlsplit(self.path).query)
                scopes = query.get("scope", [])
                service.requests.append(scopes)
                body = json.dumps({"token": service.token(query.get("service", [""])[0], scopes), "expires_in": 300})
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.realm = "http://127.0.0.1:%d/token" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, service: str, scopes: list[str]) -> str:
        access = []
        for scope in scopes:
            for item in scope.split():
                kind, _unused, rest = item.partition(":")
                name, _unused, actions = rest.rpartition(":")
                access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "x5c": [self._x5c]}
        claims = {
            "iss": "kp-mir-issuer",
            "sub": "kolla",
            "aud": service,
            "exp": now + 300,
            "nbf": now - 10,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        return signing_input + "." + _b64(self._sign(signing_input.encode()))

    def close(self):
        self.server.shutdown()


def test_token_auth_dest(src, registry_factory):
    workdir = Path(tempfile.mkdtemp(prefix="kp-mir-token-"))
    (workdir / "data").mkdir()
    tokens = TokenService(workdir / "data")  # the data dir is mounted at /var/lib/registry
    try:
        reg = registry_factory.start(
            "kp-mir-token",
            workdir=workdir,
            config_extra={
                "REGISTRY_AUTH": "token",
                "REGISTRY_AUTH_TOKEN_REALM": tokens.realm,
                "REGISTRY_AUTH_TOKEN_SERVICE": "kp-mir-registry",
                "REGISTRY_AUTH_TOKEN_ISSUER": "kp-mir-issuer",
                "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE": "/var/lib/registry/token.crt",
            },
        )
        client = dest_client(reg, username="kolla", password="s3cret")
        report = copy(src, client, ["base", "cron", "fluentd"])
        assert [r.status for r in report.results] == ["copied"] * 3, [r.msg for r in report.results]
        assert client.head_manifest(NS + "/cron", TAG)["digest"] == src_digest(src, NS + "/cron", TAG)
        assert client.stats["mounts"] > 0  # a mount needs a token for both repositories
        flat = [s for req in tokens.requests for s in req]
        assert "repository:%s/cron:pull,push" % NS in flat
        # Tokens are cached per scope: far fewer token requests than registry requests.
        assert len(tokens.requests) < client.stats["requests"] / 2

        with pytest.raises(rc.AuthError) as refused:
            copy(src, dest_client(reg, username="kolla", password="nope"), ["base"])
        assert "token service" in str(refused.value) and "dest_username='kolla'" in str(refused.value)
        with pytest.raises(rc.AuthError, match="anonymous"):
            copy(src, dest_client(reg), ["base"])
    finally:
        tokens.close()


# ------------------------------------------------------------------------------------------ module, CLI


def test_module_four_steps(src, registry_factory, tmp_path):
    dest_reg = registry_factory.start("kp-mir-mod")
    by_name = {img.name: img for img in src.images}
    expected = [
        "%s/%s/%s:%s %s" % (dest_reg.host, NS, n, TAG, by_name[n].digest) for n in ("base", "cron", "kolla-toolbox")
    ]
    extra = {
        "mirror_src_registry": src.host,
        "mirror_dest_registry": dest_reg.host,
        "mirror_tag": TAG,
        "mirror_expected_after": expected,
    }
    res = run_playbook_file("image_mirror_four_steps.yml", tmp_path, extra)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "failed=0" in res.stdout and "ignored=1" in res.stdout


def test_module_diff_of_a_changed_tag(src, registry_factory, tmp_path):
    """The destination holds another image under cron's tag (a rebuild pushed over it), fluentd is absent and
    kolla-toolbox current: the diff names cron with its old and new digest, fluentd absent -> new, not kolla-toolbox;
    the same in check mode and for real; check mode again and real again change nothing and show no diff."""
    dest_reg = registry_factory.start("kp-mir-diff")
    by_name = {img.name: img for img in src.images}
    other = {img.name: img for img in generator.generate(dest_reg.host, images=["cron"], tag=TAG, seed=7)}["cron"]
    assert other.digest != by_name["cron"].digest
    current = copy(src, dest_client(dest_reg), ["kolla-toolbox"])
    assert [r.status for r in current.results] == ["copied"], [r.msg for r in current.results]
    dest = dest_client(dest_reg)

    def ref(name):
        return "%s/%s/%s:%s" % (dest_reg.host, NS, name, TAG)

    before = "%s %s\n%s absent\n" % (ref("cron"), other.digest, ref("fluentd"))
    after = "%s %s\n%s %s\n" % (ref("cron"), by_name["cron"].digest, ref("fluentd"), by_name["fluentd"].digest)
    extra = {
        "mirror_src_registry": src.host,
        "mirror_dest_registry": dest_reg.host,
        "mirror_tag": TAG,
        "mirror_images": ["cron", "fluentd", "kolla-toolbox"],
    }

    check = run_task_once("image_mirror_run.yml", tmp_path, extra, "--check", "--diff")
    assert check.get("failed") is not True, check.get("msg")
    assert check["changed"] is True and check["summary"]["would_copy"] == 2 and check["summary"]["skipped"] == 1
    assert check["diff"]["before"] == before
    assert check["diff"]["after"] == after
    assert dest.head_manifest(NS + "/cron", TAG)["digest"] == other.digest  # check mode changed nothing

    real = run_task_once("image_mirror_run.yml", tmp_path, extra, "--diff")
    assert real.get("failed") is not True, real.get("msg")
    assert real["changed"] is True and real["summary"]["copied"] == 2
    assert real["diff"]["before"] == before
    assert real["diff"]["after"] == after
    for name in ("cron", "fluentd", "kolla-toolbox"):
        assert dest.head_manifest("%s/%s" % (NS, name), TAG)["digest"] == by_name[name].digest, name

    for args in (("--check", "--diff"), ("--diff",)):  # check mode again, real again: nothing to do, no diff
        again = run_task_once("image_mirror_run.yml", tmp_path, extra, *args)
        assert again["changed"] is False and again["summary"]["skipped"] == 3, args
        assert again["diff"] == {"before": "", "after": ""}, args


def test_engine_source(src, registry_factory):
    """source=engine: an image in the local engine (pulled here, as kolla-build would have built it) is pushed."""
    dest_reg = registry_factory.start("kp-mir-engine")
    local = "%s/%s/cron:%s" % (src.host, NS, TAG)
    pushed = "%s/%s/cron:%s" % (dest_reg.host, NS, TAG)
    subprocess.run(["/usr/bin/docker", "pull", "-q", local], check=True, capture_output=True)
    try:
        engine = sources.EngineSource()
        client = dest_client(dest_reg)
        first = mm.mirror([local], source=engine, dest=client, tag=TAG, src_registry=src.host, src_namespace=NS)
        r = first.results[0]
        assert r.status == "copied", r.msg
        assert client.head_manifest(NS + "/cron", TAG)["digest"] == r.destination_digest
        assert_complete(client, NS + "/cron", TAG)
        again = mm.mirror([local], source=engine, dest=client, tag=TAG, src_registry=src.host, src_namespace=NS)
        assert again.results[0].status == "skipped" and not again.changed
        missing = mm.mirror(
            ["kp-mir-nowhere/none:1"], source=engine, dest=client, tag=TAG, src_registry=src.host, src_namespace=NS
        ).results[0]
        assert missing.status == "failed" and "not present in the local Docker engine" in missing.msg
    finally:
        subprocess.run(["/usr/bin/docker", "rmi", "-f", local, pushed], capture_output=True, check=False)
