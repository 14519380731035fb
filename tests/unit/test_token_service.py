"""Unit tests of the token service: scopes, the ACL, claims and the key id, backends and the HTTP answers.

The service runs in-process here (a real HTTPS server on 127.0.0.1, a real htpasswd file); Keystone is a stub
HTTP server. tests/integration/test_token_auth.py runs it against a real registry and a real Keystone.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.testbed.registries import make_tls
from tests.testbed.token_service import htpasswd_line, load

ts = load()

RULES = [
    {"name": "${account}/*", "actions": ["pull", "push", "delete"]},
    {"name": "openstack.kolla/*", "actions": ["pull"]},
    {"name": "mirror-only/*", "accounts": ["mirror"], "actions": ["pull", "push"]},
    {"name": "mirror-only/*", "actions": ["pull"]},
]


def scope(rtype, name, *actions):
    return {"type": rtype, "name": name, "actions": list(actions)}


# --- scopes ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("repository:user1/x:pull,push", scope("repository", "user1/x", "pull", "push")),
        ("repository:192.0.2.10:4000/user1/x:pull", scope("repository", "192.0.2.10:4000/user1/x", "pull")),
        ("registry:catalog:*", scope("registry", "catalog", "*")),
        ("repository(plugin):a/b:pull", scope("repository(plugin)", "a/b", "pull")),
        ("repository:a:pull,pull,,push", scope("repository", "a", "pull", "push")),
    ],
)
def test_parse_scope(text, expected):
    assert ts.parse_scope(text) == expected


@pytest.mark.parametrize("text", ["repository", "repository:pull", ":a:pull", "repository::pull"])
def test_parse_scope_malformed(text):
    assert ts.parse_scope(text) is None


def test_parse_scopes_several_params_and_spaces_merge():
    got = ts.parse_scopes(["repository:a/x:pull", "repository:a/x:push repository:b/y:pull", "registry:catalog:*"])
    assert got == [
        scope("repository", "a/x", "pull", "push"),
        scope("repository", "b/y", "pull"),
        scope("registry", "catalog", "*"),
    ]
    with pytest.raises(ValueError, match="malformed"):
        ts.parse_scopes(["repository"])


# --- authorization ---


@pytest.fixture
def acl():
    return ts.Acl(RULES, admins=["admin"])


def test_own_namespace_everything(acl):
    asked = [scope("repository", "user1/x", "pull", "push", "delete")]
    assert acl.grant("user1", False, asked) == asked
    nested = [scope("repository", "user1/a/b", "pull")]
    assert acl.grant("user1", False, nested) == nested


def test_other_namespace_nothing(acl):
    for action in ("pull", "push", "delete"):
        assert acl.grant("user1", False, [scope("repository", "user2/x", action)]) == []
    # a prefix is not a namespace
    assert acl.grant("user1", False, [scope("repository", "user10/x", "pull")]) == []
    assert acl.grant("user1", False, [scope("repository", "user1", "pull")]) == []


def test_public_namespace_pull_only(acl):
    asked = [scope("repository", "openstack.kolla/nova-api", "pull", "push", "delete")]
    assert acl.grant("user1", False, asked) == [scope("repository", "openstack.kolla/nova-api", "pull")]
    assert acl.grant("user2", False, asked) == [scope("repository", "openstack.kolla/nova-api", "pull")]


def test_catalog_admin_only(acl):
    asked = [scope("registry", "catalog", "*")]
    assert acl.grant("user1", False, asked) == []
    assert acl.grant("admin", True, asked) == asked


def test_admin_everything_anywhere(acl):
    asked = [scope("repository", "user2/x", "pull", "push", "delete"), scope("repository", "zzz/q", "push")]
    assert acl.grant("someone", True, asked) == asked


def test_deny_by_default(acl):
    assert acl.grant("user1", False, [scope("repository", "elsewhere/x", "pull")]) == []
    assert acl.grant("user1", False, [scope("registry", "user1/x", "pull")]) == []  # type must match too


def test_first_matching_rule_decides(acl):
    asked = [scope("repository", "mirror-only/x", "pull", "push")]
    assert acl.grant("mirror", False, asked) == asked
    assert acl.grant("user1", False, asked) == [scope("repository", "mirror-only/x", "pull")]


def test_mount_needs_pull_on_source(acl):
    asked = [scope("repository", "user1/x", "pull", "push"), scope("repository", "user2/y", "pull")]
    assert acl.grant("user1", False, asked) == [scope("repository", "user1/x", "pull", "push")]
    asked = [scope("repository", "user1/x", "pull", "push"), scope("repository", "openstack.kolla/base", "pull")]
    assert acl.grant("user1", False, asked) == asked


def test_account_names_are_not_patterns():
    acl = ts.Acl(RULES)
    # an account called "*" must not reach every namespace through ${account}
    assert acl.grant("*", False, [scope("repository", "user2/x", "pull")]) == []
    assert acl.grant("us?r1", False, [scope("repository", "user1/x", "pull")]) == []


def test_anonymous_only_marked_rules():
    acl = ts.Acl(RULES)
    assert not acl.allows_anonymous
    assert acl.grant(None, False, [scope("repository", "openstack.kolla/x", "pull")]) == []
    acl = ts.Acl([{"name": "openstack.kolla/*", "actions": ["pull"], "anonymous": True}, *RULES])
    assert acl.allows_anonymous
    assert acl.grant(None, False, [scope("repository", "openstack.kolla/x", "pull", "push")]) == [
        scope("repository", "openstack.kolla/x", "pull")
    ]
    assert acl.grant(None, True, [scope("repository", "user1/x", "pull")]) == []  # no admin without an account


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"name": "a/*"}, "needs 'name' and 'actions'"),
        ({"name": "a/*", "actions": ["pull", "write"]}, "unknown actions"),
        ({"name": "a/*", "actions": ["pull"], "acounts": ["x"]}, "unknown keys"),
    ],
)
def test_acl_config_errors(rule, message):
    with pytest.raises(ts.ConfigError, match=message):
        ts.Acl([rule])


# --- keys and claims ---


def test_libtrust_key_id_format_and_stability():
    key = ec.generate_private_key(ec.SECP256R1())
    kid = ts.libtrust_key_id(key.public_key())
    groups = kid.split(":")
    assert len(groups) == 12 and all(len(g) == 4 for g in groups)
    assert set(kid.replace(":", "")) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert ts.libtrust_key_id(key.public_key()) == kid
    assert ts.libtrust_key_id(ec.generate_private_key(ec.SECP256R1()).public_key()) != kid


def test_mint_token_claims():
    key = ec.generate_private_key(ec.SECP256R1())
    access = [scope("repository", "user1/x", "pull")]
    token, iat = ts.mint_token(
        key, "ES256", issuer="iss-1", audience="svc-1", subject="user1", access=access, lifetime=300, now=1_700_000_000
    )
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "ES256" and header["kid"] == ts.libtrust_key_id(key.public_key())
    claims = jwt.decode(token, key.public_key(), algorithms=["ES256"], audience="svc-1", options={"verify_exp": False})
    assert iat == 1_700_000_000
    assert claims["iss"] == "iss-1" and claims["sub"] == "user1"
    assert claims["aud"] == "svc-1" and isinstance(claims["aud"], str)
    for name in ("exp", "nbf", "iat"):
        assert isinstance(claims[name], int) and not isinstance(claims[name], bool)
    assert claims["exp"] == iat + 300 and claims["nbf"] == iat
    assert claims["access"] == access
    assert len(claims["jti"]) >= 16
    other, _iat = ts.mint_token(key, "ES256", issuer="i", audience="a", subject="s", access=[], lifetime=1)
    assert jwt.decode(other, options={"verify_signature": False})["jti"] != claims["jti"]


def test_init_key_creates_once(tmp_path):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    assert ts.init_key(str(key), str(cert), "test")
    first = key.read_bytes()
    assert (key.stat().st_mode & 0o777) == 0o600
    assert not ts.init_key(str(key), str(cert), "test")
    assert key.read_bytes() == first
    _key, alg = ts.load_signing_key(str(key))
    assert alg == "ES256"


# --- authentication ---


class CountingBackend:
    def __init__(self, answers):
        self.answers = answers
        self.calls = 0

    def check(self, account, password):
        self.calls += 1
        answer = self.answers.get((account, password))
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_local_accounts_bcrypt_htpasswd(tmp_path):
    path = tmp_path / "htpasswd"
    path.write_text(htpasswd_line("user1", "pw-1") + "\n" + htpasswd_line("admin", "pw-a") + "\n")
    local = ts.LocalAccounts(str(path), admins=["admin"])
    assert local.check("user1", "pw-1") == {"ok": True, "admin": False}
    assert local.check("user1", "wrong") == {"ok": False, "admin": False}
    assert local.check("admin", "pw-a") == {"ok": True, "admin": True}
    assert local.check("nobody", "x") is None
    assert local.check("user1", "x" * 100)["ok"] is False


def test_authenticator_caches_only_success_and_local_is_final():
    first = CountingBackend({("u", "good"): {"ok": True, "admin": False}, ("u", "bad"): {"ok": False, "admin": False}})
    second = CountingBackend({("u", "bad"): {"ok": True, "admin": True}})
    auth = ts.Authenticator([first, second], cache_seconds=60)
    assert auth.check("u", "good")["ok"]
    assert auth.check("u", "good")["ok"]
    assert first.calls == 1
    assert not auth.check("u", "bad")["ok"]
    assert not auth.check("u", "bad")["ok"]
    assert first.calls == 3 and second.calls == 0


def test_authenticator_unavailable_never_grants():
    down = CountingBackend({("k", "pw"): ts.BackendUnavailable("keystone down")})
    auth = ts.Authenticator([CountingBackend({}), down], cache_seconds=60)
    with pytest.raises(ts.BackendUnavailable):
        auth.check("k", "pw")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def local_file(tmp_path):
    path = tmp_path / "htpasswd"
    path.write_text(htpasswd_line("user1", "pw-1") + "\n")
    return path


def test_cache_wrong_password_after_right_one_is_refused(local_file):
    """A cached success never answers for another password: the wrong one is checked by bcrypt, every time."""
    local = ts.LocalAccounts(str(local_file))
    calls = []
    real = local.check
    local.check = lambda a, p: calls.append(a) or real(a, p)
    auth = ts.Authenticator([local], cache_seconds=60, clock=Clock())
    assert auth.check("user1", "pw-1")["ok"]
    assert auth.check("user1", "pw-1")["ok"] and len(calls) == 1  # cached
    for _i in range(2):
        assert not auth.check("user1", "pw-1x")["ok"]
        assert not auth.check("user1", "pw-")["ok"]
    assert len(calls) == 5  # every wrong password went to bcrypt


def test_cache_key_holds_neither_account_nor_password():
    auth = ts.Authenticator([CountingBackend({("u:1", "secret-pw"): {"ok": True, "admin": False}})])
    assert auth.check("u:1", "secret-pw")["ok"]
    (key,) = auth._cache
    assert len(key) == 32 and b"secret-pw" not in key and b"u:1" not in key
    # account and password are length-prefixed: no two pairs share a key
    assert auth._key("x\0y", "z") != auth._key("x", "y\0z")
    assert auth._key("ab", "c") != auth._key("a", "bc")
    # the HMAC key is per process (per Authenticator): a key computed elsewhere is worthless
    assert ts.Authenticator([])._key("u:1", "secret-pw") != key


def test_cache_expires_and_the_backend_decides_again(local_file):
    clock = Clock()
    local = ts.LocalAccounts(str(local_file))
    auth = ts.Authenticator([local], cache_seconds=30, clock=clock)
    assert auth.check("user1", "pw-1")["ok"]
    local_file.write_text(htpasswd_line("user1", "changed") + "\n")  # the password changes on disk
    clock.now += 29
    assert auth.check("user1", "pw-1")["ok"]  # within the TTL: the cached answer
    clock.now += 2
    assert not auth.check("user1", "pw-1")["ok"]  # expired: bcrypt against the new hash
    assert auth.check("user1", "changed")["ok"]
    assert len(auth._cache) == 1  # the expired entry is gone


def test_cache_zero_checks_every_request():
    backend = CountingBackend({("u", "pw"): {"ok": True, "admin": False}})
    auth = ts.Authenticator([backend], cache_seconds=0)
    for _i in range(3):
        assert auth.check("u", "pw")["ok"]
    assert backend.calls == 3 and not auth._cache


def test_keystone_down_cached_login_until_the_ttl_then_503():
    """The issue: "Keystone down means a clear 401/503 and a log line, never access". A login Keystone confirmed
    less than cache_seconds ago stays valid until its entry expires; nothing new is granted, then nothing at all."""
    clock = Clock()
    keystone = CountingBackend({("k", "pw"): {"ok": True, "admin": True}})
    auth = ts.Authenticator([CountingBackend({}), keystone], cache_seconds=60, clock=clock)
    assert auth.check("k", "pw") == {"ok": True, "admin": True, "backend": "CountingBackend"}
    keystone.answers = {key: ts.BackendUnavailable("keystone down") for key in [("k", "pw"), ("k", "other")]}
    clock.now += 59
    assert auth.check("k", "pw")["ok"] and keystone.calls == 1
    with pytest.raises(ts.BackendUnavailable):
        auth.check("k", "other")  # another password: Keystone is asked, and is down
    clock.now += 2
    with pytest.raises(ts.BackendUnavailable):
        auth.check("k", "pw")
    with pytest.raises(ts.BackendUnavailable):
        auth.check("k", "pw")  # and it stays refused: a failure is never cached as a success


def test_concurrent_checks_of_the_same_credentials_ask_the_backend_once():
    gate = threading.Event()

    class Gated(CountingBackend):
        def check(self, account, password):
            self.calls += 1
            gate.wait(60)
            return {"ok": True, "admin": False}

    backend = Gated({})
    auth = ts.Authenticator([backend], cache_seconds=60)
    results = []
    threads = [threading.Thread(target=lambda: results.append(auth.check("u", "pw")["ok"])) for _i in range(8)]
    for t in threads:
        t.start()

    def where(thread):
        frame = sys._current_frames().get(thread.ident)
        names = set()
        while frame is not None:
            names.add(frame.f_code)
            frame = frame.f_back
        return names

    # Wait (generous timeout) until every thread is either inside the backend or waiting for the first check.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        spots = [where(t) for t in threads]
        inside = sum(Gated.check.__code__ in s for s in spots)
        waiting = sum(Gated.check.__code__ not in s and ts.Authenticator.check.__code__ in s for s in spots)
        if inside + waiting == len(threads):
            break
        time.sleep(0.005)
    gate.set()
    for t in threads:
        t.join(60)
    assert results == [True] * 8
    assert backend.calls == 1 and not auth._pending


# --- HTTP ---


class FakeKeystone(BaseHTTPRequestHandler):
    """POST /v3/auth/tokens: user 'kuser' (no role in the admin project), 'kadmin' (admin role there)."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        user = body["auth"]["identity"]["password"]["user"]
        scoped = "scope" in body["auth"]
        ok = (user["name"], user["password"]) in {("kuser", "kpw"), ("kadmin", "kapw")}
        if not ok or (scoped and user["name"] != "kadmin"):
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        roles = [{"name": "admin"}] if scoped else []
        data = json.dumps({"token": {"roles": roles}}).encode()
        self.send_response(201)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    """TLS files, an htpasswd file and a signing key, made once for the HTTP tests."""
    tmp_path = tmp_path_factory.mktemp("token-http")
    tls = make_tls(tmp_path / "tls", ["localhost"], ["127.0.0.1"])
    (tmp_path / "htpasswd").write_text(htpasswd_line("user1", "pw-1") + "\n" + htpasswd_line("admin", "pw-a") + "\n")
    ts.init_key(str(tmp_path / "s.key"), str(tmp_path / "s.crt"), "test")
    return tmp_path, tls


@pytest.fixture
def server(material):
    tmp_path, (ca, cert, key) = material
    ks = ThreadingHTTPServer(("127.0.0.1", 0), FakeKeystone)
    threading.Thread(target=ks.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    conf = {
        "listen": "127.0.0.1:0",
        "issuer": "kp-issuer",
        "service": "kp-registry",
        "signing_key": str(tmp_path / "s.key"),
        "tls_cert": str(cert),
        "tls_key": str(key),
        "admins": ["admin"],
        "acl": RULES,
        "cache_seconds": 0,
        "backends": [
            {"type": "local", "htpasswd": str(tmp_path / "htpasswd")},
            {"type": "keystone", "url": f"http://127.0.0.1:{ks.server_address[1]}", "timeout": 3},
        ],
    }
    srv = ts.make_server(conf)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    srv.ctx = ssl.create_default_context(cafile=str(ca))
    srv.keystone = ks
    srv.public_key = ts.load_signing_key(conf["signing_key"])[0].public_key()
    yield srv
    srv.shutdown()
    ks.shutdown()
    ks.server_close()


def get(srv, query, user=None, password=None, method="GET"):
    headers = {}
    if user is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    req = urllib.request.Request(
        f"https://127.0.0.1:{srv.server_address[1]}/token?{query}", headers=headers, method=method, data=None
    )
    try:
        with urllib.request.urlopen(req, context=srv.ctx, timeout=10) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"{}")


def access_of(srv, body):
    return jwt.decode(body["token"], srv.public_key, algorithms=["ES256"], audience="kp-registry")["access"]


def test_http_token_answer(server):
    status, headers, body = get(server, "service=kp-registry&scope=repository:user1/x:pull,push", "user1", "pw-1")
    assert status == 200
    assert set(body) == {"token", "access_token", "expires_in", "issued_at"}
    assert body["token"] == body["access_token"] and body["expires_in"] == 300
    assert body["issued_at"].endswith("Z")
    assert "refresh_token" not in body
    assert access_of(server, body) == [scope("repository", "user1/x", "pull", "push")]
    assert headers["Cache-Control"] == "no-store"


def test_http_login_without_scope_gets_empty_access(server):
    status, _h, body = get(server, "service=kp-registry&offline_token=true&client_id=docker", "user1", "pw-1")
    assert status == 200 and access_of(server, body) == [] and "refresh_token" not in body


@pytest.mark.parametrize(("user", "password"), [("user1", "wrong"), ("nobody", "x"), ("kuser", "wrong")])
def test_http_wrong_password_401(server, user, password):
    status, headers, body = get(server, "service=kp-registry&scope=repository:openstack.kolla/x:pull", user, password)
    assert status == 401 and "token" not in body
    assert headers["WWW-Authenticate"].startswith("Basic ")


def test_http_malformed_scope_400_after_authentication(server):
    status, _h, body = get(server, "service=kp-registry&scope=openstack.kolla/x:pull", "user1", "wrong")
    assert status == 401 and "token" not in body
    status, _h, body = get(server, "service=kp-registry&scope=openstack.kolla/x:pull", "user1", "pw-1")
    assert status == 400 and "token" not in body


def test_http_anonymous_401(server):
    status, _h, body = get(server, "service=kp-registry&scope=repository:openstack.kolla/x:pull")
    assert status == 401 and "token" not in body


def test_http_other_service_400(server):
    status, _h, body = get(server, "service=elsewhere&scope=repository:user1/x:pull", "user1", "pw-1")
    assert status == 400 and "token" not in body


def test_http_post_is_not_oauth(server):
    status, headers, _b = get(server, "service=kp-registry", "user1", "pw-1", method="POST")
    assert status == 405 and headers["Allow"] == "GET"


def test_http_several_scopes_and_catalog(server):
    query = (
        "service=kp-registry&scope=repository:user1/x:pull,push&scope=repository:user2/y:pull&scope=registry:catalog:*"
    )
    _s, _h, body = get(server, query, "user1", "pw-1")
    assert access_of(server, body) == [scope("repository", "user1/x", "pull", "push")]
    _s, _h, body = get(server, query, "admin", "pw-a")
    assert access_of(server, body) == [
        scope("repository", "user1/x", "pull", "push"),
        scope("repository", "user2/y", "pull"),
        scope("registry", "catalog", "*"),
    ]


def test_http_keystone_user_and_admin(server):
    query = "service=kp-registry&scope=repository:kuser/x:push&scope=registry:catalog:*"
    status, _h, body = get(server, query, "kuser", "kpw")
    assert status == 200 and access_of(server, body) == [scope("repository", "kuser/x", "push")]
    status, _h, body = get(server, query, "kadmin", "kapw")
    assert status == 200 and access_of(server, body) == [
        scope("repository", "kuser/x", "push"),
        scope("registry", "catalog", "*"),
    ]


def test_http_keystone_down_503(server):
    server.keystone.shutdown()
    server.keystone.server_close()
    status, headers, body = get(server, "service=kp-registry&scope=repository:kuser/x:pull", "kuser", "kpw")
    assert status == 503 and "token" not in body and headers["Retry-After"]
    # local accounts keep working
    status, _h, _b = get(server, "service=kp-registry&scope=repository:user1/x:pull", "user1", "pw-1")
    assert status == 200


def _raw_request(srv, sock, version="HTTP/1.1", extra=""):
    auth = base64.b64encode(b"user1:pw-1").decode()
    sock.sendall(
        f"GET /token?service=kp-registry&scope=repository:user1/x:pull {version}\r\nHost: t\r\n"
        f"Authorization: Basic {auth}\r\n{extra}\r\n".encode()
    )
    return sock.recv(65536)  # one TLS record at most


def test_http_answer_is_one_write_and_the_connection_is_kept(server):
    """Headers and body leave in one write (one TLS record): written apart, they met the client's delayed ACK
    (Nagle), 40 ms per token on a keep-alive connection. Several requests over one connection, HTTP/1.0 included."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as raw:
        with server.ctx.wrap_socket(raw, server_hostname="localhost") as sock:
            for version, extra in (("HTTP/1.1", ""), ("HTTP/1.1", ""), ("HTTP/1.0", "Connection: keep-alive\r\n")):
                data = _raw_request(server, sock, version, extra)
                head, _sep, body = data.partition(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 200 ") or head.startswith(b"HTTP/1.0 200 "), head
                length = int(
                    next(h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length"))
                )
                assert len(body) == length and json.loads(body)["token"]
            assert b"connection: keep-alive" in head.lower()  # the HTTP/1.0 client is told the connection stays
            data = _raw_request(server, sock)  # and it did
            assert b" 200 " in data.split(b"\r\n", 1)[0]


def test_config_requires_tls_unless_insecure(tmp_path):
    ts.init_key(str(tmp_path / "s.key"), str(tmp_path / "s.crt"), "t")
    conf = {"listen": "127.0.0.1:0", "issuer": "i", "service": "s", "signing_key": str(tmp_path / "s.key")}
    with pytest.raises(ts.ConfigError, match="tls_cert"):
        ts.make_server(conf)
    srv = ts.make_server({**conf, "insecure_http": True})
    srv.server_close()
    with pytest.raises(ts.ConfigError, match="backends"):
        ts.Service({**conf, "backends": [{"type": "ldap"}]})
