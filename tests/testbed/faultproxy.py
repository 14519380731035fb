"""A fault-injecting reverse proxy in front of a registry, for reliability tests (stdlib only, threaded).

``FaultProxy(upstream="127.0.0.1:5001", seed=1, rules=[Rule(rate=0.2)])`` listens on 127.0.0.1 (a free port) and
forwards every request to the upstream registry. Before forwarding it may inject one fault, chosen by the first
rule whose path pattern matches:

``drop``      a body is cut: part of it is sent, then the connection is reset (no answer at all for HEAD);
``truncate``  a body shorter than its Content-Length: either the real length with the tail missing, or a
              Content-Length larger than the whole body that is then sent; then the connection is closed;
``500``, ``503``  an error answer in the registry's JSON error format;
``429``       Too Many Requests with ``Retry-After`` (1 s by default);
``slow``      a delay before the status line and headers;
``trickle``   the body in small pieces over ``trickle_seconds``.

``drop``, ``truncate`` and ``trickle`` act on the answer's body (an answer without one passes through: an upload's
201, a 404). Two more kinds, never in a rule's default mix, also act on the REQUEST, for a proxy in front of a
destination registry (``requests`` then counts the attempts of every upload and manifest PUT):

``cut_request``  the request is cut before the upstream sees it: part of its body (10-90 %) is read, then the
              connection is reset, no answer (a request without a body is reset at once: an upload POST);
``corrupt``   a body arrives with its length and the wrong bytes (1-4 bytes flipped): the request's body when it
              has one (an upload or manifest PUT, forwarded corrupted), else the answer's (a blob or manifest GET;
              an answer without a body passes through).

The 5xx and 429 kinds answer any method: an upload PUT, PATCH or POST, a manifest PUT (the request body is read
first, so the connection stays usable).

Deterministic: the decision for a request depends only on the seed, the method, the path (for a blob: its digest,
whatever the repository; for an upload session: the digest it is closed with or mounts, else its repository, never
the random session id in its path) and how many times these were seen before, never on the order in which threads
arrive; so are the bytes a ``corrupt`` fault flips and the point where a body is cut. ``max_streak`` bounds the
faults in a row on one method and path (the next request passes), which is what "a fault rate the retry budget can
absorb" means; ``None`` means no bound (``Rule(pattern, rate=1.0, kinds={"500": 1}, max_streak=None)`` breaks some
repositories for good). ``bandwidth`` (bytes/s per response, not a fault) slows every
body down, for tests that must interrupt a copy in the middle. ``latency`` (seconds, not a fault either) is added to
every request on its way to the upstream and to every answer on its way back, like a distant registry: a delay line
that does not cap the bandwidth (the benchmarks' "wan" condition: ``FaultProxy(upstream, latency=0.020)``).

Bounded: the server stops by itself after ``max_seconds``; ``close()`` (or the ``with`` block) stops it at once and
resets the connections still open. ``counts`` holds the faults injected, by kind; ``summary()`` prints them.
``requests`` records every request as (method, path, status answered; 0 when the connection was reset without an
answer), for tests that count attempts (``FaultProxy.key(path)`` groups the attempts of one blob or upload).
``drop_headers`` ({method: [header, ...]}) removes response headers, to play a registry that leaves them out.

Events, for tests that must act in the middle of a transfer without guessing at timing: ``bodies_in_flight`` (answer
bodies being sent), ``wait_idle()`` (none any more), and a hold: ``hold_bodies(after=n, pattern=...)`` lets ``n``
answer bodies through, then holds every further one (whose path matches) half-way, until ``release()``;
``wait_held()`` returns once one is held. A ``kill -9`` of the client while a body is held lands in the middle of a
transfer by construction, however fast the machine is.

From a shell (listens until Ctrl-C or ``--max-seconds``)::

    python -m tests.testbed.faultproxy --upstream 127.0.0.1:5001 --latency-ms 20 [--rate 0.2 --seed 1] [--listen-port N]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ("drop", "truncate", "500", "503", "429", "slow", "trickle")  # a Rule's default mix
REQUEST_KINDS = ("cut_request", "corrupt")  # only when a rule names them
ALL_KINDS = KINDS + REQUEST_KINDS
BODY_KINDS = ("drop", "truncate", "trickle")
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
}
_CHUNK = 64 * 1024
_BLOB_PATH = re.compile(r"^/v2/.+/blobs/(sha256:[0-9a-f]{64})$")
_UPLOAD_PATH = re.compile(r"^(/v2/.+/blobs/uploads/)[^?]*(?:\?(.*))?$")
_UPLOAD_DIGEST = re.compile(r"(?:^|&)digest=sha256(?::|%3[aA])([0-9a-f]{64})(?:&|$)")
_MOUNT_DIGEST = re.compile(r"(?:^|&)mount=sha256(?::|%3[aA])([0-9a-f]{64})(?:&|$)")
_ERROR_TEXT = {500: "Internal Server Error", 503: "Service Unavailable", 429: "Too Many Requests"}


@dataclass
class Rule:
    """Faults for the requests whose path matches ``pattern`` (a regex, searched; None matches every path).

    ``rate`` is the probability of a fault per request; ``kinds`` weighs the kinds (default: all equally);
    ``methods`` limits the rule to these methods (others fall through to the next rule).
    """

    pattern: str | None = None
    rate: float = 0.0
    kinds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 1.0))
    max_streak: int | None = 2
    methods: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(ALL_KINDS)
        if unknown:
            raise ValueError("unknown fault kinds %s (known: %s)" % (sorted(unknown), ", ".join(ALL_KINDS)))
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1, not %r" % self.rate)
        self._regex = re.compile(self.pattern) if self.pattern else None

    def matches(self, method: str, path: str) -> bool:
        if self.methods is not None and method not in self.methods:
            return False
        return self._regex is None or self._regex.search(path) is not None


@dataclass
class _Hold:
    """An armed hold (see FaultProxy.hold_bodies): bodies still let through, which paths, the last connection opened
    before it was armed (the connections of an earlier client, killed or not, are never held), released yet."""

    after: int
    regex: re.Pattern | None
    since: int
    released: threading.Event = field(default_factory=threading.Event)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: FaultProxy

    def handle_error(self, request, client_address) -> None:
        # A client that went away (the mirror killed by a test) is expected here: stay quiet.
        self.proxy._count_event("client_errors")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.number = self.server.proxy._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.proxy._track(self.connection, False)

    def do_GET(self) -> None:
        self.server.proxy._handle(self)

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        seed: int = 0,
        rules: list[Rule] | None = None,
        retry_after: float = 1.0,
        slow_delay: float = 0.3,
        trickle_seconds: float = 0.5,
        bandwidth: float | None = None,
        max_seconds: float = 900.0,
        timeout: float = 30.0,
        drop_headers: dict[str, list[str]] | None = None,
        latency: float = 0.0,
        listen_port: int = 0,
    ):
        if latency < 0:
            raise ValueError("latency must not be negative, not %r" % latency)
        self.upstream = upstream
        self.latency = latency
        self.listen_port = listen_port
        self.drop_headers = {m.upper(): {h.lower() for h in hs} for m, hs in (drop_headers or {}).items()}
        self.requests: list[tuple[str, str, int]] = []
        self.seed = seed
        self.rules = list(rules or [])
        self.retry_after = retry_after
        self.slow_delay = slow_delay
        self.trickle_seconds = trickle_seconds
        self.bandwidth = bandwidth
        self.max_seconds = max_seconds
        self.timeout = timeout
        self.counts: Counter[str] = Counter()
        self.events: Counter[str] = Counter()
        self.log: list[tuple[str, str, str]] = []  # (method, path, kind) of every injected fault
        self._lock = threading.Lock()
        self._seen: Counter[tuple[str, str]] = Counter()
        self._streak: Counter[tuple[str, str]] = Counter()
        self._local = threading.local()
        self._sockets: set[socket.socket] = set()
        self._bodies = 0
        self._held = 0
        self._hold: _Hold | None = None
        self._connections = 0
        self._changed = threading.Condition(self._lock)  # notified whenever _bodies or _held changes
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None

    # -- life cycle
    def start(self) -> FaultProxy:
        server = _Server(("127.0.0.1", self.listen_port), _Handler)
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="kp-faultproxy", daemon=True
        )
        self._thread.start()
        self._timer = threading.Timer(self.max_seconds, self.close)
        self._timer.daemon = True
        self._timer.start()
        return self

    def close(self) -> None:
        server, self._server = self._server, None
        if self._timer is not None:
            self._timer.cancel()
        self.release()
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fault proxy is not running")
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        return "127.0.0.1:%d" % self.port

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def bodies_in_flight(self) -> int:
        """Response bodies being sent right now (a kill while this is > 0 lands in the middle of a transfer)."""
        with self._lock:
            return self._bodies

    @property
    def bodies_held(self) -> int:
        """Response bodies held half-way by ``hold_bodies`` right now (each is also in ``bodies_in_flight``)."""
        with self._lock:
            return self._held

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no answer body is being sent (the proxy's side of a transfer is over, not only the client's);
        False when ``timeout`` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._bodies == 0, timeout)

    def hold_bodies(self, after: int = 0, pattern: str | None = None) -> None:
        """From now on, let ``after`` answer bodies through (a 200 with a body, to a path matching ``pattern`` when
        given), then hold every further one half-way (its first half sent, the rest waiting) until ``release()``.
        Only bodies on connections opened from now on count: a request of an earlier client still in the works (one
        killed a moment ago) is neither held nor counted. With one worker the order of a run's bodies is fixed, so
        ``pattern`` can pick the point exactly."""
        if after < 0:
            raise ValueError("after must not be negative, not %r" % after)
        self.release()
        with self._lock:
            self._hold = _Hold(after, re.compile(pattern) if pattern else None, self._connections)

    def release(self) -> None:
        """Disarm the hold and let the held bodies go on (to a client that may be gone by now)."""
        with self._lock:
            hold, self._hold = self._hold, None
        if hold is not None:
            hold.released.set()

    def wait_held(self, timeout: float) -> bool:
        """Wait until a body is held (see ``hold_bodies``); False when ``timeout`` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._held > 0, timeout)

    def total_faults(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.events.clear()
            self.log.clear()

    def summary(self) -> str:
        with self._lock:
            kinds = ", ".join("%s=%d" % (k, self.counts[k]) for k in ALL_KINDS if self.counts[k])
            return "%d requests, %d faults injected (%s)" % (
                self.events["requests"],
                sum(self.counts.values()),
                kinds or "none",
            )

    # -- decisions
    def decide(self, method: str, path: str) -> str | None:
        """The fault for this request (None: pass it through). Deterministic, see the module docstring."""
        return self._decide(method, path)[0]

    def _decide(self, method: str, path: str) -> tuple[str | None, int]:
        rule = next((r for r in self.rules if r.matches(method, path)), None)
        key = (method, self.key(path))
        with self._lock:
            n = self._seen[key]
            self._seen[key] += 1
            streak = self._streak[key]
        if rule is None or rule.rate <= 0:
            kind = None
        elif rule.max_streak is not None and streak >= rule.max_streak:
            kind = None
        else:
            rng = random.Random("%d|%s|%s|%d" % (self.seed, method, key[1], n))
            kinds = [(k, w) for k, w in rule.kinds.items() if w > 0]
            if method == "HEAD":
                # No body to cut, trickle or corrupt: a HEAD can only be dropped (no answer), refused or delayed.
                kinds = [(k, w) for k, w in kinds if k not in ("truncate", "trickle", "corrupt")]
            kind = None
            if kinds and rng.random() < rule.rate:
                kind = rng.choices([k for k, _w in kinds], weights=[w for _k, w in kinds])[0]
        with self._lock:
            self._streak[key] = streak + 1 if kind else 0
        return kind, n

    @staticmethod
    def key(path: str) -> str:
        """What a decision is keyed on: the path, except that a blob is the same blob from any repository (which
        repository fetches a shared blob first depends on thread timing; the faults it meets must not), and that an
        upload session (``/v2/<repo>/blobs/uploads/<random id>?<state>``) is the digest it is closed with (the PUT:
        every attempt of one blob, in any repository, continues one streak), a cross-repository mount the digest it
        mounts (from whichever repository), else the repository (the POST that opens a session, a PATCH; how many
        sessions a run opens in one repository can depend on thread timing, unlike the counts of the others)."""
        match = _BLOB_PATH.search(path)
        if match:
            return "blobs/" + match.group(1)
        upload = _UPLOAD_PATH.search(path)
        if upload:
            query = upload.group(2) or ""
            digest = _UPLOAD_DIGEST.search(query)
            if digest:
                return "uploads/sha256:" + digest.group(1)
            mount = _MOUNT_DIGEST.search(query)
            if mount:
                return "mounts/sha256:" + mount.group(1)
            return upload.group(1)
        return path

    def _delay(self) -> None:
        """One way of the distance to the upstream (``latency``), for a request or for its answer."""
        if self.latency:
            time.sleep(self.latency)

    def _count(self, kind: str, method: str, path: str) -> None:
        with self._lock:
            self.counts[kind] += 1
            self.log.append((method, path, kind))

    def _count_event(self, name: str) -> None:
        with self._lock:
            self.events[name] += 1

    def _track(self, sock: socket.socket, opened: bool) -> int:
        """Note a client connection opened or closed; returns the number of connections opened so far."""
        with self._lock:
            if opened:
                self._connections += 1
                self._sockets.add(sock)
            else:
                self._sockets.discard(sock)
            return self._connections

    # -- forwarding
    def _upstream(self, fresh: bool = False) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = self._local.conn = http.client.HTTPConnection(self.upstream, timeout=self.timeout)
        return conn

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes | None):
        """Send one request upstream on this thread's keep-alive connection. A stale connection is replaced and the
        request sent again only when that cannot repeat a write: a GET or HEAD, or a request that failed before it
        was sent (an upload PUT sent twice would leave the registry with two writers on one upload session)."""
        for fresh in (False, True):
            conn = self._upstream(fresh)
            sent = False
            try:
                conn.request(method, path, body=body, headers=headers)
                sent = True
                return conn, conn.getresponse()
            except (OSError, http.client.HTTPException):
                conn.close()
                self._local.conn = None
                if fresh or (sent and method not in ("GET", "HEAD")):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))

    def _handle(self, h: _Handler) -> None:
        method, path = h.command, h.path
        self._count_event("requests")
        length = int(h.headers.get("Content-Length") or 0)
        kind, n = self._decide(method, path)
        # Request side first: a request cut before the upstream sees it, or its body corrupted on the way there.
        if kind == "cut_request":
            self._count(kind, method, path)
            self._record(method, path, 0)
            if length:
                rng = random.Random("%d|request|%s|%s|%d" % (self.seed, method, self.key(path), n))
                h.rfile.read(int(length * rng.uniform(0.1, 0.9)))
            self._reset(h)
            return
        body = h.rfile.read(length) if length else None
        flips = None
        if kind == "corrupt":
            flips = self._flips(length, method, path, n) if body else None
            if flips:
                self._count(kind, method, path)
                body = self._flip(body, 0, flips)
                kind = flips = None  # done: the answer passes through
        self._delay()  # the request's way to the upstream

        if kind in ("500", "503", "429"):
            self._count(kind, method, path)
            self._record(method, path, int(kind))
            status = int(kind)
            message = "injected fault: %d %s" % (status, _ERROR_TEXT[status])
            payload = json.dumps({"errors": [{"code": "UNAVAILABLE", "message": message}]}).encode()
            self._delay()  # the answer's way back
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            if status == 429:
                h.send_header("Retry-After", "%g" % self.retry_after)
            h.end_headers()
            if method != "HEAD":
                h.wfile.write(payload)
            return
        if kind == "slow":
            self._count(kind, method, path)
            time.sleep(self.slow_delay)
        if kind == "drop" and method == "HEAD":
            self._count(kind, method, path)
            self._record(method, path, 0)
            self._reset(h)
            return

        headers = self._request_headers(h)
        try:
            conn, resp = self._forward(method, path, headers, body)
        except (OSError, http.client.HTTPException) as exc:
            payload = ("upstream %s unreachable: %s" % (self.upstream, exc)).encode()
            self._record(method, path, 502)
            self._delay()
            h.send_response(502)
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            return
        size = resp.getheader("Content-Length")
        size = int(size) if size and size.isdigit() else None
        has_body = method != "HEAD" and resp.status == 200 and bool(size)
        if kind in (*BODY_KINDS, "corrupt") and not has_body:
            kind = None  # nothing to cut here (an error answer, a redirect, an empty body): pass it through
        rng = random.Random("%d|body|%s|%s|%d" % (self.seed, method, self.key(path), n))
        inflate = kind == "truncate" and rng.random() < 0.5

        self._record(method, path, resp.status)
        self._delay()  # the answer's way back (the body follows at full speed: latency, not bandwidth)
        h.send_response(resp.status, resp.reason)
        dropped = self.drop_headers.get(method, ())
        for name, value in resp.getheaders():
            lname = name.lower()
            if lname in HOP_BY_HOP or lname == "content-length" or lname in dropped:
                continue
            if lname == "location":
                value = value.replace("//%s/" % self.upstream, "//%s/" % h.headers.get("Host", self.upstream))
            h.send_header(name, value)
        if size is not None:
            h.send_header("Content-Length", str(size + (size // 2 + 1 if inflate else 0)))
        elif method != "HEAD":
            h.close_connection = True  # no length: the end of the body is the end of the connection
        h.end_headers()
        if method == "HEAD":
            resp.read()
            return

        if kind in ("drop", "truncate"):
            self._count(kind, method, path)
            # drop: reset after 10-90 % of the body; truncate: the tail is missing, or (inflate) all of it is
            # there but the Content-Length promised more; both end with the connection closed.
            if kind == "drop":
                limit = int(size * rng.uniform(0.1, 0.9))
            elif inflate:
                limit = size
            else:
                limit = max(0, size - max(1, int(size * rng.uniform(0.01, 0.3))))
            self._send_body(h, resp, limit, None)
            conn.close()  # the rest of the upstream answer is not read: do not reuse that connection
            self._local.conn = None
            if kind == "drop":
                self._reset(h)
            else:
                h.close_connection = True
            return
        pace = None
        if kind == "trickle":
            self._count(kind, method, path)
            pace = max(1.0, size / self.trickle_seconds)
        elif self.bandwidth:
            pace = self.bandwidth
        if kind == "corrupt":
            self._count(kind, method, path)
            flips = self._flips(size, method, path, n)
        self._send_body(h, resp, size, pace, flips, self._hold_for(h, path) if has_body else None)
        if size is None:
            conn.close()
            self._local.conn = None

    def _flips(self, size: int, method: str, path: str, n: int) -> list[int]:
        """Where a ``corrupt`` fault flips a body of ``size`` bytes: 1-4 offsets, from the seed, method, key, count."""
        if size <= 0:
            return []
        rng = random.Random("%d|corrupt|%s|%s|%d" % (self.seed, method, self.key(path), n))
        return sorted(rng.sample(range(size), min(size, rng.randint(1, 4))))

    @staticmethod
    def _flip(data: bytes, offset: int, flips: list[int]) -> bytes:
        """``data`` (the bytes at ``offset`` of a body) with every byte at one of ``flips`` inverted."""
        inside = [i - offset for i in flips if offset <= i < offset + len(data)]
        if not inside:
            return data
        out = bytearray(data)
        for i in inside:
            out[i] ^= 0xFF
        return bytes(out)

    def _hold_for(self, h: _Handler, path: str) -> _Hold | None:
        """The armed hold when this body is to be held, counting it against ``after`` otherwise."""
        with self._lock:
            hold = self._hold
            if hold is None or h.number <= hold.since:
                return None
            if hold.regex is not None and not hold.regex.search(path):
                return None
            if hold.after > 0:
                hold.after -= 1
                return None
            return hold

    def _wait_hold(self, hold: _Hold) -> None:
        with self._lock:
            self._held += 1
            self._changed.notify_all()
        try:
            while not hold.released.wait(0.05):
                if self._server is None:
                    break
        finally:
            with self._lock:
                self._held -= 1
                self._changed.notify_all()

    def _request_headers(self, h: _Handler) -> dict[str, str]:
        """The client's headers for the upstream: hop-by-hop ones left out, Host the upstream's, and a header sent
        several times (skopeo sends one Accept per media type) joined into one comma-separated value."""
        headers: dict[str, str] = {}
        names: dict[str, str] = {}  # lower-case name -> the spelling first seen
        for name, value in h.headers.items():
            lname = name.lower()
            if lname in HOP_BY_HOP or lname == "host":
                continue
            if lname in names:
                headers[names[lname]] += ", " + value
            else:
                names[lname] = name
                headers[name] = value
        headers["Host"] = self.upstream
        return headers

    def _send_body(
        self,
        h: _Handler,
        resp,
        limit: int | None,
        pace: float | None,
        flips: list[int] | None = None,
        hold: _Hold | None = None,
    ) -> None:
        """Copy up to ``limit`` bytes of the upstream body (all of it when None), paced at ``pace`` bytes/s, the
        bytes at ``flips`` inverted; with ``hold``, stop half-way until it is released."""
        sent = 0
        start = time.monotonic()
        piece = _CHUNK if pace is None else max(1024, min(_CHUNK, int(pace / 20)))
        hold_at = None if hold is None else (limit or 0) // 2
        with self._lock:
            self._bodies += 1
            self._changed.notify_all()
        try:
            while limit is None or sent < limit:
                if hold_at is not None and sent >= hold_at:
                    hold_at = None
                    self._wait_hold(hold)
                want = piece if limit is None else min(piece, limit - sent)
                if hold_at is not None:
                    want = min(want, hold_at - sent)
                data = resp.read(want)
                if not data:
                    break
                if flips:
                    data = self._flip(data, sent, flips)
                if pace:
                    ahead = sent / pace - (time.monotonic() - start)
                    if ahead > 0:
                        time.sleep(ahead)
                h.wfile.write(data)
                sent += len(data)
            if limit is None or sent >= limit:
                resp.read()  # the end of the body (an empty one too): the upstream connection is clean for reuse
        finally:
            with self._lock:
                self._bodies -= 1
                self._changed.notify_all()

    @staticmethod
    def _reset(h: _Handler) -> None:
        """Close with a TCP reset (SO_LINGER 0), as a crashed peer or a middlebox would."""
        h.close_connection = True
        try:
            h.wfile.flush()
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
        except OSError:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.testbed.faultproxy", description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="host:port of the registry to put behind the proxy")
    parser.add_argument("--listen-port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request and every answer")
    parser.add_argument("--rate", type=float, default=0.0, help="fault probability per request, every kind (0)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bandwidth", type=float, help="bytes/s per response body")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="stop after this long (3600)")
    args = parser.parse_args(argv)
    proxy = FaultProxy(
        args.upstream,
        seed=args.seed,
        rules=[Rule(rate=args.rate)] if args.rate else [],
        bandwidth=args.bandwidth,
        max_seconds=args.max_seconds,
        latency=args.latency_ms / 1000.0,
        listen_port=args.listen_port,
    ).start()
    print(
        "faultproxy %s -> %s (+%g ms each way, fault rate %g)"
        % (proxy.host, args.upstream, args.latency_ms, args.rate),
        flush=True,
    )
    try:
        while proxy.running:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        proxy.close()
        print(proxy.summary(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
