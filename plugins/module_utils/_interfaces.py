# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two interfaces of the copy engine (``_mirror.Mirror``): where images come from, where they go.

Sources: ``_sources.RegistrySource`` (a registry's HTTP API), ``_sources.ArchiveSource`` (an offline bundle),
``_sources.EngineSource`` (the local Docker engine; not byte level: the engine pushes the image itself).
Destinations: ``_destinations.RegistryDestination`` (a registry's HTTP API) and ``_destinations.ArchiveDestination``
(an offline bundle written at ``commit()``; an export is a mirror run into one).

A byte-level copy reads manifests byte for byte and blobs as streams from the source, and hands the destination the
manifests (children before their index) and, for every blob, a way to open it (``open_blob``) that checks length
and sha256 on the way: a registry uploads at once, an archive opens it when it writes itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol


class BlobStream(Protocol):
    """A blob being read: ``read(n)`` returns at most n bytes (b"" at the end); ``length`` when known."""

    length: int | None

    def read(self, size: int = ...) -> bytes: ...

    def close(self, broken: bool = False) -> None: ...


class Source(Protocol):
    """Where images come from. ``ref`` is an ``_image_ref.ImageRef``."""

    kind: str
    byte_level: bool  # False: the source copies an image itself (``push``), the engine does

    def head_manifest(self, ref) -> dict | None:
        """{'digest', 'media_type', 'size'} of what ``ref`` names, or None when it is not there."""

    def get_manifest(self, ref, reference: str) -> tuple[bytes, str, str]:
        """(exact bytes, media type, digest) of a manifest of ``ref``'s repository (tag or digest)."""

    def open_blob(self, ref, digest: str) -> BlobStream: ...

    def list_repositories(self, namespace: str) -> list[str]:
        """Every repository under ``namespace`` (nested names included)."""

    def probe(self) -> None:
        """Raise now, once, when the source cannot be reached (rather than once per image)."""

    def why_missing(self, ref) -> str:
        """Why ``ref`` is not there: an unknown repository, or the tags it has instead."""

    def close(self) -> None: ...


class Destination(Protocol):
    """Where images go. Thread safe: the engine calls it from its worker threads."""

    host: str  # for messages and results ("127.0.0.1:4000", or the archive's path)

    def head_manifest(self, repo: str, reference: str) -> dict | None: ...

    def note_present(self, repo: str, reference: str, digest: str) -> None:
        """The image is there already, as it should be (a skipped copy): an archive keeps it in the new set."""

    def blob_size(self, repo: str, digest: str) -> int | None:
        """The size of a blob ``repo`` can serve already, or None."""

    def place_blob(
        self, repo: str, desc: dict, open_blob: Callable[[], Iterable[bytes]], mount_from: str | None
    ) -> tuple[str, int]:
        """Make ``desc`` a blob of ``repo``: ("mounted", 0) from ``mount_from`` when it can, else ("uploaded",
        bytes moved now). ``open_blob()`` yields the source's bytes, checked against the digest."""

    def put_manifest(self, repo: str, reference: str, body: bytes, media_type: str) -> str:
        """Store the exact bytes under ``reference`` (a tag, or the digest); return the stored digest."""

    def catalog(self) -> list[str]:
        """Repositories the destination holds (for mounts from earlier runs); [] when it cannot say."""

    def get_manifest(self, repo: str, reference: str) -> tuple[bytes, str, str]: ...

    def probe(self) -> None:
        """Raise now, once, when the destination cannot be reached or written."""

    def close(self) -> None: ...
