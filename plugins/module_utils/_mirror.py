# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The copy engine: Kolla images from a source into a destination (``_interfaces``: the two interfaces).

The core behind the image_mirror module, bin/kollaprep-mirror and the offline bundle's export (a run into an
``ArchiveDestination``). Byte level, no Docker engine in the path (except the engine source, which pushes itself):

- manifests are copied byte for byte (digest preserving), every blob is streamed with bounded memory and its
  sha256 checked on the way;
- a blob already in the destination repository is not sent again (HEAD); a blob shared by several images moves
  once per run (per-digest futures); later repositories get it by cross-repo mount;
- a blob that an earlier run left in another repository of the destination is mounted from there, not uploaded:
  the first time a run has to upload anything it looks once at what the destination already holds under the
  same tags (its catalog, in the namespaces of this run, plus the images of this run found there) and maps each
  blob to a repository to mount it from (:meth:`Mirror.blob_index`);
- images and blobs are copied in parallel (two pools of ``workers`` threads: images, blobs);
- a manifest is put only after all its blobs, an index only after its child manifests, so a tag never points
  at an incomplete image; a rerun after an interruption reuses every blob that landed.

Layers: ``_image_ref`` (names) and ``_registry_client`` (HTTP, manifests) below; ``_sources`` and
``_destinations`` implement the interfaces; this file builds the image list and runs the copy.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from ansible_collections.kollaprep.registry.plugins.module_utils._bundle_format import BundleError
from ansible_collections.kollaprep.registry.plugins.module_utils._destinations import (
    ArchiveDestination,
    RegistryDestination,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._interfaces import Destination, Source
from ansible_collections.kollaprep.registry.plugins.module_utils._image_ref import (
    ImageRef,
    InvalidReference,
    parse_reference,
    validate_repository,
    validate_tag,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import (
    CHUNK_SIZE,
    AuthError,
    DigestMismatch,
    ManifestError,
    NotFound,
    RegistryClient,
    RegistryError,
    StorageFull,
    Unreachable,
    backoff_delay,
    image_parts,
    is_index,
    manifest_children,
    platform_matches,
    platform_string,
    sha256_digest,
)

STATUS_COPIED = "copied"
STATUS_SKIPPED = "skipped"
STATUS_WOULD_COPY = "would_copy"
STATUS_FAILED = "failed"

# Manifests read at most to find blobs that an earlier run left in other repositories of the destination.
INDEX_MAX_MANIFESTS = 256


class MirrorError(Exception):
    """A problem with the whole run (bad options, missing dependency), not with one image."""


@dataclass
class ImageSpec:
    """One image to copy: where it comes from and where it goes."""

    text: str
    src: ImageRef
    dest_repo: str
    dest_reference: str
    local_name: str = ""


@dataclass
class ImageResult:
    image: str
    source: str
    destination: str
    status: str = STATUS_FAILED
    source_digest: str | None = None
    destination_digest: str | None = None
    before_digest: str | None = None
    digest_preserved: bool = True
    bytes: int = 0
    blobs_uploaded: int = 0
    blobs_mounted: int = 0
    blobs_present: int = 0
    seconds: float = 0.0
    msg: str = ""

    def as_dict(self) -> dict:
        return {
            "image": self.image,
            "source": self.source,
            "destination": self.destination,
            "status": self.status,
            "source_digest": self.source_digest,
            "destination_digest": self.destination_digest,
            "digest_preserved": self.digest_preserved,
            "bytes": self.bytes,
            "blobs_uploaded": self.blobs_uploaded,
            "blobs_mounted": self.blobs_mounted,
            "blobs_present": self.blobs_present,
            "seconds": round(self.seconds, 3),
            "msg": self.msg,
        }


@dataclass
class MirrorReport:
    results: list[ImageResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[ImageResult]:
        return [r for r in self.results if r.status == STATUS_FAILED]

    @property
    def changed(self) -> bool:
        return any(r.status in (STATUS_COPIED, STATUS_WOULD_COPY) for r in self.results)

    def summary(self) -> dict:
        total_bytes = sum(r.bytes for r in self.results)
        counts = {s: 0 for s in (STATUS_COPIED, STATUS_SKIPPED, STATUS_WOULD_COPY, STATUS_FAILED)}
        for r in self.results:
            counts[r.status] += 1
        mbps = total_bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0
        return {
            "total": len(self.results),
            "copied": counts[STATUS_COPIED],
            "skipped": counts[STATUS_SKIPPED],
            "would_copy": counts[STATUS_WOULD_COPY],
            "failed": counts[STATUS_FAILED],
            "bytes": total_bytes,
            "seconds": round(self.seconds, 3),
            "mb_per_s": round(mbps, 2),
        }


# --------------------------------------------------------------------------------------------------------------
# Building the list of images


def build_specs(
    images,
    *,
    tag: str | None,
    src_registry: str,
    src_namespace: str,
    dest_namespace: str | None = None,
) -> tuple[list[ImageSpec], list[ImageResult]]:
    """Turn the user's image list into specs; malformed entries become failed results (the others still go)."""
    specs: list[ImageSpec] = []
    bad: list[ImageResult] = []
    for text in images:
        if isinstance(text, ImageRef):
            specs.append(_catalog_spec(text, src_namespace, dest_namespace))
            continue
        text = str(text).strip()
        try:
            if not text:
                raise InvalidReference("empty image name")
            if "/" in text:
                # A full reference (Docker's grammar: host/ns/name:tag); without a host it is on the source registry.
                ref = parse_reference(text, default_registry=src_registry, default_tag=tag)
                local_name = text
            else:
                # A Kolla name (nova-api, nova-api:tag, nova-api@sha256:...) in the source namespace.
                short = parse_reference(text, default_registry="kolla.invalid", default_tag=tag)
                namespace = src_namespace.strip("/")
                repo = "%s/%s" % (namespace, short.repository) if namespace else short.repository
                validate_repository(repo, text)
                ref = ImageRef(registry=src_registry, repository=repo, tag=short.tag, digest=short.digest)
                local_name = repo
                if short.tag:
                    local_name += ":" + short.tag
                if short.digest:
                    local_name += "@" + short.digest
            if ref.reference is None:
                raise InvalidReference("image %r has no tag or digest and no tag option was given" % text)
            if ref.tag:
                validate_tag(ref.tag)
                if ":" not in local_name.rsplit("/", 1)[-1] and "@" not in local_name:
                    local_name += ":" + ref.tag
            namespace = ref.namespace if dest_namespace is None else dest_namespace.strip("/")
            dest_repo = "%s/%s" % (namespace, ref.name) if namespace else ref.name
            validate_repository(dest_repo)
            specs.append(
                ImageSpec(
                    text=text, src=ref, dest_repo=dest_repo, dest_reference=ref.tag or ref.digest, local_name=local_name
                )
            )
        except InvalidReference as exc:
            bad.append(ImageResult(image=text, source=text, destination="", msg=str(exc)))
    return specs, bad


def _catalog_spec(ref: ImageRef, src_namespace: str, dest_namespace: str | None) -> ImageSpec:
    """A repository the source catalog listed (already a full reference): its path below the source namespace is
    kept whole, so ``openstack.kolla/extra/memcached`` lands at ``<dest_namespace>/extra/memcached``."""
    namespace = src_namespace.strip("/")
    relative = ref.repository[len(namespace) + 1 :] if namespace else ref.repository
    dest_repo = (
        ref.repository if dest_namespace is None else "/".join(p for p in (dest_namespace.strip("/"), relative) if p)
    )
    validate_repository(dest_repo)
    text = "%s:%s" % (ref.repository, ref.tag)
    return ImageSpec(text=relative, src=ref, dest_repo=dest_repo, dest_reference=ref.tag, local_name=text)


def expand_images(images, source, *, all_images: bool, tag: str | None, src_registry: str, src_namespace: str) -> list:
    """The user's image list, plus (``all_images``) every repository the source lists under ``src_namespace`` as a
    full reference at ``tag``, nested names included; a repository the user named already is not added twice."""
    images = list(images or [])
    if not all_images:
        return images
    if not source.byte_level:
        raise MirrorError("all_images needs a registry or archive source (it lists the source's repositories)")
    if not tag:
        raise MirrorError("all_images needs a tag: the tag to copy from every repository of the catalog")
    try:
        validate_tag(tag)
    except InvalidReference as exc:
        raise MirrorError(str(exc)) from exc
    namespace = src_namespace.strip("/")
    named = {str(i).strip().split("@", 1)[0].split(":", 1)[0] for i in images}
    for repo in source.list_repositories(namespace):
        relative = repo[len(namespace) + 1 :] if namespace else repo
        if relative not in named and repo not in named:
            images.append(ImageRef(registry=src_registry, repository=repo, tag=tag))
    return images


class _CheckedStream:
    """A source blob, hashed on the way: iterated in CHUNK_SIZE pieces (an upload) or read (an archive writer); the
    last step raises DigestMismatch when the bytes (count or sha256) are not what the manifest says, so a copy never
    completes with a bad blob."""

    def __init__(self, stream, digest: str, length: int | None, source: str = "src"):
        self.stream = stream
        self.digest = digest
        self.length = length
        self.source = source
        self.moved = 0
        self._pieces = None

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        if self._pieces is None:
            self._pieces = iter(self)
            self._buffer = b""
        while len(self._buffer) < size:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buffer += piece
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def close(self, broken: bool = False) -> None:
        self.stream.close(broken=broken)

    def __iter__(self):
        hasher = hashlib.sha256()
        while True:
            try:
                data = self.stream.read(CHUNK_SIZE)
            except (OSError, http.client.HTTPException) as exc:
                # The source broke off while the destination was receiving: the source's fault, and retryable.
                raise Unreachable(
                    "%s: blob %s broke off after %d of %s bytes: %s"
                    % (self.source, self.digest, self.moved, self.length, exc)
                ) from exc
            if not data:
                break
            hasher.update(data)
            self.moved += len(data)
            yield data
        got = "sha256:" + hasher.hexdigest()
        if (self.length is not None and self.moved != self.length) or got != self.digest:
            raise DigestMismatch("src blob %s arrived as %d bytes with digest %s" % (self.digest, self.moved, got))


# --------------------------------------------------------------------------------------------------------------
# The mirror


class Mirror:
    def __init__(
        self,
        source: Source,
        dest: Destination | RegistryClient,
        *,
        workers: int = 8,
        platforms=None,
        check_mode: bool = False,
        progress=None,
        blob_retries: int = 3,
        sleep=None,
    ):
        if workers < 1:
            raise MirrorError("workers must be at least 1")
        self.source = source
        self.dest = as_destination(dest)
        self.workers = workers
        self.platforms = [p.strip().lower() for p in platforms or [] if p and p.strip()]
        for platform in self.platforms:
            if len(platform.split("/")) not in (2, 3):
                raise MirrorError("platform %r is not os/arch[/variant], e.g. linux/amd64" % platform)
        self.check_mode = check_mode
        self.progress = progress
        self.blob_retries = blob_retries
        self._sleep = sleep or getattr(getattr(self.dest, "client", None), "_sleep", time.sleep)
        self._lock = threading.Lock()
        self._repo_blobs: dict[tuple[str, str], Future] = {}
        self._digest_home: dict[str, Future] = {}
        self._blob_pool: ThreadPoolExecutor | None = None
        self._specs: list[ImageSpec] = []
        self._dest_seen: dict[tuple[str, str], str] = {}  # (repo, reference) -> digest, from the dest HEADs
        self._index: Future | None = None
        self._full: str | None = None  # the destination's "storage full" answer, once it gave one

    # -- public
    def run(self, specs: list[ImageSpec], pre_failed: list[ImageResult] | None = None) -> MirrorReport:
        report = MirrorReport(results=list(pre_failed or []))
        for result in report.results:
            self._report(result)
        start = time.monotonic()
        results: list[ImageResult | None] = [None] * len(specs)
        with (
            ThreadPoolExecutor(self.workers, thread_name_prefix="kp-blob") as blob_pool,
            ThreadPoolExecutor(self.workers, thread_name_prefix="kp-image") as image_pool,
        ):
            self._blob_pool = blob_pool
            self._specs = list(specs)
            self._dest_seen = {}
            self._index = None
            self._full = None
            futures = {image_pool.submit(self.copy_image, spec): i for i, spec in enumerate(specs)}
            for future, index in futures.items():
                results[index] = future.result()
        self._blob_pool = None
        report.results.extend(r for r in results if r is not None)
        report.seconds = time.monotonic() - start
        return report

    def copy_image(self, spec: ImageSpec) -> ImageResult:
        sep = "@" if spec.dest_reference.startswith("sha256:") else ":"
        result = ImageResult(
            image=spec.text,
            source=str(spec.src),
            destination="%s/%s%s%s" % (self.dest.host, spec.dest_repo, sep, spec.dest_reference),
        )
        start = time.monotonic()
        try:
            if self.source.byte_level:
                self._copy_image(spec, result)
            else:
                outcome = self.source.push(
                    spec.local_name, self.dest, spec.dest_repo, spec.dest_reference, self.check_mode
                )
                result.status = outcome["status"]
                result.source_digest = outcome["source_digest"]
                result.before_digest = outcome["before_digest"]
                result.destination_digest = outcome["destination_digest"]
                result.digest_preserved = False  # the engine makes the manifest: its digest is the push's
        except (RegistryError, ManifestError, MirrorError) as exc:
            result.status = STATUS_FAILED
            result.msg = str(exc)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            result.status = STATUS_FAILED
            result.msg = "%s: %s" % (type(exc).__name__, exc)
        except Exception as exc:  # one broken image must not stop the others
            result.status = STATUS_FAILED
            result.msg = "unexpected %s: %s" % (type(exc).__name__, exc)
        result.seconds = time.monotonic() - start
        self._report(result)
        return result

    def _report(self, result: ImageResult) -> None:
        if self.progress:
            try:
                self.progress(result)
            except Exception:  # noqa: S110 - a progress printer must never break a copy
                pass

    # -- one image
    def _select_children(self, children: list[dict], spec: ImageSpec) -> list[dict]:
        if not self.platforms or spec.dest_reference.startswith("sha256:"):
            return children
        kept = [c for c in children if any(platform_matches(c.get("platform"), p) for p in self.platforms)]
        if not kept:
            raise ManifestError(
                "%s has no manifest for %s (it has: %s)"
                % (spec.src, ", ".join(self.platforms), ", ".join(platform_string(c.get("platform")) for c in children))
            )
        return kept

    def _copy_image(self, spec: ImageSpec, result: ImageResult) -> None:
        src_ref = spec.src
        head = self.source.head_manifest(src_ref)
        if head is None:
            try:
                why = self.source.why_missing(src_ref)
            except (RegistryError, OSError, http.client.HTTPException, ValueError):
                why = "unknown image or tag"
            raise NotFound(
                "%s%s%s not found at src registry %s: %s"
                % (src_ref.repository, "@" if src_ref.digest else ":", src_ref.reference, src_ref.registry, why),
                404,
            )
        src_digest = head["digest"]
        result.source_digest = src_digest
        if src_ref.digest and src_digest != src_ref.digest:
            raise DigestMismatch("src registry answered digest %s for %s" % (src_digest, src_ref))
        top_body = top_type = None
        children: list[dict] | None = None
        expected = src_digest
        if self.platforms and not spec.dest_reference.startswith("sha256:"):
            # Deciding what the tag will point at needs the manifest itself (a small GET): whether it is an index is
            # read from its body, not from the HEAD's Content-Type, which some registries leave out or get wrong.
            top_body, top_type, got = self.source.get_manifest(src_ref, src_digest)
            if got != src_digest:
                raise DigestMismatch("src manifest %s has digest %s, expected %s" % (src_ref, got, src_digest))
        if top_body is not None and is_index(top_type):
            all_children = manifest_children(top_body)
            children = self._select_children(all_children, spec)
            if len(children) < len(all_children):
                if len(children) == 1:
                    # The tag points straight at the one kept platform's manifest (its own digest is preserved).
                    expected = children[0]["digest"]
                    top_body = top_type = None
                    result.msg = "platform filter: tag points at the %s manifest %s, not at the source index" % (
                        platform_string(children[0].get("platform")),
                        expected,
                    )
                else:
                    doc = json.loads(top_body)
                    doc["manifests"] = children
                    top_body = json.dumps(doc, indent=3).encode()
                    expected = sha256_digest(top_body)
                    result.msg = "platform filter: index rewritten with %d of %d platforms, new digest %s" % (
                        len(children),
                        len(all_children),
                        expected,
                    )
        dest_head = self.dest.head_manifest(spec.dest_repo, spec.dest_reference)
        result.before_digest = dest_head["digest"] if dest_head else None
        if dest_head:
            with self._lock:
                self._dest_seen[(spec.dest_repo, spec.dest_reference)] = dest_head["digest"]
        # One decision, reported as it is: the tag keeps the source digest unless the platform filter changed it.
        result.digest_preserved = expected == src_digest
        if result.before_digest == expected:
            result.status = STATUS_SKIPPED
            result.destination_digest = expected
            self.dest.note_present(spec.dest_repo, spec.dest_reference, expected)
            return
        if self.check_mode:
            result.status = STATUS_WOULD_COPY
            return

        if top_body is None:
            if expected != src_digest:
                top_body, top_type, _digest = self.source.get_manifest(src_ref, expected)
            else:
                top_body, top_type, got = self.source.get_manifest(src_ref, src_digest)
                if got != src_digest:
                    raise DigestMismatch("src manifest %s has digest %s, expected %s" % (src_ref, got, src_digest))
        if is_index(top_type) and children is None:
            children = self._select_children(manifest_children(top_body), spec)
        try:
            parts, blobs = image_parts(
                top_body, top_type, lambda digest: self.source.get_manifest(src_ref, digest), children
            )
        except ManifestError as exc:
            raise ManifestError("%s: %s" % (src_ref, exc)) from exc
        # Blobs first, then the child manifests, then the index: a tag never points at an incomplete image.
        self._copy_blobs(src_ref, spec.dest_repo, blobs, result)
        for digest, body, media_type in parts:
            self._put_manifest(spec.dest_repo, digest, body, media_type, digest)
        result.destination_digest = self._put_manifest(
            spec.dest_repo, spec.dest_reference, top_body, top_type, expected
        )
        result.status = STATUS_COPIED

    def _put_manifest(self, repo: str, reference: str, body: bytes, media_type: str, expected: str) -> str:
        """Put a manifest until the destination stored exactly ``body``. A PUT by tag has no digest the registry can
        check, so bytes changed on the way can be accepted under the tag: the stored digest tells, and the right bytes
        are put again at once, so the tag does not stay on them. A 400 (bytes refused as changed on the way) is
        retried too. Within the blob retry budget; then the image fails, saying what the tag points at."""
        attempt = 0
        while True:
            try:
                stored = self.dest.put_manifest(repo, reference, body, media_type)
                if stored == expected:
                    return stored
                error = DigestMismatch(
                    "dest registry %s stored %s:%s as %s, expected %s"
                    % (self.dest.host, repo, reference, stored, expected)
                )
            except DigestMismatch as exc:
                error = exc
            except RegistryError as exc:
                if exc.status != 400:
                    raise
                error = exc
            if attempt >= self.blob_retries:
                raise error
            self._sleep(backoff_delay(attempt))
            attempt += 1

    # -- blobs
    def _copy_blobs(self, src_ref: ImageRef, repo: str, descriptors: list[dict], result: ImageResult) -> None:
        scheduled = [self.schedule_blob(src_ref, repo, desc) for desc in descriptors]
        errors = []
        for future, owned in scheduled:
            try:
                how, moved = future.result()
            except (RegistryError, OSError, http.client.HTTPException) as exc:
                errors.append(exc)
                continue
            if not owned:
                how, moved = "present", 0  # another image of this run put it in this repository
            with self._lock:
                result.bytes += moved
                if how == "uploaded":
                    result.blobs_uploaded += 1
                elif how == "mounted":
                    result.blobs_mounted += 1
                else:
                    result.blobs_present += 1
        if errors:
            raise errors[0]

    def schedule_blob(self, src_ref: ImageRef, repo: str, desc: dict) -> tuple[Future, bool]:
        """Make sure ``desc`` ends up in dest ``repo``; returns (future of (how, bytes moved), owned by this call).

        One future per (repository, digest): a second image needing the same blob in the same repository waits
        for it. One "home" future per digest: the first repository to need a blob uploads it (after a HEAD); the
        others are scheduled only once it landed, then cross-repo mount from it. No worker ever blocks waiting for
        another, so ``workers`` transfers really run at once.
        """
        digest = desc["digest"]
        key = (repo, digest)
        with self._lock:
            existing = self._repo_blobs.get(key)
            if existing is not None:
                return existing, False
            mine = self._repo_blobs[key] = Future()
            home = self._digest_home.get(digest)
            first = home is None
            if first:
                home = self._digest_home[digest] = Future()

        def work(mount_from):
            try:
                outcome = self._place(src_ref, repo, desc, mount_from)
            except BaseException as exc:
                if isinstance(exc, StorageFull):
                    with self._lock:
                        self._full = self._full or str(exc)
                with self._lock:
                    if self._repo_blobs.get(key) is mine:
                        del self._repo_blobs[key]
                    if first and self._digest_home.get(digest) is home:
                        del self._digest_home[digest]
                if first:
                    home.set_exception(exc)
                mine.set_exception(exc)
                return
            if first:
                home.set_result(repo)
            mine.set_result(outcome)

        def after_home(done: Future):
            # The first copy failed: try on our own (plain upload) rather than giving up.
            mount_from = None if done.exception() is not None else done.result()
            self._blob_pool.submit(work, mount_from)

        if first:
            self._blob_pool.submit(work, None)
        else:
            home.add_done_callback(after_home)
        return mine, True

    def _place(self, src_ref: ImageRef, repo: str, desc: dict, mount_from: str | None) -> tuple[str, int]:
        digest = desc["digest"]
        if self._full:
            # The destination said its storage is full: no further upload of this run can succeed.
            raise StorageFull("blob %s not sent: %s" % (digest, self._full), 507)
        if mount_from is None:
            if self.dest.blob_size(repo, digest) is not None:
                return "present", 0
            elsewhere = self.blob_index().result().get(digest)
            if elsewhere and elsewhere != repo:
                mount_from = elsewhere  # a stale entry: the refused mount falls back to an upload
        return self._transfer(src_ref, repo, desc, mount_from)

    # -- blobs an earlier run left in the destination
    def blob_index(self) -> Future:
        """Future of {blob digest: a destination repository that holds it}, built once per run on first use.

        Candidates: the repositories of the destination catalog that share a namespace with this run's
        destination repositories (at most ``INDEX_MAX_MANIFESTS``), read at this run's tags, plus the images of
        this run that the destination already had (found by their HEAD, so this works without catalog access).
        Built on its own thread (no pool worker waits for another pool's work); any error only shrinks the index:
        a blob missing from it is uploaded, as it would be without one.
        """
        with self._lock:
            if self._index is None:
                self._index = Future()
                threading.Thread(target=self._build_index, args=(self._index,), name="kp-index", daemon=True).start()
            return self._index

    def _build_index(self, future: Future) -> None:
        index: dict[str, str] = {}
        try:
            with self._lock:
                seen = sorted(self._dest_seen.items())
            specs = [s for s in self._specs if not s.dest_reference.startswith("sha256:")]
            namespaces = {s.dest_repo.rpartition("/")[0] for s in specs}
            tags = sorted({s.dest_reference for s in specs})
            candidates = [(repo, digest) for (repo, _ref), digest in seen]
            try:
                repos = [r for r in self.dest.catalog() if r.rpartition("/")[0] in namespaces]
            except (RegistryError, OSError, http.client.HTTPException, ValueError):
                repos = []  # no catalog access (auth, disabled): the images of this run are enough to go on
            known = {repo for repo, _digest in candidates}
            candidates += [(r, t) for r in repos if r not in known for t in tags]
            candidates = candidates[:INDEX_MAX_MANIFESTS]
            with ThreadPoolExecutor(min(self.workers, 8), thread_name_prefix="kp-index") as pool:
                for repo, blobs in pool.map(self._manifest_blob_digests, candidates):
                    for digest in blobs:
                        index.setdefault(digest, repo)
        except Exception:  # noqa: S110 - the index is an optimisation; without it blobs are uploaded
            pass
        future.set_result(index)

    def _manifest_blob_digests(self, candidate: tuple[str, str]) -> tuple[str, list[str]]:
        repo, reference = candidate
        try:
            body, media_type, _digest = self.dest.get_manifest(repo, reference)
            children = manifest_children(body)[:8] if is_index(media_type) else None
            _parts, blobs = image_parts(body, media_type, lambda d: self.dest.get_manifest(repo, d), children)
            return repo, [d["digest"] for d in blobs]
        except (RegistryError, OSError, http.client.HTTPException, ValueError):
            return repo, []

    def _opener(self, src_ref: ImageRef, desc: dict):
        """A way to open the source blob, checked against the manifest's length and digest on the way."""
        digest, size = desc["digest"], desc.get("size")
        if not digest.startswith("sha256:"):
            raise ManifestError("blob %s: only sha256 digests are supported" % digest)

        def open_blob() -> _CheckedStream:
            stream = self.source.open_blob(src_ref, digest)
            length = size if isinstance(size, int) and size >= 0 else stream.length
            if stream.length is not None and length is not None and stream.length != length:
                stream.close(broken=True)
                raise DigestMismatch("src blob %s is %d bytes, the manifest says %d" % (digest, stream.length, length))
            return _CheckedStream(stream, digest, length, source="src registry %s" % src_ref.registry)

        return open_blob

    def _transfer(self, src_ref: ImageRef, repo: str, desc: dict, mount_from: str | None) -> tuple[str, int]:
        """dest.place_blob with the run's retries: a failed attempt is abandoned (the registry expires its upload
        session) and the next one starts afresh; missing, refused and full are final."""
        open_blob = self._opener(src_ref, desc)
        attempt = 0
        while True:
            try:
                return self.dest.place_blob(repo, desc, open_blob, mount_from)
            except (NotFound, AuthError, StorageFull):
                raise
            except (RegistryError, OSError, http.client.HTTPException) as exc:
                if attempt >= self.blob_retries:
                    if isinstance(exc, RegistryError):
                        raise
                    raise Unreachable("copying blob %s to %s failed: %s" % (desc["digest"], repo, exc)) from exc
                self._sleep(backoff_delay(attempt))
                attempt += 1
                mount_from = None


def mirror(
    images,
    *,
    source: Source,
    dest: Destination | RegistryClient,
    tag: str | None,
    src_registry: str,
    src_namespace: str,
    dest_namespace: str | None = None,
    all_images: bool = False,
    workers: int = 8,
    platforms=None,
    check_mode: bool = False,
    progress=None,
) -> MirrorReport:
    """Everything the module and the command do: build specs (catalog for ``all_images``), copy, report."""
    images = expand_images(
        images, source, all_images=all_images, tag=tag, src_registry=src_registry, src_namespace=src_namespace
    )
    if not images:
        raise MirrorError("no images to copy: give images or all_images")
    specs, bad = build_specs(
        images, tag=tag, src_registry=src_registry, src_namespace=src_namespace, dest_namespace=dest_namespace
    )
    # Each side answers once before any image (an unreachable registry or a TLS mismatch fails the run at once,
    # with what to set, instead of once per image after its retries).
    source.probe()
    as_destination(dest).probe()
    engine = Mirror(source, dest, workers=workers, platforms=platforms, check_mode=check_mode, progress=progress)
    return engine.run(specs, bad)


def as_destination(dest):
    """A Destination; a bare RegistryClient is wrapped in a RegistryDestination."""
    return RegistryDestination(dest) if isinstance(dest, RegistryClient) else dest


def export_bundle(
    path: str,
    specs,
    source,
    *,
    include_registry_image: bool = True,
    registry_image: str = "registry:2",
    engine=None,
    workers: int = 8,
    check_mode: bool = False,
):
    """An export: a mirror run of ``specs`` from ``source`` into the offline bundle at ``path`` (written only when
    its content differs from the archive already there). Returns the ArchiveDestination's ExportReport."""
    seen = set()
    for spec in specs:
        key = (spec.dest_repo, spec.dest_reference)
        if key in seen:
            raise BundleError("image %s:%s is requested twice" % key)
        seen.add(key)
    dest = ArchiveDestination(path, registry_image=registry_image if include_registry_image else None, engine=engine)
    try:
        run = Mirror(source, dest, workers=workers, check_mode=check_mode).run(specs)
        if run.failed:
            lines = ["%s (%s)" % (r.image, r.msg) for r in run.failed]
            raise BundleError(
                "%d of %d images could not be exported: %s" % (len(lines), len(run.results), "; ".join(lines))
            )
        report = dest.commit(check_mode=check_mode, pending=run.changed)
        if check_mode:
            # Nothing was fetched for the images a real run would copy: report what the source named.
            report.images = [
                {
                    "repository": spec.dest_repo,
                    "tag": None if spec.dest_reference.startswith("sha256:") else spec.dest_reference,
                    "digest": run.results[i].source_digest,
                    "media_type": None,
                }
                for i, spec in enumerate(specs)
            ]
        return report
    finally:
        dest.close()
