# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small Docker Registry HTTP API v2 client (stdlib only: http.client, ssl, threading, json, hashlib).

- keep-alive connections, one per thread and host (safe to share one client between worker threads);
- auth: anonymous, basic, and the Docker bearer-token flow (WWW-Authenticate Bearer realm/service/scope), tokens
  cached per scope;
- retries with exponential backoff on connection errors, 5xx and 429 (honouring Retry-After);
- byte-exact manifests (GET/PUT of the exact bytes with their media type), streamed blobs with bounded memory.

Errors name the side (src or dest), the host and, for auth failures, the credentials that were used.
"""

from __future__ import annotations

import base64
import email.utils
import errno
import hashlib
import http.client
import json
import os
import random
import ssl
import threading
import time
from urllib.parse import quote, urlencode, urljoin, urlsplit

MEDIA_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MEDIA_DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MEDIA_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MEDIA_DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
MEDIA_DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
IMAGE_MANIFEST_TYPES = (MEDIA_DOCKER_MANIFEST, MEDIA_OCI_MANIFEST)
INDEX_TYPES = (MEDIA_DOCKER_LIST, MEDIA_OCI_INDEX)
MANIFEST_ACCEPT = ", ".join((MEDIA_OCI_INDEX, MEDIA_DOCKER_LIST, MEDIA_OCI_MANIFEST, MEDIA_DOCKER_MANIFEST))

CHUNK_SIZE = 1024 * 1024
MAX_RETRY_AFTER = 60.0
USER_AGENT = "kollaprep-mirror/1.0"


class RegistryError(Exception):
    """A registry request failed; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class NotFound(RegistryError):
    pass


class AuthError(RegistryError):
    pass


class Unreachable(RegistryError):
    pass


class StorageFull(RegistryError):
    """The registry's storage is full (ENOSPC): retrying cannot help, so it is not retried."""


class DigestMismatch(RegistryError):
    pass


class ManifestError(RegistryError):
    pass


# --------------------------------------------------------------------------------------------------------------
# Pure helpers (unit tested)


def parse_www_authenticate(value: str) -> tuple[str, dict[str, str]]:
    """``Bearer realm="https://a/token",service="reg",scope="repository:x:pull"`` -> ("bearer", {...}).

    Quoted values may contain commas and escaped quotes. The scheme is lower-cased; parameter names too.
    """
    value = (value or "").strip()
    if not value:
        return "", {}
    scheme, _sep, rest = value.partition(" ")
    params: dict[str, str] = {}
    i, n = 0, len(rest)
    while i < n:
        while i < n and rest[i] in " ,":
            i += 1
        start = i
        while i < n and rest[i] not in "=, ":
            i += 1
        key = rest[start:i].strip().lower()
        while i < n and rest[i] == " ":
            i += 1
        if i >= n or rest[i] != "=":
            if key:
                params.setdefault(key, "")
            continue
        i += 1
        while i < n and rest[i] == " ":
            i += 1
        if i < n and rest[i] == '"':
            i += 1
            buf = []
            while i < n and rest[i] != '"':
                if rest[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(rest[i])
                i += 1
            i += 1
            params[key] = "".join(buf)
        else:
            start = i
            while i < n and rest[i] != ",":
                i += 1
            params[key] = rest[start:i].strip()
    return scheme.lower(), params


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_delay(attempt: int, base: float = 0.5, cap: float = 30.0, jitter: float = 0.1) -> float:
    """Exponential backoff: base * 2**attempt, capped, with a little jitter."""
    delay = min(cap, base * (2**attempt))
    return delay + delay * jitter * random.random()


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def detect_media_type(body: bytes, header_type: str | None = None) -> str:
    """The manifest's media type: its own ``mediaType`` field, else the Content-Type, else guessed from its shape."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ManifestError("manifest is not JSON: %s" % exc) from exc
    if not isinstance(doc, dict):
        raise ManifestError("manifest is not a JSON object")
    declared = doc.get("mediaType")
    if isinstance(declared, str) and declared:
        return declared
    header_type = (header_type or "").split(";")[0].strip()
    if header_type and header_type not in ("application/json", "text/plain", "application/octet-stream"):
        return header_type
    if doc.get("schemaVersion") == 1:
        return MEDIA_DOCKER_SCHEMA1_SIGNED if "signatures" in doc else MEDIA_DOCKER_SCHEMA1
    if "manifests" in doc:
        return MEDIA_OCI_INDEX
    if "layers" in doc and "config" in doc:
        return MEDIA_OCI_MANIFEST
    raise ManifestError("cannot tell the manifest's media type")


def is_index(media_type: str) -> bool:
    return media_type in INDEX_TYPES


def _descriptor(entry: dict, what: str) -> dict:
    if not isinstance(entry, dict) or not isinstance(entry.get("digest"), str):
        raise ManifestError("manifest has a %s without a digest" % what)
    return entry


def manifest_blobs(body: bytes | dict) -> list[dict]:
    """Descriptors of every blob an image manifest needs: the config first, then the layers (duplicates removed)."""
    doc = json.loads(body) if isinstance(body, (bytes, str)) else body
    if doc.get("schemaVersion") == 1:
        raise ManifestError("Docker schema 1 manifests are not supported (deprecated); rebuild or re-push the image")
    if "manifests" in doc:
        raise ManifestError("an index has no blobs of its own; use manifest_children()")
    out, seen = [], set()
    entries = []
    if doc.get("config") is not None:
        entries.append(_descriptor(doc["config"], "config"))
    entries.extend(_descriptor(layer, "layer") for layer in doc.get("layers") or [])
    for entry in entries:
        if entry["digest"] in seen:
            continue
        seen.add(entry["digest"])
        out.append(entry)
    return out


def platform_string(platform: dict | None) -> str:
    if not platform:
        return "unknown"
    text = "%s/%s" % (platform.get("os", "unknown"), platform.get("architecture", "unknown"))
    if platform.get("variant"):
        text += "/" + platform["variant"]
    return text


def platform_matches(platform: dict | None, wanted: str) -> bool:
    """``linux/arm64`` matches any variant; ``linux/arm64/v8`` only that variant."""
    have = platform_string(platform).split("/")
    want = wanted.strip().lower().split("/")
    if len(want) < 2:
        return False
    if have[0] != want[0] or have[1] != want[1]:
        return False
    return len(want) < 3 or (len(have) > 2 and have[2] == want[2])


def manifest_children(body: bytes | dict) -> list[dict]:
    """Child manifest descriptors of an index / manifest list, in order."""
    doc = json.loads(body) if isinstance(body, (bytes, str)) else body
    if "manifests" not in doc:
        raise ManifestError("not an index: it has no 'manifests' list")
    return [_descriptor(entry, "child manifest") for entry in doc["manifests"] or []]


def image_parts(body: bytes, media_type: str, fetch, children: list[dict] | None = None):
    """What one image is made of: ([(digest, bytes, media type) of each child manifest], [blob descriptors]).

    An image manifest has no children and needs its config and layers; an index needs its children (``children``,
    a selection of its descriptors, or all of them), each read with ``fetch(digest) -> (bytes, media type,
    digest)``, and their blobs, shared ones once. A nested index is refused. The one resolution of an image the
    copy engine and the archive writer share.
    """
    if not is_index(media_type):
        return [], manifest_blobs(body)
    parts, blobs = [], {}
    for child in manifest_children(body) if children is None else children:
        child_body, child_type, digest = fetch(child["digest"])
        if is_index(child_type):
            raise ManifestError("nested index %s is not supported" % digest)
        parts.append((digest, child_body, child_type))
        for desc in manifest_blobs(child_body):
            blobs.setdefault(desc["digest"], desc)
    return parts, list(blobs.values())


# --------------------------------------------------------------------------------------------------------------
# Transport


def make_ssl_context(validate_certs: bool = True, ca_path: str | None = None) -> ssl.SSLContext:
    if not validate_certs:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    return ssl.create_default_context(cafile=ca_path) if ca_path else ssl.create_default_context()


class HTTPTransport:
    """http.client with one keep-alive connection per (thread, scheme, host).

    ``request()`` returns the http.client response; the caller reads it to the end or calls ``release(resp,
    broken=True)`` so the connection is reused only when it is clean.
    """

    def __init__(self, ssl_context: ssl.SSLContext | None = None, timeout: float = 60.0):
        self._ssl = ssl_context
        self._timeout = timeout
        self._local = threading.local()
        # Every connection this transport opened and has not closed yet, from any thread: close() ends them all,
        # so worker threads' keep-alive sockets are not left to the garbage collector.
        self._open: set[http.client.HTTPConnection] = set()
        self._open_lock = threading.Lock()

    def _pool(self) -> dict:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        return pool

    def _connect(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        if scheme == "https":
            conn = http.client.HTTPSConnection(netloc, timeout=self._timeout, context=self._ssl)
        else:
            conn = http.client.HTTPConnection(netloc, timeout=self._timeout)
        with self._open_lock:
            self._open.add(conn)
        return conn

    def _drop(self, conn: http.client.HTTPConnection) -> None:
        conn.close()
        with self._open_lock:
            self._open.discard(conn)

    def request(self, method: str, url: str, headers: dict, body=None):
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        pool = self._pool()
        replayable = body is None or isinstance(body, (bytes, bytearray))
        for fresh in (False, True):
            conn = pool.pop(key, None)
            reused = conn is not None and not fresh
            if conn is None or fresh:
                if conn is not None:
                    self._drop(conn)
                conn = self._connect(parts.scheme, parts.netloc)
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop(conn)
                # A keep-alive connection the server had closed: try once more on a fresh one.
                if reused and replayable:
                    continue
                raise
            except BaseException:
                self._drop(conn)
                raise
            resp._kp_conn = conn
            resp._kp_key = key
            return resp
        raise http.client.RemoteDisconnected("connection closed")  # pragma: no cover

    def release(self, resp, broken: bool = False) -> None:
        conn = getattr(resp, "_kp_conn", None)
        if conn is None:
            return
        if broken or not resp.isclosed() or resp.will_close:
            self._drop(conn)
            return
        self._pool()[resp._kp_key] = conn

    def close(self) -> None:
        """Close every connection, whichever thread opened it (the pools of finished threads included)."""
        with self._open_lock:
            conns, self._open = list(self._open), set()
        for conn in conns:
            conn.close()
        self._pool().clear()


def _read_all(transport, resp, limit: int = 64 * 1024 * 1024) -> bytes:
    try:
        data = resp.read(limit + 1)
    except Exception:
        transport.release(resp, broken=True)
        raise
    if len(data) > limit:
        transport.release(resp, broken=True)
        raise RegistryError("response larger than %d bytes" % limit)
    transport.release(resp)
    return data


_NO_SPACE = os.strerror(errno.ENOSPC).lower()  # "no space left on device", as Distribution's drivers say it


def _detail_text(detail) -> str:
    """A registry error's ``detail``: text, or the storage driver's error object (errno rendered: disk full...)."""
    if isinstance(detail, dict):
        inner = detail.get("Enclosed") if isinstance(detail.get("Enclosed"), dict) else detail
        if isinstance(inner.get("Err"), int):
            return "%s %s: %s" % (inner.get("Op", ""), inner.get("Path", ""), os.strerror(inner["Err"]))
        return json.dumps(detail, sort_keys=True)[:300]
    return str(detail)


def _error_detail(body: bytes) -> str:
    try:
        doc = json.loads(body)
        errors = doc.get("errors") or []
        parts = []
        for err in errors:
            text = "%s: %s" % (err.get("code", "ERROR"), err.get("message", ""))
            if err.get("detail") not in (None, "", {}, []):
                text += " (%s)" % _detail_text(err["detail"])
            parts.append(text)
        if parts:
            return "; ".join(parts)
    except (ValueError, AttributeError, TypeError):
        pass
    text = body[:200].decode("utf-8", "replace").strip()
    return text or "no details"


class BlobStream:
    """A streamed blob: ``read(n)`` returns at most n bytes; ``length`` is the Content-Length when known."""

    def __init__(self, transport, resp, length: int | None):
        self._transport = transport
        self._resp = resp
        self.length = length
        self._done = False

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        try:
            data = self._resp.read(size)
        except Exception:
            self.close(broken=True)
            raise
        if not data:
            self.close()
        return data

    def close(self, broken: bool = False) -> None:
        if self._done:
            return
        self._done = True
        self._transport.release(self._resp, broken=broken or not self._resp.isclosed())


# --------------------------------------------------------------------------------------------------------------
# Client


class RegistryClient:
    """One registry (``host[:port]``) seen from one side (``src`` or ``dest``)."""

    def __init__(
        self,
        host: str,
        *,
        side: str = "src",
        scheme: str = "https",
        validate_certs: bool = True,
        ca_path: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 0.5,
        transport=None,
        sleep=time.sleep,
    ):
        if scheme not in ("http", "https"):
            raise ValueError("scheme must be http or https, not %r" % (scheme,))
        self.host = host
        self.side = side
        self.scheme = scheme
        self.base = "%s://%s" % (scheme, host)
        self.username = username
        self.password = password
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        # The TLS settings also serve a plain-HTTP registry: its token realm may be https (issue 14).
        self._transport = transport or HTTPTransport(make_ssl_context(validate_certs, ca_path), timeout)
        self._lock = threading.Lock()
        self._auth_scheme: str | None = None  # None until the registry asked; then "basic" or "bearer"
        self._bearer: dict[str, str] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._token_locks: dict[str, threading.Lock] = {}
        self.stats = {"requests": 0, "uploads": 0, "mounts": 0, "retries": 0}

    # -- description helpers
    def _who(self) -> str:
        return "%s registry %s" % (self.side, self.host)

    def _creds_text(self) -> str:
        if self.username:
            return "%s_username=%r and %s_password" % (self.side, self.username, self.side)
        return "no credentials (anonymous; set %s_username/%s_password)" % (self.side, self.side)

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    # -- auth
    def _basic_header(self) -> str | None:
        if self.username is None:
            return None
        raw = ("%s:%s" % (self.username, self.password or "")).encode()
        return "Basic " + base64.b64encode(raw).decode()

    def _auth_header(self, scope: str | None) -> str | None:
        if self._auth_scheme == "basic":
            return self._basic_header()
        if self._auth_scheme == "bearer":
            key = scope or self._bearer.get("scope", "")
            token = self._cached_token(key)
            if token is None:
                token = self._fetch_token(key)
            return "Bearer " + token if token else None
        return None

    def _cached_token(self, key: str) -> str | None:
        with self._lock:
            hit = self._tokens.get(key)
        if hit and hit[1] > time.monotonic():
            return hit[0]
        return None

    def _fetch_token(self, scope: str) -> str:
        with self._lock:
            lock = self._token_locks.setdefault(scope, threading.Lock())
        with lock:
            token = self._cached_token(scope)
            if token is not None:
                return token
            realm = self._bearer.get("realm")
            if not realm:
                raise AuthError("%s asked for a bearer token without a realm" % self._who(), 401)
            query = []
            if self._bearer.get("service"):
                query.append(("service", self._bearer["service"]))
            for item in scope.split():
                query.append(("scope", item))
            url = realm + ("&" if "?" in realm else "?") + urlencode(query) if query else realm
            headers = {"User-Agent": USER_AGENT}
            basic = self._basic_header()
            if basic:
                headers["Authorization"] = basic
            attempt = 0
            while True:
                try:
                    resp = self._transport.request("GET", url, headers)
                    body = _read_all(self._transport, resp)
                except (OSError, http.client.HTTPException) as exc:
                    if attempt < self.retries:
                        self._retry_sleep(attempt, None)
                        attempt += 1
                        continue
                    raise Unreachable("token service %s of %s is unreachable: %s" % (realm, self._who(), exc)) from exc
                if resp.status >= 500 or resp.status == 429:
                    if attempt < self.retries:
                        self._retry_sleep(attempt, parse_retry_after(resp.getheader("Retry-After")))
                        attempt += 1
                        continue
                if resp.status in (401, 403):
                    raise AuthError(
                        "%s: the token service %s refused %s (HTTP %d)"
                        % (self._who(), realm, self._creds_text(), resp.status),
                        resp.status,
                    )
                if resp.status != 200:
                    raise AuthError(
                        "%s: token service %s answered HTTP %d: %s"
                        % (self._who(), realm, resp.status, _error_detail(body)),
                        resp.status,
                    )
                break
            try:
                doc = json.loads(body)
                token = doc.get("token") or doc.get("access_token")
                expires = float(doc.get("expires_in") or 60)
            except (ValueError, AttributeError, TypeError) as exc:
                raise AuthError("%s: token service %s sent an unreadable answer" % (self._who(), realm)) from exc
            if not token:
                raise AuthError("%s: token service %s sent no token" % (self._who(), realm))
            with self._lock:
                # Renew 10 s before it expires.
                self._tokens[scope] = (token, time.monotonic() + max(1.0, expires - 10))
            return token

    def _on_challenge(self, header: str | None, scope: str | None, had_auth: bool) -> None:
        scheme, params = parse_www_authenticate(header or "")
        if scheme == "basic":
            if self.username is None or had_auth:
                raise AuthError(
                    "%s requires authentication: it refused %s (HTTP 401)" % (self._who(), self._creds_text()), 401
                )
            self._auth_scheme = "basic"
            return
        if scheme == "bearer":
            with self._lock:
                self._auth_scheme = "bearer"
                self._bearer = {"realm": params.get("realm", ""), "service": params.get("service", "")}
                if params.get("scope"):
                    self._bearer["scope"] = params["scope"]
                key = scope or params.get("scope", "")
                if had_auth:
                    # The token we sent was refused (expired, or not enough access): drop it and ask again once.
                    self._tokens.pop(key, None)
            return
        raise AuthError("%s refused %s (HTTP 401, challenge %r)" % (self._who(), self._creds_text(), header), 401)

    # -- core request with retries
    def _retry_sleep(self, attempt: int, retry_after: float | None) -> None:
        self._count("retries")
        if retry_after is not None:
            delay = min(MAX_RETRY_AFTER, retry_after)
        else:
            delay = backoff_delay(attempt, self.backoff)
        self._sleep(delay)

    def url(self, path: str) -> str:
        return path if "://" in path else self.base + path

    def request(self, method: str, path: str, *, headers=None, body=None, scope: str | None = None, retry=True):
        """Send one request, handling auth challenges and retrying transient failures when the body can be replayed.

        Returns the open response (status not checked except 401/403); read it with ``read()`` / ``stream()``.
        """
        url = self.url(path)
        replayable = body is None or isinstance(body, (bytes, bytearray))
        attempt = 0
        challenges = 0
        while True:
            hdrs = {"User-Agent": USER_AGENT}
            hdrs.update(headers or {})
            auth = self._auth_header(scope)
            if auth:
                hdrs["Authorization"] = auth
            self._count("requests")
            try:
                resp = self._transport.request(method, url, hdrs, body)
            except (OSError, http.client.HTTPException) as exc:
                hint = self._tls_hint(exc)
                if retry and replayable and attempt < self.retries and not hint:
                    self._retry_sleep(attempt, None)
                    attempt += 1
                    continue
                raise Unreachable("%s is unreachable (%s %s): %s%s" % (self._who(), method, url, exc, hint)) from exc
            status = resp.status
            if status == 401 and challenges < 2 and replayable:
                header = resp.getheader("WWW-Authenticate")
                _read_all(self._transport, resp)
                self._on_challenge(header, scope, had_auth=bool(auth))
                challenges += 1
                continue
            if status in (401, 403):
                detail = _error_detail(_read_all(self._transport, resp))
                raise AuthError(
                    "%s refused %s for %s %s (HTTP %d: %s)"
                    % (self._who(), self._creds_text(), method, urlsplit(url).path, status, detail),
                    status,
                )
            if (status == 429 or status >= 500) and retry and replayable and attempt < self.retries:
                retry_after = parse_retry_after(resp.getheader("Retry-After")) if status in (429, 503) else None
                detail = _error_detail(_read_all(self._transport, resp))
                self._storage_full(status, "%s %s" % (method, urlsplit(url).path), detail)
                self._retry_sleep(attempt, retry_after)
                attempt += 1
                continue
            return resp

    def read(self, resp) -> bytes:
        return _read_all(self._transport, resp)

    def discard(self, resp) -> None:
        self._transport.release(resp, broken=True)

    def _storage_full(self, status: int, what: str, detail: str) -> None:
        """Raise StorageFull when a 5xx answer says the registry's storage is full (ENOSPC): never worth a retry,
        whether the request was sent with retries (manifests, upload sessions) or without (blob bodies)."""
        if status >= 500 and _NO_SPACE in detail.lower():
            raise StorageFull("%s: %s failed with HTTP %d: %s" % (self._who(), what, status, detail), status)

    def _tls_hint(self, exc: BaseException) -> str:
        """What to set when the failure is a TLS mismatch (a retry cannot help): empty for anything else."""
        if isinstance(exc, ssl.SSLCertVerificationError):
            return (
                ": its certificate is not trusted (%s): set %s_ca_path to the CA that signed it (the registry_server "
                "role fetches it to the controller), or %s_validate_certs=false"
                % (getattr(exc, "verify_message", "") or exc.reason, self.side, self.side)
            )
        if isinstance(exc, ssl.SSLError) and "WRONG_VERSION_NUMBER" in str(exc):
            return ": it answers in plain HTTP, not HTTPS: set %s_scheme=http (an insecure registry)" % self.side
        return ""

    def _fail(self, resp, what: str, expected=(200,)):
        body = self.read(resp)
        detail = _error_detail(body)
        self._storage_full(resp.status, what, detail)
        if resp.status == 400 and self.scheme == "http" and "https server" in detail.lower():
            raise Unreachable(
                "%s: %s: it answers in HTTPS, not plain HTTP: set %s_scheme=https (and %s_ca_path to its CA)"
                % (self._who(), what, self.side, self.side),
                400,
            )
        if resp.status == 404:
            raise NotFound("%s: %s not found (HTTP 404: %s)" % (self._who(), what, detail), 404)
        raise RegistryError(
            "%s: %s failed with HTTP %d (expected %s): %s"
            % (self._who(), what, resp.status, "/".join(str(c) for c in expected), detail),
            resp.status,
        )

    # -- API
    @staticmethod
    def pull_scope(repo: str) -> str:
        return "repository:%s:pull" % repo

    @staticmethod
    def push_scope(repo: str) -> str:
        return "repository:%s:pull,push" % repo

    @staticmethod
    def manifest_path(repo: str, reference: str) -> str:
        """The API path of repo's manifest at a tag or digest."""
        return "/v2/%s/manifests/%s" % (repo, quote(reference, safe=":"))

    def ping(self) -> None:
        resp = self.request("GET", "/v2/")
        if resp.status != 200:
            self._fail(resp, "API check /v2/")
        self.read(resp)

    def head_manifest(self, repo: str, reference: str) -> dict | None:
        """{'digest', 'media_type', 'size'} of a manifest, or None when it is not there (404)."""
        path = self.manifest_path(repo, reference)
        resp = self.request("HEAD", path, headers={"Accept": MANIFEST_ACCEPT}, scope=self.pull_scope(repo))
        self.read(resp)
        if resp.status == 404:
            return None
        if resp.status != 200:
            raise RegistryError(
                "%s: HEAD manifest %s:%s failed with HTTP %d" % (self._who(), repo, reference, resp.status),
                resp.status,
            )
        digest = resp.getheader("Docker-Content-Digest")
        if not digest:
            # Some registries do not send the digest on HEAD: fetch the bytes and hash them.
            body, media_type, digest = self.get_manifest(repo, reference)
            return {"digest": digest, "media_type": media_type, "size": len(body)}
        return {
            "digest": digest,
            "media_type": (resp.getheader("Content-Type") or "").split(";")[0].strip(),
            "size": int(resp.getheader("Content-Length") or 0),
        }

    def get_manifest(self, repo: str, reference: str) -> tuple[bytes, str, str]:
        """(exact bytes, media type, digest). When fetched by digest, the bytes are checked against it.

        A body cut off on the way, or one that does not hash to the digest asked for, is fetched again (the retry
        budget of request() covers the status line and headers only).
        """
        path = self.manifest_path(repo, reference)
        attempt = 0
        while True:
            resp = self.request("GET", path, headers={"Accept": MANIFEST_ACCEPT}, scope=self.pull_scope(repo))
            if resp.status != 200:
                self._fail(resp, "manifest %s:%s" % (repo, reference))
            expected = resp.getheader("Content-Length")
            try:
                body = self.read(resp)
                if expected and expected.isdigit() and len(body) != int(expected):
                    raise http.client.IncompleteRead(body, int(expected) - len(body))
            except (OSError, http.client.HTTPException) as exc:
                if attempt < self.retries:
                    self._retry_sleep(attempt, None)
                    attempt += 1
                    continue
                raise Unreachable(
                    "%s: reading manifest %s:%s broke off: %r" % (self._who(), repo, reference, exc)
                ) from exc
            digest = sha256_digest(body)
            if reference.startswith("sha256:") and digest != reference:
                if attempt < self.retries:
                    self._retry_sleep(attempt, None)
                    attempt += 1
                    continue
                raise DigestMismatch("%s: manifest %s@%s has digest %s" % (self._who(), repo, reference, digest))
            return body, detect_media_type(body, resp.getheader("Content-Type")), digest

    def put_manifest(self, repo: str, reference: str, body: bytes, media_type: str) -> str:
        path = self.manifest_path(repo, reference)
        resp = self.request(
            "PUT", path, headers={"Content-Type": media_type}, body=bytes(body), scope=self.push_scope(repo)
        )
        if resp.status not in (200, 201):
            self._fail(resp, "PUT manifest %s:%s" % (repo, reference), (201,))
        self.read(resp)
        digest = resp.getheader("Docker-Content-Digest") or sha256_digest(body)
        expected = sha256_digest(body)
        if digest != expected:
            raise DigestMismatch(
                "%s stored manifest %s:%s as %s, expected %s" % (self._who(), repo, reference, digest, expected)
            )
        return digest

    def head_blob(self, repo: str, digest: str) -> int | None:
        resp = self.request("HEAD", "/v2/%s/blobs/%s" % (repo, digest), scope=self.pull_scope(repo))
        self.read(resp)
        if resp.status == 404:
            return None
        if resp.status in (200, 307):
            return int(resp.getheader("Content-Length") or -1)
        raise RegistryError(
            "%s: HEAD blob %s@%s failed with HTTP %d" % (self._who(), repo, digest, resp.status), resp.status
        )

    def open_blob(self, repo: str, digest: str) -> BlobStream:
        """Stream a blob, following redirects (storage back ends hand out signed URLs, sent without our auth)."""
        path = "/v2/%s/blobs/%s" % (repo, digest)
        resp = self.request("GET", path, scope=self.pull_scope(repo))
        hops = 0
        while resp.status in (301, 302, 303, 307, 308) and hops < 5:
            location = resp.getheader("Location")
            self.read(resp)
            if not location:
                raise RegistryError("%s: redirect without Location for blob %s" % (self._who(), digest))
            target = urljoin(self.url(path), location)
            self._count("requests")
            try:
                resp = self._transport.request("GET", target, {"User-Agent": USER_AGENT})
            except (OSError, http.client.HTTPException) as exc:
                raise Unreachable("%s: blob redirect target %s unreachable: %s" % (self._who(), target, exc)) from exc
            hops += 1
        if resp.status != 200:
            self._fail(resp, "blob %s@%s" % (repo, digest))
        length = resp.getheader("Content-Length")
        return BlobStream(self._transport, resp, int(length) if length else None)

    def start_upload(self, repo: str, mount: str | None = None, mount_from: str | None = None) -> str | None:
        """Open an upload session; with ``mount``/``mount_from`` try a cross-repo mount first.

        Returns None when the blob was mounted, else the upload URL (absolute).
        """
        path = "/v2/%s/blobs/uploads/" % repo
        scope = self.push_scope(repo)
        if mount and mount_from and mount_from != repo:
            path += "?" + urlencode({"mount": mount, "from": mount_from})
            scope += " " + self.pull_scope(mount_from)
        resp = self.request("POST", path, scope=scope)
        if resp.status == 201 and mount:
            self.read(resp)
            self._count("mounts")
            return None
        if resp.status != 202:
            self._fail(resp, "starting an upload to %s" % repo, (202,))
        self.read(resp)
        location = resp.getheader("Location")
        if not location:
            raise RegistryError("%s: upload session for %s has no Location" % (self._who(), repo))
        return urljoin(self.base + path, location)

    def finish_upload(self, repo: str, location: str, digest: str, body, length: int | None) -> None:
        """Monolithic PUT of the whole blob to an upload session (body: bytes, file or iterator of chunks)."""
        url = location + ("&" if "?" in location else "?") + urlencode({"digest": digest})
        headers = {"Content-Type": "application/octet-stream"}
        if length is not None:
            headers["Content-Length"] = str(length)
        # Without a length http.client sends an iterator with chunked transfer encoding by itself.
        self._count("uploads")
        resp = self.request("PUT", url, headers=headers, body=body, scope=self.push_scope(repo), retry=False)
        if resp.status != 201:
            self._fail(resp, "upload of blob %s to %s" % (digest, repo), (201,))
        self.read(resp)
        stored = resp.getheader("Docker-Content-Digest")
        if stored and stored != digest:
            raise DigestMismatch("%s stored blob %s as %s" % (self._who(), digest, stored))

    def upload_blob(self, repo: str, digest: str, data: bytes) -> None:
        location = self.start_upload(repo)
        self.finish_upload(repo, location, digest, bytes(data), len(data))

    def catalog(self, page_size: int = 1000) -> list[str]:
        repos: list[str] = []
        path = "/v2/_catalog?n=%d" % page_size
        while path:
            resp = self.request("GET", path, scope="registry:catalog:*")
            if resp.status != 200:
                self._fail(resp, "catalog /v2/_catalog")
            body = self.read(resp)
            repos.extend(json.loads(body).get("repositories") or [])
            link = resp.getheader("Link") or ""
            path = None
            if 'rel="next"' in link and "<" in link:
                path = link[link.index("<") + 1 : link.index(">")]
        return repos

    def list_tags(self, repo: str) -> list[str] | None:
        """The repository's tags, or None when the registry does not know the repository."""
        resp = self.request("GET", "/v2/%s/tags/list" % repo, scope=self.pull_scope(repo))
        if resp.status == 404:
            self.read(resp)
            return None
        if resp.status != 200:
            self._fail(resp, "tag list of %s" % repo)
        return json.loads(self.read(resp)).get("tags") or []

    def why_missing(self, repo: str, reference: str) -> str:
        """Why ``repo:reference`` is not there: the repository is unknown, or which tags it has instead."""
        tags = self.list_tags(repo)
        if tags is None:
            return "repository %s does not exist at %s %s" % (repo, self.side, self.host)
        if reference.startswith("sha256:"):
            return "repository %s at %s %s has no manifest %s" % (repo, self.side, self.host, reference)
        shown = sorted(tags)[-12:]
        return "repository %s at %s %s has no tag %s (it has %d tag%s%s)" % (
            repo,
            self.side,
            self.host,
            reference,
            len(tags),
            "" if len(tags) == 1 else "s",
            (": " + ", ".join(shown) + (", ..." if len(tags) > len(shown) else "")) if tags else "",
        )

    def close(self) -> None:
        close = getattr(self._transport, "close", None)
        if close is not None:
            close()
