# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Docker Distribution's filesystem storage tree: its paths, and what the tags of a registry reach.

Paths are relative to the registry's root directory (``rootdirectory``, /var/lib/registry in the container):

    docker/registry/v2/blobs/sha256/<hex[:2]>/<hex>/data                       every blob, manifests included
    docker/registry/v2/repositories/<repo>/_layers/sha256/<hex>/link              a layer the repository may serve
    docker/registry/v2/repositories/<repo>/_manifests/revisions/sha256/<hex>/link  a manifest of the repository
    docker/registry/v2/repositories/<repo>/_manifests/tags/<tag>/current/link      what the tag points at
    docker/registry/v2/repositories/<repo>/_manifests/tags/<tag>/index/sha256/<hex>/link  what it pointed at

Used by the offline bundle (which writes such a tree) and by garbage collection, which must never break a tagged
image: Distribution 2.x's ``garbage-collect --delete-untagged`` deletes the child manifests of a tagged index (they
carry no tag of their own) and then their layers (distribution/distribution issues 3004 and 3178). ``plan_prune``
finds the manifests no tag reaches - through an index to its children, at any depth - and ``prune`` removes exactly
those, as Distribution's own vacuum does (the revision link and the tags' index entries); ``garbage-collect``
without ``--delete-untagged`` then frees their blobs. Stdlib only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field

from ansible_collections.kollaprep.registry.plugins.module_utils._image_ref import (
    InvalidReference,
    validate_repository,
    validate_tag,
)

V2 = "docker/registry/v2"
_SHA256 = re.compile(r"^sha256:([0-9a-f]{64})$")
_HEX = re.compile(r"^[0-9a-f]{64}$")
MAX_MANIFEST = 4 * 1024 * 1024  # Distribution refuses larger manifests


class TreeError(ValueError):
    """A name or digest that cannot be part of a storage tree, or a tree that cannot be read."""


# --------------------------------------------------------------------------------------------------------------
# Names and paths


def digest_hex(digest: str) -> str:
    match = _SHA256.match(digest or "")
    if not match:
        raise TreeError("%r is not a sha256 digest (sha256:<64 lowercase hex>)" % (digest,))
    return match.group(1)


def check_repository(repo: str) -> str:
    """A repository name as Docker's grammar allows it (``_image_ref``'s check), else TreeError."""
    try:
        return validate_repository(repo) if isinstance(repo, str) else validate_repository("")
    except InvalidReference as exc:
        raise TreeError("bad repository name %r: %s" % (repo, exc)) from exc


def check_tag(tag: str) -> str:
    try:
        return validate_tag(tag)
    except InvalidReference as exc:
        raise TreeError("bad tag %r: %s" % (tag, exc)) from exc


def blob_path(digest: str) -> str:
    hexa = digest_hex(digest)
    return "%s/blobs/sha256/%s/%s/data" % (V2, hexa[:2], hexa)


def repository_path(repo: str) -> str:
    return "%s/repositories/%s" % (V2, check_repository(repo))


def layer_link_path(repo: str, digest: str) -> str:
    return "%s/_layers/sha256/%s/link" % (repository_path(repo), digest_hex(digest))


def revision_link_path(repo: str, digest: str) -> str:
    return "%s/_manifests/revisions/sha256/%s/link" % (repository_path(repo), digest_hex(digest))


def tag_index_link_path(repo: str, tag: str, digest: str) -> str:
    return "%s/_manifests/tags/%s/index/sha256/%s/link" % (repository_path(repo), check_tag(tag), digest_hex(digest))


def tag_link_path(repo: str, tag: str) -> str:
    return "%s/_manifests/tags/%s/current/link" % (repository_path(repo), check_tag(tag))


def link_body(digest: str) -> bytes:
    """What Distribution writes in a link file: the digest, no newline."""
    digest_hex(digest)
    return digest.encode("ascii")


# --------------------------------------------------------------------------------------------------------------
# Reading a tree


def _read_link(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            text = fh.read(200).decode("ascii", "replace").strip()
    except FileNotFoundError:
        return None
    return text if _SHA256.match(text) else None


def repositories(root: str) -> list[str]:
    """Every repository of the tree, nested names included (a directory holding ``_manifests``)."""
    base = os.path.join(root, V2, "repositories")
    found = []
    for current, dirs, _files in os.walk(base):
        if "_manifests" in dirs:
            found.append(os.path.relpath(current, base).replace(os.sep, "/"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("_"))
    return sorted(found)


def tags(root: str, repo: str) -> dict[str, str]:
    """{tag: digest it points at} of one repository."""
    base = os.path.join(root, repository_path(repo), "_manifests", "tags")
    out = {}
    for tag in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        digest = _read_link(os.path.join(base, tag, "current", "link"))
        if digest:
            out[tag] = digest
    return out


def revisions(root: str, repo: str) -> list[str]:
    """The manifests of one repository (its revision links), as digests."""
    base = os.path.join(root, repository_path(repo), "_manifests", "revisions", "sha256")
    names = sorted(os.listdir(base)) if os.path.isdir(base) else []
    return ["sha256:" + name for name in names if _HEX.match(name)]


def read_blob(root: str, digest: str, limit: int = MAX_MANIFEST) -> bytes | None:
    try:
        with open(os.path.join(root, blob_path(digest)), "rb") as fh:
            return fh.read(limit + 1)
    except FileNotFoundError:
        return None


def _manifest_info(body: bytes | None) -> tuple[str, list[str]]:
    """(media type, child manifest digests) of a manifest's bytes; ("", []) when it cannot be read as one."""
    if body is None or len(body) > MAX_MANIFEST:
        return "", []
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "", []
    if not isinstance(doc, dict):
        return "", []
    children = [m.get("digest") for m in doc.get("manifests") or [] if isinstance(m, dict)]
    media_type = doc.get("mediaType") if isinstance(doc.get("mediaType"), str) else ""
    return media_type, [c for c in children if isinstance(c, str) and _SHA256.match(c)]


# --------------------------------------------------------------------------------------------------------------
# What the tags reach, and what they do not


@dataclass(frozen=True)
class Orphan:
    repository: str
    digest: str
    media_type: str
    size: int

    def as_dict(self) -> dict:
        return {"repository": self.repository, "digest": self.digest, "media_type": self.media_type, "size": self.size}


@dataclass
class PrunePlan:
    repositories: int = 0
    manifests: int = 0
    kept: int = 0
    orphans: list[Orphan] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "repositories": self.repositories,
            "unreadable_repositories": self.unreadable,
            "manifests": self.manifests,
            "kept": self.kept,
            "orphans": len(self.orphans),
            "orphan_bytes": sum(o.size for o in self.orphans),
        }


def reachable(root: str, starts: list[str]) -> set[str]:
    """The manifests ``starts`` reach: themselves and, through every index, their children at any depth."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        digest = todo.pop()
        if digest in seen:
            continue
        seen.add(digest)
        todo.extend(_manifest_info(read_blob(root, digest))[1])
    return seen


def plan_prune(root: str, protect=()) -> PrunePlan:
    """The manifests of each repository that neither a tag of that repository nor ``protect`` (digests) reaches.

    A repository holding a manifest whose bytes cannot be read keeps every manifest (what that one reaches is
    unknown): nothing is removed on a guess. Raises TreeError when ``root`` holds no storage tree.
    """
    if not os.path.isdir(os.path.join(root, V2)):
        raise TreeError("%s holds no registry storage tree (no %s directory)" % (root, V2))
    for digest in protect:
        digest_hex(digest)
    plan = PrunePlan()
    for repo in repositories(root):
        plan.repositories += 1
        present = revisions(root, repo)
        plan.manifests += len(present)
        if any(read_blob(root, d) is None for d in present):
            # What an unreadable manifest reaches is unknown: this repository keeps everything.
            plan.kept += len(present)
            plan.unreadable.append(repo)
            continue
        keep = reachable(root, list(tags(root, repo).values()) + list(protect))
        for digest in present:
            if digest in keep:
                plan.kept += 1
                continue
            body = read_blob(root, digest)
            media_type = _manifest_info(body)[0]
            plan.orphans.append(Orphan(repo, digest, media_type, len(body)))
    return plan


def prune(root: str, orphans: list[Orphan]) -> None:
    """Remove each orphan from its repository as Distribution's vacuum does: the revision link and the tags' index
    entries (the history of tags that once pointed at it). Blobs stay for ``garbage-collect`` to free."""
    for orphan in orphans:
        hexa = digest_hex(orphan.digest)
        base = os.path.join(root, repository_path(orphan.repository), "_manifests")
        tags_dir = os.path.join(base, "tags")
        for tag in os.listdir(tags_dir) if os.path.isdir(tags_dir) else []:
            shutil.rmtree(os.path.join(tags_dir, tag, "index", "sha256", hexa), ignore_errors=True)
        shutil.rmtree(os.path.join(base, "revisions", "sha256", hexa), ignore_errors=True)
