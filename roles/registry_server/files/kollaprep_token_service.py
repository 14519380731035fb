"""kollaprep token service: Docker Distribution's token authentication, small and boring.

Implements https://distribution.github.io/distribution/spec/auth/token/ and .../spec/auth/jwt/ for Distribution 2.8
(``auth: token`` with realm, service, issuer, rootcertbundle):

- ``GET /token?service=S&scope=T:NAME:ACTIONS[&scope=...]`` with Basic credentials answers
  ``{"token", "access_token", "expires_in", "issued_at"}``; a JWT signed with ES256 (or RS256, from the key type)
  whose header carries ``kid``, the libtrust key id of the signing key: Distribution 2.8 looks the key up among the
  public keys of its ``rootcertbundle`` by that id (registry/auth/token/token.go, VerifySigningKey). Claims: iss,
  sub, aud (a string: 2.8 compares a string), exp/nbf/iat (integers), jti, access.
- Wrong credentials: 401, never a token. No credentials: 401 unless a rule is marked ``anonymous`` (then only those
  rules apply). No refresh tokens (``offline_token`` is ignored), POST /token (OAuth2) is answered 405 so clients use
  GET with Basic credentials.
- Authorization: admins get everything asked (catalog included); otherwise the FIRST rule whose type, name pattern
  and accounts match a scope decides its allowed actions; none matches: nothing (deny by default). Granted actions
  are the intersection of what was asked and what is allowed. ``${account}`` in a pattern is the account's name.
- Backends in order: local accounts (an htpasswd file of bcrypt hashes), then Keystone (v3 password auth; admin when
  the user has a given role in a given project). A local account's verdict is final. Keystone unreachable: 503 and
  a log line, never a token. Successful checks are cached for ``cache_seconds`` under an HMAC of account and password
  (see Authenticator): a client's burst of token requests costs one bcrypt or Keystone call.
- Fast: HTTP/1.1 keep-alive, each answer written as one segment with TCP_NODELAY (no 40 ms Nagle/delayed-ACK stall),
  the key id computed once. A cached request costs well under a millisecond of CPU (bench/bench_auth.py measures it).

Runs with Debian's python3 and python3-jwt, python3-cryptography, python3-bcrypt (no pip); the config is JSON.
``--init-key`` creates the signing key and its self-signed certificate (the registry's rootcertbundle) when absent.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import fnmatch
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import bcrypt
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

LOG = logging.getLogger("kollaprep-token")
ACTIONS = ("pull", "push", "delete", "*")
ACCOUNT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")  # safe inside a repository pattern


class ConfigError(ValueError):
    """The configuration file is wrong; the message says where."""


class BackendUnavailable(RuntimeError):
    """An authentication backend cannot answer now (Keystone down): 503, never a token."""


# --- scopes and authorization -------------------------------------------------------------------------------------


def parse_scope(scope: str) -> dict | None:
    """``type:name:actions`` -> {"type", "name", "actions"}; the name may hold ':' (host:port). None if malformed.

    As Distribution's client does (registry/client/auth/session.go), the type is up to the first ':', the actions
    after the last one; a resource class (``repository(plugin)``) stays in the type.
    """
    first, last = scope.find(":"), scope.rfind(":")
    if first <= 0 or last == first:
        return None
    rtype, name, actions = scope[:first], scope[first + 1 : last], scope[last + 1 :]
    if not name:
        return None
    wanted = [a for a in dict.fromkeys(actions.split(",")) if a]
    return {"type": rtype, "name": name, "actions": wanted}


def parse_scopes(values: list[str]) -> list[dict]:
    """Every ``scope`` parameter, each possibly several space-separated scopes; merged by (type, name)."""
    merged: dict[tuple[str, str], dict] = {}
    for value in values:
        for item in value.split():
            parsed = parse_scope(item)
            if parsed is None:
                raise ValueError(f"malformed scope {item!r}")
            key = (parsed["type"], parsed["name"])
            if key in merged:
                merged[key]["actions"] = list(dict.fromkeys(merged[key]["actions"] + parsed["actions"]))
            else:
                merged[key] = parsed
    return list(merged.values())


def _base_type(rtype: str) -> str:
    return rtype.split("(", 1)[0]


def _escape_glob(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


class Acl:
    """Ordered rules; see the module docstring. A rule: {"name": pattern, "type": "repository" (default) or
    "registry", "actions": [...], "accounts": [...] (default: every authenticated account), "anonymous": bool}."""

    def __init__(self, rules: list[dict], admins: list[str] | None = None):
        self.admins = set(admins or [])
        self.rules = []
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict) or "name" not in rule or "actions" not in rule:
                raise ConfigError(f"acl rule {i + 1}: needs 'name' and 'actions': {rule!r}")
            unknown = set(rule["actions"]) - set(ACTIONS)
            if unknown:
                raise ConfigError(f"acl rule {i + 1}: unknown actions {sorted(unknown)} (known: {list(ACTIONS)})")
            extra = set(rule) - {"name", "type", "actions", "accounts", "anonymous", "comment"}
            if extra:
                raise ConfigError(f"acl rule {i + 1}: unknown keys {sorted(extra)}")
            self.rules.append(
                {
                    "name": str(rule["name"]),
                    "type": rule.get("type", "repository"),
                    "actions": list(rule["actions"]),
                    "accounts": None if rule.get("accounts") is None else set(rule["accounts"]),
                    "anonymous": bool(rule.get("anonymous", False)),
                }
            )

    @property
    def allows_anonymous(self) -> bool:
        return any(r["anonymous"] for r in self.rules)

    def allowed(self, account: str | None, admin: bool, rtype: str, name: str) -> list[str]:
        """Actions allowed to account (None: anonymous) on (type, name)."""
        if admin and account is not None:
            return list(ACTIONS)
        for rule in self.rules:
            if rule["type"] != _base_type(rtype):
                continue
            if account is None:
                if not rule["anonymous"]:
                    continue
                if "${account}" in rule["name"]:
                    continue
            elif rule["accounts"] is not None and account not in rule["accounts"]:
                continue
            pattern = rule["name"]
            if "${account}" in pattern:
                if not ACCOUNT_RE.match(account or ""):
                    continue
                pattern = pattern.replace("${account}", _escape_glob(account))
            if fnmatch.fnmatchcase(name, pattern):
                return rule["actions"]
        return []

    def grant(self, account: str | None, admin: bool, scopes: list[dict]) -> list[dict]:
        """The access claim: for each scope, the asked actions that are allowed (intersection); empty ones dropped."""
        access = []
        for scope in scopes:
            allowed = self.allowed(account, admin, scope["type"], scope["name"])
            granted = [a for a in scope["actions"] if a in allowed or "*" in allowed]
            if granted:
                access.append({"type": scope["type"], "name": scope["name"], "actions": granted})
        return access


# --- keys and tokens ----------------------------------------------------------------------------------------------


def libtrust_key_id(public_key) -> str:
    """libtrust's key id: base32 of the first 240 bits of SHA-256(DER SubjectPublicKeyInfo), in groups of 4 by ':'."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    b32 = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def load_signing_key(path: str):
    with open(path, "rb") as fh:
        key = serialization.load_pem_private_key(fh.read(), password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name != "secp256r1":
            raise ConfigError(f"{path}: EC keys must be P-256 (ES256), not {key.curve.name}")
        return key, "ES256"
    if isinstance(key, rsa.RSAPrivateKey):
        return key, "RS256"
    raise ConfigError(f"{path}: need an EC P-256 or an RSA private key")


def init_key(key_path: str, cert_path: str, common_name: str, days: int = 3650) -> bool:
    """Create an EC P-256 signing key and a self-signed certificate for it when either is missing; True if made."""
    if os.path.exists(key_path) and os.path.exists(cert_path):
        return False
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(key_path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    with open(cert_path + ".tmp", "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(key_path + ".tmp", key_path)
    os.replace(cert_path + ".tmp", cert_path)
    return True


def mint_token(
    key,
    alg: str,
    *,
    issuer: str,
    audience: str,
    subject: str,
    access: list[dict],
    lifetime: int,
    now: int | None = None,
    kid: str | None = None,
) -> tuple[str, int]:
    """A signed JWT as Distribution 2.8 verifies it; returns (token, issued-at). kid: the key's id, if known."""
    iat = int(time.time()) if now is None else int(now)
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "exp": iat + int(lifetime),
        "nbf": iat,
        "iat": iat,
        "jti": secrets.token_hex(16),
        "access": access,
    }
    token = jwt.encode(claims, key, algorithm=alg, headers={"kid": kid or libtrust_key_id(key.public_key())})
    return (token.decode() if isinstance(token, bytes) else token), iat


# --- authentication backends --------------------------------------------------------------------------------------


class LocalAccounts:
    """An htpasswd file of bcrypt hashes (what community.general.htpasswd writes); re-read when it changes."""

    def __init__(self, path: str, admins: list[str] | None = None):
        self.path = path
        self.admins = set(admins or [])
        self._mtime: float | None = None
        self._hashes: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _load(self) -> dict[str, bytes]:
        with self._lock:
            try:
                mtime = os.stat(self.path).st_mtime_ns
            except FileNotFoundError:
                if self._mtime != -1:
                    LOG.warning("no local accounts: %s does not exist", self.path)
                self._hashes, self._mtime = {}, -1
                return self._hashes
            if mtime != self._mtime:
                hashes_ = {}
                with open(self.path) as fh:
                    for line in fh:
                        line = line.strip()
                        if line and not line.startswith("#") and ":" in line:
                            name, hashed = line.split(":", 1)
                            if hashed.startswith(("$2y$", "$2b$", "$2a$")):
                                hashes_[name] = hashed.encode()
                self._hashes, self._mtime = hashes_, mtime
            return self._hashes

    def knows(self, account: str) -> bool:
        return account in self._load()

    def check(self, account: str, password: str) -> dict | None:
        """None: not a local account; {"ok": bool, "admin": bool} otherwise."""
        hashed = self._load().get(account)
        if hashed is None:
            return None
        # Distribution's htpasswd writes $2y$; bcrypt accepts $2b$, the same algorithm.
        try:
            ok = bcrypt.checkpw(password.encode(), b"$2b$" + hashed[4:])
        except ValueError:  # longer than bcrypt's 72 bytes, or a damaged hash
            ok = False
        return {"ok": ok, "admin": ok and account in self.admins}


class KeystoneBackend:
    """Keystone v3 password authentication over plain HTTP(S) (urllib: nothing beyond the stdlib).

    Admin: a project-scoped token for ``admin_project`` carries ``admin_role``. One request for users with a role in
    that project; for the others a 401 there is followed by an unscoped request, which tells a wrong password from a
    user without a role in the project.
    """

    def __init__(self, conf: dict):
        self.url = conf["url"].rstrip("/")
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise ConfigError(f"keystone url {self.url!r}: must be http:// or https://")
        if not self.url.endswith("/v3"):
            self.url += "/v3"
        self.user_domain = conf.get("user_domain", "Default")
        self.admin_project = conf.get("admin_project", "admin")
        self.admin_project_domain = conf.get("admin_project_domain", "Default")
        self.admin_role = conf.get("admin_role", "admin")
        self.timeout = float(conf.get("timeout", 5))
        self.context = ssl.create_default_context(cafile=conf.get("cafile") or None)

    def _auth(self, account: str, password: str, scoped: bool) -> tuple[int, dict]:
        body: dict = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": account, "domain": {"name": self.user_domain}, "password": password}},
                }
            }
        }
        if scoped:
            body["auth"]["scope"] = {
                "project": {"name": self.admin_project, "domain": {"name": self.admin_project_domain}}
            }
        req = urllib.request.Request(  # noqa: S310 - http(s) only, checked in __init__
            self.url + "/auth/tokens?nocatalog",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout, context=self.context) as resp:  # noqa: S310
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code in (400, 401, 403, 404):
                return exc.code, {}
            raise BackendUnavailable(f"keystone at {self.url} answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BackendUnavailable(f"keystone at {self.url} is unreachable: {reason}") from None

    def check(self, account: str, password: str) -> dict:
        status, data = self._auth(account, password, scoped=True)
        if status == 201:
            roles = {r.get("name") for r in data.get("token", {}).get("roles", [])}
            return {"ok": True, "admin": self.admin_role in roles}
        status, _data = self._auth(account, password, scoped=False)
        return {"ok": status == 201, "admin": False}


class Authenticator:
    """Local accounts first (their verdict is final), then Keystone; successes cached for ``cache_seconds``.

    The cache key is an HMAC, under a key made at start and never stored, of the account and the password: neither is
    kept, and a wrong password never finds the entry of the right one (it is checked by its backend every time).
    Failures are never cached. An entry is valid for ``cache_seconds`` from the backend's answer, whatever happens to
    the backend after it: Keystone going down grants nothing new, and a cached login stops working when its entry
    expires (503 then). Concurrent checks of the same credentials wait for the first one (one bcrypt or Keystone call
    for a burst of a client's parallel token requests, not one each).
    """

    MAX_ENTRIES = 10000

    def __init__(self, backends: list, cache_seconds: float = 60.0, admins: list[str] | None = None, clock=None):
        self.backends = backends
        self.cache_seconds = float(cache_seconds)
        self.admins = set(admins or [])
        self.clock = clock or time.monotonic
        self._hmac_key = secrets.token_bytes(32)
        self._cache: dict[bytes, tuple[float, dict]] = {}
        self._pending: dict[bytes, threading.Lock] = {}
        self._lock = threading.Lock()

    def _key(self, account: str, password: str) -> bytes:
        name = account.encode()
        msg = len(name).to_bytes(4, "big") + name + password.encode()  # length-prefixed: no two pairs share a message
        return hmac.new(self._hmac_key, msg, hashlib.sha256).digest()

    def _cached(self, key: bytes) -> dict | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is None:
                return None
            if hit[0] > self.clock():
                return hit[1]
            del self._cache[key]
            return None

    def check(self, account: str, password: str) -> dict:
        """{"ok", "admin", "backend"}; raises BackendUnavailable when the backend that should answer cannot."""
        key = self._key(account, password)
        hit = self._cached(key)
        if hit is not None:
            return hit
        with self._lock:
            pending = self._pending.setdefault(key, threading.Lock())
        with pending:
            try:
                hit = self._cached(key)  # the check this one waited for may have cached the answer
                return hit if hit is not None else self._check(key, account, password)
            finally:
                with self._lock:
                    if self._pending.get(key) is pending:
                        del self._pending[key]

    def _check(self, key: bytes, account: str, password: str) -> dict:
        result = {"ok": False, "admin": False, "backend": None}
        unavailable: BackendUnavailable | None = None
        for backend in self.backends:
            try:
                answer = backend.check(account, password)
            except BackendUnavailable as exc:
                unavailable = exc
                continue
            if answer is None:
                continue
            result = {"ok": answer["ok"], "admin": answer["admin"], "backend": type(backend).__name__}
            break
        else:
            if unavailable is not None:
                raise unavailable
        if result["ok"]:
            result["admin"] = result["admin"] or account in self.admins
            if self.cache_seconds > 0:
                now = self.clock()
                with self._lock:
                    if len(self._cache) >= self.MAX_ENTRIES:
                        self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
                        if len(self._cache) >= self.MAX_ENTRIES:
                            self._cache.clear()
                    self._cache[key] = (now + self.cache_seconds, result)
        return result


# --- configuration and HTTP ---------------------------------------------------------------------------------------


class Service:
    """Everything a request needs: config, key, ACL, authenticator."""

    def __init__(self, conf: dict):
        for key in ("issuer", "service", "signing_key"):
            if not conf.get(key):
                raise ConfigError(f"config: '{key}' is required")
        self.conf = conf
        self.issuer = conf["issuer"]
        self.service = conf["service"]
        self.lifetime = int(conf.get("token_lifetime", 300))
        self.key, self.alg = load_signing_key(conf["signing_key"])
        self.kid = libtrust_key_id(self.key.public_key())
        admins = list(conf.get("admins", []))
        self.acl = Acl(conf.get("acl", []), admins)
        backends: list = []
        for i, b in enumerate(conf.get("backends", [])):
            if b.get("type") == "local":
                backends.append(LocalAccounts(b["htpasswd"], admins))
            elif b.get("type") == "keystone":
                backends.append(KeystoneBackend(b))
            else:
                raise ConfigError(f"backends[{i}]: type must be 'local' or 'keystone', not {b.get('type')!r}")
        self.auth = Authenticator(backends, conf.get("cache_seconds", 60), admins)

    def issue(self, account: str | None, admin: bool, scopes: list[dict]) -> tuple[dict, list[dict]]:
        """The token answer and the access it grants."""
        access = self.acl.grant(account, admin, scopes)
        token, iat = mint_token(
            self.key,
            self.alg,
            issuer=self.issuer,
            audience=self.service,
            subject=account or "",
            access=access,
            lifetime=self.lifetime,
            kid=self.kid,
        )
        issued = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(iat))
        return {"token": token, "access_token": token, "expires_in": self.lifetime, "issued_at": issued}, access


def _error(code: str, message: str) -> bytes:
    return json.dumps({"errors": [{"code": code, "message": message}]}).encode()


class Handler(BaseHTTPRequestHandler):
    server_version = "kollaprep-token"
    protocol_version = "HTTP/1.1"  # keep-alive: a client asks many tokens over one TLS connection
    # One segment per answer, sent at once: unbuffered writes of headers then body met the client's delayed ACK
    # (Nagle), 40 ms per request on a keep-alive connection.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024  # handle_one_request flushes after each answer
    service: Service  # set on the subclass made by make_server

    def log_message(self, format, *args):
        LOG.debug("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.request_version == "HTTP/1.0" and not self.close_connection:
            self.send_header("Connection", "keep-alive")  # an HTTP/1.0 client asked for it: say it is kept
        self.end_headers()
        self.wfile.write(body)

    def _challenge(self) -> dict:
        return {"WWW-Authenticate": f'Basic realm="{self.service.service}"'}

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 65536))
        self._send(
            405, _error("UNSUPPORTED", "use GET with Basic credentials; no OAuth2 or refresh tokens"), {"Allow": "GET"}
        )

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/healthz":
            self._send(200, b'{"status":"ok"}')
            return
        if url.path.rstrip("/") != "/token":
            self._send(404, _error("NOT_FOUND", "only /token and /healthz"))
            return
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        svc = self.service
        asked_service = (query.get("service") or [""])[0]
        if asked_service != svc.service:
            LOG.warning("refused: service %r is not %r", asked_service, svc.service)
            self._send(400, _error("INVALID_REQUEST", f"unknown service {asked_service!r}"))
            return
        account, admin = None, False
        header = self.headers.get("Authorization", "")
        if header[:6].lower() == "basic ":
            try:
                account, _sep, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                self._send(400, _error("INVALID_REQUEST", "malformed Basic credentials"))
                return
            try:
                result = svc.auth.check(account, password)
            except BackendUnavailable as exc:
                LOG.error("no token for %r: %s", account, exc)
                self._send(503, _error("UNAVAILABLE", "authentication backend unavailable"), {"Retry-After": "5"})
                return
            if not result["ok"]:
                LOG.warning("refused: wrong credentials for %r from %s", account, self.client_address[0])
                self._send(401, _error("UNAUTHORIZED", "invalid credentials"), self._challenge())
                return
            admin = result["admin"]
        elif header:
            self._send(401, _error("UNAUTHORIZED", "Basic credentials required"), self._challenge())
            return
        elif not svc.acl.allows_anonymous:
            self._send(401, _error("UNAUTHORIZED", "authentication required"), self._challenge())
            return
        try:
            scopes = parse_scopes(query.get("scope", []))
        except ValueError as exc:
            self._send(400, _error("INVALID_REQUEST", str(exc)))
            return
        answer, access = svc.issue(account, admin, scopes)
        LOG.info(
            "token for %s%s: asked %s granted %s",
            account if account is not None else "<anonymous>",
            " (admin)" if admin else "",
            [f"{s['type']}:{s['name']}:{','.join(s['actions'])}" for s in scopes],
            [f"{a['type']}:{a['name']}:{','.join(a['actions'])}" for a in access],
        )
        self._send(200, json.dumps(answer).encode())


class TokenServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    tls_context: ssl.SSLContext | None = None

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the request's thread, not in the accepting loop.
        request.settimeout(30)
        if self.tls_context is not None:
            try:
                request = self.tls_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as exc:
                LOG.debug("TLS handshake with %s failed: %s", client_address[0], exc)
                return
        super().finish_request(request, client_address)


def load_config(path: str) -> dict:
    with open(path) as fh:
        try:
            return json.load(fh)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not JSON: {exc}") from None


def make_server(conf: dict) -> TokenServer:
    """A server bound to conf['listen'] (``host:port``; port 0 picks one), not yet serving."""
    service = Service(conf)
    host, _sep, port = conf.get("listen", "0.0.0.0:5001").rpartition(":")
    host = host.strip("[]") or "0.0.0.0"  # noqa: S104 - the operator chooses the address
    handler = type("BoundHandler", (Handler,), {"service": service})
    TokenServer.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = TokenServer((host, int(port)), handler)
    if conf.get("tls_cert"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(conf["tls_cert"], conf["tls_key"])
        server.tls_context = ctx
    elif not conf.get("insecure_http", False):
        raise ConfigError("config: tls_cert and tls_key are required (or insecure_http: true, to serve plain HTTP)")
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--config", required=True, help="JSON configuration file")
    parser.add_argument("--init-key", action="store_true", help="create the signing key and certificate if missing")
    parser.add_argument("--check", action="store_true", help="load the configuration and exit")
    parser.add_argument("--log-level", default=os.environ.get("KOLLAPREP_TOKEN_LOG_LEVEL", "INFO"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        conf = load_config(args.config)
        if args.init_key:
            made = init_key(conf["signing_key"], conf["signing_cert"], conf.get("issuer", "kollaprep-token"))
            print("created" if made else "present")
            return 0
        if args.check:
            Service(conf)
            print("ok")
            return 0
        server = make_server(conf)
    except (ConfigError, OSError, KeyError) as exc:
        LOG.error("cannot start: %s", exc)
        return 2
    LOG.info("listening on %s:%d (%s)", *server.server_address[:2], "https" if server.tls_context else "http")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
