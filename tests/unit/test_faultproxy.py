"""The fault proxy of the test bed, against a tiny stdlib upstream: decisions, each fault kind on the wire (answer
side and request side), the hold, close."""

from __future__ import annotations

import hashlib
import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.testbed import faultproxy
from tests.testbed.faultproxy import ALL_KINDS, KINDS, REQUEST_KINDS, FaultProxy, Rule

BODY = bytes(range(256)) * 400  # 100 KiB
DIGEST = "sha256:" + hashlib.sha256(BODY).hexdigest()
BLOB = "/v2/openstack.kolla/cron/blobs/" + DIGEST


def upload(session: str, state: str) -> str:
    """The path of an upload PUT as a registry hands it out: a random session id and state, then the digest."""
    digest = DIGEST.replace(":", "%3A")
    return "/v2/openstack.kolla/cron/blobs/uploads/%s?_state=%s&digest=%s" % (session, state, digest)


class _Upstream(BaseHTTPRequestHandler):
    """GET/HEAD of BLOB; PUT/POST/PATCH anywhere: the body is kept in ``received`` and answered 201 with its digest."""

    protocol_version = "HTTP/1.1"
    received: list[tuple[str, str, bytes]] = []

    def log_message(self, *args) -> None:
        pass

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _Upstream.received.append((self.command, self.path, body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.send_header("Docker-Content-Digest", "sha256:" + hashlib.sha256(body).hexdigest())
        self.end_headers()

    do_POST = do_PATCH = do_PUT

    def do_GET(self) -> None:
        found = self.path.endswith(DIGEST)
        self.send_response(200 if found else 404)
        self.send_header("Content-Length", str(len(BODY) if found else 0))
        self.send_header("Docker-Content-Digest", DIGEST)
        self.send_header("X-Accept-Seen", " | ".join(self.headers.get_all("Accept") or []))
        self.end_headers()
        if found and self.command == "GET":
            self.wfile.write(BODY)

    do_HEAD = do_GET


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


class _Clock:
    """Stands in for the ``time`` module inside faultproxy: ``sleep()`` records the delay and moves a virtual clock on
    at once, ``monotonic()`` reads that clock (anything else is the real module). The tests assert the delays the proxy
    applied and how its pacing spread them, never how long anything took on this machine."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def take(self) -> list[float]:
        """The delays recorded so far, and a fresh record."""
        with self._lock:
            taken, self.sleeps = self.sleeps, []
            return taken

    def __getattr__(self, name: str):
        return getattr(time, name)


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(faultproxy, "time", fake)
    return fake


def _get(proxy: FaultProxy, method: str = "GET", path: str = BLOB, body: bytes | None = None):
    conn = http.client.HTTPConnection(proxy.host, timeout=10)
    try:
        conn.request(method, path, body=body)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def _flipped(a: bytes, b: bytes) -> list[int]:
    assert len(a) == len(b)
    return [i for i in range(len(a)) if a[i] != b[i]]


def test_decisions_are_deterministic_bounded_and_keyed_by_blob_digest():
    paths = ["/v2/a/manifests/t%d" % i for i in range(30)] + [BLOB] * 10
    runs = []
    for _run in range(2):
        proxy = FaultProxy("127.0.0.1:9", seed=42, rules=[Rule(rate=0.5)])
        runs.append([proxy.decide("GET", p) for p in paths])
    assert runs[0] == runs[1]
    assert any(runs[0]) and not all(runs[0])
    other = FaultProxy("127.0.0.1:9", seed=43, rules=[Rule(rate=0.5)])
    assert [other.decide("GET", p) for p in paths] != runs[0]

    always = FaultProxy("127.0.0.1:9", rules=[Rule(rate=1.0, kinds={"500": 1}, max_streak=2)])
    assert [always.decide("GET", "/v2/x/manifests/t") for _n in range(6)] == ["500", "500", None] * 2
    # The same blob through another repository continues the same streak (thread order must not matter).
    blob = FaultProxy("127.0.0.1:9", rules=[Rule(rate=1.0, kinds={"500": 1}, max_streak=2)])
    seen = [blob.decide("GET", BLOB), blob.decide("GET", BLOB.replace("/cron/", "/fluentd/")), blob.decide("GET", BLOB)]
    assert seen == ["500", "500", None]
    unbounded = FaultProxy("127.0.0.1:9", rules=[Rule(rate=1.0, kinds={"503": 1}, max_streak=None)])
    assert {unbounded.decide("HEAD", BLOB) for _n in range(10)} == {"503"}


def test_rules_match_in_order_and_check_their_input():
    proxy = FaultProxy(
        "127.0.0.1:9",
        rules=[
            Rule(pattern=r"/cron/", rate=1.0, kinds={"500": 1}, max_streak=None),
            Rule(methods=("HEAD",), rate=1.0, kinds={"truncate": 1, "drop": 1}, max_streak=None),
        ],
    )
    assert proxy.decide("GET", BLOB) == "500"
    assert proxy.decide("GET", "/v2/x/manifests/t") is None
    # A HEAD has no body to truncate: only "drop" is left.
    assert {proxy.decide("HEAD", "/v2/x/manifests/t") for _n in range(5)} == {"drop"}
    with pytest.raises(ValueError, match="unknown fault kinds"):
        Rule(rate=0.1, kinds={"explode": 1})
    with pytest.raises(ValueError, match="rate"):
        Rule(rate=1.5)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_on_the_wire(upstream, clock, kind):
    rule = Rule(rate=1.0, kinds={kind: 1}, max_streak=None)
    with FaultProxy(upstream, rules=[rule], retry_after=0.2, slow_delay=0.3, trickle_seconds=0.4) as proxy:
        if kind in ("drop", "truncate"):
            with pytest.raises((OSError, http.client.HTTPException)):
                _get(proxy)
        else:
            status, headers, body = _get(proxy)
            if kind in ("500", "503", "429"):
                assert status == int(kind)
                assert b"injected fault" in body
                assert headers.get("Retry-After") == ("0.2" if kind == "429" else None)
            else:
                assert status == 200 and body == BODY
        assert proxy.wait_idle(timeout=10)
        delays = clock.take()
        if kind == "slow":
            assert delays == [0.3]  # slow_delay, once, before the status line
        elif kind == "trickle":
            # The body spread over trickle_seconds (0.4 s) in even pauses of at most 1/20 s each; the pause after
            # the last piece is not waited for.
            assert sum(delays) == pytest.approx(0.4 - 0.05) and max(delays) == pytest.approx(0.05)
        else:
            assert delays == []  # no other kind delays anything
        assert proxy.counts == {kind: 1}
        assert proxy.log == [("GET", BLOB, kind)]
        assert "1 faults injected (%s=1)" % kind in proxy.summary()
        if kind == "drop":
            # A HEAD that is dropped gets no answer at all (recorded as status 0: an attempt without an answer).
            with pytest.raises((OSError, http.client.HTTPException)):
                _get(proxy, "HEAD")
            assert proxy.requests[-1] == ("HEAD", BLOB, 0)


def test_pass_through_bandwidth_and_close(upstream, clock):
    proxy = FaultProxy(upstream, bandwidth=200 * 1024).start()
    try:
        status, headers, body = _get(proxy)
        assert status == 200 and body == BODY and headers["Docker-Content-Digest"] == DIGEST
        assert proxy.wait_idle(timeout=10)
        # 100 KiB at 200 KiB/s is 0.5 s, in even pauses of at most 1/20 s (the last piece is not waited for).
        delays = clock.take()
        assert sum(delays) == pytest.approx(0.5 - 0.05) and max(delays) == pytest.approx(0.05)
        assert _get(proxy, path="/v2/x/blobs/sha256:" + "0" * 64)[0] == 404
        # The client has read the last byte; the proxy's thread may still be finishing: wait for that, not a time.
        assert proxy.wait_idle(timeout=10), "a body is still in flight at the proxy"
        assert proxy.total_faults() == 0 and proxy.bodies_in_flight == 0
        port = proxy.port
    finally:
        proxy.close()
    assert not proxy.running
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_stops_by_itself(upstream):
    proxy = FaultProxy(upstream, max_seconds=0.2).start()
    deadline = time.monotonic() + 5
    while proxy.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not proxy.running


def test_latency_on_the_way_there_and_back(upstream, clock):
    """``latency`` is added once to the request and once to the answer, faults included; the body is not slowed."""
    rule = Rule(pattern=r"/manifests/", rate=1.0, kinds={"503": 1}, max_streak=None)
    with FaultProxy(upstream, rules=[rule], latency=0.15) as proxy:
        for path, status in ((BLOB, 200), ("/v2/x/manifests/t", 503)):
            got, _headers, body = _get(proxy, path=path)
            assert got == status and (body == BODY if status == 200 else b"injected fault" in body)
            assert proxy.wait_idle(timeout=10)
            assert clock.take() == [0.15, 0.15], path  # there and back, nothing for the body
        assert proxy.counts == {"503": 1}
    with pytest.raises(ValueError, match="latency"):
        FaultProxy(upstream, latency=-1)


def test_command_line(upstream, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["--upstream", upstream, "--listen-port", str(port), "--latency-ms", "20", "--max-seconds", "0.3"]
    assert faultproxy.main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "faultproxy 127.0.0.1:%d -> %s (+20 ms each way, fault rate 0)" % (port, upstream)
    assert out[1] == "0 requests, 0 faults injected (none)"


def test_repeated_request_headers_reach_the_upstream_joined(upstream):
    """skopeo sends one Accept header per media type: all of them must reach the registry (else it answers with a
    schema 1 manifest), joined into one value as HTTP allows."""
    with FaultProxy(upstream) as proxy:
        conn = http.client.HTTPConnection(proxy.host, timeout=10)
        try:
            conn.putrequest("HEAD", BLOB)
            conn.putheader("Accept", "application/vnd.oci.image.index.v1+json")
            conn.putheader("Accept", "application/vnd.docker.distribution.manifest.v2+json")
            conn.endheaders()
            resp = conn.getresponse()
            resp.read()
        finally:
            conn.close()
    assert resp.status == 200
    seen = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json"
    assert resp.getheader("X-Accept-Seen") == seen


# --------------------------------------------------------------------------------------------------------------
# The request side (a proxy in front of a destination registry) and corrupt bytes


def test_upload_sessions_are_keyed_by_their_digest():
    """An upload session's path carries a random id and state: the key is the digest it is closed with (every
    attempt of one blob, in any repository, continues one streak), else the repository; a POST keeps its query."""
    hexdigest = DIGEST.split(":", 1)[1]
    put = upload("4f1c-uuid", "abc")
    assert FaultProxy.key(put) == "uploads/" + DIGEST
    assert FaultProxy.key("/v2/openstack.kolla/fluentd/blobs/uploads/other?digest=sha256:" + hexdigest) == (
        "uploads/" + DIGEST
    )
    assert FaultProxy.key("/v2/a/blobs/uploads/") == "/v2/a/blobs/uploads/"
    for mount in ("/v2/a/blobs/uploads/?mount=%s&from=b", "/v2/c/blobs/uploads/?from=d&mount=%s"):
        assert FaultProxy.key(mount % DIGEST.replace(":", "%3A")) == "mounts/" + DIGEST
    assert FaultProxy.key("/v2/a/blobs/uploads/9b2e?_state=xyz") == "/v2/a/blobs/uploads/"
    assert FaultProxy.key("/v2/a/manifests/t") == "/v2/a/manifests/t"

    proxy = FaultProxy("127.0.0.1:9", rules=[Rule(r"/blobs/uploads/", rate=1.0, kinds={"500": 1}, methods=("PUT",))])
    sessions = [upload("session%d" % i, "state%d" % i) for i in range(6)]
    assert [proxy.decide("PUT", p) for p in sessions] == ["500", "500", None] * 2
    assert proxy.decide("POST", "/v2/a/blobs/uploads/") is None  # the rule is for PUTs only

    # The new kinds are never in a rule's default mix (the mix the existing tests were seeded with) ...
    assert set(Rule().kinds) == set(KINDS) and set(ALL_KINDS) == set(KINDS) | set(REQUEST_KINDS)
    # ... and a HEAD has no body to corrupt.
    head = FaultProxy("127.0.0.1:9", rules=[Rule(rate=1.0, kinds={"corrupt": 1, "503": 1}, max_streak=None)])
    assert {head.decide("HEAD", BLOB) for _n in range(10)} == {"503"}


@pytest.mark.parametrize("kind", ["cut_request", "corrupt", "500", "503", "429"])
def test_request_kinds_on_an_upload(upstream, kind):
    """An upload PUT (a 100 KiB body): cut before the upstream sees it, forwarded with flipped bytes, or refused
    after its body was read (the keep-alive connection stays usable: the next request on it goes through)."""
    _Upstream.received.clear()
    path = upload("uuid1", "s1")
    rule = Rule(pattern=r"/blobs/uploads/", methods=("PUT",), rate=1.0, kinds={kind: 1}, max_streak=1)
    with FaultProxy(upstream, seed=3, rules=[rule], retry_after=0.2) as proxy:
        conn = http.client.HTTPConnection(proxy.host, timeout=10)
        try:
            if kind == "cut_request":
                with pytest.raises((OSError, http.client.HTTPException)):
                    conn.request("PUT", path, body=BODY)
                    conn.getresponse().read()
                assert _Upstream.received == [], "a cut request reached the upstream"
                assert proxy.requests == [("PUT", path, 0)]
            elif kind == "corrupt":
                conn.request("PUT", path, body=BODY)
                resp = conn.getresponse()
                resp.read()
                assert resp.status == 201
                [(method, got_path, got)] = _Upstream.received
                assert (method, got_path) == ("PUT", path)
                assert 1 <= len(_flipped(BODY, got)) <= 4, "not a few bytes flipped, length kept"
                assert resp.getheader("Docker-Content-Digest") != DIGEST
                assert proxy.requests == [("PUT", path, 201)]
            else:
                conn.request("PUT", path, body=BODY)
                resp = conn.getresponse()
                assert resp.status == int(kind) and b"injected fault" in resp.read()
                assert resp.getheader("Retry-After") == ("0.2" if kind == "429" else None)
                assert _Upstream.received == []
                # The same digest in a new session, on the same connection: the streak is over, it goes through.
                again = upload("uuid2", "s2")
                conn.request("PUT", again, body=BODY)
                resp = conn.getresponse()
                resp.read()
                assert resp.status == 201 and _Upstream.received == [("PUT", again, BODY)]
                assert proxy.requests == [("PUT", path, int(kind)), ("PUT", again, 201)]
        finally:
            conn.close()
        assert proxy.counts == {kind: 1}
        assert proxy.log == [("PUT", path, kind)]


def test_cut_request_without_a_body_is_reset_at_once(upstream):
    """An upload POST has no body: cut_request resets it before any answer; the upstream never sees it."""
    _Upstream.received.clear()
    rule = Rule(pattern=r"/blobs/uploads/$", methods=("POST",), rate=1.0, kinds={"cut_request": 1}, max_streak=1)
    with FaultProxy(upstream, rules=[rule]) as proxy:
        post = "/v2/openstack.kolla/cron/blobs/uploads/"
        with pytest.raises((OSError, http.client.HTTPException)):
            _get(proxy, "POST", post)
        assert _get(proxy, "POST", post)[0] == 201
        assert [r[2] for r in proxy.requests] == [0, 201]
        assert [(m, p) for m, p, _b in _Upstream.received] == [("POST", post)]


def test_corrupt_answer_keeps_its_length_and_is_deterministic(upstream):
    """A corrupt blob GET: status, headers and length as the upstream's, 1-4 bytes flipped, the same ones for the
    same seed and count; an answer without a body (a 404) passes through uncounted."""
    rule = Rule(pattern=r"/blobs/", methods=("GET",), rate=1.0, kinds={"corrupt": 1}, max_streak=None)
    bodies = []
    for _run in range(2):
        with FaultProxy(upstream, seed=11, rules=[rule]) as proxy:
            status, headers, body = _get(proxy)
            assert status == 200 and headers["Docker-Content-Digest"] == DIGEST
            assert int(headers["Content-Length"]) == len(BODY) == len(body)
            assert 1 <= len(_flipped(BODY, body)) <= 4
            bodies.append(body)
            assert _get(proxy, path="/v2/x/blobs/sha256:" + "0" * 64)[0] == 404
            assert proxy.counts == {"corrupt": 1}
            second = _get(proxy)[2]
            assert second != BODY and second != body  # the next count flips other bytes
    assert bodies[0] == bodies[1]


def test_hold_bodies_until_release(upstream):
    """hold_bodies(after=1): the first body goes through; the second stops at exactly half until release(), an
    event a test waits for (wait_held) instead of guessing how long a transfer takes. Only connections opened after
    the call count."""
    with FaultProxy(upstream) as proxy:
        proxy.release()  # nothing armed: a no-op
        earlier = http.client.HTTPConnection(proxy.host, timeout=10)
        earlier.request("GET", BLOB)
        assert earlier.getresponse().read() == BODY
        proxy.hold_bodies(after=1, pattern=r"/cron/")
        # A connection opened before the hold was armed (a client killed a moment ago): neither held nor counted.
        earlier.request("GET", BLOB)
        assert earlier.getresponse().read() == BODY
        earlier.close()
        assert _get(proxy, path=BLOB.replace("/cron/", "/fluentd/"))[2] == BODY  # not matching: not counted
        assert _get(proxy)[2] == BODY  # the one let through
        assert proxy.wait_idle(timeout=10)  # their threads are done: the one body in flight below is the held one
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
            sock.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % BLOB.encode())
            assert proxy.wait_held(timeout=10), "no body was held"
            assert proxy.bodies_held == 1 and proxy.bodies_in_flight == 1
            data = b""
            while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < len(BODY) // 2:
                chunk = sock.recv(65536)
                assert chunk, "connection closed early"
                data += chunk
            head, got = data.split(b"\r\n\r\n", 1)
            assert head.startswith(b"HTTP/1.1 200") and got == BODY[: len(BODY) // 2]
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)  # nothing beyond half was sent: the proxy is holding it
            sock.settimeout(10)
            proxy.release()
            while len(got) < len(BODY):
                chunk = sock.recv(65536)
                assert chunk, "connection closed early"
                got += chunk
            assert got == BODY
        assert proxy.wait_idle(timeout=10) and proxy.bodies_held == 0
        assert _get(proxy)[2] == BODY  # released: the hold is disarmed

        # close() lets a held body go (to a client that may be gone): no thread waits forever.
        proxy.hold_bodies()
        errors = []
        client = threading.Thread(target=lambda: errors.append(_safe_get(proxy)), daemon=True)
        client.start()
        assert proxy.wait_held(timeout=10)
        proxy.close()
        client.join(10)
        # The client may see its connection closed before the proxy's thread has woken up: wait for that thread.
        assert not client.is_alive() and proxy.wait_idle(timeout=10) and proxy.bodies_held == 0
    with pytest.raises(ValueError, match="after"):
        FaultProxy(upstream).hold_bodies(after=-1)


def _safe_get(proxy: FaultProxy):
    try:
        return _get(proxy)[0]
    except (OSError, http.client.HTTPException) as exc:
        return exc
