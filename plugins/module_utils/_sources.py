# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The copy engine's sources (``_interfaces.Source``): a registry, an offline bundle, the local Docker engine."""

from __future__ import annotations

import os
import threading

from ansible_collections.kollaprep.registry.plugins.module_utils._bundle_format import DATA_PREFIX, BundleReader
from ansible_collections.kollaprep.registry.plugins.module_utils._engine import DockerEngine, EngineError
from ansible_collections.kollaprep.registry.plugins.module_utils._image_ref import ImageRef
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import (
    DigestMismatch,
    NotFound,
    RegistryClient,
    RegistryError,
    detect_media_type,
    sha256_digest,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._storage_tree import blob_path


class RegistrySource:
    """A registry; one client per host (references may name other hosts; they all get the src_* settings)."""

    kind = "registry"
    byte_level = True

    def __init__(self, host: str, **client_options):
        self.host = host
        self._options = client_options
        self._clients: dict[str, RegistryClient] = {}
        self._lock = threading.Lock()
        self.client(host)

    def client(self, host: str | None = None) -> RegistryClient:
        host = host or self.host
        with self._lock:
            client = self._clients.get(host)
            if client is None:
                client = self._clients[host] = RegistryClient(host, side="src", **self._options)
            return client

    def _for(self, ref: ImageRef) -> RegistryClient:
        return self.client(ref.api_host)

    def head_manifest(self, ref):
        return self._for(ref).head_manifest(ref.repository, ref.reference)

    def get_manifest(self, ref, reference):
        return self._for(ref).get_manifest(ref.repository, reference)

    def open_blob(self, ref, digest):
        return self._for(ref).open_blob(ref.repository, digest)

    def list_repositories(self, namespace):
        prefix = namespace.strip("/") + "/" if namespace else ""
        return sorted(r for r in self.client().catalog() if r.startswith(prefix))

    def probe(self) -> None:
        self.client().ping()

    def why_missing(self, ref) -> str:
        return self._for(ref).why_missing(ref.repository, ref.reference)

    def close(self):
        for client in self._clients.values():
            client.close()


class EngineSource:
    """Images present in the local Docker engine (kolla-build output), pushed by the engine itself: not byte level
    (the engine rebuilds the manifest, so the digest is the engine's, not the build's image ID)."""

    kind = "engine"
    byte_level = False

    def __init__(self, docker_host: str | None = None, timeout: float = 600.0):
        self.engine = DockerEngine(docker_host, timeout)
        try:
            self.engine.ping()
        except EngineError as exc:
            raise RegistryError("cannot talk to the local Docker engine: %s" % exc) from exc

    def push(self, local_name: str, dest, repo: str, reference: str, check_mode: bool) -> dict:
        """Push ``local_name`` to ``dest`` (a RegistryDestination) as ``repo:reference``. Returns the outcome:
        {'status': skipped | would_copy | copied, 'source_digest', 'before_digest', 'destination_digest'}."""
        attrs = self.engine.inspect(local_name)
        if attrs is None:
            raise NotFound("image %s is not present in the local Docker engine" % local_name, 404)
        client = getattr(dest, "client", None)
        if client is None:
            raise RegistryError("source=engine pushes to a registry only, not to %s" % dest.host)
        outcome = {"source_digest": attrs["Id"], "before_digest": None, "destination_digest": None}
        dest_name = "%s/%s" % (client.host, repo)
        head = dest.head_manifest(repo, reference)
        outcome["before_digest"] = head["digest"] if head else None
        known = {rd.split("@", 1)[1] for rd in attrs.get("RepoDigests") or [] if rd.startswith(dest_name + "@")}
        if head and head["digest"] in known:
            return dict(outcome, status="skipped", destination_digest=head["digest"])
        if check_mode:
            return dict(outcome, status="would_copy")
        try:
            self.engine.tag(attrs["Id"], dest_name, reference)
            pushed = self.engine.push(dest_name, reference, client.username, client.password)
        except EngineError as exc:
            raise RegistryError("engine push of %s:%s failed: %s" % (dest_name, reference, exc)) from exc
        return dict(outcome, status="copied", destination_digest=pushed)

    def head_manifest(self, ref):  # pragma: no cover - not byte level
        raise NotImplementedError

    def get_manifest(self, ref, reference):  # pragma: no cover - not byte level
        raise NotImplementedError

    def open_blob(self, ref, digest):  # pragma: no cover - not byte level
        raise NotImplementedError

    def list_repositories(self, namespace):
        raise RegistryError("the engine source cannot list repositories: name the images")

    def probe(self) -> None:
        pass  # the engine answered when the source was made

    def why_missing(self, ref) -> str:  # pragma: no cover - not byte level
        return "%s is not in the local Docker engine" % ref

    def close(self) -> None:
        pass


class ArchiveSource:
    """A bundle as a source for the mirror (byte level, like RegistrySource).

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

    def probe(self) -> None:
        pass  # read and checked when opened

    def why_missing(self, ref) -> str:
        tags = sorted(tag for repo, tag in self._tags if repo == ref.repository)
        if not tags and ref.repository not in self._repo_manifests:
            return "repository %s is not in the bundle %s" % (ref.repository, self._reader.path)
        return "the bundle %s has no %s in %s (it has: %s)" % (
            self._reader.path,
            ref.reference,
            ref.repository,
            ", ".join(tags) or "digests only",
        )

    def close(self) -> None:
        self._reader.close()
