"""Token authentication against real parts: a registry:2 (Distribution 2.8) container with ``auth: token``, the
registry_server role's token service running as a process (HTTPS, its own signing key, the registry trusting its
certificate through ``rootcertbundle``), a real Keystone (Debian's keystone, sqlite) in a labelled container, and
three clients: plain HTTP following the registry's challenge, the collection's RegistryClient, and ``docker
login/push/pull`` through the machine's dockerd (its own --config directory per account, nothing in ~/.docker).

The issue's matrix, one test (or more) per cell: anonymous, wrong password, user1 on user1/x (push, pull, delete),
user1 on user2/x (each denied with the spec's error: 401 with ``error="insufficient_scope"``), the catalog as a user
and as an admin, the public namespace pulled by every user, an expired token, a token for another service, a token
signed by another key, a Keystone user and a Keystone admin, Keystone stopped (last: the module's Keystone stays down).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import ssl
import subprocess
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from cryptography.hazmat.primitives.asymmetric import ec

from tests.testbed import RUN_ID, RUN_LABEL, engine, images, keystone, registries, run_labels, token_service
from tests.testbed.ansible import ansible_env, run_playbook_file, run_task_once

pytestmark = pytest.mark.integration

SERVICE = "kp-registry"
ISSUER = "kp-token-issuer"
DOCKER_CLI = "/usr/local/bin/docker" if os.path.exists("/usr/local/bin/docker") else "/usr/bin/docker"
LOCAL = {"user1": "pw-user1", "user2": "pw-user2", "admin": "pw-admin"}
KEYSTONE_USERS = {name: pw for name, (pw, _project, _role) in keystone.USERS.items()}  # made in the image
ACL = [
    {"name": "${account}/*", "actions": ["pull", "push", "delete"]},
    {"name": "openstack.kolla/*", "actions": ["pull"]},
]
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
ts = token_service.load()


class Stack:
    """The running parts and small clients for them."""

    def __init__(self, reg, svc, ks, workdir):
        self.reg, self.svc, self.ks, self.workdir = reg, svc, ks, workdir
        self.ctx = ssl.create_default_context(cafile=str(svc.ca_path))
        self.key = ts.load_signing_key(svc.config["signing_key"])[0]

    def token(self, user=None, password=None, scopes=(), service=SERVICE):
        """(status, answer) of the token service for Basic credentials and scopes."""
        query = [("service", service)] + [("scope", s) for s in scopes]
        req = urllib.request.Request(f"{self.svc.realm}?{urllib.parse.urlencode(query)}")
        if user is not None:
            req.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def call(self, method, path, token=None, body=None, headers=None):
        """(status, headers, body) of one registry request with a bearer token."""
        req = urllib.request.Request(f"{self.reg.url}{path}", data=body, method=method, headers=headers or {})
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def challenged(self, method, path, user, password, body=None, headers=None):
        """Follow the registry's challenge as a client does: ask, read the Bearer challenge, get a token for exactly
        the scope it names, ask again. Returns (status, headers, body, granted access)."""
        status, hdrs, data = self.call(method, path, body=body, headers=headers)
        if status != 401:
            return status, hdrs, data, None
        _scheme, params = rc.parse_www_authenticate(hdrs["WWW-Authenticate"])
        assert params["realm"] == self.svc.realm and params["service"] == SERVICE
        tstatus, answer = self.token(user, password, params.get("scope", "").split())
        assert tstatus == 200, (tstatus, answer)
        access = claims(self, answer["token"])["access"]
        status, hdrs, data = self.call(method, path, answer["token"], body=body, headers=headers)
        return status, hdrs, data, access

    def client(self, user, password):
        # A plain-HTTP registry whose realm is HTTPS: the client's ca_path applies to https registries only, so the
        # transport gets the token service's CA here.
        transport = rc.HTTPTransport(rc.make_ssl_context(True, str(self.svc.ca_path)))
        return rc.RegistryClient(
            self.reg.host, scheme="http", username=user, password=password, retries=1, transport=transport
        )


def claims(stack, token):
    return __import__("jwt").decode(token, stack.key.public_key(), algorithms=["ES256"], audience=SERVICE)


def insufficient(headers, body):
    """The spec's answer to a token without the access: 401, a Bearer challenge with error="insufficient_scope"."""
    challenge = headers["WWW-Authenticate"]
    errors = [e["code"] for e in json.loads(body)["errors"]]
    return challenge.startswith("Bearer ") and 'error="insufficient_scope"' in challenge and "UNAUTHORIZED" in errors


def invalid_token(headers):
    return 'error="invalid_token"' in headers["WWW-Authenticate"]


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def small_image(client, repo, tag, salt):
    """Push a tiny image (config + one layer) with the collection's client; returns the manifest digest."""
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as tf:
        data = salt.encode() * 64
        info = tarfile.TarInfo(f"{salt}.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    layer = tar.getvalue()
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "config": {}, "rootfs": {"type": "layers", "diff_ids": [_sha(layer)]}}
    ).encode()
    blobs = [
        (config, "application/vnd.docker.container.image.v1+json"),
        (layer, "application/vnd.docker.image.rootfs.diff.tar.gzip"),  # dockerd detects an uncompressed tar
    ]
    for data, _mt in blobs:
        client.upload_blob(repo, rc.sha256_digest(data), data)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST_V2,
            "config": {"mediaType": blobs[0][1], "size": len(config), "digest": rc.sha256_digest(config)},
            "layers": [{"mediaType": blobs[1][1], "size": len(layer), "digest": rc.sha256_digest(layer)}],
        }
    ).encode()
    return client.put_manifest(repo, tag, manifest, MANIFEST_V2), rc.sha256_digest(layer)


@pytest.fixture(scope="module")
def stack(testbed, tmp_path_factory):
    with engine.setup_lock():
        keystone.build_keystone()
    workdir = tmp_path_factory.mktemp("token-auth")
    ks = keystone.start_keystone(f"kp-it-{RUN_ID}-keystone")
    svc = reg = None
    try:
        htpasswd = workdir / "htpasswd"
        htpasswd.write_text("".join(token_service.htpasswd_line(u, p) + "\n" for u, p in LOCAL.items()))
        tls = registries.make_tls(workdir / "tls", ["localhost"], ["127.0.0.1"])
        config = {
            "issuer": ISSUER,
            "service": SERVICE,
            "token_lifetime": 300,
            "cache_seconds": 30,
            "admins": ["admin"],
            "acl": ACL,
            "backends": [
                {"type": "local", "htpasswd": str(htpasswd)},
                # A generous timeout: a loaded machine makes Keystone slow, and a timeout is a 503 (a stopped
                # Keystone refuses at once).
                {"type": "keystone", "url": ks.url, "admin_project": "admin", "admin_role": "admin", "timeout": 60},
            ],
        }
        svc = token_service.start(workdir / "svc", config, tls)
        reg = registries.start_registry(
            f"kp-it-{RUN_ID}-token",
            env={
                "REGISTRY_AUTH": "token",
                "REGISTRY_AUTH_TOKEN_REALM": svc.realm,
                "REGISTRY_AUTH_TOKEN_SERVICE": SERVICE,
                "REGISTRY_AUTH_TOKEN_ISSUER": ISSUER,
                "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE": "/token/signing.crt",
            },
            volumes=[f"{svc.config['signing_cert']}:/token/signing.crt:ro"],
        )
        st = Stack(reg, svc, ks, workdir)
        # The platform's images: an admin fills the public namespace.
        st.public_digest, st.public_layer = small_image(
            st.client("admin", LOCAL["admin"]), "openstack.kolla/base", "1", "public"
        )
        yield st
    finally:
        if reg:
            reg.stop()
        if svc:
            svc.stop()
        ks.remove()


# --- the token service at the realm ---


def test_anonymous_gets_401_and_no_token(stack):
    status, answer = stack.token(scopes=["repository:openstack.kolla/base:pull"])
    assert status == 401 and "token" not in answer
    status, hdrs, _b = stack.call("GET", "/v2/openstack.kolla/base/manifests/1")
    assert status == 401 and hdrs["WWW-Authenticate"].startswith(f'Bearer realm="{stack.svc.realm}"')
    assert 'scope="repository:openstack.kolla/base:pull"' in hdrs["WWW-Authenticate"]


@pytest.mark.parametrize(("user", "password"), [("user1", "wrong"), ("nobody", "pw"), ("kuser", "wrong")])
def test_wrong_password_gets_401_never_a_token(stack, user, password):
    status, answer = stack.token(user, password, ["repository:openstack.kolla/base:pull"])
    assert status == 401 and "token" not in answer


def test_registry_checks_the_token_it_issues(stack):
    """The positive control of the forged-token tests below: a token minted the same way with the right claims and
    key is accepted, so their refusals come from the one claim each changes."""
    token, _iat = ts.mint_token(
        stack.key, "ES256", issuer=ISSUER, audience=SERVICE, subject="user1",
        access=[{"type": "repository", "name": "openstack.kolla/base", "actions": ["pull"]}], lifetime=300,
    )  # fmt: skip
    status, _h, _b = stack.call("GET", "/v2/openstack.kolla/base/manifests/1", token, headers={"Accept": MANIFEST_V2})
    assert status == 200


@pytest.mark.parametrize("forgery", ["expired", "other service", "other key", "other key, trusted kid", "other issuer"])
def test_forged_tokens_refused(stack, forgery):
    key, issuer, audience, now = stack.key, ISSUER, SERVICE, None
    if forgery == "expired":
        now = int(time.time()) - 3600  # exp an hour ago: well past Distribution's 60 s leeway
    elif forgery == "other service":
        audience = "another-registry"
    elif forgery.startswith("other key"):
        key = ec.generate_private_key(ec.SECP256R1())
    elif forgery == "other issuer":
        issuer = "someone-else"
    access = [{"type": "repository", "name": "openstack.kolla/base", "actions": ["pull"]}]
    token, _iat = ts.mint_token(key, "ES256", issuer=issuer, audience=audience, subject="user1", access=access,
                                lifetime=300, now=now)  # fmt: skip
    if forgery == "other key, trusted kid":
        import jwt

        token = jwt.encode(
            jwt.decode(token, options={"verify_signature": False}), key, algorithm="ES256",
            headers={"kid": ts.libtrust_key_id(stack.key.public_key())},
        )  # fmt: skip
    status, hdrs, _b = stack.call("GET", "/v2/openstack.kolla/base/manifests/1", token, headers={"Accept": MANIFEST_V2})
    assert status == 401 and invalid_token(hdrs), (forgery, status, dict(hdrs))


def test_token_service_refuses_another_service(stack):
    status, answer = stack.token("user1", LOCAL["user1"], ["repository:user1/x:pull"], service="another-registry")
    assert status == 400 and "token" not in answer


# --- authorization through the registry ---


def test_own_namespace_push_pull_delete(stack):
    client = stack.client("user1", LOCAL["user1"])
    digest, _layer = small_image(client, "user1/x", "1", "user1-x")
    _body, _mt, got = client.get_manifest("user1/x", "1")
    assert got == digest
    status, _h, _b, access = stack.challenged("DELETE", f"/v2/user1/x/manifests/{digest}", "user1", LOCAL["user1"])
    assert status == 202 and access == [{"type": "repository", "name": "user1/x", "actions": ["delete"]}]
    status, _h, _b = stack.call("GET", f"/v2/user1/x/manifests/{digest}")
    assert status == 401  # anonymous still refused after the delete


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/user2/x/manifests/1"),  # pull
        ("POST", "/v2/user2/x/blobs/uploads/"),  # push
        ("DELETE", "/v2/user2/x/manifests/sha256:" + "0" * 64),  # delete
    ],
)
def test_other_namespace_denied_with_insufficient_scope(stack, method, path):
    small_image(stack.client("user2", LOCAL["user2"]), "user2/x", "1", "user2-x")
    status, hdrs, body, access = stack.challenged(
        method, path, "user1", LOCAL["user1"], body=b"" if method == "POST" else None
    )
    assert access == []
    assert status == 401 and insufficient(hdrs, body), (status, dict(hdrs), body)


def test_catalog_user_denied_admin_allowed(stack):
    status, hdrs, body, access = stack.challenged("GET", "/v2/_catalog", "user1", LOCAL["user1"])
    assert access == [] and status == 401 and insufficient(hdrs, body)
    status, _h, body, access = stack.challenged("GET", "/v2/_catalog", "admin", LOCAL["admin"])
    assert status == 200 and access == [{"type": "registry", "name": "catalog", "actions": ["*"]}]
    assert "openstack.kolla/base" in json.loads(body)["repositories"]
    assert "openstack.kolla/base" in stack.client("kadmin", KEYSTONE_USERS["kadmin"]).catalog()


@pytest.mark.parametrize("user", ["user1", "user2", "kuser"])
def test_public_namespace_pull_by_every_user_push_by_none(stack, user):
    password = {**LOCAL, **KEYSTONE_USERS}[user]
    client = stack.client(user, password)
    assert client.get_manifest("openstack.kolla/base", "1")[2] == stack.public_digest
    status, hdrs, body, access = stack.challenged(
        "POST", "/v2/openstack.kolla/base/blobs/uploads/", user, password, body=b""
    )
    assert access == [{"type": "repository", "name": "openstack.kolla/base", "actions": ["pull"]}]
    assert status == 401 and insufficient(hdrs, body)


def test_mount_needs_pull_on_the_source(stack):
    # user2's private layer cannot be mounted into user1's namespace ...
    _d, private_layer = small_image(stack.client("user2", LOCAL["user2"]), "user2/src", "1", "user2-private")
    path = f"/v2/user1/mounted/blobs/uploads/?mount={private_layer}&from=user2/src"
    status, answer = stack.token(
        "user1", LOCAL["user1"], ["repository:user1/mounted:pull,push", "repository:user2/src:pull"]
    )
    assert status == 200
    assert claims(stack, answer["token"])["access"] == [
        {"type": "repository", "name": "user1/mounted", "actions": ["pull", "push"]}
    ]
    status, hdrs, body = stack.call("POST", path, answer["token"], body=b"")
    assert status == 401 and insufficient(hdrs, body)
    client = stack.client("user1", LOCAL["user1"])
    assert client.head_blob("user1/mounted", private_layer) is None
    # ... a public one can (the collection's client asks for both scopes in one token)
    assert client.start_upload("user1/mounted", mount=stack.public_layer, mount_from="openstack.kolla/base") is None
    assert client.head_blob("user1/mounted", stack.public_layer) is not None
    assert client.stats["mounts"] == 1


# --- Keystone ---


def test_keystone_user_own_namespace_no_catalog(stack):
    client = stack.client("kuser", KEYSTONE_USERS["kuser"])
    digest, _layer = small_image(client, "kuser/app", "1", "kuser")
    assert client.get_manifest("kuser/app", "1")[2] == digest
    status, hdrs, body, _access = stack.challenged("GET", "/v2/_catalog", "kuser", KEYSTONE_USERS["kuser"])
    assert status == 401 and insufficient(hdrs, body)
    status, hdrs, body, _access = stack.challenged("GET", "/v2/user1/x/tags/list", "kuser", KEYSTONE_USERS["kuser"])
    assert status == 401 and insufficient(hdrs, body)


def test_keystone_admin_everything(stack):
    status, answer = stack.token(
        "kadmin", KEYSTONE_USERS["kadmin"], ["registry:catalog:*", "repository:user1/x:pull,push,delete"]
    )
    assert status == 200
    assert claims(stack, answer["token"])["access"] == [
        {"type": "registry", "name": "catalog", "actions": ["*"]},
        {"type": "repository", "name": "user1/x", "actions": ["pull", "push", "delete"]},
    ]


# --- docker, through the machine's dockerd ---


def docker(config_dir, *args, stdin=None):
    return subprocess.run(
        [DOCKER_CLI, "--config", str(config_dir), *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_docker_login_push_pull(stack, tmp_path):
    host = stack.reg.host
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as tf:
        data = f"docker {RUN_ID}\n".encode()
        info = tarfile.TarInfo("hello.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    (tmp_path / "rootfs.tar").write_bytes(tar.getvalue())
    own, other, public = f"{host}/user1/app:1", f"{host}/user2/app:1", f"{host}/openstack.kolla/base:1"
    cfg = {name: tmp_path / name for name in ("anon", "user1", "user2", "wrong", "kuser")}
    for d in cfg.values():
        d.mkdir()
    try:
        res = subprocess.run(
            [DOCKER_CLI, "import", str(tmp_path / "rootfs.tar"), own], capture_output=True, text=True, check=False
        )
        assert res.returncode == 0, res.stderr
        assert docker(cfg["user2"], "tag", own, other).returncode == 0

        res = docker(cfg["wrong"], "login", "-u", "user1", "--password-stdin", host, stdin="not-the-password")
        # the token service's 401 message, passed on by dockerd: no anonymous token was handed out instead
        assert res.returncode != 0 and "unauthorized: invalid credentials" in res.stderr, res
        assert not (cfg["wrong"] / "config.json").exists() or host not in (cfg["wrong"] / "config.json").read_text()

        for user, password in (
            ("user1", LOCAL["user1"]),
            ("user2", LOCAL["user2"]),
            ("kuser", KEYSTONE_USERS["kuser"]),
        ):
            res = docker(cfg[user], "login", "-u", user, "--password-stdin", host, stdin=password)
            assert res.returncode == 0, (user, res.stderr)

        res = docker(cfg["user1"], "push", own)
        assert res.returncode == 0, res.stderr
        res = docker(cfg["user1"], "push", other)
        assert res.returncode != 0 and ("denied" in res.stderr or "unauthorized" in res.stderr), res.stderr

        subprocess.run([DOCKER_CLI, "rmi", own], capture_output=True, check=False)
        assert docker(cfg["user2"], "pull", own).returncode != 0  # user2 cannot read user1's namespace
        assert docker(cfg["anon"], "pull", own).returncode != 0  # nor can anyone anonymous
        res = docker(cfg["user1"], "pull", own)
        assert res.returncode == 0, res.stderr
        for user in ("user2", "kuser"):
            res = docker(cfg[user], "pull", public)
            assert res.returncode == 0, (user, res.stderr)
            subprocess.run([DOCKER_CLI, "rmi", public], capture_output=True, check=False)
    finally:
        subprocess.run([DOCKER_CLI, "rmi", own, other, public], capture_output=True, check=False)


# --- registry_manifest_info (what verify.yml reads) through the Bearer challenge ---


def test_manifest_info_follows_the_bearer_challenge(stack, tmp_path):
    """The module logs in the way the registry asks (Bearer: a token for the repository's pull scope from the realm
    its challenge names, over the realm's TLS): a reader gets the digest, check mode too; another user's namespace and
    an anonymous read are refused with the registry's answer."""
    extra = {"registry": stack.reg.host, "scheme": "http", "ca_path": str(stack.svc.ca_path),
             "repository": "openstack.kolla/base", "reference": "1", "username": "user2"}  # fmt: skip
    env = ansible_env(KP_TEST_PASSWORD=LOCAL["user2"])
    for args in ((), ("--check",)):
        res = run_task_once("manifest_info_run.yml", tmp_path, extra, *args, env=env)
        assert not res.get("failed") and res["digest"] == stack.public_digest, res
        assert res["media_type"] == MANIFEST_V2 and res["exists"] and not res["changed"]
    other = run_task_once("manifest_info_run.yml", tmp_path, {**extra, "repository": "user1/app"}, env=env)
    assert other.get("failed") and "401" in other["msg"], other
    anonymous = {k: v for k, v in extra.items() if k != "username"}
    res = run_task_once("manifest_info_run.yml", tmp_path, anonymous, env=ansible_env())
    assert res.get("failed") and "401" in res["msg"], res
    assert LOCAL["user2"] not in json.dumps(res)


# --- the registry_server role's container mode ---


def _inspect(name):
    out = subprocess.run(
        [DOCKER_CLI, "inspect", "-f", "{{json .}}", name], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def _keep_build_cache(image):
    """Tag the last layer every run's build of the image shares (ENTRYPOINT: the CMD after it names this run's
    configuration file, the labels after that this run), so that removing this run's image and its untagged layers
    leaves the next run (or a concurrent one) the package installation as build cache."""
    history = subprocess.run(
        [DOCKER_CLI, "history", "--no-trunc", "--format", "{{.ID}}\t{{.CreatedBy}}", image],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    for layer, created_by in (line.split("\t", 1) for line in history.splitlines()):
        if "ENTRYPOINT" in created_by and layer != "<missing>":
            cache = "kollaprep/token-service:it-cache"
            subprocess.run([DOCKER_CLI, "tag", layer, cache], capture_output=True, check=False)
            return


def _run_on_a_free_port(name, tmp_path, extra):
    """Run the role in container mode; when its service could not bind the port (picked free, then taken by another
    process before the container bound it: a concurrent session), pick another one and run again, as
    registries.start_registry does. Fails with the playbook's output and the container's log."""
    for attempt in range(1, registries.PORT_ATTEMPTS + 1):
        proc = run_playbook_file("token_container_run.yml", tmp_path, extra, timeout=900)
        logs = subprocess.run([DOCKER_CLI, "logs", "--tail", "40", name], capture_output=True, text=True, check=False)
        log = logs.stdout + logs.stderr
        if proc.returncode == 0 or "Address already in use" not in log or attempt == registries.PORT_ATTEMPTS:
            break
        subprocess.run([DOCKER_CLI, "rm", "-f", "-v", name], capture_output=True, check=False)
        extra["registry_server_token_port"] = registries.free_port()
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:] + "\ncontainer log:\n" + log


def test_role_container_mode_login_good_and_bad(testbed, tmp_path):
    """registry_server_token_service_mode: container, through the role's own tasks: the image built on this host FROM
    a base in the local engine (the test bed's Debian, the packages installed by the build), the container on the
    host network with restart always and the caller's labels, the signing key made by the image; then a real registry
    trusting that key, and docker login with the right password (accepted) and a wrong one (401), a push and a pull in
    the account's namespace. A second run changes nothing and keeps the container."""
    with engine.setup_lock():
        images.build_testhost()
    name = f"kp-it-{RUN_ID}-tokc"
    image = f"kollaprep/token-service:it-{RUN_ID}"
    user = f"kptok{RUN_ID.replace('-', '')}"[:31]
    token_dir, conf_dir = tmp_path / "token", tmp_path / "registry"
    token_dir.mkdir()
    registries.make_tls(conf_dir / "tls", ["localhost"], ["127.0.0.1"])
    (token_dir / "htpasswd").write_text(token_service.htpasswd_line("user1", LOCAL["user1"]) + "\n")
    (token_dir / "htpasswd").chmod(0o644)
    extra = {
        "registry_server_token_auth": True,
        "registry_server_token_service_mode": "container",
        "registry_server_tls": True,
        "registry_server_listen_address": "127.0.0.1",
        "registry_server_config_dir": str(conf_dir),
        "registry_server_token_config_dir": str(token_dir),
        "registry_server_token_port": registries.free_port(),
        "registry_server_token_service": SERVICE,
        "registry_server_token_issuer": ISSUER,
        "registry_server_token_acl": ACL,
        "registry_server_users": [{"name": "user1"}],  # the accounts file is the test's: no password in the vars
        "registry_server_token_user": user,
        "registry_server_token_service_name": name,
        "registry_server_token_container_name": name,
        "registry_server_token_image": image,  # this run's: another session builds its own beside it
        "registry_server_token_base_image": "kollaprep/testhost-rootfs:latest",
        "registry_server_token_container_labels": run_labels(),
        "registry_server_wait_retries": 60,
        "registry_server_wait_delay": 1,
        "_registry_server_token_build_dir": str(tmp_path / "image"),  # not /usr/local/lib on the test machine
    }
    reg = None
    try:
        # Check mode first, on a machine that has never had the service: it must pass and leave nothing behind.
        dry = run_playbook_file("token_container_run.yml", tmp_path, extra, "--check", timeout=600)
        assert dry.returncode == 0, dry.stdout[-6000:] + dry.stderr[-3000:]
        assert "does not exist yet" in dry.stdout, dry.stdout[-3000:]
        assert subprocess.run(["id", user], capture_output=True, check=False).returncode != 0
        assert sorted(p.name for p in token_dir.iterdir()) == ["htpasswd"] and not (tmp_path / "image").exists()

        _run_on_a_free_port(name, tmp_path, extra)
        info = _inspect(name)
        assert info["HostConfig"]["NetworkMode"] == "host"
        assert info["HostConfig"]["RestartPolicy"]["Name"] == "always"
        assert info["HostConfig"]["ReadonlyRootfs"] is True
        assert info["Config"]["Labels"][RUN_LABEL] == RUN_ID
        assert info["Config"]["Labels"]["kollaprep.component"] == "token-service"
        assert info["Config"]["User"] != "" and not info["Config"]["User"].startswith("0:")
        assert (token_dir / "signing.crt").exists() and (token_dir / "signing.key").stat().st_mode & 0o077 == 0

        port = extra["registry_server_token_port"]
        reg = registries.start_registry(
            f"kp-it-{RUN_ID}-tokc-reg",
            env={
                "REGISTRY_AUTH": "token",
                "REGISTRY_AUTH_TOKEN_REALM": f"https://127.0.0.1:{port}/token",
                "REGISTRY_AUTH_TOKEN_SERVICE": SERVICE,
                "REGISTRY_AUTH_TOKEN_ISSUER": ISSUER,
                "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE": "/token/signing.crt",
            },
            volumes=[f"{token_dir / 'signing.crt'}:/token/signing.crt:ro"],
        )
        cfg = {n: tmp_path / f"docker-{n}" for n in ("good", "bad")}
        for d in cfg.values():
            d.mkdir()
        res = docker(cfg["bad"], "login", "-u", "user1", "--password-stdin", reg.host, stdin="not-the-password")
        assert res.returncode != 0 and "unauthorized: invalid credentials" in res.stderr, res
        res = docker(cfg["good"], "login", "-u", "user1", "--password-stdin", reg.host, stdin=LOCAL["user1"])
        assert res.returncode == 0, res.stderr
        client = rc.RegistryClient(
            reg.host, scheme="http", username="user1", password=LOCAL["user1"], retries=1,
            transport=rc.HTTPTransport(rc.make_ssl_context(True, str(conf_dir / "tls/ca.crt"))),
        )  # fmt: skip
        digest, _layer = small_image(client, "user1/app", "1", "container-mode")
        assert client.get_manifest("user1/app", "1")[2] == digest
        res = docker(cfg["good"], "pull", f"{reg.host}/user1/app:1")
        assert res.returncode == 0, res.stderr
        subprocess.run([DOCKER_CLI, "rmi", f"{reg.host}/user1/app:1"], capture_output=True, check=False)
        logs = subprocess.run([DOCKER_CLI, "logs", name], capture_output=True, text=True, check=False)
        assert "wrong credentials for 'user1'" in logs.stderr and "not-the-password" not in logs.stderr + logs.stdout

        again = run_playbook_file("token_container_run.yml", tmp_path, extra, timeout=600)
        assert again.returncode == 0 and "changed=0" in again.stdout, again.stdout[-6000:]
        assert _inspect(name)["Id"] == info["Id"]
    finally:
        if reg:
            reg.stop()
        subprocess.run(
            [DOCKER_CLI, "rm", "-f", "-v", name, f"{name}-check", f"{name}-init-key"], capture_output=True, check=False
        )
        _keep_build_cache(image)
        subprocess.run([DOCKER_CLI, "rmi", image], capture_output=True, check=False)  # with its own untagged layers
        subprocess.run(["userdel", user], capture_output=True, check=False)


# --- Keystone down (last: the module's Keystone stays stopped) ---


def test_keystone_stopped_503_and_a_log_line_never_a_token(stack, tmp_path):
    assert stack.token("klate", "wrong-first", ["repository:klate/x:pull"])[0] == 401  # Keystone answers
    stack.ks.stop()
    status, answer = stack.token("klate", KEYSTONE_USERS["klate"], ["repository:klate/x:pull"])
    assert status == 503 and "token" not in answer
    assert "keystone at" in stack.svc.log() and "unreachable" in stack.svc.log()
    res = docker(tmp_path, "login", "-u", "klate", "--password-stdin", stack.reg.host, stdin=KEYSTONE_USERS["klate"])
    assert res.returncode != 0
    # local accounts still work
    assert stack.token("user1", LOCAL["user1"], ["repository:user1/x:pull"])[0] == 200


def test_no_password_in_the_service_log(stack):
    log = stack.svc.log()
    assert "token for 'user1'" in log or "token for user1" in log  # the log has the requests of this module
    for password in [*LOCAL.values(), *KEYSTONE_USERS.values(), "wrong-first", "not-the-password"]:
        assert password not in log
