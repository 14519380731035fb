# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Parse and normalise container image references (the grammar of distribution/reference).

Stdlib only: imported by the image_mirror module, by bin/kollaprep-mirror, by unit tests and by bench/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]*)"
_PATH_COMPONENT = re.compile(r"^%s(?:%s%s)*$" % (_ALNUM, _SEPARATOR, _ALNUM))
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = re.compile(r"^(?:%s(?:\.%s)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$" % (_DOMAIN_COMPONENT, _DOMAIN_COMPONENT))
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
_SHA256 = re.compile(r"^sha256:[0-9a-f]{64}$")
NAME_MAX = 255


class InvalidReference(ValueError):
    """A malformed image reference; the message says what is wrong and with which reference."""


@dataclass(frozen=True)
class ImageRef:
    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def reference(self) -> str | None:
        """What goes after /manifests/: the digest when there is one, else the tag."""
        return self.digest or self.tag

    @property
    def name(self) -> str:
        return self.repository.rsplit("/", 1)[-1]

    @property
    def namespace(self) -> str:
        return self.repository.rsplit("/", 1)[0] if "/" in self.repository else ""

    @property
    def api_host(self) -> str:
        return DOCKER_HUB_API if self.registry == DOCKER_HUB else self.registry

    def with_tag(self, tag: str | None) -> ImageRef:
        return replace(self, tag=tag)

    def __str__(self) -> str:
        text = "%s/%s" % (self.registry, self.repository)
        if self.tag:
            text += ":" + self.tag
        if self.digest:
            text += "@" + self.digest
        return text


def is_valid_digest(digest: str) -> bool:
    if not _DIGEST.match(digest or ""):
        return False
    if digest.startswith("sha256:"):
        return bool(_SHA256.match(digest))
    return True


def validate_tag(tag: str) -> str:
    if not isinstance(tag, str) or not _TAG.match(tag):
        raise InvalidReference(
            "invalid tag %r: up to 128 characters of [A-Za-z0-9_.-], not starting with . or -" % (tag,)
        )
    return tag


def validate_repository(repository: str, text: str | None = None) -> str:
    what = text if text is not None else repository
    if not repository:
        raise InvalidReference("invalid reference %r: empty repository name" % (what,))
    if len(repository) > NAME_MAX:
        raise InvalidReference("invalid reference %r: repository name longer than %d characters" % (what, NAME_MAX))
    for component in repository.split("/"):
        if not _PATH_COMPONENT.match(component):
            raise InvalidReference(
                "invalid reference %r: path component %r must be lowercase letters, digits and separators (. _ __ -)"
                % (what, component)
            )
    return repository


def _looks_like_domain(component: str) -> bool:
    return "." in component or ":" in component or component == "localhost" or component != component.lower()


def normalise_registry(host: str) -> str:
    host = host.strip()
    if host in ("index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"):
        return DOCKER_HUB
    return host


def parse_reference(text: str, default_registry: str = DOCKER_HUB, default_tag: str | None = None) -> ImageRef:
    """Parse ``[host[:port]/]path[:tag][@digest]``.

    Without a host the reference is relative to ``default_registry`` (Docker Hub unless told otherwise, where a
    single-component name gets the ``library/`` prefix). ``default_tag`` is used when there is neither tag nor digest.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidReference("invalid reference %r: empty" % (text,))
    original = text
    text = text.strip()
    if any(c.isspace() for c in text):
        raise InvalidReference("invalid reference %r: contains whitespace" % (original,))
    digest = None
    if "@" in text:
        text, digest = text.split("@", 1)
        if not is_valid_digest(digest):
            raise InvalidReference(
                "invalid reference %r: digest %r is not algorithm:hex (sha256 needs 64 lowercase hex digits)"
                % (original, digest)
            )
    registry = None
    first, sep, rest = text.partition("/")
    if sep and _looks_like_domain(first):
        if not _DOMAIN.match(first):
            raise InvalidReference("invalid reference %r: bad registry host %r" % (original, first))
        registry = normalise_registry(first)
        text = rest
    tag = None
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > slash:
        text, tag = text[:colon], text[colon + 1 :]
        if not _TAG.match(tag):
            raise InvalidReference("invalid reference %r: bad tag %r" % (original, tag))
    if registry is None:
        registry = normalise_registry(default_registry)
    if registry == DOCKER_HUB and "/" not in text and text:
        text = "library/" + text
    validate_repository(text, original)
    if tag is None and digest is None:
        tag = default_tag
    return ImageRef(registry=registry, repository=text, tag=tag, digest=digest)
