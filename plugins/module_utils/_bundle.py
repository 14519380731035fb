# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline bundles: a registry's data for a chosen image set, plus the registry image, in ONE tar archive.

Export runs on a connected host and reads a registry over the HTTP API (no filesystem access to it); import runs on
an air-gapped deployment host and lays the data down in the registry's data directory, so that ``registry:2`` started
on that directory serves every image with its original digest. Stdlib only (the Docker engine is reached over its
unix socket with http.client).

Archive layout (uncompressed tar, POSIX pax; layers are compressed already), in this order::

    index.json                       what is inside: images (repository, tag, digest, media type, manifests, blobs),
                                     every blob's size, the registry image (name, image ID, size, sha256)
    SHA256SUMS                       ``sha256sum -c`` format, one line per member below (blob lines = their digest)
    registry-image.tar               ``docker save`` of the registry image (optional)
    data/docker/registry/v2/blobs/sha256/<2>/<hex>/data                            every blob once (manifests too)
    data/docker/registry/v2/repositories/<repo>/_layers/sha256/<hex>/link          config and layers of the repo
    data/docker/registry/v2/repositories/<repo>/_manifests/revisions/sha256/<hex>/link   every manifest
    data/docker/registry/v2/repositories/<repo>/_manifests/tags/<tag>/index/sha256/<hex>/link
    data/docker/registry/v2/repositories/<repo>/_manifests/tags/<tag>/current/link
    kollaprep-bundle.json            trailer: format, sha256 of index.json and SHA256SUMS, member and blob counts

``data/`` is exactly Docker Distribution's filesystem storage tree (checked against a registry:2 after a push), so a
plain ``tar -x`` of ``data/`` into a registry's root directory works too. The index comes first so that import
knows everything before the data; the trailer comes last so that a truncated archive is detected (no trailer, or a
trailer that does not match) and refused before anything is moved into the data directory.

Import stages every member in ``<data_dir>/.kollaprep-staging/<bundle id>/`` (same filesystem), verifies each blob
against its digest and every other member against SHA256SUMS, checks the trailer, and only then hard-links files into
place: never over an existing file (identical content is left as it is; a tag that points elsewhere is re-pointed,
the old revision stays), blobs first and tag links last, so a running registry never sees a tag before its data.
A killed import leaves its verified staging files; the next run reuses them. Staging of other bundles is removed.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import tarfile
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from ansible_collections.kollaprep.registry.plugins.module_utils._storage_tree import (
    TreeError,
    blob_path,
    check_repository,
    check_tag,
    digest_hex,
    layer_link_path,
    link_body,
    revision_link_path,
    tag_index_link_path,
    tag_link_path,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import (
    CHUNK_SIZE,
    DigestMismatch,
    ManifestError,
    NotFound,
    RegistryError,
    detect_media_type,
    is_index,
    manifest_blobs,
    manifest_children,
    sha256_digest,
)

FORMAT = "kollaprep-bundle/1"
INDEX_MEMBER = "index.json"
SUMS_MEMBER = "SHA256SUMS"
IMAGE_MEMBER = "registry-image.tar"
TRAILER_MEMBER = "kollaprep-bundle.json"
DATA_PREFIX = "data/"
STAGING_DIR = ".kollaprep-staging"
COPY_CHUNK = 4 * 1024 * 1024
SMALL_MEMBER = 64 * 1024  # members below this are read, checked and written inline
HASH_THREADS = 2  # blobs hashed in parallel while the main thread copies
HASH_WINDOW = 4  # big members copied ahead of their verification
MAX_META = 64 * 1024 * 1024  # index.json / SHA256SUMS / trailer larger than this are refused


KIND_BLOB = "blob"
KIND_LAYER_LINK = "layer-link"
KIND_REVISION_LINK = "revision-link"
KIND_TAG_INDEX_LINK = "tag-index-link"
KIND_TAG_LINK = "tag-link"
KIND_IMAGE = "registry-image"
# Placement order: a running registry never sees a link before what it points at, nor a tag before its manifest.
PLACE_ORDER = (KIND_BLOB, KIND_LAYER_LINK, KIND_REVISION_LINK, KIND_TAG_INDEX_LINK, KIND_TAG_LINK)


class BundleError(Exception):
    """A bundle operation failed (bad options, unreachable engine, unusable data dir)."""


class BundleCorrupt(BundleError):
    """The archive is truncated, damaged or not a bundle; the message names the member and what is wrong."""


@dataclass(frozen=True)
class TreeFile:
    """One file of the storage tree: ``path`` relative to the registry root; ``digest`` is the blob or the target."""

    path: str
    kind: str
    digest: str
    size: int

    @property
    def member(self) -> str:
        return DATA_PREFIX + self.path

    @property
    def content(self) -> bytes | None:
        return None if self.kind == KIND_BLOB else link_body(self.digest)


def tree_files(index: dict) -> list[TreeFile]:
    """Every storage-tree file the index implies, blobs first (sorted), then links in placement order."""
    files: dict[str, TreeFile] = {}
    for digest, size in sorted(index["blobs"].items()):
        files.setdefault(blob_path(digest), TreeFile(blob_path(digest), KIND_BLOB, digest, int(size)))
    links: dict[str, list[TreeFile]] = {k: [] for k in PLACE_ORDER[1:]}

    def add(path, kind, digest):
        if path not in files:
            files[path] = TreeFile(path, kind, digest, len(link_body(digest)))
            links[kind].append(files[path])

    for image in index["images"]:
        repo = image["repository"]
        for digest in image["blobs"]:
            add(layer_link_path(repo, digest), KIND_LAYER_LINK, digest)
        for digest in image["manifests"]:
            add(revision_link_path(repo, digest), KIND_REVISION_LINK, digest)
        if image.get("tag"):
            add(tag_index_link_path(repo, image["tag"], image["digest"]), KIND_TAG_INDEX_LINK, image["digest"])
            add(tag_link_path(repo, image["tag"]), KIND_TAG_LINK, image["digest"])
    out = [f for f in files.values() if f.kind == KIND_BLOB]
    for kind in PLACE_ORDER[1:]:
        out.extend(links[kind])
    return out


# --------------------------------------------------------------------------------------------------------------
# Index, sums, trailer


def dump_json(doc) -> bytes:
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def validate_index(index) -> dict:
    """Check the index's shape; raise BundleCorrupt naming what is wrong."""
    try:
        return _validate_index(index)
    except TreeError as exc:
        raise BundleCorrupt("index.json: %s" % exc) from exc


def _validate_index(index) -> dict:
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise BundleCorrupt(
            "index.json is not a %s index (format %r)"
            % (FORMAT, index.get("format") if isinstance(index, dict) else None)
        )
    blobs = index.get("blobs")
    images = index.get("images")
    if not isinstance(blobs, dict) or not isinstance(images, list):
        raise BundleCorrupt("index.json lacks its 'blobs' map or its 'images' list")
    for digest, size in blobs.items():
        digest_hex(digest)
        if not isinstance(size, int) or size < 0:
            raise BundleCorrupt("index.json: blob %s has a bad size %r" % (digest, size))
    for image in images:
        if not isinstance(image, dict):
            raise BundleCorrupt("index.json: an image entry is not an object")
        check_repository(image.get("repository"))
        if image.get("tag") is not None:
            check_tag(image["tag"])
        digest_hex(image.get("digest"))
        for key in ("manifests", "blobs"):
            if not isinstance(image.get(key), list):
                raise BundleCorrupt("index.json: image %s lacks its %r list" % (image["repository"], key))
            for digest in image[key]:
                if digest not in blobs:
                    raise BundleCorrupt(
                        "index.json: image %s needs blob %s, which the index does not list"
                        % (image["repository"], digest)
                    )
        if image["digest"] not in image["manifests"]:
            raise BundleCorrupt("index.json: image %s's digest is not among its manifests" % image["repository"])
    reg = index.get("registry_image")
    if reg is not None and (not isinstance(reg, dict) or not isinstance(reg.get("sha256"), str)):
        raise BundleCorrupt("index.json: registry_image entry is malformed")
    return index


def render_sums(entries: list[tuple[str, str]]) -> bytes:
    return "".join("%s  %s\n" % (hexa, name) for name, hexa in entries).encode()


def parse_sums(data: bytes) -> dict[str, str]:
    sums: dict[str, str] = {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleCorrupt("SHA256SUMS is not text") from exc
    for number, line in enumerate(text.splitlines(), 1):
        if not line:
            continue
        hexa, sep, name = line.partition("  ")
        if not sep or not re.match(r"^[0-9a-f]{64}$", hexa) or not name:
            raise BundleCorrupt("SHA256SUMS line %d is malformed: %r" % (number, line[:120]))
        if name in sums:
            raise BundleCorrupt("SHA256SUMS lists %s twice" % name)
        sums[name] = hexa
    return sums


def expected_members(index: dict) -> dict[str, tuple[str, str, int]]:
    """member name -> (kind, expected sha256 hex, size), for every member between SHA256SUMS and the trailer."""
    out: dict[str, tuple[str, str, int]] = {}
    reg = index.get("registry_image")
    if reg:
        out[IMAGE_MEMBER] = (KIND_IMAGE, reg["sha256"], int(reg.get("size", -1)))
    for tf in tree_files(index):
        hexa = digest_hex(tf.digest) if tf.kind == KIND_BLOB else hashlib.sha256(tf.content).hexdigest()
        out[tf.member] = (tf.kind, hexa, tf.size)
    return out


def make_trailer(index_bytes: bytes, sums_bytes: bytes, index: dict, members: int) -> dict:
    return {
        "format": FORMAT,
        "index_sha256": hashlib.sha256(index_bytes).hexdigest(),
        "sums_sha256": hashlib.sha256(sums_bytes).hexdigest(),
        "members": members,
        "images": len(index["images"]),
        "blobs": len(index["blobs"]),
        "blob_bytes": sum(index["blobs"].values()),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def check_trailer(trailer, index_bytes: bytes, sums_bytes: bytes, index: dict, members: int) -> None:
    if not isinstance(trailer, dict) or trailer.get("format") != FORMAT:
        raise BundleCorrupt("the trailer %s is not a %s trailer" % (TRAILER_MEMBER, FORMAT))
    if trailer.get("index_sha256") != hashlib.sha256(index_bytes).hexdigest():
        raise BundleCorrupt("the trailer's index checksum does not match index.json: the archive is damaged")
    if trailer.get("sums_sha256") != hashlib.sha256(sums_bytes).hexdigest():
        raise BundleCorrupt("the trailer's SHA256SUMS checksum does not match: the archive is damaged")
    if trailer.get("members") != members:
        raise BundleCorrupt(
            "the trailer counts %s members, the archive has %d: the archive is damaged"
            % (trailer.get("members"), members)
        )


# --------------------------------------------------------------------------------------------------------------
# Docker engine (unix socket, stdlib)


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class DockerEngine:
    """The few Engine API calls a bundle needs: inspect, save, load, tag."""

    def __init__(self, docker_host: str = "unix:///var/run/docker.sock", timeout: float = 600.0):
        self.docker_host = docker_host
        self.timeout = timeout
        parts = urlsplit(docker_host)
        if parts.scheme == "unix":
            self._unix = parts.path
        elif parts.scheme in ("tcp", "http"):
            self._unix = None
            self._netloc = parts.netloc
        else:
            raise BundleError("docker_host %r: only unix:// and tcp:// (plain) are supported" % docker_host)

    def _conn(self) -> http.client.HTTPConnection:
        if self._unix:
            return _UnixConnection(self._unix, self.timeout)
        return http.client.HTTPConnection(self._netloc, timeout=self.timeout)

    def _request(self, method: str, path: str, body=None, headers=None):
        conn = self._conn()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            return conn, conn.getresponse()
        except OSError as exc:
            conn.close()
            raise BundleError("cannot talk to the Docker engine at %s: %s" % (self.docker_host, exc)) from exc

    def image_id(self, name: str) -> str | None:
        conn, resp = self._request("GET", "/images/%s/json" % quote(name, safe=""))
        try:
            body = resp.read()
        finally:
            conn.close()
        if resp.status == 404:
            return None
        if resp.status != 200:
            raise BundleError(
                "docker engine: inspecting image %s failed (HTTP %d): %s" % (name, resp.status, body[:200])
            )
        return json.loads(body)["Id"]

    def save(self, name: str, out) -> None:
        """Write ``docker save NAME`` to the binary file ``out``."""
        conn, resp = self._request("GET", "/images/get?names=%s" % quote(name, safe=""))
        try:
            if resp.status != 200:
                raise BundleError(
                    "docker engine: saving image %s failed (HTTP %d): %s" % (name, resp.status, resp.read()[:200])
                )
            while True:
                data = resp.read(CHUNK_SIZE)
                if not data:
                    break
                out.write(data)
        finally:
            conn.close()

    def load(self, fileobj, length: int) -> str:
        """``docker load`` from a file object of ``length`` bytes; returns the engine's message."""
        conn, resp = self._request(
            "POST",
            "/images/load?quiet=1",
            body=fileobj,
            headers={"Content-Type": "application/x-tar", "Content-Length": str(length)},
        )
        try:
            body = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise BundleError(
                "docker engine: loading the registry image failed (HTTP %d): %s" % (resp.status, body[:300])
            )
        messages = []
        for line in body.splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if doc.get("error"):
                raise BundleError("docker engine: loading the registry image failed: %s" % doc["error"])
            if doc.get("stream"):
                messages.append(doc["stream"].strip())
        return "; ".join(messages)

    def tag(self, image: str, name: str) -> None:
        repo, _sep, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "latest")
        conn, resp = self._request(
            "POST", "/images/%s/tag?repo=%s&tag=%s" % (quote(image, safe=""), quote(repo, safe=""), quote(tag, safe=""))
        )
        try:
            body = resp.read()
        finally:
            conn.close()
        if resp.status not in (200, 201):
            raise BundleError("docker engine: tagging %s as %s failed (HTTP %d): %s" % (image, name, resp.status, body))


# --------------------------------------------------------------------------------------------------------------
# Reading an archive


@dataclass
class Member:
    name: str
    offset: int  # of the data
    size: int


class _RangeReader:
    """A read-only file object over ``size`` bytes of ``fd`` from ``offset`` (os.pread: thread safe, no seek)."""

    def __init__(self, fd: int, offset: int, size: int, digest: str | None = None, what: str = ""):
        self._fd = fd
        self._pos = offset
        self._end = offset + size
        self.length = size
        self._hasher = hashlib.sha256() if digest else None
        self._digest = digest
        self._what = what

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        if size is None or size < 0:
            size = self._end - self._pos
        size = min(size, self._end - self._pos)
        if size <= 0:
            return b""
        data = os.pread(self._fd, size, self._pos)
        if not data:
            raise BundleCorrupt("%s ends early: the archive is truncated" % self._what)
        self._pos += len(data)
        if self._hasher is not None:
            self._hasher.update(data)
            if self._pos >= self._end and "sha256:" + self._hasher.hexdigest() != self._digest:
                raise DigestMismatch(
                    "archive member %s does not match its digest %s: the archive is corrupt"
                    % (self._what, self._digest)
                )
        return data

    def close(self, broken: bool = False) -> None:
        pass


def _read_header(tar: tarfile.TarFile, position: str) -> tarfile.TarInfo | None:
    try:
        return tar.next()
    except tarfile.ReadError as exc:
        raise BundleCorrupt(
            "cannot read the tar header %s: %s (the archive is truncated or damaged)" % (position, exc)
        ) from exc


class BundleReader:
    """An archive opened for reading: index, sums and, after ``scan()``, every member's offset (headers only)."""

    def __init__(self, path: str):
        self.path = path
        try:
            self._file = open(path, "rb")
        except OSError as exc:
            raise BundleError("cannot open the bundle %s: %s" % (path, exc)) from exc
        self.fd = self._file.fileno()
        self.archive_bytes = os.fstat(self.fd).st_size
        try:
            self._tar = tarfile.open(fileobj=self._file, mode="r:")
        except tarfile.TarError as exc:
            self.close()
            raise BundleCorrupt("%s is not a tar archive: %s" % (path, exc)) from exc
        self.members: dict[str, Member] = {}
        self.order: list[str] = []
        self.index_bytes = self._meta(INDEX_MEMBER, "first")
        try:
            self.index = validate_index(json.loads(self.index_bytes))
        except ValueError as exc:
            raise BundleCorrupt("index.json is not JSON: %s" % exc) from exc
        self.sums_bytes = self._meta(SUMS_MEMBER, "second")
        self.sums = parse_sums(self.sums_bytes)
        self.expected = expected_members(self.index)
        missing = sorted(set(self.expected) - set(self.sums))
        extra = sorted(set(self.sums) - set(self.expected))
        if missing or extra:
            raise BundleCorrupt(
                "SHA256SUMS does not match index.json (%d members unlisted, e.g. %s; %d unknown, e.g. %s)"
                % (len(missing), missing[:1], len(extra), extra[:1])
            )
        for name, (_kind, hexa, _size) in self.expected.items():
            if self.sums[name] != hexa:
                raise BundleCorrupt("SHA256SUMS and index.json disagree about %s" % name)
        self.bundle_id = hashlib.sha256(self.index_bytes).hexdigest()[:16]
        self.trailer: dict | None = None

    def _meta(self, name: str, position: str) -> bytes:
        info = _read_header(self._tar, "of the %s member" % position)
        if info is None or info.name != name:
            raise BundleCorrupt(
                "%s is not a kollaprep bundle: its %s member is %r, not %s"
                % (self.path, position, info.name if info else "missing", name)
            )
        if not info.isfile() or info.size > MAX_META:
            raise BundleCorrupt("%s: member %s is not a regular file of sane size" % (self.path, name))
        data = os.pread(self.fd, info.size, info.offset_data)
        if len(data) != info.size:
            raise BundleCorrupt("%s: member %s is truncated" % (self.path, name))
        self.members[name] = Member(name, info.offset_data, info.size)
        self.order.append(name)
        return data

    def next_member(self) -> Member | None:
        """The next data member, or None once the trailer was read (and checked). Raises BundleCorrupt."""
        info = _read_header(self._tar, "after %s" % self.order[-1])
        if info is None:
            raise BundleCorrupt(
                "%s is truncated: it ends after %d members without the trailer %s (last complete member: %s)"
                % (self.path, len(self.order), TRAILER_MEMBER, self.order[-1])
            )
        if info.offset_data + info.size > self.archive_bytes:
            raise BundleCorrupt(
                "%s is truncated: member %s needs %d bytes, the file ends %d bytes into it"
                % (self.path, info.name, info.size, self.archive_bytes - info.offset_data)
            )
        if not info.isfile():
            raise BundleCorrupt("%s: member %s is not a regular file" % (self.path, info.name))
        if info.name in self.members:
            raise BundleCorrupt("%s: member %s appears twice" % (self.path, info.name))
        member = Member(info.name, info.offset_data, info.size)
        if info.name == TRAILER_MEMBER:
            data = os.pread(self.fd, info.size, info.offset_data)
            try:
                trailer = json.loads(data)
            except ValueError as exc:
                raise BundleCorrupt("the trailer %s is not JSON" % TRAILER_MEMBER) from exc
            check_trailer(trailer, self.index_bytes, self.sums_bytes, self.index, len(self.order))
            missing = sorted(set(self.expected) - set(self.members))
            if missing:
                raise BundleCorrupt("%s lacks %d members, e.g. %s" % (self.path, len(missing), missing[0]))
            after = _read_header(self._tar, "after the trailer")
            if after is not None:
                raise BundleCorrupt("%s has member %s after the trailer" % (self.path, after.name))
            self.trailer = trailer
            self.members[info.name] = member
            return None
        spec = self.expected.get(info.name)
        if spec is None:
            raise BundleCorrupt("%s: unexpected member %s (not in index.json)" % (self.path, info.name))
        if spec[2] >= 0 and spec[2] != info.size:
            raise BundleCorrupt(
                "%s: member %s is %d bytes, index.json says %d" % (self.path, info.name, info.size, spec[2])
            )
        self.members[info.name] = member
        self.order.append(info.name)
        return member

    def scan(self) -> None:
        """Read every header to the trailer (data is skipped by seeking): structure and truncation check."""
        while self.next_member() is not None:
            pass

    def member_reader(self, name: str, verify: bool = True) -> _RangeReader:
        member = self.members[name]
        digest = "sha256:" + self.sums[name] if verify else None
        return _RangeReader(self.fd, member.offset, member.size, digest, name)

    def close(self) -> None:
        try:
            self._file.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_local = threading.local()


def _buffer() -> memoryview:
    buf = getattr(_local, "buf", None)
    if buf is None:
        buf = _local.buf = memoryview(bytearray(COPY_CHUNK))
    return buf


def hash_range(fd: int, offset: int, size: int, what: str) -> str:
    """sha256 hex of ``size`` bytes of ``fd`` at ``offset`` (os.preadv into a reused per-thread buffer)."""
    hasher = hashlib.sha256()
    buf = _buffer()
    pos, end = offset, offset + size
    while pos < end:
        got = os.preadv(fd, [buf[: min(len(buf), end - pos)]], pos)
        if got <= 0:
            raise BundleCorrupt("%s ends early: the archive is truncated" % what)
        hasher.update(buf[:got])
        pos += got
    return hasher.hexdigest()


def copy_range(fd_in: int, offset: int, size: int, fd_out: int) -> None:
    """Copy ``size`` bytes of fd_in at ``offset`` to fd_out: copy_file_range (in the kernel), else pread/write."""
    pos, end = offset, offset + size
    try:
        while pos < end:
            got = os.copy_file_range(fd_in, fd_out, end - pos, pos)
            if got <= 0:
                raise BundleCorrupt("archive member ends early: the archive is truncated")
            pos += got
        return
    except OSError:
        if pos != offset:
            raise
    buf = _buffer()
    while pos < end:
        got = os.preadv(fd_in, [buf[: min(len(buf), end - pos)]], pos)
        if got <= 0:
            raise BundleCorrupt("archive member ends early: the archive is truncated")
        out = buf[:got]
        while out:
            out = out[os.write(fd_out, out) :]
        pos += got


def copy_verified(fd_in: int, offset: int, size: int, fd_out: int | None, hexa: str, what: str, pool=None) -> None:
    """Copy ``size`` bytes of fd_in at ``offset`` to fd_out (None: only verify), checking their sha256.

    With a ``pool`` the hash is computed in one of its threads while this thread copies (hashlib, pread and
    copy_file_range all release the GIL), so on two cores the check costs little more than the copy. The caller
    uses the copy only when this returns.
    """
    if fd_out is None or pool is None:
        got = hash_range(fd_in, offset, size, what)
        if fd_out is not None:
            copy_range(fd_in, offset, size, fd_out)
    else:
        pending = pool.submit(hash_range, fd_in, offset, size, what)
        try:
            copy_range(fd_in, offset, size, fd_out)
        finally:
            got = pending.result()
    if got != hexa:
        raise BundleCorrupt("%s is corrupt: its sha256 is %s, expected %s" % (what, got, hexa))


# --------------------------------------------------------------------------------------------------------------
# Export


@dataclass
class ExportReport:
    path: str
    changed: bool = False
    images: list[dict] = field(default_factory=list)
    blobs: int = 0
    blob_bytes: int = 0
    archive_bytes: int = 0
    registry_image: dict | None = None
    seconds: float = 0.0
    msg: str = ""

    def summary(self) -> dict:
        return {
            "images": len(self.images),
            "blobs": self.blobs,
            "blob_bytes": self.blob_bytes,
            "archive_bytes": self.archive_bytes,
            "seconds": round(self.seconds, 3),
        }


def plan_export(source, specs, workers: int = 8) -> tuple[dict, dict[str, bytes], dict[str, object]]:
    """Resolve every image through ``source`` (the mirror's byte-level source interface).

    Returns (index without registry_image, manifest bytes by digest, the source ref to fetch each blob with).
    Raises BundleError listing every image that failed.
    """
    manifests: dict[str, bytes] = {}
    blob_refs: dict[str, object] = {}
    sizes: dict[str, int] = {}
    lock = threading.Lock()

    def resolve(spec):
        ref = spec.src
        head = source.head_manifest(ref)
        if head is None:
            raise NotFound("%s not found at the source registry" % ref, 404)
        body, media_type, digest = source.get_manifest(ref, head["digest"])
        if ref.digest and digest != ref.digest:
            raise DigestMismatch("source answered %s for %s" % (digest, ref))
        found = [(digest, body)]
        blobs: dict[str, dict] = {}
        if is_index(media_type):
            for child in manifest_children(body):
                cbody, ctype, cdigest = source.get_manifest(ref, child["digest"])
                if is_index(ctype):
                    raise ManifestError("%s: nested index %s is not supported" % (ref, cdigest))
                found.append((cdigest, cbody))
                for desc in manifest_blobs(cbody):
                    blobs.setdefault(desc["digest"], desc)
        else:
            for desc in manifest_blobs(body):
                blobs.setdefault(desc["digest"], desc)
        for desc in blobs.values():
            digest_hex(desc["digest"])
            if not isinstance(desc.get("size"), int) or desc["size"] < 0:
                raise ManifestError("%s: blob %s has no size in its manifest" % (ref, desc["digest"]))
        tag = None if spec.dest_reference.startswith("sha256:") else spec.dest_reference
        entry = {
            "repository": spec.dest_repo,
            "tag": tag,
            "digest": digest,
            "media_type": media_type,
            "manifests": [pair[0] for pair in found],
            "blobs": list(blobs),
            "source": str(ref),
        }
        with lock:
            for d, b in found:
                manifests[d] = b
                sizes[d] = len(b)
            for d, desc in blobs.items():
                if sizes.setdefault(d, desc["size"]) != desc["size"]:
                    raise ManifestError("blob %s is listed with two different sizes" % d)
                blob_refs.setdefault(d, ref)
        return entry

    errors, entries = [], []
    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="kp-bundle") as pool:
        futures = [(spec, pool.submit(resolve, spec)) for spec in specs]
        for spec, future in futures:
            try:
                entries.append(future.result())
            except (RegistryError, ManifestError, BundleError, OSError, http.client.HTTPException, ValueError) as exc:
                errors.append("%s (%s)" % (spec.text, exc))
    if errors:
        raise BundleError("%d of %d images could not be resolved: %s" % (len(errors), len(specs), "; ".join(errors)))
    seen = set()
    for entry in entries:
        key = (entry["repository"], entry["tag"] or entry["digest"])
        if key in seen:
            raise BundleError("image %s:%s is requested twice" % key)
        seen.add(key)
    index = {"format": FORMAT, "images": entries, "blobs": dict(sorted(sizes.items())), "registry_image": None}
    return validate_index(index), manifests, blob_refs


def _same_content(a: dict, b: dict) -> bool:
    def strip(index):
        doc = dict(index)
        reg = doc.get("registry_image")
        doc["registry_image"] = {"name": reg.get("name"), "id": reg.get("id")} if reg else None
        doc["images"] = [{k: v for k, v in img.items() if k != "source"} for img in doc["images"]]
        return doc

    return strip(a) == strip(b)


def existing_index(path: str) -> dict | None:
    """The index of a complete, structurally sound bundle at ``path``; None when absent or unusable."""
    if not os.path.exists(path):
        return None
    try:
        with BundleReader(path) as reader:
            reader.scan()
            return reader.index
    except BundleError:
        return None


class _TarSource:
    """A file object for tarfile.addfile that reads a blob stream, refusing a wrong length or digest."""

    def __init__(self, stream, digest: str, size: int, what: str):
        self._stream = stream
        self._hasher = hashlib.sha256()
        self._digest = digest
        self._left = size
        self._what = what

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        # tarfile wants exactly ``size`` bytes per call (short reads are "unexpected end of data").
        parts = []
        want = min(size, self._left)
        while want > 0:
            data = self._stream.read(want)
            if not data:
                raise DigestMismatch("%s ended %d bytes early" % (self._what, self._left))
            parts.append(data)
            want -= len(data)
            self._left -= len(data)
            self._hasher.update(data)
        data = b"".join(parts)
        if self._left == 0:
            if self._stream.read(1):
                raise DigestMismatch("%s is longer than its manifest says" % self._what)
            if "sha256:" + self._hasher.hexdigest() != self._digest:
                raise DigestMismatch("%s arrived with digest sha256:%s" % (self._what, self._hasher.hexdigest()))
        return data


def _tarinfo(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def write_bundle(
    path: str,
    index: dict,
    manifests: dict[str, bytes],
    open_blob,
    registry_image_file: str | None = None,
) -> int:
    """Write the archive to ``path`` (through ``path.part`` and a rename). ``open_blob(digest)`` streams a blob.

    Returns the archive's size. The registry image file (``docker save`` output) must already be hashed into
    ``index['registry_image']``.
    """
    files = tree_files(index)
    sums = []
    if index.get("registry_image"):
        sums.append((IMAGE_MEMBER, index["registry_image"]["sha256"]))
    for tf in files:
        sums.append(
            (tf.member, digest_hex(tf.digest) if tf.kind == KIND_BLOB else hashlib.sha256(tf.content).hexdigest())
        )
    index_bytes = dump_json(index)
    sums_bytes = render_sums(sums)
    mtime = int(time.time())
    tmp = path + ".part"
    members = 0
    try:
        with open(tmp, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            tar.copybufsize = CHUNK_SIZE
            for name, data in ((INDEX_MEMBER, index_bytes), (SUMS_MEMBER, sums_bytes)):
                tar.addfile(_tarinfo(name, len(data), mtime), _BytesReader(data))
                members += 1
            if index.get("registry_image"):
                with open(registry_image_file, "rb") as img:
                    tar.addfile(_tarinfo(IMAGE_MEMBER, index["registry_image"]["size"], mtime), img)
                members += 1
            for tf in files:
                info = _tarinfo(tf.member, tf.size, mtime)
                if tf.kind == KIND_BLOB:
                    if tf.digest in manifests:
                        tar.addfile(info, _BytesReader(manifests[tf.digest]))
                    else:
                        stream = open_blob(tf.digest)
                        try:
                            tar.addfile(info, _TarSource(stream, tf.digest, tf.size, "blob %s" % tf.digest))
                        except BaseException:
                            stream.close(broken=True)
                            raise
                        stream.close()
                else:
                    tar.addfile(info, _BytesReader(tf.content))
                members += 1
            trailer = make_trailer(index_bytes, sums_bytes, index, members)
            data = dump_json(trailer)
            tar.addfile(_tarinfo(TRAILER_MEMBER, len(data), mtime), _BytesReader(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return os.path.getsize(path)


class _BytesReader:
    def __init__(self, data: bytes):
        self._data = memoryview(data)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = len(self._data) - self._pos
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return bytes(chunk)


def save_registry_image(engine: DockerEngine, name: str, directory: str) -> tuple[str, dict]:
    """``docker save`` the registry image into a temp file in ``directory``; return (file, index entry)."""
    image_id = engine.image_id(name)
    if image_id is None:
        raise BundleError(
            "the registry image %s is not in the local Docker engine: pull or load it, or set "
            "include_registry_image=false" % name
        )
    tmp = os.path.join(directory, ".kollaprep-registry-image-%d.tar" % os.getpid())
    hasher = hashlib.sha256()

    class _Out:
        def __init__(self, f):
            self.f = f

        def write(self, data):
            hasher.update(data)
            self.f.write(data)

    with open(tmp, "wb") as out:
        engine.save(name, _Out(out))
    return tmp, {"name": name, "id": image_id, "size": os.path.getsize(tmp), "sha256": hasher.hexdigest()}


def export_bundle(
    path: str,
    specs,
    source,
    *,
    include_registry_image: bool = True,
    registry_image: str = "registry:2",
    engine: DockerEngine | None = None,
    workers: int = 8,
    check_mode: bool = False,
) -> ExportReport:
    """Resolve, compare with an existing archive at ``path`` (same content: nothing to do), write."""
    start = time.monotonic()
    report = ExportReport(path=path)
    index, manifests, blob_refs = plan_export(source, specs, workers)
    image_file = None
    if include_registry_image:
        engine = engine or DockerEngine()
        image_id = engine.image_id(registry_image)
        if image_id is None:
            raise BundleError(
                "the registry image %s is not in the local Docker engine: pull or load it, or set "
                "include_registry_image=false" % registry_image
            )
        index["registry_image"] = {"name": registry_image, "id": image_id}
    report.images = [
        {k: img[k] for k in ("repository", "tag", "digest", "media_type", "source")} for img in index["images"]
    ]
    report.blobs = len(index["blobs"])
    report.blob_bytes = sum(index["blobs"].values())
    report.registry_image = index["registry_image"]
    old = existing_index(path)
    if old is not None and _same_content(old, index):
        report.archive_bytes = os.path.getsize(path)
        report.msg = "the archive already holds this image set"
        report.seconds = time.monotonic() - start
        return report
    report.changed = True
    if check_mode:
        report.msg = "would write the archive" if old is None else "would rewrite the archive (content differs)"
        report.seconds = time.monotonic() - start
        return report
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise BundleError("the directory of %s does not exist" % path)
    try:
        if include_registry_image:
            image_file, entry = save_registry_image(engine, registry_image, directory)
            index["registry_image"] = entry
            report.registry_image = entry

        def open_blob(digest):
            return source.open_blob(blob_refs[digest], digest)

        report.archive_bytes = write_bundle(path, index, manifests, open_blob, image_file)
    finally:
        if image_file:
            try:
                os.unlink(image_file)
            except OSError:
                pass
    report.msg = "archive written"
    report.seconds = time.monotonic() - start
    return report


# --------------------------------------------------------------------------------------------------------------
# Import / verify


@dataclass
class ImportReport:
    path: str
    data_dir: str | None = None
    changed: bool = False
    images: list[dict] = field(default_factory=list)
    files_placed: int = 0
    files_present: int = 0
    bytes_placed: int = 0
    bytes_verified: int = 0
    tags_changed: list[dict] = field(default_factory=list)
    staging_reused: int = 0
    registry_image_loaded: bool = False
    registry_image: dict | None = None
    served: dict | None = None
    seconds: float = 0.0
    msg: str = ""

    def summary(self) -> dict:
        return {
            "images": len(self.images),
            "files_placed": self.files_placed,
            "files_present": self.files_present,
            "bytes_placed": self.bytes_placed,
            "bytes_verified": self.bytes_verified,
            "tags_changed": len(self.tags_changed),
            "staging_reused": self.staging_reused,
            "registry_image_loaded": self.registry_image_loaded,
            "seconds": round(self.seconds, 3),
        }


def _read_small(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read(4096)
    except FileNotFoundError:
        return None


def _image_list(index: dict) -> list[dict]:
    return [{k: img.get(k) for k in ("repository", "tag", "digest", "media_type")} for img in index["images"]]


def verify_bundle(path: str) -> ImportReport:
    """Read the whole archive: structure, trailer, every member's sha256. Raises BundleCorrupt."""
    start = time.monotonic()
    report = ImportReport(path=path)
    with BundleReader(path) as reader, ThreadPoolExecutor(1) as pool:
        while True:
            member = reader.next_member()
            if member is None:
                break
            copy_verified(reader.fd, member.offset, member.size, None, reader.sums[member.name], member.name, pool)
            report.bytes_verified += member.size
        report.images = _image_list(reader.index)
        report.registry_image = reader.index.get("registry_image")
    report.seconds = time.monotonic() - start
    return report


class Importer:
    """Lay a bundle down in a registry data dir (see the module docstring for the guarantees)."""

    def __init__(
        self,
        path: str,
        data_dir: str,
        *,
        check_mode: bool = False,
        engine: DockerEngine | None = None,
        load_registry_image: bool = True,
        registry_image: str | None = None,
        hook=None,
    ):
        self.path = path
        self.data_dir = os.path.abspath(data_dir)
        self.check_mode = check_mode
        self.engine = engine
        self.load_registry_image = load_registry_image
        self.registry_image = registry_image
        self.hook = hook  # called with ("stage" | "place", name) before each file is staged / placed
        self.report = ImportReport(path=path, data_dir=self.data_dir)

    # -- helpers
    def _final(self, rel: str) -> str:
        return os.path.join(self.data_dir, rel)

    def _owner(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.data_dir)
        except FileNotFoundError:
            return None
        if os.geteuid() != 0 or (st.st_uid, st.st_gid) == (0, 0):
            return None
        return st.st_uid, st.st_gid

    def _check_space(self, needed: int) -> None:
        probe = self.data_dir
        while not os.path.exists(probe):
            probe = os.path.dirname(probe)
        free = shutil.disk_usage(probe).free
        if needed > free:
            raise BundleError(
                "not enough space for the bundle in %s: %d MB needed, %d MB free"
                % (self.data_dir, needed >> 20, free >> 20)
            )

    def run(self) -> ImportReport:
        start = time.monotonic()
        report = self.report
        staging_root = os.path.join(self.data_dir, STAGING_DIR)
        with BundleReader(self.path) as reader:
            report.images = _image_list(reader.index)
            reg = reader.index.get("registry_image")
            report.registry_image = reg
            staging = os.path.join(staging_root, reader.bundle_id)
            want_image = bool(reg) and self.load_registry_image
            if want_image:
                self.engine = self.engine or DockerEngine()
                names = sorted({reg["name"], self.registry_image or reg["name"]})
                have = {n: self.engine.image_id(n) for n in names}
                want_image = any(v != reg["id"] for v in have.values())
            files = {tf.member: tf for tf in tree_files(reader.index)}
            # What is there already.
            todo: dict[str, TreeFile] = {}
            for name, tf in files.items():
                final = self._final(tf.path)
                if tf.kind == KIND_BLOB:
                    try:
                        st = os.stat(final)
                    except FileNotFoundError:
                        todo[name] = tf
                        continue
                    if st.st_size != tf.size:
                        raise BundleError(
                            "the data dir holds blob %s with %d bytes, the bundle says %d: that blob is damaged; move "
                            "%s away and run again" % (tf.digest, st.st_size, tf.size, final)
                        )
                else:
                    current = _read_small(final)
                    if current is None:
                        todo[name] = tf
                    elif current.strip() != tf.content:
                        if tf.kind != KIND_TAG_LINK:
                            raise BundleError(
                                "the data dir's %s holds %r, the bundle says %s: the data dir is damaged"
                                % (final, current[:80], tf.digest)
                            )
                        todo[name] = tf
                        report.tags_changed.append(
                            {"link": tf.path, "before": current.decode("ascii", "replace").strip(), "after": tf.digest}
                        )
            report.files_present = len(files) - len(todo)
            if not self.check_mode:
                self._check_space(sum(tf.size for tf in todo.values()) + (reg["size"] if want_image else 0))
                if os.path.isdir(staging_root):
                    for entry in os.listdir(staging_root):
                        if entry != reader.bundle_id:
                            shutil.rmtree(os.path.join(staging_root, entry), ignore_errors=True)
                os.makedirs(staging, exist_ok=True)
            try:
                with ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="kp-hash") as pool:
                    self._stage(reader, staging, todo, want_image, pool)
            except BundleError:
                if not self.check_mode:
                    # A damaged archive: nothing was moved; remove what was staged from it. (An interrupted run
                    # keeps its staging: everything in it is verified and the next run reuses it.)
                    shutil.rmtree(staging, ignore_errors=True)
                    _rmdir_quiet(staging_root)
                raise
            if self.check_mode:
                report.changed = bool(todo) or want_image
                report.files_placed = len(todo)
                report.bytes_placed = sum(tf.size for tf in todo.values())
                report.registry_image_loaded = want_image
                report.msg = "verified; would place %d files%s" % (
                    len(todo),
                    " and load the registry image" if want_image else "",
                )
            else:
                self._place(staging, todo)
                if want_image:
                    image_file = os.path.join(staging, IMAGE_MEMBER)
                    with open(image_file, "rb") as f:
                        self.report.msg = self.engine.load(f, os.path.getsize(image_file))
                    for name in sorted({reg["name"], self.registry_image or reg["name"]}):
                        if self.engine.image_id(name) != reg["id"]:
                            self.engine.tag(reg["id"], name)
                    report.registry_image_loaded = True
                shutil.rmtree(staging, ignore_errors=True)
                _rmdir_quiet(staging_root)
                report.changed = report.files_placed > 0 or report.registry_image_loaded
        report.seconds = time.monotonic() - start
        return report

    def _stage(self, reader: BundleReader, staging: str, todo: dict, want_image: bool, pool) -> None:
        """Copy the members to lay down into staging; a file gets its final staging name once its hash matched.

        Big members are hashed in ``pool`` while this thread copies the next ones (a window of HASH_WINDOW), so
        verification runs on the other core; small ones are checked inline.
        """
        report = self.report
        pending: deque = deque()

        def settle(limit: int) -> None:
            while len(pending) > limit:
                future, name, part, dest, size = pending.popleft()
                got = future.result()
                if got != reader.sums[name]:
                    raise BundleCorrupt("%s is corrupt: its sha256 is %s, expected %s" % (name, got, reader.sums[name]))
                if part is not None:
                    os.rename(part, dest)
                report.bytes_verified += size

        try:
            while True:
                member = reader.next_member()
                if member is None:
                    break
                name = member.name
                if name == IMAGE_MEMBER:
                    if not want_image:
                        continue
                    dest = os.path.join(staging, IMAGE_MEMBER)
                elif name in todo:
                    dest = os.path.join(staging, _staged_name(todo[name]))
                else:
                    continue  # already in the data dir
                if not self.check_mode and os.path.exists(dest):
                    # Staged and verified by an interrupted run (staged files get their name only once verified).
                    report.staging_reused += 1
                    continue
                if member.size < SMALL_MEMBER:
                    data = os.pread(reader.fd, member.size, member.offset)
                    if len(data) != member.size or hashlib.sha256(data).hexdigest() != reader.sums[name]:
                        raise BundleCorrupt("%s is corrupt: it does not match SHA256SUMS" % name)
                    report.bytes_verified += member.size
                    if not self.check_mode:
                        if self.hook:
                            self.hook("stage", name)
                        _write_file(dest + ".part", data)
                        os.rename(dest + ".part", dest)
                    continue
                future = pool.submit(hash_range, reader.fd, member.offset, member.size, name)
                part = None
                if not self.check_mode:
                    if self.hook:
                        self.hook("stage", name)
                    part = dest + ".part"
                    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    try:
                        copy_range(reader.fd, member.offset, member.size, fd)
                    finally:
                        os.close(fd)
                pending.append((future, name, part, dest, member.size))
                settle(HASH_WINDOW)
            settle(0)
        finally:
            for entry in pending:
                entry[0].cancel()
            for entry in pending:
                if not entry[0].cancelled():
                    entry[0].exception()

    def _place(self, staging: str, todo: dict) -> None:
        report = self.report
        owner = self._owner()
        made: set[str] = set()
        for kind in PLACE_ORDER:
            for tf in todo.values():
                if tf.kind != kind:
                    continue
                if self.hook:
                    self.hook("place", tf.path)
                src = os.path.join(staging, _staged_name(tf))
                final = self._final(tf.path)
                parent = os.path.dirname(final)
                if parent not in made:
                    _makedirs(parent, self.data_dir, owner)
                    made.add(parent)
                if not os.path.exists(src):
                    # Moved by an interrupted run already.
                    if tf.kind == KIND_BLOB and os.path.exists(final):
                        continue
                    raise BundleError("staged file %s vanished; run the import again" % src)
                if owner:
                    os.chown(src, *owner)
                try:
                    os.link(src, final)
                except FileExistsError:
                    if tf.kind == KIND_TAG_LINK:
                        os.replace(src, final)
                        report.files_placed += 1
                        continue
                    # Identical content already there (an interrupted run, or the registry wrote it meanwhile).
                    os.unlink(src)
                    continue
                os.unlink(src)
                report.files_placed += 1
                report.bytes_placed += tf.size


def _write_file(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _staged_name(tf: TreeFile) -> str:
    """Staging is flat (no directory tree to make and remove): blobs by digest, links by a hash of their path."""
    if tf.kind == KIND_BLOB:
        return "blob-" + digest_hex(tf.digest)
    return "link-" + hashlib.sha256(tf.path.encode()).hexdigest()


def _makedirs(path: str, root: str, owner) -> None:
    missing = []
    probe = path
    while not os.path.isdir(probe) and probe not in ("/", ""):
        missing.append(probe)
        probe = os.path.dirname(probe)
    for directory in reversed(missing):
        try:
            os.mkdir(directory, 0o755)
        except FileExistsError:
            continue
        if owner and directory.startswith(root):
            os.chown(directory, *owner)


def _rmdir_quiet(path: str) -> None:
    try:
        os.rmdir(path)
    except OSError:
        pass


def check_served(client, images: list[dict]) -> dict:
    """HEAD every image's manifest at a running registry: {'ok': n, 'missing': [...], 'wrong': [...]}."""
    missing, wrong = [], []
    for img in images:
        reference = img.get("tag") or img["digest"]
        head = client.head_manifest(img["repository"], reference)
        name = "%s%s%s" % (img["repository"], ":" if img.get("tag") else "@", reference)
        if head is None:
            missing.append(name)
        elif head["digest"] != img["digest"]:
            wrong.append({"image": name, "served": head["digest"], "expected": img["digest"]})
    return {"registry": client.host, "ok": len(images) - len(missing) - len(wrong), "missing": missing, "wrong": wrong}


# --------------------------------------------------------------------------------------------------------------
# The mirror's archive source


class ArchiveSource:
    """A bundle as a source for the mirror (same shape as ``_mirror.RegistrySource``: byte level).

    ``image_mirror`` with ``source=archive`` copies from a bundle into a RUNNING registry through its API. The
    archive's structure and trailer are checked on open; every blob's digest is checked as it is read (and again
    by the mirror). Thread safe: members are read with os.pread.
    """

    kind = "archive"
    byte_level = True

    def __init__(self, path: str):
        self._reader = BundleReader(path)
        try:
            self._reader.scan()
        except BaseException:
            self._reader.close()
            raise
        self.index = self._reader.index
        self._tags: dict[tuple[str, str], dict] = {}
        self._repo_manifests: dict[str, set[str]] = {}
        self._media: dict[str, str] = {}
        for img in self.index["images"]:
            if img.get("tag"):
                self._tags[(img["repository"], img["tag"])] = img
            self._repo_manifests.setdefault(img["repository"], set()).update(img["manifests"])
            self._media[img["digest"]] = img["media_type"]

    def _member(self, digest: str) -> str:
        name = DATA_PREFIX + blob_path(digest)
        if name not in self._reader.members:
            raise NotFound("blob %s is not in the bundle %s" % (digest, self._reader.path), 404)
        return name

    def head_manifest(self, ref) -> dict | None:
        reference = ref.digest or ref.tag
        if reference and reference.startswith("sha256:"):
            if reference not in self._repo_manifests.get(ref.repository, ()):
                return None
            digest = reference
        else:
            img = self._tags.get((ref.repository, reference))
            if img is None:
                return None
            digest = img["digest"]
        body, media_type, _digest = self.get_manifest(ref, digest)
        return {"digest": digest, "media_type": media_type, "size": len(body)}

    def get_manifest(self, ref, reference: str) -> tuple[bytes, str, str]:
        if not reference.startswith("sha256:"):
            img = self._tags.get((ref.repository, reference))
            if img is None:
                raise NotFound("%s:%s is not in the bundle %s" % (ref.repository, reference, self._reader.path), 404)
            reference = img["digest"]
        if reference not in self._repo_manifests.get(ref.repository, ()):
            raise NotFound("manifest %s@%s is not in the bundle" % (ref.repository, reference), 404)
        member = self._reader.members[self._member(reference)]
        body = os.pread(self._reader.fd, member.size, member.offset)
        digest = sha256_digest(body)
        if digest != reference:
            raise DigestMismatch("bundle manifest %s has digest %s: the archive is corrupt" % (reference, digest))
        return body, detect_media_type(body, self._media.get(reference)), digest

    def open_blob(self, ref, digest: str):
        return self._reader.member_reader(self._member(digest), verify=True)

    def list_repositories(self, namespace: str) -> list[str]:
        prefix = namespace.strip("/") + "/" if namespace else ""
        return sorted({img["repository"] for img in self.index["images"] if img["repository"].startswith(prefix)})

    def close(self) -> None:
        self._reader.close()
