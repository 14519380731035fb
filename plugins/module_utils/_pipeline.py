# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The image pipeline of a long-lived site: sync to staging (writing ``images.lock``), vet, promote, roll back, diff.

Names in the local registry, for an image ``<repository>:<tag>`` of the lock (``repository`` relative to the
namespace, nested names kept whole):

- staging:  ``staging/<namespace>/<repository>:<tag>``  what the last sync found upstream;
- promoted: ``<namespace>/<repository>:<tag>``           what the targets pull;
- generations: ``<namespace>/<repository>:<tag>-gen-<i>``, i = 0 (the promoted set) .. N-1 (N-1 promotions ago).

A sync copies each new upstream digest into staging (by digest, then tagged: exactly the bytes the lock names) and
writes the lock; with ``frozen`` it copies the lock's digests and only reports tags that moved upstream. A failed
sync writes nothing: the lock and every promoted tag stay as they were. Promotion vets the candidates (digest
allow-list, an operator command run once per image), and only when every one passes it mounts the blobs from the
staging repository (no blob goes through this client), puts the exact manifest bytes under the promoted name
(digest kept) and shifts the generation tags, all images of the set together; the promoted tags move last.
``rollback`` shifts the generations back: every image returns to the set of the promotion before. The generation
tags keep every image of the last N promotions tagged, so garbage collection keeps them.
"""

from __future__ import annotations

import http.client
import json
import os
import shlex
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ansible_collections.kollaprep.registry.plugins.module_utils import _lock
from ansible_collections.kollaprep.registry.plugins.module_utils._image_ref import (
    ImageRef,
    InvalidReference,
    parse_reference,
    validate_repository,
    validate_tag,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._mirror import ImageSpec, Mirror, STATUS_FAILED
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import (
    ManifestError,
    RegistryError,
    image_parts,
    is_index,
    manifest_blobs,
    manifest_children,
    platform_string,
)

STAGING = "staging"
GEN_SUFFIX = "-gen-"
NET_ERRORS = (RegistryError, OSError, http.client.HTTPException, ValueError)


class PipelineError(Exception):
    """A problem with the whole step (bad input, a refused promotion); nothing was changed."""


@dataclass
class Site:
    """Where a site's images come from and live: the upstream (a ``_sources.RegistrySource``) and the local
    registry (a ``_registry_client.RegistryClient``)."""

    source: object
    local: object
    src_registry: str
    namespace: str = "openstack.kolla"
    local_namespace: str | None = None
    generations: int = 3
    workers: int = 8

    def __post_init__(self):
        self.namespace = self.namespace.strip("/")
        self.local_namespace = (self.namespace if self.local_namespace is None else self.local_namespace).strip("/")
        if self.generations < 2:
            raise PipelineError("generations must be at least 2 (the promoted set and one to roll back to)")

    def _join(self, *parts: str) -> str:
        return "/".join(p for p in parts if p)

    def staging_repo(self, repository: str) -> str:
        return self._join(STAGING, self.local_namespace, repository)

    def promoted_repo(self, repository: str) -> str:
        return self._join(self.local_namespace, repository)

    def upstream(self, repository: str, tag: str | None = None, digest: str | None = None) -> ImageRef:
        return ImageRef(self.src_registry, self._join(self.namespace, repository), tag=tag, digest=digest)

    def pmap(self, fn, items):
        items = list(items)
        if not items:
            return []
        with ThreadPoolExecutor(min(self.workers, len(items))) as pool:
            return list(pool.map(fn, items))

    def local_digest(self, repo: str, reference: str) -> str | None:
        head = self.local.head_manifest(repo, reference)
        return head["digest"] if head else None

    def generation_digests(self, repository: str, tag: str) -> list[str]:
        """The digests of ``<tag>-gen-0`` .. ``-gen-<N-1>`` of the promoted repository, up to the first missing."""
        out = []
        for i in range(self.generations):
            digest = self.local_digest(self.promoted_repo(repository), gen_tag(tag, i))
            if digest is None:
                break
            out.append(digest)
        return out


def gen_tag(tag: str, i: int) -> str:
    return "%s%s%d" % (tag, GEN_SUFFIX, i)


def image_set(images, tag: str | None, namespace: str = "") -> list[tuple[str, str]]:
    """(repository relative to the namespace, tag) for each name: ``nova-api``, ``nova-api:T``, ``extra/memcached``,
    or a name with the namespace in front (``openstack.kolla/nova-api``). Sorted, duplicates removed."""
    out = set()
    prefix = namespace.strip("/") + "/" if namespace else ""
    for text in images:
        text = str(text).strip()
        relative = text[len(prefix) :] if prefix and text.startswith(prefix) else text
        ref = parse_reference(relative, default_registry="kolla.invalid", default_tag=tag)
        if ref.registry != "kolla.invalid":
            raise InvalidReference("image %r: give names below the namespace, not a registry host" % text)
        if ref.digest:
            raise InvalidReference("image %r: the pipeline follows tags; pinned digests belong in the lock" % text)
        if not ref.tag:
            raise InvalidReference("image %r has no tag and no tag option was given" % text)
        validate_repository(ref.repository, text)
        out.add((ref.repository, validate_tag(ref.tag)))
    return sorted(out)


# ------------------------------------------------------------------------------------------------------------------
# What an image is: media type, platforms, size


def describe(body: bytes, media_type: str, fetch_manifest, fetch_blob) -> dict:
    """{media_type, platforms, size} of an image: size = its manifests plus every blob they name (shared once)."""
    parts, blobs = image_parts(body, media_type, fetch_manifest)
    size = len(body) + sum(len(b) for _d, b, _t in parts) + sum(int(d.get("size") or 0) for d in blobs)
    if is_index(media_type):
        platforms = [platform_string(c.get("platform")) for c in manifest_children(body)]
    else:
        config = manifest_blobs(body)[0] if json.loads(body).get("config") else None
        platforms = []
        if config is not None:
            try:
                doc = json.loads(fetch_blob(config["digest"]))
                platforms = [platform_string({k: doc.get(k) for k in ("os", "architecture", "variant")})]
            except (ValueError, TypeError):
                platforms = ["unknown"]
    return {"media_type": media_type, "platforms": sorted(set(platforms)), "size": size}


def _read_blob(stream) -> bytes:
    try:
        chunks = []
        while True:
            data = stream.read(1024 * 1024)
            if not data:
                return b"".join(chunks)
            chunks.append(data)
    finally:
        stream.close()


# ------------------------------------------------------------------------------------------------------------------
# Sync


@dataclass
class SyncReport:
    started: str = ""
    seconds: float = 0.0
    frozen: bool = False
    check_mode: bool = False
    images_checked: int = 0
    new_digests: list[dict] = field(default_factory=list)  # {image, digest, before}
    moved_upstream: list[dict] = field(default_factory=list)  # {image, lock, upstream} (frozen: not followed)
    copied: list[str] = field(default_factory=list)
    bytes: int = 0
    failures: list[dict] = field(default_factory=list)  # {image, msg}
    lock_changed: bool = False
    lock_written: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def changed(self) -> bool:
        return bool(self.copied) or self.lock_changed

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "frozen": self.frozen,
            "check_mode": self.check_mode,
            "images_checked": self.images_checked,
            "new_digests": self.new_digests,
            "moved_upstream": self.moved_upstream,
            "copied": self.copied,
            "bytes": self.bytes,
            "failures": self.failures,
            "lock_changed": self.lock_changed,
            "lock_written": self.lock_written,
        }


def sync(site: Site, lock_path: str, images=None, *, tag: str | None = None, frozen: bool = False,
         check_mode: bool = False, progress=None) -> SyncReport:  # fmt: skip
    """Bring staging up to the upstream (or, ``frozen``, to the lock) and write the lock (not when ``frozen``).

    ``images``: the site's set (names as ``image_set`` takes them); without it the lock's images are synced. Images
    whose upstream digest equals the lock's and whose staging tag holds it cost one HEAD upstream and one locally.
    """
    start = time.monotonic()
    report = SyncReport(started=_lock.utc_now(), frozen=frozen, check_mode=check_mode)
    old = _lock.load(lock_path, missing_ok=True)
    if old is None:
        if frozen:
            raise PipelineError("frozen sync needs the lock file %s (a sync without --frozen writes it)" % lock_path)
        old = _lock.new_lock(site.src_registry, site.namespace)
    if images:
        wanted = image_set(images, tag, site.namespace)
    else:
        wanted = [(e["repository"], e["tag"]) for e in _lock.entries(old)]
    if not wanted:
        raise PipelineError("no images: give the site's image set, or a lock file that lists images")
    if frozen:
        missing = [_lock.image_key(r, t) for r, t in wanted if _lock.image_key(r, t) not in old["images"]]
        if missing:
            raise PipelineError("frozen sync: %s not in the lock %s" % (", ".join(missing), lock_path))
    report.images_checked = len(wanted)

    def look(item):
        repository, tag_ = item
        key = _lock.image_key(repository, tag_)
        try:
            head = site.source.head_manifest(site.upstream(repository, tag=tag_))
            staged = site.local_digest(site.staging_repo(repository), tag_)
        except NET_ERRORS as exc:
            return key, None, None, str(exc)
        if head is None:
            return (
                key,
                None,
                staged,
                "%s not found upstream at %s" % (site.upstream(repository, tag=tag_), site.src_registry),
            )
        return key, head["digest"], staged, None

    looks = site.pmap(look, wanted)
    specs, plans = [], {}
    for (repository, tag_), (key, upstream, staged, error) in zip(wanted, looks, strict=False):
        entry = old["images"].get(key)
        if error and not (frozen and entry):
            report.failures.append({"image": key, "msg": error})
            continue
        if entry and upstream and upstream != entry["digest"]:
            report.moved_upstream.append({"image": key, "lock": entry["digest"], "upstream": upstream})
        want = entry["digest"] if frozen else upstream
        if not frozen and (entry is None or entry["digest"] != want):
            report.new_digests.append({"image": key, "digest": want, "before": entry["digest"] if entry else None})
        plans[key] = (repository, tag_, want)
        if staged != want:
            specs.append(
                ImageSpec(
                    text=key,
                    src=site.upstream(repository, digest=want),
                    dest_repo=site.staging_repo(repository),
                    dest_reference=tag_,
                    local_name=key,
                )
            )
    if specs:
        engine = Mirror(site.source, site.local, workers=site.workers, check_mode=check_mode, progress=progress)
        run = engine.run(specs)
        for result in run.results:
            if result.status == STATUS_FAILED:
                report.failures.append({"image": result.image, "msg": result.msg})
            else:
                report.copied.append(result.image)
                report.bytes += result.bytes
    new = _lock.new_lock(old.get("source") or site.src_registry, old.get("namespace") or site.namespace)
    if frozen:
        new = old
    else:
        for key, (repository, tag_, digest) in sorted(plans.items()):
            entry = old["images"].get(key)
            if entry is not None:
                new["images"][key] = json.loads(json.dumps(entry))
            if entry is not None and entry["digest"] == digest:
                continue
            try:
                info = _describe_image(site, repository, digest, staged=not check_mode)
            except (*NET_ERRORS, ManifestError) as exc:
                report.failures.append({"image": key, "msg": "describing %s: %s" % (digest, exc)})
                continue
            _lock.record(new, repository, tag_, digest, now=report.started, **info)
    report.lock_changed = _lock.dumps(new) != _lock.dumps(old) or not os.path.exists(lock_path)
    if report.ok and report.lock_changed and not check_mode and not frozen:
        report.lock_written = _lock.save(lock_path, new)
    report.seconds = time.monotonic() - start
    return report


def _describe_image(site: Site, repository: str, digest: str, staged: bool) -> dict:
    if staged:
        repo = site.staging_repo(repository)

        def manifest(d):
            return site.local.get_manifest(repo, d)

        def blob(d):
            return _read_blob(site.local.open_blob(repo, d))

    else:
        ref = site.upstream(repository, digest=digest)

        def manifest(d):
            return site.source.get_manifest(ref, d)

        def blob(d):
            return _read_blob(site.source.open_blob(ref, d))

    body, media_type, _got = manifest(digest)
    return describe(body, media_type, manifest, blob)


# ------------------------------------------------------------------------------------------------------------------
# Vet, promote, roll back


@dataclass
class Candidate:
    key: str
    repository: str
    tag: str
    digest: str  # what the lock names, in staging
    promoted: str | None  # what the targets pull now
    generations: list[str]

    def as_dict(self) -> dict:
        return {
            "image": self.key,
            "digest": self.digest,
            "promoted": self.promoted,
            "generations": self.generations,
        }


def state(site: Site, lock: dict) -> list[Candidate]:
    """Every image of the lock with what the promoted name and its generation tags hold now (local HEADs)."""

    def one(entry):
        repo = site.promoted_repo(entry["repository"])
        return Candidate(
            key=_lock.image_key(entry["repository"], entry["tag"]),
            repository=entry["repository"],
            tag=entry["tag"],
            digest=entry["digest"],
            promoted=site.local_digest(repo, entry["tag"]),
            generations=site.generation_digests(entry["repository"], entry["tag"]),
        )

    return site.pmap(one, _lock.entries(lock))


def vet(site: Site, lock: dict, candidates: list[Candidate], *, allow=None, command: str | None = None,
        registry_name: str | None = None, timeout: float = 600.0, check_mode: bool = False) -> list[dict]:  # fmt: skip
    """Run the operator's checks on every image a promotion would change; a list of {image, digest, ok, checks}.

    ``allow``: digests that may be promoted (an image whose digest is not listed fails). ``command``: run once per
    image as ``command <reference>``, with ``KOLLAPREP_IMAGE`` (the staging reference by digest, as the targets would
    pull it from ``registry_name``), ``KOLLAPREP_IMAGE_DIGEST``, ``KOLLAPREP_IMAGE_NAME`` (the promoted repository)
    and ``KOLLAPREP_IMAGE_TAG`` in the environment; exit 0 passes. Not run in check mode (it may start containers).
    """
    host = registry_name or site.local.host
    allow = None if allow is None else set(allow)
    results = []
    for c in candidates:
        if c.promoted == c.digest:
            continue
        checks, ok = [], True
        staged = site.local.head_manifest(site.staging_repo(c.repository), c.digest)
        if staged is None:
            ok = False
            checks.append({"check": "staged", "ok": False, "msg": "staging has no %s: run a sync" % c.digest})
        if allow is not None:
            listed = c.digest in allow
            ok = ok and listed
            checks.append(
                {"check": "allow-list", "ok": listed, "msg": "" if listed else "%s is not in the allow-list" % c.digest}
            )
        if command and staged is not None:
            reference = "%s/%s@%s" % (host, site.staging_repo(c.repository), c.digest)
            if check_mode:
                checks.append({"check": "command", "ok": None, "msg": "not run in check mode"})
            else:
                passed, msg = _run_check(command, reference, c, site, timeout)
                ok = ok and passed
                checks.append({"check": "command", "ok": passed, "msg": msg})
        results.append({"image": c.key, "digest": c.digest, "ok": ok, "checks": checks})
    return results


def _run_check(command: str, reference: str, c: Candidate, site: Site, timeout: float) -> tuple[bool, str]:
    env = dict(os.environ)
    env.update(
        KOLLAPREP_IMAGE=reference,
        KOLLAPREP_IMAGE_DIGEST=c.digest,
        KOLLAPREP_IMAGE_NAME=site.promoted_repo(c.repository),
        KOLLAPREP_IMAGE_TAG=c.tag,
    )
    argv = [*shlex.split(command), reference]
    try:
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, "%s: %s" % (argv[0], exc)
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
    if proc.returncode != 0:
        return False, "exit %d: %s" % (proc.returncode, " | ".join(tail))
    return True, ""


@dataclass
class PromoteReport:
    action: str = "promote"
    check_mode: bool = False
    blocked: bool = False
    msg: str = ""
    vetting: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # {image, before, after, generations_before, generations}
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.changes) and not self.blocked

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "check_mode": self.check_mode,
            "blocked": self.blocked,
            "msg": self.msg,
            "vetting": self.vetting,
            "changes": self.changes,
            "unchanged": self.unchanged,
            "changed": self.changed,
        }


def plan_promotion(site: Site, candidates: list[Candidate]) -> list[dict]:
    """New promoted digest and generation list per image; [] when the promoted set equals the lock already.

    Every image's generations shift together (gen-i is the set of i promotions ago for every image), so a
    rollback returns the whole set to the promotion before. An image promoted outside the pipeline keeps its
    current digest as the first earlier generation.
    """
    if all(c.promoted == c.digest and c.generations[:1] == [c.digest] for c in candidates):
        return []
    plan = []
    for c in candidates:
        gens = list(c.generations)
        if c.promoted and gens[:1] != [c.promoted]:
            gens.insert(0, c.promoted)
        new = ([c.digest, *gens])[: site.generations]
        plan.append({"candidate": c, "after": c.digest, "generations": new})
    return plan


def plan_rollback(site: Site, candidates: list[Candidate]) -> list[dict]:
    """Every image back to its generation 1. An image without one (added since) keeps what it has. The freed last
    slot keeps the oldest generation, so the rolled-back digests are no longer tagged (GC may free them). Raises
    PipelineError when no image has an earlier generation that differs from the promoted one."""
    if not any(len(c.generations) > 1 and c.generations[1] != c.generations[0] for c in candidates):
        raise PipelineError(
            "no earlier generation to roll back to: no image has a <tag>%s1 other than its promoted digest "
            "(%d images checked)" % (GEN_SUFFIX, len(candidates))
        )
    plan = []
    for c in candidates:
        if len(c.generations) < 2:
            plan.append({"candidate": c, "after": c.promoted, "generations": list(c.generations)})
            continue
        gens = c.generations[1:]
        gens += gens[-1:] * (len(c.generations) - len(gens))
        plan.append({"candidate": c, "after": gens[0], "generations": gens})
    return plan


def apply_plan(site: Site, plan: list[dict]) -> None:
    """Phase 1, every image: blobs mounted from staging, child manifests and generation tags put. Phase 2, only when
    every image passed phase 1: the promoted tags. A failure in phase 1 leaves every promoted tag as it was."""

    def prepare(item):
        c = item["candidate"]
        repo = site.promoted_repo(c.repository)
        bodies = {}
        for i, digest in enumerate(item["generations"]):
            if i < len(c.generations) and c.generations[i] == digest:
                continue
            if digest not in bodies:
                bodies[digest] = _bring(site, c, digest)
            body, media_type = bodies[digest]
            site.local.put_manifest(repo, gen_tag(c.tag, i), body, media_type)
        if item["after"] != c.promoted and item["after"] not in bodies:
            bodies[item["after"]] = _bring(site, c, item["after"])
        return bodies

    prepared = site.pmap(prepare, plan)

    def flip(pair):
        item, bodies = pair
        c = item["candidate"]
        if item["after"] != c.promoted:
            body, media_type = bodies[item["after"]]
            site.local.put_manifest(site.promoted_repo(c.repository), c.tag, body, media_type)

    site.pmap(flip, list(zip(plan, prepared, strict=False)))


def _bring(site: Site, c: Candidate, digest: str) -> tuple[bytes, str]:
    """Make ``digest`` (with its children and blobs) present in the promoted repository; its exact bytes and type.

    Taken from the promoted repository when it holds it (an earlier generation), else from staging: every blob by
    cross-repository mount, every child manifest put by digest. No blob passes through this client."""
    repo = site.promoted_repo(c.repository)
    if site.local.head_manifest(repo, digest) is not None:
        body, media_type, _d = site.local.get_manifest(repo, digest)
        return body, media_type
    staging = site.staging_repo(c.repository)
    if site.local.head_manifest(staging, digest) is None:
        raise PipelineError("%s: %s is neither in %s nor in %s" % (c.key, digest, repo, staging))
    body, media_type, _d = site.local.get_manifest(staging, digest)
    parts, blobs = image_parts(body, media_type, lambda d: site.local.get_manifest(staging, d))
    for desc in blobs:
        if site.local.start_upload(repo, mount=desc["digest"], mount_from=staging) is not None:
            if site.local.head_blob(repo, desc["digest"]) is None:
                raise PipelineError(
                    "%s: the registry refused to mount blob %s from %s into %s" % (c.key, desc["digest"], staging, repo)
                )
    for child_digest, child_body, child_type in parts:
        site.local.put_manifest(repo, child_digest, child_body, child_type)
    return body, media_type


def promote(site: Site, lock: dict, *, allow=None, command: str | None = None, registry_name: str | None = None,
            check_mode: bool = False, rollback: bool = False, timeout: float = 600.0) -> PromoteReport:  # fmt: skip
    """Vet and promote the lock's digests (or ``rollback``: the generation before) as one set."""
    report = PromoteReport(action="rollback" if rollback else "promote", check_mode=check_mode)
    candidates = state(site, lock)
    if rollback:
        plan = plan_rollback(site, candidates)
    else:
        report.vetting = vet(
            site, lock, candidates, allow=allow, command=command, registry_name=registry_name, timeout=timeout,
            check_mode=check_mode,
        )  # fmt: skip
        failed = [v for v in report.vetting if not v["ok"] and v["ok"] is not None]
        if failed:
            report.blocked = True
            report.msg = "promotion blocked: %d of %d images failed vetting (%s); nothing was promoted" % (
                len(failed),
                len(report.vetting),
                "; ".join(
                    "%s: %s" % (v["image"], ", ".join(c["msg"] for c in v["checks"] if c["ok"] is False))
                    for v in failed[:5]
                ),
            )
        plan = plan_promotion(site, candidates)
    for item in plan:
        c = item["candidate"]
        if item["after"] == c.promoted and item["generations"] == c.generations:
            report.unchanged += 1
            continue
        report.changes.append(
            {
                "image": c.key,
                "name": site.promoted_repo(c.repository) + ":" + c.tag,
                "before": c.promoted,
                "after": item["after"],
                "generations_before": c.generations,
                "generations": item["generations"],
            }
        )
    report.unchanged += len(candidates) - len(plan)
    if report.blocked or check_mode or not report.changes:
        return report
    apply_plan(site, plan)
    return report


def lock_specs(lock: dict, *, src_registry: str, src_namespace: str, dest_namespace: str | None) -> list[ImageSpec]:
    """The lock's images as copy specs: each read by its digest from ``<src_namespace>/<repository>`` of
    ``src_registry`` and stored under its tag in ``<dest_namespace>/<repository>`` (default: the lock's namespace).
    ``src_namespace`` is the upstream's, the local promoted one or ``staging/<namespace>``: all hold the digest."""
    namespace = (lock.get("namespace") or "") if dest_namespace is None else dest_namespace.strip("/")
    specs = []
    for entry in _lock.entries(lock):
        repo = "/".join(p for p in (src_namespace.strip("/"), entry["repository"]) if p)
        specs.append(
            ImageSpec(
                text=_lock.image_key(entry["repository"], entry["tag"]),
                src=ImageRef(src_registry, repo, digest=entry["digest"]),
                dest_repo=validate_repository("/".join(p for p in (namespace, entry["repository"]) if p)),
                dest_reference=entry["tag"],
                local_name=_lock.image_key(entry["repository"], entry["tag"]),
            )
        )
    return specs


# ------------------------------------------------------------------------------------------------------------------
# Drift


def parse_docker_images(text: str) -> list[dict]:
    """Rows of ``docker images --digests`` (the default table): {repository, tag, digest}; <none> digests dropped."""
    rows = []
    for line in text.splitlines():
        cols = line.split()
        if len(cols) < 3 or cols[0] == "REPOSITORY" or not cols[2].startswith("sha256:"):
            continue
        rows.append({"repository": cols[0], "tag": cols[1], "digest": cols[2]})
    return rows


def diff(site: Site, lock: dict, targets: dict | None = None) -> dict:
    """Upstream, lock, staging and promoted side by side, and what differs:

    ``moved_upstream`` (the upstream tag is no longer the lock's digest), ``promotion`` (what a promotion would
    change: promoted -> lock digest), ``unstaged`` (staging does not hold the lock's digest under its tag) and
    ``targets_behind`` (a target runs the promoted name with a digest other than the promoted one; ``targets`` maps
    a host to its ``docker images --digests`` output).
    """

    def one(entry):
        repository, tag = entry["repository"], entry["tag"]
        try:
            head = site.source.head_manifest(site.upstream(repository, tag=tag))
            upstream, error = (head["digest"] if head else None), ("" if head else "not found upstream")
        except NET_ERRORS as exc:
            upstream, error = None, str(exc)
        return {
            "image": _lock.image_key(repository, tag),
            "name": site.promoted_repo(repository),
            "tag": tag,
            "lock": entry["digest"],
            "upstream": upstream,
            "upstream_error": error,
            "staging": site.local_digest(site.staging_repo(repository), tag),
            "promoted": site.local_digest(site.promoted_repo(repository), tag),
            "generations": site.generation_digests(repository, tag),
        }

    rows = site.pmap(one, _lock.entries(lock))
    behind = _behind(rows, targets)
    return {
        "images": rows,
        "moved_upstream": [
            {"image": r["image"], "lock": r["lock"], "upstream": r["upstream"]}
            for r in rows
            if r["upstream"] and r["upstream"] != r["lock"]
        ],
        "upstream_errors": [{"image": r["image"], "msg": r["upstream_error"]} for r in rows if r["upstream_error"]],
        "unstaged": [
            {"image": r["image"], "lock": r["lock"], "staging": r["staging"]} for r in rows if r["staging"] != r["lock"]
        ],
        "promotion": [
            {"image": r["image"], "before": r["promoted"], "after": r["lock"]}
            for r in rows
            if r["promoted"] != r["lock"]
        ],
        "targets_behind": behind,
    }


def _behind(rows: list[dict], targets: dict | None) -> list[dict]:
    """{host, image, running, promoted} for each image a target runs under a promoted name with another digest."""
    by_name = {(r["name"], r["tag"]): r for r in rows}
    behind = []
    for host, text in sorted((targets or {}).items()):
        for img in parse_docker_images(text):
            for (name, tag), row in by_name.items():
                if img["tag"] == tag and (img["repository"] == name or img["repository"].endswith("/" + name)):
                    if row["promoted"] and img["digest"] != row["promoted"]:
                        behind.append(
                            {"host": host, "image": row["image"], "running": img["digest"], "promoted": row["promoted"]}
                        )
    return behind


def targets_behind(site: Site, lock: dict, targets: dict | None) -> list[dict]:
    """The ``targets_behind`` part of ``diff`` alone: local HEADs of the promoted names only, no upstream request
    (so it works on an air-gapped deployment host)."""
    if not targets:
        return []

    def one(entry):
        name = site.promoted_repo(entry["repository"])
        key = _lock.image_key(entry["repository"], entry["tag"])
        return {"image": key, "name": name, "tag": entry["tag"], "promoted": site.local_digest(name, entry["tag"])}

    return _behind(site.pmap(one, _lock.entries(lock)), targets)


# ------------------------------------------------------------------------------------------------------------------
# The periodic run: lock, sync, report, metrics


def images_behind(site: Site, lock: dict) -> int:
    """Images of the lock whose promoted tag does not hold the lock's digest."""

    def behind(entry):
        return site.local_digest(site.promoted_repo(entry["repository"]), entry["tag"]) != entry["digest"]

    return sum(site.pmap(behind, _lock.entries(lock)))


def metrics_text(report: dict, last_success: float | None, behind: int | None) -> str:
    """node_exporter textfile collector format."""
    lines = []

    def gauge(name, help_text, value):
        if value is None:
            return
        lines.append("# HELP kollaprep_image_sync_%s %s" % (name, help_text))
        lines.append("# TYPE kollaprep_image_sync_%s gauge" % name)
        lines.append("kollaprep_image_sync_%s %s" % (name, _num(value)))

    gauge("last_run_timestamp_seconds", "When the last sync run finished.", report["finished_at"])
    gauge("last_run_success", "1 when the last sync run succeeded, else 0.", 1 if report["ok"] else 0)
    gauge("last_success_timestamp_seconds", "When the last successful sync run finished.", last_success)
    gauge("images_checked", "Images the last run checked upstream.", report.get("images_checked", 0))
    gauge("new_digests", "New upstream digests the last run staged.", len(report.get("new_digests") or []))
    gauge("images_behind", "Images whose promoted digest is not the lock's.", behind)
    gauge("bytes", "Bytes the last run copied into staging.", report.get("bytes", 0))
    gauge("duration_seconds", "How long the last run took.", report.get("seconds", 0))
    gauge("failures", "Images that failed in the last run.", len(report.get("failures") or []))
    return "\n".join(lines) + "\n"


def _num(value) -> str:
    return ("%.3f" % value).rstrip("0").rstrip(".") if isinstance(value, float) else str(int(value))


def last_success(report_dir: str, metrics_path: str | None = None) -> float | None:
    """When the last successful run finished: from the kept reports, or the metrics file (older reports rotate out)."""
    best = None
    try:
        with open(metrics_path or "", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("kollaprep_image_sync_last_success_timestamp_seconds "):
                    best = float(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    for name in os.listdir(report_dir) if os.path.isdir(report_dir) else []:
        if not (name.startswith("sync-") and name.endswith(".json")):
            continue
        try:
            with open(os.path.join(report_dir, name), encoding="utf-8") as fh:
                doc = json.load(fh)
        except (OSError, ValueError):
            continue
        if doc.get("ok") and isinstance(doc.get("finished_at"), (int, float)):
            best = max(best or 0, doc["finished_at"])
    return best


def periodic(site: Site, lock_path: str, images=None, *, tag=None, report_dir: str, keep: int = 10,
             metrics_path: str | None = None, run_lock: str = _lock.RUN_LOCK_PATH, now=time.time) -> dict:  # fmt: skip
    """One timer run: take the run lock (refused with LockBusy when another run or a GC holds it), sync, then write
    ``<report_dir>/sync-<UTC time>.json`` (the last ``keep`` kept) and the Prometheus textfile. A failed run writes
    its report (with why) and the metrics, and nothing else: the lock and the promoted tags stay as they were."""
    with _lock.RunLock(run_lock, purpose="image sync"):
        os.makedirs(report_dir, exist_ok=True)
        try:
            result = sync(site, lock_path, images, tag=tag).as_dict()
        except (PipelineError, _lock.LockFileError, InvalidReference, *NET_ERRORS) as exc:
            result = SyncReport(started=_lock.utc_now()).as_dict()
            result["ok"] = False
            result["failures"] = [{"image": "*", "msg": "%s: %s" % (type(exc).__name__, exc)}]
        result["finished_at"] = round(now(), 3)
        result["lock_file"] = lock_path
        behind = None
        try:
            lock = _lock.load(lock_path, missing_ok=True)
            behind = images_behind(site, lock) if lock else None
        except (_lock.LockFileError, *NET_ERRORS):
            pass
        result["images_behind"] = behind
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(result["finished_at"]))
        name = "sync-%s-%03d.json" % (stamp, int(result["finished_at"] * 1000) % 1000)
        _lock.write_text_atomic(os.path.join(report_dir, name), json.dumps(result, indent=2, sort_keys=True) + "\n")
        reports = sorted(n for n in os.listdir(report_dir) if n.startswith("sync-") and n.endswith(".json"))
        for old in reports[: max(0, len(reports) - keep)]:
            os.unlink(os.path.join(report_dir, old))
        if metrics_path:
            os.makedirs(os.path.dirname(os.path.abspath(metrics_path)), exist_ok=True)
            success = last_success(report_dir, metrics_path)
            _lock.write_text_atomic(metrics_path, metrics_text(result, success, behind))
        return result
