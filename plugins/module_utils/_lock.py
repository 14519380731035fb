# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The image lock file (``images.lock``) and the run lock the pipeline and garbage collection share.

The lock file is JSON with sorted keys and one image per key, so ``git diff`` shows exactly which tag moved:

    {
      "images": {
        "nova-api:2025.1-ubuntu-noble": {
          "digest": "sha256:...", "first_seen": "2026-11-30T20:00:00Z", "media_type": "...",
          "platforms": ["linux/amd64", "linux/arm64"], "previous": [{"digest": ..., "first_seen": ..., "until": ...}],
          "repository": "nova-api", "size": 123456, "tag": "2025.1-ubuntu-noble"
        }
      },
      "namespace": "openstack.kolla", "source": "quay.io", "version": 1
    }

``repository`` is relative to ``namespace`` (nested names such as ``extra/memcached`` stay whole); the staging copy
lives at ``staging/<namespace>/<repository>``, the promoted one at ``<namespace>/<repository>`` of the local registry.

The run lock is an ``flock`` on a file (default ``/run/lock/kollaprep-registry.lock``): a periodic sync, a promotion
and the registry's garbage collection each hold it for their whole run, so two never overlap; the second one is
refused at once (it does not queue), saying who holds the lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import tempfile
import time

LOCK_VERSION = 1
HISTORY = 5  # earlier digests of a tag kept in its entry
RUN_LOCK_PATH = "/run/lock/kollaprep-registry.lock"


class LockFileError(ValueError):
    """A lock file that cannot be read or does not have the expected shape."""


class LockBusy(RuntimeError):
    """Another run holds the run lock."""


def utc_now(now: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now))


def image_key(repository: str, tag: str) -> str:
    return "%s:%s" % (repository, tag)


def new_lock(source: str, namespace: str) -> dict:
    return {"version": LOCK_VERSION, "source": source, "namespace": namespace.strip("/"), "images": {}}


def validate(lock: dict, what: str = "lock file") -> dict:
    if not isinstance(lock, dict) or not isinstance(lock.get("images"), dict):
        raise LockFileError("%s: not an image lock (no 'images' mapping)" % what)
    if lock.get("version") != LOCK_VERSION:
        raise LockFileError("%s: lock version %r, this collection reads version %d" % (what, lock.get("version"), 1))
    for key, entry in lock["images"].items():
        for field in ("repository", "tag", "digest"):
            if not isinstance(entry, dict) or not isinstance(entry.get(field), str) or not entry[field]:
                raise LockFileError("%s: image %s has no %s" % (what, key, field))
        if not entry["digest"].startswith("sha256:") or len(entry["digest"]) != 71:
            raise LockFileError("%s: image %s has a malformed digest %r" % (what, key, entry["digest"]))
        if key != image_key(entry["repository"], entry["tag"]):
            raise LockFileError("%s: key %s does not match %s:%s" % (what, key, entry["repository"], entry["tag"]))
    return lock


def load(path: str, missing_ok: bool = False) -> dict | None:
    """The lock at ``path``; None when it does not exist and ``missing_ok``."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        if missing_ok:
            return None
        raise LockFileError("lock file %s does not exist (a sync writes it)" % path) from None
    try:
        return validate(json.loads(text), path)
    except json.JSONDecodeError as exc:
        raise LockFileError("lock file %s is not JSON: %s" % (path, exc)) from exc


def dumps(lock: dict) -> str:
    """Stable text: sorted keys, two-space indent, a final newline (one line per field: reviewable in git)."""
    return json.dumps(validate(lock), indent=2, sort_keys=True) + "\n"


def write_text_atomic(path: str, text: str, mode: int = 0o644) -> bool:
    """Write ``text`` to ``path`` through a temp file in the same directory (never half written); False when the
    file already holds exactly ``text``."""
    try:
        with open(path, encoding="utf-8") as fh:
            if fh.read() == text:
                return False
    except FileNotFoundError:
        pass
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def save(path: str, lock: dict) -> bool:
    return write_text_atomic(path, dumps(lock))


def record(lock: dict, repository: str, tag: str, digest: str, *, media_type: str = "", platforms=(), size: int = 0,
           now: str | None = None) -> tuple[str, str | None]:  # fmt: skip
    """Put what ``repository:tag`` points at into the lock. Returns (``new`` | ``moved`` | ``same``, earlier digest).

    A digest already recorded keeps its ``first_seen``; a moved tag keeps its earlier digests in ``previous``
    (the last ``HISTORY``), so the lock itself tells when the upstream republished a tag.
    """
    now = now or utc_now()
    key = image_key(repository, tag)
    entry = lock["images"].get(key)
    fresh = {
        "repository": repository,
        "tag": tag,
        "digest": digest,
        "media_type": media_type,
        "platforms": sorted(platforms),
        "size": int(size),
        "first_seen": now,
        "previous": [],
    }
    if entry is None:
        lock["images"][key] = fresh
        return "new", None
    if entry["digest"] == digest:
        return "same", digest
    fresh["previous"] = (
        [
            {"digest": entry["digest"], "first_seen": entry.get("first_seen", ""), "until": now},
            *list(entry.get("previous") or []),
        ]
    )[:HISTORY]
    lock["images"][key] = fresh
    return "moved", entry["digest"]


def entries(lock: dict) -> list[dict]:
    """The images of a lock in key order."""
    return [lock["images"][k] for k in sorted(lock["images"])]


class RunLock:
    """An exclusive, non-blocking ``flock`` on ``path`` for one whole run; ``LockBusy`` when someone holds it.

    The file keeps the holder's pid and purpose (for the refusal message); the kernel drops the lock when the holder
    exits, however it exits, so a killed run never leaves a stale lock behind.
    """

    def __init__(self, path: str = RUN_LOCK_PATH, purpose: str = "image pipeline"):
        self.path = path
        self.purpose = purpose
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise LockBusy(
                "another run holds %s (%s); %s not started: try again when it has finished"
                % (self.path, holder, self.purpose)
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, ("pid %d: %s since %s\n" % (os.getpid(), self.purpose, utc_now())).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def holder(path: str) -> int | None:
    """The pid the run lock file names while the lock is held, else None (free, or the file is gone)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 512, 0).decode("utf-8", "replace")
            word = text.split(":", 1)[0].split()
            return int(word[1]) if len(word) == 2 and word[0] == "pid" and word[1].isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def hold_detached(path: str, purpose: str, max_seconds: int) -> int:
    """Take the run lock in a detached process that keeps it until ``release_detached`` (or ``max_seconds``, so a
    caller that dies does not block every later run for good); its pid. LockBusy when someone holds it.

    For callers that are not one process for their whole run (an Ansible play: the registry's garbage collection).
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; exercised by the integration tests
        try:
            os.close(read_end)
            os.setsid()
            if os.fork() != 0:
                os._exit(0)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            try:
                lock = RunLock(path, purpose).acquire()
            except (LockBusy, OSError) as exc:
                os.write(write_end, ("busy %s" % exc).encode())
                os._exit(1)
            os.write(write_end, ("ok %d" % os.getpid()).encode())
            os.close(write_end)
            signal.signal(signal.SIGTERM, lambda *_a: os._exit(0))
            deadline = time.monotonic() + max_seconds
            while time.monotonic() < deadline:
                time.sleep(min(60.0, max(0.0, deadline - time.monotonic())))
            lock.release()
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as fh:
        answer = fh.read().decode("utf-8", "replace")
    if answer.startswith("ok "):
        return int(answer[3:])
    if answer.startswith("busy "):
        raise LockBusy(answer[5:])
    raise OSError("the run lock holder for %s did not start (%r)" % (path, answer))


def release_detached(path: str, pid: int, timeout: float = 30.0) -> bool:
    """End the holder ``pid`` started by ``hold_detached``, if it still holds ``path``; True when it did. Waits until
    the kernel has dropped its lock (the holder's exit), at most ``timeout`` seconds."""
    if holder(path) != pid:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _running(pid)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie has closed its files: its lock is gone)."""
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
