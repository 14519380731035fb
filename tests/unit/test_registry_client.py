"""Registry client: WWW-Authenticate parsing, Retry-After, retries, auth flows and manifest helpers, on a fake
transport (no network). ``FakeRegistry`` is a small in-memory Registry API v2 also used by test_mirror.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import ssl
from urllib.parse import parse_qs, urlsplit

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc


class FakeResponse:
    def __init__(self, status, headers=None, body=b""):
        self.status = status
        self._headers = {k.lower(): v for k, v in (headers or {}).items()}
        self._body = body
        self._pos = 0
        self.will_close = False

    def getheader(self, name, default=None):
        return self._headers.get(name.lower(), default)

    def read(self, n=None):
        end = len(self._body) if n is None or n < 0 else self._pos + n
        data = self._body[self._pos : end]
        self._pos += len(data)
        return data

    def isclosed(self):
        return self._pos >= len(self._body)


class ScriptedTransport:
    """Answers requests from a list of (status, headers, body) or exceptions, recording every request."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, headers, body=None):
        self.calls.append((method, url, dict(headers)))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        status, headers, body = answer
        return FakeResponse(status, headers, body)

    def release(self, resp, broken=False):
        pass


def client(answers, **kw):
    sleeps = []
    transport = ScriptedTransport(answers)
    c = rc.RegistryClient("reg.test:5000", transport=transport, sleep=sleeps.append, **kw)
    return c, transport, sleeps


# ---------------------------------------------------------------------------------------------------- parsing


def test_parse_www_authenticate_bearer():
    scheme, params = rc.parse_www_authenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:library/busybox:pull,push repository:x/y:pull"'
    )
    assert scheme == "bearer"
    assert params == {
        "realm": "https://auth.docker.io/token",
        "service": "registry.docker.io",
        "scope": "repository:library/busybox:pull,push repository:x/y:pull",
    }


def test_parse_www_authenticate_basic_and_odd_forms():
    assert rc.parse_www_authenticate('Basic realm="Registry Realm"') == ("basic", {"realm": "Registry Realm"})
    scheme, params = rc.parse_www_authenticate('BEARER realm = "a\\"b", service=svc , error="invalid_token"')
    assert scheme == "bearer" and params == {"realm": 'a"b', "service": "svc", "error": "invalid_token"}
    assert rc.parse_www_authenticate("") == ("", {})


def test_parse_retry_after():
    assert rc.parse_retry_after("7") == 7.0
    assert rc.parse_retry_after(None) is None
    assert rc.parse_retry_after("soon") is None
    assert rc.parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert rc.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0


def test_backoff_grows_and_is_capped():
    delays = [rc.backoff_delay(i, base=0.5, cap=4, jitter=0) for i in range(6)]
    assert delays == [0.5, 1.0, 2.0, 4, 4, 4]


# ---------------------------------------------------------------------------------------------------- manifests

CONFIG = {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "sha256:" + "c" * 64, "size": 10}
LAYER1 = {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "digest": "sha256:" + "1" * 64, "size": 5}
LAYER2 = {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "digest": "sha256:" + "2" * 64, "size": 6}


def test_media_type_detection():
    docker = json.dumps({"schemaVersion": 2, "mediaType": rc.MEDIA_DOCKER_MANIFEST, "config": CONFIG, "layers": []})
    assert rc.detect_media_type(docker.encode()) == rc.MEDIA_DOCKER_MANIFEST
    # OCI manifests may omit mediaType: Content-Type, then the shape decides.
    oci = json.dumps({"schemaVersion": 2, "config": CONFIG, "layers": []}).encode()
    assert rc.detect_media_type(oci, rc.MEDIA_OCI_MANIFEST + "; charset=utf-8") == rc.MEDIA_OCI_MANIFEST
    assert rc.detect_media_type(oci, "application/json") == rc.MEDIA_OCI_MANIFEST
    index = json.dumps({"schemaVersion": 2, "manifests": []}).encode()
    assert rc.detect_media_type(index) == rc.MEDIA_OCI_INDEX
    assert rc.is_index(rc.MEDIA_DOCKER_LIST) and not rc.is_index(rc.MEDIA_OCI_MANIFEST)
    with pytest.raises(rc.ManifestError):
        rc.detect_media_type(b"not json")


def test_blob_list_includes_config_first_without_duplicates():
    doc = {"schemaVersion": 2, "config": CONFIG, "layers": [LAYER1, LAYER2, LAYER1]}
    assert [d["digest"] for d in rc.manifest_blobs(json.dumps(doc).encode())] == [
        CONFIG["digest"],
        LAYER1["digest"],
        LAYER2["digest"],
    ]
    with pytest.raises(rc.ManifestError, match="schema 1"):
        rc.manifest_blobs({"schemaVersion": 1, "fsLayers": []})
    with pytest.raises(rc.ManifestError):
        rc.manifest_blobs({"schemaVersion": 2, "config": CONFIG, "layers": [{"size": 1}]})


def test_index_children_and_platforms():
    amd = {"digest": "sha256:" + "a" * 64, "platform": {"os": "linux", "architecture": "amd64"}}
    arm = {"digest": "sha256:" + "b" * 64, "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}
    doc = {"schemaVersion": 2, "mediaType": rc.MEDIA_DOCKER_LIST, "manifests": [amd, arm]}
    assert rc.manifest_children(json.dumps(doc).encode()) == [amd, arm]
    assert rc.platform_string(arm["platform"]) == "linux/arm64/v8"
    assert rc.platform_matches(arm["platform"], "linux/arm64")
    assert rc.platform_matches(arm["platform"], "linux/arm64/v8")
    assert not rc.platform_matches(arm["platform"], "linux/arm64/v7")
    assert not rc.platform_matches(amd["platform"], "linux/arm64")
    with pytest.raises(rc.ManifestError):
        rc.manifest_children({"schemaVersion": 2, "layers": []})


# ---------------------------------------------------------------------------------------------------- retries

OK = (200, {"Docker-Content-Digest": "sha256:" + "d" * 64, "Content-Type": rc.MEDIA_DOCKER_MANIFEST}, b"")


def test_retries_5xx_with_backoff_then_succeeds():
    c, t, sleeps = client([(503, {}, b""), (502, {}, b""), OK])
    head = c.head_manifest("ns/img", "t")
    assert head["digest"] == "sha256:" + "d" * 64
    assert len(t.calls) == 3 and len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_429_honours_retry_after():
    c, _unused, sleeps = client([(429, {"Retry-After": "3"}, b""), OK])
    c.head_manifest("ns/img", "t")
    assert sleeps == [3.0]


def test_connection_errors_retry_then_name_the_host():
    c, t, sleeps = client([ConnectionRefusedError("refused")] * 3, retries=2)
    with pytest.raises(rc.Unreachable, match=r"src registry reg.test:5000 is unreachable"):
        c.head_manifest("ns/img", "t")
    assert len(t.calls) == 3 and len(sleeps) == 2


def test_5xx_exhausted_raises():
    c, _unused, _unused = client([(500, {}, b"")] * 2, retries=1)
    with pytest.raises(rc.RegistryError, match="HTTP 500"):
        c.head_manifest("ns/img", "t")


def test_404_is_none_for_head_and_notfound_for_get():
    c, _unused, _unused = client(
        [(404, {}, b""), (404, {}, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')]
    )
    assert c.head_manifest("ns/img", "t") is None
    with pytest.raises(rc.NotFound, match="MANIFEST_UNKNOWN"):
        c.get_manifest("ns/img", "t")


# ---------------------------------------------------------------------------------------------------- auth


def test_basic_auth_challenge_then_sent_on_every_request():
    c, t, _unused = client([(401, {"WWW-Authenticate": 'Basic realm="r"'}, b""), OK, OK], username="u", password="p")
    c.head_manifest("ns/img", "t")
    c.head_manifest("ns/img", "t2")
    expected = "Basic " + base64.b64encode(b"u:p").decode()
    assert "Authorization" not in t.calls[0][2]
    assert t.calls[1][2]["Authorization"] == expected and t.calls[2][2]["Authorization"] == expected


def test_basic_auth_refused_names_side_and_user():
    c, _unused, _unused = client(
        [(401, {"WWW-Authenticate": 'Basic realm="r"'}, b""), (401, {"WWW-Authenticate": 'Basic realm="r"'}, b"")],
        side="dest",
        username="kolla",
        password="bad",
    )
    with pytest.raises(rc.AuthError, match=r"dest registry reg.test:5000.*dest_username='kolla'"):
        c.head_manifest("ns/img", "t")


def test_anonymous_on_protected_registry_says_no_credentials():
    c, _unused, _unused = client([(401, {"WWW-Authenticate": 'Basic realm="r"'}, b"")])
    with pytest.raises(rc.AuthError, match="anonymous"):
        c.head_manifest("ns/img", "t")


def test_bearer_flow_token_cached_per_scope():
    challenge = 'Bearer realm="https://auth.test/token",service="reg",scope="repository:ns/img:pull"'
    token = (200, {}, json.dumps({"token": "T1", "expires_in": 300}).encode())
    token2 = (200, {}, json.dumps({"access_token": "T2"}).encode())
    c, t, _unused = client(
        [(401, {"WWW-Authenticate": challenge}, b""), token, OK, OK, token2, OK], username="u", password="p"
    )
    c.head_manifest("ns/img", "a")
    c.head_manifest("ns/img", "b")  # same scope: cached token, no new token request
    c.head_manifest("ns/other", "a")  # new scope: a token is fetched up front, no 401 round trip
    urls = [call[1] for call in t.calls]
    assert urls[1].startswith("https://auth.test/token?")
    q = parse_qs(urlsplit(urls[1]).query)
    assert q == {"service": ["reg"], "scope": ["repository:ns/img:pull"]}
    assert t.calls[1][2]["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert t.calls[2][2]["Authorization"] == "Bearer T1" and t.calls[3][2]["Authorization"] == "Bearer T1"
    assert parse_qs(urlsplit(urls[4]).query)["scope"] == ["repository:ns/other:pull"]
    assert t.calls[5][2]["Authorization"] == "Bearer T2"
    assert len(t.calls) == 6


def test_bearer_token_refused_names_realm():
    challenge = 'Bearer realm="https://auth.test/token",service="reg"'
    c, _unused, _unused = client(
        [(401, {"WWW-Authenticate": challenge}, b""), (401, {}, b"")], username="u", password="p"
    )
    with pytest.raises(rc.AuthError, match=r"token service https://auth.test/token refused src_username='u'"):
        c.head_manifest("ns/img", "t")


def test_forbidden_is_auth_error():
    c, _unused, _unused = client([(403, {}, b'{"errors":[{"code":"DENIED","message":"no push"}]}')], side="dest")
    with pytest.raises(rc.AuthError, match=r"dest registry .*HTTP 403: DENIED"):
        c.put_manifest("ns/img", "t", b"{}", rc.MEDIA_OCI_MANIFEST)


# ---------------------------------------------------------------------------------------------------- fake registry


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class FakeRegistry:
    """In-memory Registry API v2: manifests, blobs per repository, uploads, cross-repo mount, catalog.

    ``log`` records (method, path); ``fail`` maps a regex on "METHOD path" to a list of statuses to answer first.
    """

    def __init__(self):
        self.blobs: dict[str, bytes] = {}
        self.links: dict[str, set[str]] = {}
        self.manifests: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.uploads: dict[str, str] = {}
        self.log: list[tuple[str, str]] = []
        self.fail: dict[str, list[int]] = {}
        self.corrupt: set[str] = set()
        self._next_upload = 0

    # helpers to fill it
    def add_blob(self, repo, data):
        d = sha(data)
        self.blobs[d] = data
        self.links.setdefault(repo, set()).add(d)
        return {"digest": d, "size": len(data), "mediaType": "application/octet-stream"}

    def add_image(self, repo, tag, layers, media_type=rc.MEDIA_DOCKER_MANIFEST):
        config = self.add_blob(repo, json.dumps({"repo": repo, "layers": len(layers)}).encode())
        descs = [self.add_blob(repo, layer) for layer in layers]
        body = json.dumps(
            {"schemaVersion": 2, "mediaType": media_type, "config": config, "layers": descs}, indent=3
        ).encode()
        return self.add_manifest(repo, tag, body, media_type)

    def add_manifest(self, repo, ref, body, media_type):
        d = sha(body)
        self.manifests[(repo, d)] = (body, media_type)
        if ref:
            self.manifests[(repo, ref)] = (body, media_type)
        self.links.setdefault(repo, set())
        return d

    # transport interface
    def request(self, method, url, headers, body=None):
        parts = urlsplit(url)
        path, query = parts.path, parse_qs(parts.query)
        self.log.append((method, path + ("?" + parts.query if parts.query else "")))
        for pattern, statuses in self.fail.items():
            if statuses and re.search(pattern, "%s %s" % (method, path)):
                return FakeResponse(statuses.pop(0), {}, b"")
        if body is not None and not isinstance(body, (bytes, bytearray)):
            body = b"".join(body)  # consume an iterator, like http.client does
        if path == "/v2/":
            return FakeResponse(200, {"Content-Type": "application/json"}, b"{}")
        m = re.match(r"^/v2/(.+)/tags/list$", path)
        if m:
            tags = sorted(ref for repo, ref in self.manifests if repo == m.group(1) and not ref.startswith("sha256:"))
            if not any(repo == m.group(1) for repo, _ref in self.manifests):
                return FakeResponse(
                    404, {}, b'{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]}'
                )
            return FakeResponse(200, {"Content-Type": "application/json"}, json.dumps({"tags": tags}).encode())
        m = re.match(r"^/v2/(.+)/manifests/([^/]+)$", path)
        if m:
            repo, ref = m.groups()
            if method == "PUT":
                d = self.add_manifest(repo, ref, body, headers["Content-Type"])
                return FakeResponse(201, {"Docker-Content-Digest": d})
            hit = self.manifests.get((repo, ref))
            if hit is None:
                return FakeResponse(404, {}, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')
            data, media_type = hit
            hdrs = {"Docker-Content-Digest": sha(data), "Content-Type": media_type, "Content-Length": str(len(data))}
            return FakeResponse(200, hdrs, b"" if method == "HEAD" else data)
        m = re.match(r"^/v2/(.+)/blobs/uploads/$", path)
        if m and method == "POST":
            repo = m.group(1)
            if "mount" in query:
                d, src = query["mount"][0], query.get("from", [""])[0]
                if d in self.links.get(src, set()):
                    self.links.setdefault(repo, set()).add(d)
                    return FakeResponse(201, {"Docker-Content-Digest": d})
            self._next_upload += 1
            uid = "u%d" % self._next_upload
            self.uploads[uid] = repo
            return FakeResponse(202, {"Location": "/v2/%s/blobs/uploads/%s?_state=x" % (repo, uid)})
        m = re.match(r"^/v2/(.+)/blobs/uploads/(u\d+)$", path)
        if m and method == "PUT":
            repo, uid = m.groups()
            d = query["digest"][0]
            if self.uploads.pop(uid, None) != repo or sha(body) != d:
                return FakeResponse(400, {}, b'{"errors":[{"code":"DIGEST_INVALID","message":"digest invalid"}]}')
            self.blobs[d] = body
            self.links.setdefault(repo, set()).add(d)
            return FakeResponse(201, {"Docker-Content-Digest": d})
        m = re.match(r"^/v2/(.+)/blobs/(sha256:[0-9a-f]+)$", path)
        if m:
            repo, d = m.groups()
            if d not in self.links.get(repo, set()):
                return FakeResponse(404, {}, b"")
            data = self.blobs[d]
            if method == "GET" and d in self.corrupt:
                self.corrupt.discard(d)
                data = b"X" + data[1:]
            return FakeResponse(200, {"Content-Length": str(len(data))}, b"" if method == "HEAD" else data)
        if path == "/v2/_catalog":
            return FakeResponse(200, {}, json.dumps({"repositories": sorted(self.links)}).encode())
        return FakeResponse(404, {}, b"")

    def release(self, resp, broken=False):
        pass

    def count(self, method, pattern):
        return sum(1 for m, p in self.log if m == method and re.search(pattern, p))


def test_blob_upload_mount_and_byte_exact_manifest():
    reg = FakeRegistry()
    c = rc.RegistryClient("reg.test", transport=reg, side="dest")
    data = b"layer-bytes" * 100
    d = sha(data)
    assert c.head_blob("ns/a", d) is None
    c.upload_blob("ns/a", d, data)
    assert c.head_blob("ns/a", d) == len(data)
    assert c.start_upload("ns/b", mount=d, mount_from="ns/a") is None  # mounted
    assert c.stats["mounts"] == 1 and d in reg.links["ns/b"]
    body = b'{\n   "schemaVersion": 2,  "mediaType": "%s", "config": {}, "layers": []}' % rc.MEDIA_OCI_MANIFEST.encode()
    assert c.put_manifest("ns/a", "t", body, rc.MEDIA_OCI_MANIFEST) == sha(body)
    got, media_type, digest = c.get_manifest("ns/a", sha(body))
    assert got == body and media_type == rc.MEDIA_OCI_MANIFEST and digest == sha(body)
    stream = c.open_blob("ns/a", d)
    assert stream.length == len(data) and stream.read(10) == data[:10]
    assert c.catalog() == ["ns/a", "ns/b"]


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_ca_path_reaches_an_https_token_realm_of_any_registry(tmp_path, scheme):
    """Issue 14: a plain-HTTP registry may send clients to an https token realm; its CA must be the one given."""
    from tests.testbed.registries import make_tls

    ca, _cert, _key = make_tls(tmp_path / "tls", ["localhost"], ["127.0.0.1"])
    subject = ssl._ssl._test_decode_cert(str(ca))["subject"]
    client = rc.RegistryClient("registry.example:4000", scheme=scheme, ca_path=str(ca))
    context = client._transport._ssl
    assert context is not None
    assert any(cert["subject"] == subject for cert in context.get_ca_certs())
