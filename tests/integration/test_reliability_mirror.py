"""Reliability of the mirror under faults: a faulty upstream, kill -9 at random points, a full destination disk.

Real registry:2 containers (names ``kp-rel-<pid>-*``, removed by the fixtures even on failure), the synthetic Kolla
set of the test bed generator, and tests/testbed/faultproxy.py (a seeded fault-injecting reverse proxy) in front of
the upstream registry. Every check reads the destination back with plain HTTP (``requests``), not with the client
under test: manifest digests against the upstream's, every blob GET and sha256'd, every tag complete.

Run with ``pytest -s`` to see the numbers (faults injected per kind, images verified, kills mid-copy).
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources

from tests.testbed import clean_env, generator, registries
from tests.testbed.faultproxy import KINDS, FaultProxy, Rule

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MIRROR = ROOT / "bin/kollaprep-mirror"
NS = "openstack.kolla"
TAG = "2024.1-debian-bookworm"
BIG = "2024.1-debian-bookworm-big"
DISK = "2024.1-debian-bookworm-disk"
PREFIX = "kp-rel-%d-" % os.getpid()
ACCEPT = ", ".join((rc.MEDIA_OCI_INDEX, rc.MEDIA_DOCKER_LIST, rc.MEDIA_OCI_MANIFEST, rc.MEDIA_DOCKER_MANIFEST))


def say(text: str) -> None:
    print("\n[reliability] %s" % text, end="", flush=True)


# --------------------------------------------------------------------------------------------------------------
# Fixtures: our own registries (a prefix of our own, so no other session's leftover cleanup removes them)


def _clean_leftovers() -> None:
    """Containers and mounts of an earlier run of this file that was killed (its pid is gone)."""

    def dead(name: str) -> bool:
        pid = name[len("kp-rel-") :].split("-", 1)[0]
        return pid.isdigit() and not Path("/proc", pid).exists()

    names = subprocess.run(
        ["/usr/bin/docker", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True, check=False
    ).stdout.split()
    doomed = [n for n in names if n.startswith("kp-rel-") and dead(n)]
    if doomed:
        subprocess.run(["/usr/bin/docker", "rm", "-f", "-v", *doomed], capture_output=True, check=False)
    for workdir in Path(tempfile.gettempdir()).glob("kp-rel-*-disk-*"):
        if dead(workdir.name):
            subprocess.run(["umount", "-l", str(workdir / "data")], capture_output=True, check=False)
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def start_registry(testbed):
    _clean_leftovers()
    started: list[registries.Registry] = []

    def start(role: str, **kw) -> registries.Registry:
        reg = registries.start_registry(PREFIX + role, **kw)
        started.append(reg)
        return reg

    yield start
    for reg in started:
        reg.stop()


@pytest.fixture(scope="module")
def rel_upstream(start_registry):
    """9 images with 128 KiB layers (tag TAG) and 3 images with 1.5 MiB layers (tag BIG): 12 images, ~7.5 MiB."""
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    reg = start_registry("upstream")
    small = generator.generate(reg.host, count=9, layer_size=128 * 1024, tag=TAG, seed=11)
    big = generator.generate(reg.host, images=["cron", "haproxy"], layer_size=1536 * 1024, tag=BIG, seed=11)
    reg.images = {img.name: img for img in small}
    reg.images.update({"%s:%s" % (img.name, BIG): img for img in big})
    return reg


@pytest.fixture
def proxy_factory():
    proxies: list[FaultProxy] = []

    def make(upstream_host: str, **kw) -> FaultProxy:
        proxy = FaultProxy(upstream_host, max_seconds=600, **kw).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.close()


def _mount_small_fs(target: Path, size_mib: int) -> tuple[str, Path | None]:
    """A filesystem of size_mib on target: tmpfs, else a loop-mounted ext4 file; raises when neither works."""
    tmpfs = ["mount", "-t", "tmpfs", "-o", "size=%dm" % size_mib, "tmpfs", str(target)]
    res = subprocess.run(tmpfs, capture_output=True, text=True, check=False)
    if res.returncode == 0:
        return "tmpfs", None
    image = target.parent / "fs.img"
    subprocess.run(["truncate", "-s", "%dM" % size_mib, str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True, capture_output=True)
    loop = subprocess.run(["mount", "-o", "loop", str(image), str(target)], capture_output=True, text=True, check=False)
    if loop.returncode != 0:
        raise RuntimeError("cannot mount a small filesystem: tmpfs: %s; loop ext4: %s" % (res.stderr, loop.stderr))
    return "ext4 (loop)", image


@pytest.fixture
def small_disk_registry(testbed):
    """A registry whose storage (/var/lib/registry) is a 24 MiB filesystem; container and mount gone afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=PREFIX + "disk-"))
    data = workdir / "data"
    data.mkdir()
    try:
        kind, _image = _mount_small_fs(data, 24)
    except (RuntimeError, subprocess.CalledProcessError, FileNotFoundError) as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.skip("no small filesystem can be mounted here: %s" % exc)
    reg = None
    try:
        reg = registries.start_registry(PREFIX + "smalldisk", workdir=workdir)
        reg.fs_kind = kind
        yield reg
    finally:
        subprocess.run(["/usr/bin/docker", "rm", "-f", "-v", PREFIX + "smalldisk"], capture_output=True, check=False)
        if subprocess.run(["umount", str(data)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(data)], capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------------------------
# Reading the destination back, independently of the client under test


class Audit:
    """Plain HTTP reads of a registry: manifests, blobs (hashed), tags."""

    def __init__(self, host: str):
        self.base = "http://%s" % host
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    def ping(self) -> int:
        return self.http.get(self.base + "/v2/", timeout=10).status_code

    def manifest(self, repo: str, ref: str) -> tuple[bytes, str, str] | None:
        resp = self.http.get("%s/v2/%s/manifests/%s" % (self.base, repo, ref), headers={"Accept": ACCEPT}, timeout=30)
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        body = resp.content
        return body, resp.headers.get("Content-Type", ""), "sha256:" + hashlib.sha256(body).hexdigest()

    def blob_digest(self, repo: str, digest: str) -> tuple[str, int]:
        """GET the blob, return (sha256 of what came back, its length)."""
        hasher = hashlib.sha256()
        size = 0
        with self.http.get("%s/v2/%s/blobs/%s" % (self.base, repo, digest), stream=True, timeout=60) as resp:
            if resp.status_code != 200:
                return "HTTP %d" % resp.status_code, 0
            for chunk in resp.iter_content(1 << 20):
                hasher.update(chunk)
                size += len(chunk)
        return "sha256:" + hasher.hexdigest(), size

    def blob_head(self, repo: str, digest: str) -> int | None:
        resp = self.http.head("%s/v2/%s/blobs/%s" % (self.base, repo, digest), timeout=30)
        return int(resp.headers.get("Content-Length", -1)) if resp.status_code == 200 else None

    def image_blobs(self, repo: str, body: bytes, media_type: str) -> list[dict]:
        manifests = [body]
        if rc.is_index(rc.detect_media_type(body, media_type)):
            manifests = []
            for child in rc.manifest_children(body):
                got = self.manifest(repo, child["digest"])
                if got is None:
                    raise AssertionError("%s: child manifest %s missing" % (repo, child["digest"]))
                manifests.append(got[0])
        return [desc for m in manifests for desc in rc.manifest_blobs(m)]

    def verify(self, repo: str, ref: str, expected_digest: str, *, hash_blobs: bool = True) -> list[str]:
        """Problems with repo:ref at this registry (empty when the tag has the expected digest, all blobs right)."""
        got = self.manifest(repo, ref)
        if got is None:
            return ["%s:%s missing" % (repo, ref)]
        body, media_type, digest = got
        problems = []
        if digest != expected_digest:
            problems.append("%s:%s has digest %s, upstream %s" % (repo, ref, digest, expected_digest))
        for desc in self.image_blobs(repo, body, media_type):
            if hash_blobs:
                got_digest, size = self.blob_digest(repo, desc["digest"])
                if got_digest != desc["digest"] or size != desc["size"]:
                    problems.append("%s blob %s came back as %s, %d bytes" % (repo, desc["digest"], got_digest, size))
            elif self.blob_head(repo, desc["digest"]) != desc["size"]:
                problems.append("%s:%s blob %s missing or wrong size" % (repo, ref, desc["digest"]))
        return problems

    def tags(self) -> list[tuple[str, str]]:
        resp = self.http.get(self.base + "/v2/_catalog?n=1000", timeout=30)
        resp.raise_for_status()
        out = []
        for repo in resp.json().get("repositories") or []:
            tags = self.http.get("%s/v2/%s/tags/list" % (self.base, repo), timeout=30)
            if tags.status_code == 404:
                continue  # a repository with upload sessions or blobs but no tag yet
            tags.raise_for_status()
            out.extend((repo, tag) for tag in tags.json().get("tags") or [])
        return sorted(out)

    def incomplete_tags(self) -> tuple[int, list[str]]:
        """(tags checked, problems): every tag's manifest answers and every blob it references is there."""
        problems = []
        tags = self.tags()
        for repo, tag in tags:
            head = self.http.head("%s/v2/%s/manifests/%s" % (self.base, repo, tag), headers={"Accept": ACCEPT})
            if head.status_code != 200:
                problems.append("%s:%s manifest HEAD answered %d" % (repo, tag, head.status_code))
                continue
            got = self.manifest(repo, tag)
            problems.extend(
                "%s:%s points at an image whose blob %s is missing" % (repo, tag, d["digest"])
                for d in self.image_blobs(repo, got[0], got[1])
                if self.blob_head(repo, d["digest"]) != d["size"]
            )
        return len(tags), problems


def split_name(name: str) -> tuple[str, str]:
    base, _sep, tag = name.partition(":")
    return "%s/%s" % (NS, base), tag or TAG


def verify_all(audit: Audit, images: dict, names) -> tuple[int, list[str]]:
    """(images verified, problems) for the images named (keys of upstream.images)."""
    problems = []
    for name in names:
        repo, tag = split_name(name)
        problems.extend(audit.verify(repo, tag, images[name].digest))
    return len(list(names)), problems


def run_mirror(upstream_host: str, dest_host: str, names, *, workers: int = 4, src_options=None, dest_options=None):
    source = sources.RegistrySource(upstream_host, scheme="http", **(src_options or {}))
    dest = rc.RegistryClient(dest_host, side="dest", scheme="http", **(dest_options or {}))
    try:
        return mm.mirror(
            list(names),
            source=source,
            dest=dest,
            tag=TAG,
            src_registry=upstream_host,
            src_namespace=NS,
            workers=workers,
        )
    finally:
        source.close()
        dest.close()


# --------------------------------------------------------------------------------------------------------------
# 1. A faulty upstream


def test_faults_the_retry_budget_absorbs(rel_upstream, start_registry, proxy_factory):
    """About a third of the upstream requests fail (every kind, at most two in a row on one path): all images land."""
    dest = start_registry("absorb")
    proxy = proxy_factory(rel_upstream.host, seed=7, rules=[Rule(rate=0.35, max_streak=2)], retry_after=1.0)
    names = list(rel_upstream.images)
    start = time.monotonic()
    report = run_mirror(proxy.host, dest.host, names, src_options={"backoff": 0.1})
    seconds = time.monotonic() - start
    audit = Audit(dest.host)
    verified, problems = verify_all(audit, rel_upstream.images, names)
    tags_checked, incomplete = audit.incomplete_tags()
    audit.close()
    numbers = "%s; %d images verified (%d problems), %d tags checked; mirror %.1fs" % (
        proxy.summary(),
        verified,
        len(problems),
        tags_checked,
        seconds,
    )
    say("absorbable faults: " + numbers)
    failed = {r.image: r.msg for r in report.failed}
    assert not failed, "images failed under absorbable faults (%s): %s" % (numbers, failed)
    assert [r.status for r in report.results] == ["copied"] * len(names), numbers
    assert not problems, "%s\n%s" % (numbers, "\n".join(problems))
    assert not incomplete, "%s\n%s" % (numbers, "\n".join(incomplete))
    assert tags_checked == len(names), numbers
    # The run really met every kind of fault, mid-blob drops included.
    missing = [k for k in KINDS if not proxy.counts[k]]
    assert not missing, "no %s fault was injected: %s" % (missing, numbers)
    cut_blobs = [p for m, p, k in proxy.log if k in ("drop", "truncate") and "/blobs/" in p and m == "GET"]
    assert cut_blobs, "no blob body was cut: %s" % numbers


def test_cut_manifest_body_is_retried(rel_upstream, start_registry, proxy_factory):
    """A manifest GET whose body is cut once (reset mid-body or short body) is a transient fault like a 503."""
    dest = start_registry("manifest-cut")
    rules = [Rule(pattern=r"/manifests/", methods=("GET",), rate=1.0, kinds={"drop": 1, "truncate": 1}, max_streak=1)]
    proxy = proxy_factory(rel_upstream.host, seed=5, rules=rules)
    names = ["cron", "keystone", "fluentd"]
    report = run_mirror(proxy.host, dest.host, names, src_options={"backoff": 0.1})
    say("cut manifest bodies: %s" % proxy.summary())
    assert proxy.total_faults() >= len(names), proxy.summary()
    failed = {r.image: r.msg for r in report.failed}
    assert not failed, "a manifest body cut once failed the image instead of being retried (%s): %s" % (
        proxy.summary(),
        failed,
    )
    audit = Audit(dest.host)
    _verified, problems = verify_all(audit, rel_upstream.images, names)
    audit.close()
    assert not problems, problems


def test_source_reset_is_blamed_on_the_source(rel_upstream, start_registry, proxy_factory):
    """Every blob body of the source breaks off mid-way: the image fails, and the message blames the source."""
    dest = start_registry("src-reset")
    rules = [Rule(pattern=r"/blobs/", methods=("GET",), rate=1.0, kinds={"drop": 1}, max_streak=None)]
    proxy = proxy_factory(rel_upstream.host, seed=9, rules=rules)
    report = run_mirror(proxy.host, dest.host, ["fluentd"], src_options={"backoff": 0.05})
    say("source resets every blob: %s" % proxy.summary())
    assert [r.image for r in report.failed] == ["fluentd"], proxy.summary()
    msg = report.failed[0].msg
    assert proxy.counts["drop"] >= 4, proxy.summary()
    assert "dest registry" not in msg and "src" in msg, "the source broke off, the message blames: %s" % msg


def test_overwhelming_faults_fail_exactly_those_images(rel_upstream, start_registry, proxy_factory):
    """Two repositories always answer 500; the rest has absorbable noise: exactly those two fail, by name."""
    dest = start_registry("overwhelm")
    broken = {"kolla-toolbox", "keystone-ssh"}
    rules = [
        Rule(pattern=r"^/v2/%s/(%s)/" % (NS, "|".join(sorted(broken))), rate=1.0, kinds={"500": 1}, max_streak=None),
        Rule(pattern=r"/blobs/", rate=0.25, max_streak=2),
        Rule(methods=("HEAD",), rate=0.25, max_streak=2),
    ]
    proxy = proxy_factory(rel_upstream.host, seed=7, rules=rules)
    names = list(rel_upstream.images)
    start = time.monotonic()
    report = run_mirror(proxy.host, dest.host, names, src_options={"backoff": 0.1})
    seconds = time.monotonic() - start
    audit = Audit(dest.host)
    healthy = [n for n in names if n not in broken]
    verified, problems = verify_all(audit, rel_upstream.images, healthy)
    tags_checked, incomplete = audit.incomplete_tags()
    leaked = [n for n in broken if audit.manifest(*split_name(n)) is not None]
    audit.close()
    failed = {r.image: r.msg for r in report.failed}
    numbers = "%s; %d failed (%s), %d others verified, %d tags checked; mirror %.1fs" % (
        proxy.summary(),
        len(failed),
        ", ".join(sorted(failed)),
        verified,
        tags_checked,
        seconds,
    )
    say("overwhelming faults: " + numbers)
    assert set(failed) == broken, "%s\n%s" % (numbers, json.dumps(failed, indent=1))
    for name, msg in failed.items():
        assert "HTTP 500" in msg and "%s/%s" % (NS, name) in msg, msg
    assert not leaked, "a failed image got a tag at the destination: %s" % leaked
    assert not problems, "%s\n%s" % (numbers, "\n".join(problems))
    assert not incomplete, "%s\n%s" % (numbers, "\n".join(incomplete))
    assert tags_checked == len(healthy), numbers
    assert proxy.counts["500"] > 0 and proxy.total_faults() > proxy.counts["500"], numbers


# --------------------------------------------------------------------------------------------------------------
# 2. Interruption: kill -9 at random points, same destination, then a rerun


def test_kill_at_random_points_then_rerun(rel_upstream, start_registry, proxy_factory, tmp_path):
    dest = start_registry("killed")
    # No faults here: slow bodies (256 KiB/s each), so that the kills land in the middle of copies.
    proxy = proxy_factory(rel_upstream.host, seed=0, bandwidth=256 * 1024)
    names = list(rel_upstream.images)
    cmd = [
        sys.executable, str(MIRROR), "--src", proxy.host, "--src-insecure", "--dest", dest.host, "--dest-insecure",
        "--tag", TAG, "--namespace", NS, "--workers", "2", *names,
    ]  # fmt: skip
    rng = random.Random(20240601)
    audit = Audit(dest.host)
    trials = []
    try:
        for trial in range(10):
            delay = rng.uniform(0.6, 2.5)
            log = tmp_path / ("trial%d.log" % trial)
            requests_before = proxy.events["requests"]
            with log.open("wb") as out:
                proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=clean_env())
                try:
                    proc.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    pass
                in_flight = proxy.bodies_in_flight
                started = proxy.events["requests"] > requests_before
                alive = proc.poll() is None
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
            tags_checked, incomplete = audit.incomplete_tags()
            wrong = []
            for name in names:
                got = audit.manifest(*split_name(name))
                if got is not None and got[2] != rel_upstream.images[name].digest:
                    wrong.append("%s has %s" % (name, got[2]))
            trials.append(
                {
                    "delay": round(delay, 2),
                    "killed": alive and proc.returncode == -signal.SIGKILL,
                    "started": started,
                    "mid_blob": alive and in_flight > 0,
                    "tags": tags_checked,
                }
            )
            assert not incomplete, "after kill %d (%.2fs): %s\n%s" % (trial, delay, incomplete, log.read_text())
            assert not wrong, "after kill %d: wrong digests %s" % (trial, wrong)
        killed = sum(t["killed"] for t in trials)
        # Mid-copy: the run had started copying (the source saw its requests) and the set was not complete yet.
        mid_copy = sum(t["killed"] and t["started"] and t["tags"] < len(names) for t in trials)
        mid_blob = sum(t["mid_blob"] for t in trials)
        say(
            "kill -9: %d trials, %d killed while running, %d mid-copy (destination incomplete), %d with a blob "
            "body in flight; tags after each kill: %s"
            % (len(trials), killed, mid_copy, mid_blob, [t["tags"] for t in trials])
        )
        proxy.bandwidth = None
        start = time.monotonic()
        res = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(), check=False, timeout=300)
        seconds = time.monotonic() - start
        assert res.returncode == 0, res.stdout + res.stderr
        assert "0 failed" in res.stdout, res.stdout
        verified, problems = verify_all(audit, rel_upstream.images, names)
        tags_checked, incomplete = audit.incomplete_tags()
        say("rerun after the kills: %.1fs, %d images verified (blobs hashed), %d tags checked" % (
            seconds, verified, tags_checked))  # fmt: skip
        assert not problems, "\n".join(problems)
        assert not incomplete, "\n".join(incomplete)
        assert tags_checked == len(names)
        assert mid_copy >= 7, "only %d of 10 kills landed mid-copy: %s" % (mid_copy, trials)
        assert mid_blob >= 3, "only %d kills landed with a blob transfer in flight: %s" % (mid_blob, trials)
        assert any(0 < t["tags"] < len(names) for t in trials), "no kill left a partly copied set: %s" % trials
    finally:
        audit.close()


# --------------------------------------------------------------------------------------------------------------
# 3. A full destination disk


@pytest.mark.parametrize("workers", [4, 1])
def test_full_destination_disk(start_registry, small_disk_registry, proxy_factory, tmp_path, workers):
    """~37 MiB of images into a registry whose storage is a 24 MiB filesystem, through a proxy that counts requests
    (it injects nothing): a full disk fails at once, every blob body is sent at most once; with one worker (one
    request at a time, so the order is fixed) not a single upload request follows the first "no space" answer."""
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    dest = small_disk_registry
    src = start_registry("disk-src")
    images = generator.generate(src.host, count=10, layer_size=3 * 1024 * 1024, tag=DISK, seed=13)
    total = sum(img.unique_bytes for img in images)
    counter = proxy_factory(dest.host)
    cmd = [
        sys.executable, str(MIRROR), "--src", src.host, "--src-insecure", "--dest", counter.host, "--dest-insecure",
        "--tag", DISK, "--namespace", NS, "--workers", str(workers), "--json", "--quiet",
        *[img.name for img in images],
    ]  # fmt: skip
    start = time.monotonic()
    res = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(), check=False, timeout=600)
    seconds = time.monotonic() - start
    # Attempts, counted by the proxy: one PUT of a blob body per digest, whatever the answer (a full disk is never
    # retried, neither by the upload's own retries nor by another repository that needs the same blob).
    puts = [(path, status) for method, path, status in counter.requests if method == "PUT" and "digest=" in path]
    per_digest = collections.Counter(path.rsplit("digest=", 1)[1].replace("%3A", ":") for path, _status in puts)
    full = [path for path, status in puts if status >= 500]
    say("full disk: %d blob PUTs, %d answered 5xx, most PUTs of one digest: %d"
        % (len(puts), len(full), max(per_digest.values(), default=0)))  # fmt: skip
    assert full, "the disk never filled up: %s" % puts
    assert set(per_digest.values()) == {1}, "blob bodies sent more than once: %s" % {
        d: n for d, n in per_digest.items() if n > 1
    }
    if workers == 1:
        first_full = next(i for i, (_m, _p, status) in enumerate(counter.requests) if status >= 500)
        uploads_after = [
            (method, path[:80])
            for method, path, _status in counter.requests[first_full + 1 :]
            if "/blobs/uploads/" in path and "mount=" not in path
        ]
        assert not uploads_after, "uploads attempted after the registry said its disk is full: %s" % uploads_after
    out = res.stdout
    doc = json.loads(out[: out.rindex("}") + 1])
    status = {r["image"]: r for r in doc["images"]}
    copied = [n for n, r in status.items() if r["status"] == "copied"]
    failed = {n: r["msg"] for n, r in status.items() if r["status"] == "failed"}
    usage = shutil.disk_usage(dest.storage)
    say(
        "full disk (%s, 24 MiB): %.1f MiB offered, %d copied, %d failed in %.1fs, rc=%d, storage %.1f/%.1f MiB used"
        % (dest.fs_kind, total / 2**20, len(copied), len(failed), seconds, res.returncode,
           (usage.total - usage.free) / 2**20, usage.total / 2**20)
    )  # fmt: skip
    for name, msg in sorted(failed.items()):
        say("  failed %s: %s" % (name, msg))
    assert res.returncode == 1, out + res.stderr
    assert copied and failed, "expected some images to fit and some not: %s" % status
    assert len(copied) + len(failed) == len(images)
    for name in failed:
        assert "FAILED %s:" % name in res.stderr, res.stderr

    audit = Audit(dest.host)
    try:
        assert audit.ping() == 200, "the registry stopped answering /v2/ once its disk was full"
        by_name = {img.name: img for img in images}
        verified, problems = 0, []
        for name in copied:
            problems.extend(audit.verify("%s/%s" % (NS, name), DISK, by_name[name].digest))
            verified += 1
        tags_checked, incomplete = audit.incomplete_tags()
        leaked = [n for n in failed if audit.manifest("%s/%s" % (NS, n), DISK) is not None]
    finally:
        audit.close()
    say("full disk: %d completed images verified (blobs hashed), %d tags checked" % (verified, tags_checked))
    assert not problems, "\n".join(problems)
    assert not incomplete, "\n".join(incomplete)
    assert not leaked, "failed images got a tag: %s" % leaked
    assert tags_checked == len(copied)
    # The messages say the registry failed with HTTP 500 ...
    for name, msg in failed.items():
        assert "HTTP 500" in msg and "dest registry" in msg, "%s: %s" % (name, msg)
    # ... and why: Distribution's answer carries the cause (ENOSPC, "no space left on device").
    unexplained = {n: m for n, m in failed.items() if "no space left on device" not in m.lower()}
    assert not unexplained, "the mirror dropped the registry's cause (disk full): %s" % unexplained
