"""The fault proxy of the test bed, against a tiny stdlib upstream: decisions, each fault kind on the wire, close."""

from __future__ import annotations

import hashlib
import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.testbed import faultproxy
from tests.testbed.faultproxy import KINDS, FaultProxy, Rule

BODY = bytes(range(256)) * 400  # 100 KiB
DIGEST = "sha256:" + hashlib.sha256(BODY).hexdigest()
BLOB = "/v2/openstack.kolla/cron/blobs/" + DIGEST


class _Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

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


def _get(proxy: FaultProxy, method: str = "GET", path: str = BLOB):
    conn = http.client.HTTPConnection(proxy.host, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


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
def test_each_kind_on_the_wire(upstream, kind):
    rule = Rule(rate=1.0, kinds={kind: 1}, max_streak=None)
    with FaultProxy(upstream, rules=[rule], retry_after=0.2, slow_delay=0.3, trickle_seconds=0.4) as proxy:
        start = time.monotonic()
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
                assert time.monotonic() - start >= 0.25
        assert proxy.counts == {kind: 1}
        assert proxy.log == [("GET", BLOB, kind)]
        assert "1 faults injected (%s=1)" % kind in proxy.summary()
        if kind == "drop":
            # A HEAD that is dropped gets no answer at all.
            with pytest.raises((OSError, http.client.HTTPException)):
                _get(proxy, "HEAD")


def test_pass_through_bandwidth_and_close(upstream):
    proxy = FaultProxy(upstream, bandwidth=200 * 1024).start()
    try:
        start = time.monotonic()
        status, headers, body = _get(proxy)
        assert status == 200 and body == BODY and headers["Docker-Content-Digest"] == DIGEST
        assert time.monotonic() - start >= 0.35  # 100 KiB at 200 KiB/s (the last piece is not waited for)
        assert _get(proxy, path="/v2/x/blobs/sha256:" + "0" * 64)[0] == 404
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


def test_latency_on_the_way_there_and_back(upstream):
    """``latency`` is added once to the request and once to the answer, faults included; the body is not slowed."""
    rule = Rule(pattern=r"/manifests/", rate=1.0, kinds={"503": 1}, max_streak=None)
    with FaultProxy(upstream, rules=[rule], latency=0.15) as proxy:
        for path, status in ((BLOB, 200), ("/v2/x/manifests/t", 503)):
            start = time.monotonic()
            got, _headers, body = _get(proxy, path=path)
            assert got == status and (body == BODY if status == 200 else b"injected fault" in body)
            assert time.monotonic() - start >= 0.3
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
