# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and verify offline bundles (the format is ``_bundle_format``'s).

Import stages every member in ``<data_dir>/.kollaprep-staging/<bundle id>/`` (same filesystem), verifies each blob
against its digest and every other member against SHA256SUMS, checks the trailer, and only then hard-links files into
place: never over an existing file (identical content is left as it is; a tag that points elsewhere is re-pointed,
the old revision stays), blobs first and tag links last, so a running registry never sees a tag before its data.
A killed import leaves its verified staging files; the next run reuses them. Staging of other bundles is removed.
Stdlib only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ansible_collections.kollaprep.registry.plugins.module_utils._bundle_format import (
    HASH_THREADS,
    HASH_WINDOW,
    IMAGE_MEMBER,
    KIND_BLOB,
    KIND_TAG_LINK,
    PLACE_ORDER,
    SMALL_MEMBER,
    STAGING_DIR,
    BundleCorrupt,
    BundleError,
    BundleReader,
    TreeFile,
    copy_range,
    hash_range,
    image_list,
    tree_files,
    verify_range,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._engine import DockerEngine
from ansible_collections.kollaprep.registry.plugins.module_utils._storage_tree import digest_hex


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


def verify_bundle(path: str) -> ImportReport:
    """Read the whole archive: structure, trailer, every member's sha256. Raises BundleCorrupt."""
    start = time.monotonic()
    report = ImportReport(path=path)
    with BundleReader(path) as reader:
        while True:
            member = reader.next_member()
            if member is None:
                break
            verify_range(reader.fd, member.offset, member.size, reader.sums[member.name], member.name)
            report.bytes_verified += member.size
        report.images = image_list(reader.index)
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
            report.images = image_list(reader.index)
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
