# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The offline bundle format: a registry's data for a chosen image set, plus the registry image, in ONE tar archive.

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

Export is a mirror run into ``_destinations.ArchiveDestination`` (which calls ``write_bundle``); import and verify
are in ``_bundle_import``; ``_sources.ArchiveSource`` reads a bundle as a mirror source. This file holds the format:
its members and their order, the index, SHA256SUMS and the trailer, reading (``BundleReader``, range I/O with
os.pread / copy_file_range) and writing (``write_bundle``). Stdlib only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import threading
import time
from dataclasses import dataclass

from ansible_collections.kollaprep.registry.plugins.module_utils._files import removed_on_error
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import CHUNK_SIZE, DigestMismatch
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


def image_list(index: dict) -> list[dict]:
    """The images of an index as the modules report them: repository, tag, digest, media type."""
    return [{k: img.get(k) for k in ("repository", "tag", "digest", "media_type")} for img in index["images"]]


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


def verify_range(fd: int, offset: int, size: int, hexa: str, what: str) -> None:
    """Check that ``size`` bytes of ``fd`` at ``offset`` have the sha256 ``hexa``; raise BundleCorrupt naming it."""
    got = hash_range(fd, offset, size, what)
    if got != hexa:
        raise BundleCorrupt("%s is corrupt: its sha256 is %s, expected %s" % (what, got, hexa))


def _same_content(a: dict, b: dict) -> bool:
    """Two indexes describe the same archive: the registry image by name and ID (a new ``docker save`` hashes
    differently), images without ``source`` (bundles written before exports became mirror runs recorded it)."""

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
    with removed_on_error(tmp):
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
