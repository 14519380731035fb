# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The copy engine's destinations (``_interfaces.Destination``): a registry, and an offline bundle being written.

``ArchiveDestination`` takes the engine's manifests and the way to open each blob, and writes the archive at
``commit()`` in the bundle's order (index first, trailer last), opening each blob from the source only then: an export
is a mirror run into it (``export_bundle``). An image the existing archive at the same path holds with the same digest
is kept from that archive (``note_present``), so an export of an unchanged set rewrites nothing.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, field

from ansible_collections.kollaprep.registry.plugins.module_utils._bundle_format import (
    FORMAT,
    BundleError,
    _same_content,
    image_list,
    validate_index,
    write_bundle,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._engine import DockerEngine, EngineError
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import (
    ManifestError,
    NotFound,
    RegistryClient,
    image_parts,
    is_index,
    manifest_children,
    sha256_digest,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._sources import ArchiveSource
from ansible_collections.kollaprep.registry.plugins.module_utils._storage_tree import digest_hex


class RegistryDestination:
    """A registry's HTTP API, through one RegistryClient (side "dest")."""

    def __init__(self, client: RegistryClient):
        self.client = client
        self.host = client.host

    def head_manifest(self, repo, reference):
        return self.client.head_manifest(repo, reference)

    def note_present(self, repo, reference, digest):
        pass

    def blob_size(self, repo, digest):
        return self.client.head_blob(repo, digest)

    def place_blob(self, repo, desc, open_blob, mount_from):
        digest = desc["digest"]
        location = self.client.start_upload(repo, mount=digest if mount_from else None, mount_from=mount_from)
        if location is None:
            return "mounted", 0
        stream = open_blob()  # a refused mount already opened the upload session it falls back to
        try:
            self.client.finish_upload(repo, location, digest, iter(stream), stream.length)
        except BaseException:
            stream.close(broken=True)
            raise
        return "uploaded", stream.moved

    def put_manifest(self, repo, reference, body, media_type):
        return self.client.put_manifest(repo, reference, body, media_type)

    def catalog(self):
        return self.client.catalog()

    def get_manifest(self, repo, reference):
        return self.client.get_manifest(repo, reference)

    def probe(self):
        self.client.ping()

    def close(self):
        self.client.close()


# --------------------------------------------------------------------------------------------------------------
# Export: an offline bundle as a destination


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


def _open_existing(path: str):
    """The archive already at ``path`` as a source, when it is a complete bundle; None otherwise."""
    if not os.path.exists(path):
        return None
    try:
        return ArchiveSource(path)
    except (BundleError, OSError):
        return None


class ArchiveDestination:
    """An offline bundle at ``path``, written by ``commit()`` through ``path.part`` and a rename."""

    def __init__(self, path: str, *, registry_image: str | None = None, engine: DockerEngine | None = None):
        self.path = path
        self.host = path
        self.registry_image = registry_image
        self.engine = engine
        self._old = _open_existing(path)
        self._lock = threading.Lock()
        self._manifests: dict[str, tuple[bytes, str]] = {}  # digest -> (bytes, media type)
        self._tops: dict[tuple[str, str], str] = {}  # (repo, tag or digest) -> digest, as put
        self._blobs: dict[str, tuple[int, object]] = {}  # digest -> (size, opener)

    # -- what the archive at this path holds already
    def head_manifest(self, repo, reference):
        if self._old is None:
            return None
        return self._old.head_manifest(_Ref(repo, reference))

    def note_present(self, repo, reference, digest):
        """Keep the image as the existing archive holds it: its manifests and blobs come from that archive."""
        old = self._old
        body, media_type, _digest = old.get_manifest(_Ref(repo, digest), digest)
        parts, blobs = image_parts(body, media_type, lambda d: old.get_manifest(_Ref(repo, d), d))
        with self._lock:
            self._manifests[digest] = (body, media_type)
            for child_digest, child_body, child_type in parts:
                self._manifests[child_digest] = (child_body, child_type)
            self._tops[(repo, reference)] = digest
            for desc in blobs:
                self._blobs.setdefault(desc["digest"], (desc["size"], _old_opener(old, desc["digest"])))

    # -- the copy engine's calls
    def blob_size(self, repo, digest):
        with self._lock:
            known = self._blobs.get(digest)
        return known[0] if known else None

    def place_blob(self, repo, desc, open_blob, mount_from):
        digest_hex(desc["digest"])
        if not isinstance(desc.get("size"), int) or desc["size"] < 0:
            raise ManifestError("blob %s has no size in its manifest" % desc["digest"])
        with self._lock:
            known = self._blobs.setdefault(desc["digest"], (desc["size"], open_blob))
        if known[0] != desc["size"]:
            raise ManifestError("blob %s is listed with two different sizes" % desc["digest"])
        return ("mounted" if mount_from else "uploaded"), 0  # the bytes move at commit()

    def put_manifest(self, repo, reference, body, media_type):
        digest = sha256_digest(body)
        with self._lock:
            self._manifests[digest] = (bytes(body), media_type)
            self._tops[(repo, reference)] = digest  # children too: _index() keeps the images' own manifests
        return digest

    def catalog(self):
        return []

    def probe(self):
        if not os.path.isdir(os.path.dirname(os.path.abspath(self.path))):
            raise BundleError("the directory of %s does not exist" % self.path)

    def get_manifest(self, repo, reference):
        raise NotFound("an archive being written serves no manifests", 404)

    def close(self):
        if self._old is not None:
            self._old.close()

    # -- writing
    def _children(self, repo: str) -> set[str]:
        """Digests of the child manifests of the indexes put into ``repo`` (put by digest before their index)."""
        out = set()
        for (top_repo, _reference), digest in self._tops.items():
            body, media_type = self._manifests[digest]
            if top_repo == repo and is_index(media_type):
                out.update(child["digest"] for child in manifest_children(body))
        return out

    def _index(self) -> dict:
        images, sizes = [], {}
        children = {repo: self._children(repo) for repo, _reference in self._tops}
        for (repo, reference), digest in sorted(self._tops.items()):
            if reference.startswith("sha256:") and reference in children[repo]:
                continue  # a child of an index of this repository, not an image of its own
            body, media_type = self._manifests[digest]
            parts, blobs = image_parts(body, media_type, lambda d: (*self._manifests[d], d))
            for child_digest, child_body, _type in [(digest, body, media_type), *parts]:
                sizes[child_digest] = len(child_body)
            for desc in blobs:
                sizes[desc["digest"]] = desc["size"]
            images.append(
                {
                    "repository": repo,
                    "tag": None if reference.startswith("sha256:") else reference,
                    "digest": digest,
                    "media_type": media_type,
                    "manifests": [digest] + [p[0] for p in parts],
                    "blobs": [d["digest"] for d in blobs],
                }
            )
        return {"format": FORMAT, "images": images, "blobs": dict(sorted(sizes.items())), "registry_image": None}

    def commit(self, *, check_mode: bool = False, pending: bool = False) -> ExportReport:
        """Write the archive unless the one at ``path`` holds the same content already. ``pending``: the run left
        images out that it would copy (check mode), so the content differs whatever this destination saw."""
        start = time.monotonic()
        report = ExportReport(path=self.path)
        index = validate_index(self._index())
        engine = self.engine
        if self.registry_image:
            engine = engine or DockerEngine()
            image_id = engine.image_id(self.registry_image)
            if image_id is None:
                raise BundleError(
                    "the registry image %s is not in the local Docker engine: pull or load it, or set "
                    "include_registry_image=false" % self.registry_image
                )
            index["registry_image"] = {"name": self.registry_image, "id": image_id}
        report.images = image_list(index)
        report.blobs = len(index["blobs"])
        report.blob_bytes = sum(index["blobs"].values())
        report.registry_image = index["registry_image"]
        same = not pending and self._old is not None and _same_content(self._old.index, index)
        if same:
            report.archive_bytes = os.path.getsize(self.path)
            report.msg = "the archive already holds this image set"
        elif check_mode:
            report.changed = True
            report.msg = (
                "would write the archive" if self._old is None else "would rewrite the archive (content differs)"
            )
        else:
            report.changed = True
            self._write(index, engine, report)
        report.seconds = time.monotonic() - start
        return report

    def _write(self, index: dict, engine, report: ExportReport) -> None:
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(directory):
            raise BundleError("the directory of %s does not exist" % self.path)
        image_file = None
        try:
            if self.registry_image:
                image_file, entry = save_registry_image(engine, self.registry_image, directory)
                index["registry_image"] = report.registry_image = entry
            manifests = {digest: body for digest, (body, _type) in self._manifests.items()}
            report.archive_bytes = write_bundle(
                self.path, index, manifests, lambda digest: self._blobs[digest][1](), image_file
            )
        finally:
            if image_file:
                try:
                    os.unlink(image_file)
                except OSError:
                    pass
        report.msg = "archive written"


class _Ref:
    """The part of an ImageRef an archive source reads: repository and reference."""

    def __init__(self, repository: str, reference: str):
        self.repository = repository
        self.digest = reference if reference.startswith("sha256:") else None
        self.tag = None if self.digest else reference


def _old_opener(old, digest: str):
    return lambda: old.open_blob(None, digest)


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

    try:
        with open(tmp, "wb") as out:
            engine.save(name, _Out(out))
    except EngineError as exc:
        raise BundleError(str(exc)) from exc
    return tmp, {"name": name, "id": image_id, "size": os.path.getsize(tmp), "sha256": hasher.hexdigest()}
