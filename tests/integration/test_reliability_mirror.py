"""Reliability of the mirror under faults: a faulty upstream, a faulty destination, wrong bytes on either side,
kill -9 at random points, a full destination disk.

Real registry:2 containers (names ``kp-rel-<pid>-*``, removed by the fixtures even on failure), the synthetic Kolla
set of the test bed generator, and tests/testbed/faultproxy.py (a seeded fault-injecting reverse proxy) in front of
the upstream registry or in front of the destination. Every check reads the destination back with plain HTTP
(``requests``), not with the client under test: manifest digests against the upstream's, every blob GET and
sha256'd, every tag complete.

Retry counts are pinned, not bounded: the proxy records every attempt (``requests``) and every fault (``log``) by
decision key (a blob's digest, an upload's digest, a manifest's path), and a test asserts attempts == faults + 1 for
what the budget absorbs, and exactly budget + 1 (``Mirror.blob_retries`` for a blob upload, ``RegistryClient.retries``
for a request the client itself retries) for what it does not. Nothing here depends on how fast the machine is: the
kill test kills on an event of the proxy (a body held half-way), and every wait is a bounded wait for an event.

Under ``CI=true`` a test of this file that would skip (no small filesystem for the full-disk test) fails instead, with
the reason.

Run with ``pytest -s`` to see the numbers (faults injected per kind, images verified, kills mid-copy).
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import random
import re
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


def skip_unless_ci(reason: str):
    """Skip, except under CI=true: there a reliability test that cannot run is a failure, with the reason printed."""
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail("CI=true: a reliability test may not be skipped, and this one would: %s" % reason, pytrace=False)
    pytest.skip(reason)


def fast_sleep(seconds: float) -> None:
    """The clients' backoff and Retry-After waits, cut short: these tests count attempts, they do not time them."""
    time.sleep(min(seconds, 0.01))


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
        skip_unless_ci("no small filesystem (tmpfs or loop-mounted ext4) can be mounted here: %s" % exc)
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
            try:
                blobs = self.image_blobs(repo, got[0], got[1])
            except (rc.ManifestError, ValueError) as exc:
                problems.append("%s:%s points at a manifest that cannot be read: %s" % (repo, tag, exc))
                continue
            problems.extend(
                "%s:%s points at an image whose blob %s is missing" % (repo, tag, d["digest"])
                for d in blobs
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


def engine_for(upstream_host: str, dest_host: str, *, workers: int = 4) -> mm.Mirror:
    """A Mirror with the product's defaults (what mm.mirror builds), clients whose waits are cut short: a test reads
    the retry budgets it runs with from it (``engine.blob_retries``, ``engine.dest.client.retries``)."""
    source = sources.RegistrySource(upstream_host, scheme="http", sleep=fast_sleep)
    dest = rc.RegistryClient(dest_host, side="dest", scheme="http", sleep=fast_sleep)
    return mm.Mirror(source, dest, workers=workers)


def run_engine(engine: mm.Mirror, names, *, dest_namespace: str | None = None) -> mm.MirrorReport:
    specs, bad = mm.build_specs(
        list(names), tag=TAG, src_registry=engine.source.host, src_namespace=NS, dest_namespace=dest_namespace
    )
    try:
        return engine.run(specs, bad)
    finally:
        engine.source.close()
        engine.dest.close()


def tally(rows, method: str, part: str) -> collections.Counter:
    """Rows of a proxy's ``requests`` (attempts) or ``log`` (faults) with this method, counted by decision key (a
    blob's or an upload's digest, else the path), for the keys that contain ``part``."""
    out: collections.Counter = collections.Counter()
    for row in rows:
        key = FaultProxy.key(row[1])
        if row[0] == method and part in key:
            out[key] += 1
    return out


def own_layer(upstream: registries.Registry, name: str) -> str:
    """The digest of the last layer of an image at the upstream (the generator's images: that one is its own)."""
    audit = Audit(upstream.host)
    try:
        body, _media_type, _digest = audit.manifest(*split_name(name))
    finally:
        audit.close()
    return rc.manifest_blobs(body)[-1]["digest"]


def test_a_skip_under_ci_is_a_failure(monkeypatch):
    """The guard itself: under CI=true skip_unless_ci fails with the reason; elsewhere it skips."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"may not be skipped.*no tmpfs here"):
        skip_unless_ci("no tmpfs here")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no tmpfs here"):
        skip_unless_ci("no tmpfs here")


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


def test_corrupt_source_bytes_are_fetched_again(rel_upstream, start_registry, proxy_factory):
    """Every blob and every manifest the upstream serves arrives with flipped bytes twice (right length, wrong bytes),
    then right: all images land, verified, and each was fetched exactly three times (the mirror checks what it reads:
    a blob's sha256 on the way, a manifest fetched by digest against that digest)."""
    dest = start_registry("src-corrupt")
    rules = [
        Rule(r"/blobs/sha256:", methods=("GET",), rate=1.0, kinds={"corrupt": 1}, max_streak=2),
        Rule(r"/manifests/sha256:", methods=("GET",), rate=1.0, kinds={"corrupt": 1}, max_streak=2),
    ]
    proxy = proxy_factory(rel_upstream.host, seed=3, rules=rules)
    names = list(rel_upstream.images)
    engine = engine_for(proxy.host, dest.host)
    report = run_engine(engine, names)
    audit = Audit(dest.host)
    verified, problems = verify_all(audit, rel_upstream.images, names)
    tags_checked, incomplete = audit.incomplete_tags()
    audit.close()
    numbers = "%s; %d images verified (%d problems), %d tags checked" % (
        proxy.summary(),
        verified,
        len(problems),
        tags_checked,
    )
    say("corrupt source bytes: " + numbers)
    failed = {r.image: r.msg for r in report.failed}
    assert not failed, "corrupt bytes from the source failed images instead of being fetched again (%s): %s" % (
        numbers,
        failed,
    )
    assert not problems, "%s\n%s" % (numbers, "\n".join(problems))
    assert not incomplete, "%s\n%s" % (numbers, "\n".join(incomplete))
    assert tags_checked == len(names), numbers
    for part, budget in (
        ("blobs/sha256:", engine.blob_retries),
        ("/manifests/sha256:", engine.source.client().retries),
    ):
        gets, faults = tally(proxy.requests, "GET", part), tally(proxy.log, "GET", part)
        assert gets, "nothing fetched for %s: %s" % (part, numbers)
        assert set(faults.values()) == {2} and set(faults) == set(gets), faults  # two corrupt answers each, then right
        wrong = {k: (n, faults[k]) for k, n in gets.items() if n != faults[k] + 1}
        assert not wrong, "fetches != corrupt answers + 1 (the right one): %s" % wrong
        assert 2 <= budget, "the %s retry budget (%d) cannot absorb two corrupt answers" % (part, budget)


def test_corrupt_source_blob_fails_the_image_and_blames_the_source(rel_upstream, start_registry, proxy_factory):
    """One blob always arrives with wrong bytes: its image fails after exactly blob_retries + 1 fetches, the message
    blames the source's bytes (the mirror's own check, not the destination's refusal), the blob is not in the
    destination and the image has no tag; the other images land."""
    dest = start_registry("src-corrupt-always")
    digest = own_layer(rel_upstream, "fluentd")
    rules = [Rule(r"/blobs/%s$" % digest, methods=("GET",), rate=1.0, kinds={"corrupt": 1}, max_streak=None)]
    proxy = proxy_factory(rel_upstream.host, seed=4, rules=rules)
    names = ["fluentd", "cron", "keystone"]
    engine = engine_for(proxy.host, dest.host)
    report = run_engine(engine, names)
    say("corrupt source blob, always: %s" % proxy.summary())
    assert [r.image for r in report.failed] == ["fluentd"], [(r.image, r.status, r.msg) for r in report.results]
    msg = report.failed[0].msg
    assert "src blob %s arrived" % digest in msg and "dest registry" not in msg, (
        "the source sent wrong bytes, the message says: %s" % msg
    )
    fetches = tally(proxy.requests, "GET", "blobs/" + digest)["blobs/" + digest]
    assert fetches == engine.blob_retries + 1, "blob fetched %d times, budget %d + 1" % (fetches, engine.blob_retries)
    audit = Audit(dest.host)
    try:
        repo = split_name("fluentd")[0]
        assert audit.manifest(repo, TAG) is None, "the failed image got a tag"
        assert audit.blob_head(repo, digest) is None, "the wrong bytes landed in the destination"
        _verified, problems = verify_all(audit, rel_upstream.images, ["cron", "keystone"])
        tags_checked, incomplete = audit.incomplete_tags()
    finally:
        audit.close()
    assert not problems, problems
    assert not incomplete, incomplete
    assert tags_checked == 2


# --------------------------------------------------------------------------------------------------------------
# 2. A faulty destination: the proxy in front of the registry the mirror writes to


def test_destination_faults_the_retry_budget_absorbs(rel_upstream, start_registry, proxy_factory):
    """Upload PUTs refused (500, 503, 429), cut off mid-body or corrupted on the way (the registry's digest check
    refuses them), manifest PUTs refused or cut off, upload POSTs and HEADs failing: at most two in a row on one blob
    or manifest, which the budget absorbs. All images land, verified; every blob upload and every manifest PUT took
    exactly one attempt more than the faults it met."""
    dest = start_registry("dest-absorb")
    put_kinds = {"500": 1, "503": 1, "429": 1, "cut_request": 1, "corrupt": 1}
    manifest_kinds = {"500": 1, "503": 1, "429": 1, "cut_request": 1}
    rules = [
        Rule(r"/blobs/uploads/", methods=("PUT",), rate=0.6, kinds=put_kinds, max_streak=2),
        Rule(r"/manifests/", methods=("PUT",), rate=0.6, kinds=manifest_kinds, max_streak=2),
        Rule(r"/blobs/uploads/", methods=("POST",), rate=0.3, kinds=manifest_kinds, max_streak=2),
        Rule(methods=("HEAD",), rate=0.2, kinds={"500": 1, "503": 1, "drop": 1}, max_streak=2),
    ]
    proxy = proxy_factory(dest.host, seed=22, rules=rules, retry_after=0.2)
    names = list(rel_upstream.images)
    engine = engine_for(rel_upstream.host, proxy.host)
    start = time.monotonic()
    report = run_engine(engine, names)
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
    say("destination faults: " + numbers)
    failed = {r.image: r.msg for r in report.failed}
    assert not failed, "images failed under absorbable destination faults (%s): %s" % (numbers, failed)
    assert [r.status for r in report.results] == ["copied"] * len(names), numbers
    assert not problems, "%s\n%s" % (numbers, "\n".join(problems))
    assert not incomplete, "%s\n%s" % (numbers, "\n".join(incomplete))
    assert tags_checked == len(names), numbers
    # Attempts, pinned: each fault costs exactly one more attempt, and the budget covers every streak.
    for part, kinds, budget in (
        ("uploads/sha256:", put_kinds, engine.blob_retries),
        ("/manifests/", manifest_kinds, engine.dest.client.retries),
    ):
        attempts, faults = tally(proxy.requests, "PUT", part), tally(proxy.log, "PUT", part)
        assert attempts, "no PUT for %s went through the proxy: %s" % (part, numbers)
        wrong = {k: (n, faults[k]) for k, n in attempts.items() if n != faults[k] + 1}
        assert not wrong, "%s: attempts != faults + 1 for %s" % (part, wrong)
        assert max(faults.values()) <= min(2, budget), faults
        met = {kind for method, path, kind in proxy.log if method == "PUT" and part in FaultProxy.key(path)}
        assert met == set(kinds), "the %s PUTs met %s, not every kind of %s: %s" % (part, met, set(kinds), numbers)


PIN_CASES = [("blob", kind) for kind in ("500", "429", "cut_request", "corrupt")] + [
    ("manifest", kind) for kind in ("503", "429")
]


@pytest.fixture(scope="module")
def pin_dest(start_registry):
    """One destination for the pinned-count cases, each in a namespace of its own."""
    return start_registry("pinned")


@pytest.mark.parametrize("over", [False, True], ids=["at-budget", "over-budget"])
@pytest.mark.parametrize(("target", "kind"), PIN_CASES, ids=["%s-%s" % case for case in PIN_CASES])
def test_retry_budget_is_exact(rel_upstream, pin_dest, proxy_factory, target, kind, over):
    """One blob upload PUT (or the tag's manifest PUT) fails with ``kind`` as many times as the budget allows, then
    passes: the image lands after exactly budget + 1 attempts; or it always fails: exactly budget + 1 attempts, then
    the image fails, with no tag. The budget is the code's: Mirror.blob_retries for a blob (its upload PUT is not
    replayable, the run opens a new session for each attempt), RegistryClient.retries for a manifest PUT."""
    namespace = "pin-%s-%s-%s" % (target, kind.replace("_", "-"), "over" if over else "at")
    proxy = proxy_factory(pin_dest.host, seed=5, retry_after=0.2)
    engine = engine_for(rel_upstream.host, proxy.host, workers=2)
    if target == "blob":
        digest = own_layer(rel_upstream, "fluentd")
        budget = engine.blob_retries
        pattern, key = r"/blobs/uploads/.*[?&]digest=sha256(:|%%3[aA])%s" % digest.split(":")[1], "uploads/" + digest
    else:
        budget = engine.dest.client.retries
        key = "/v2/%s/fluentd/manifests/%s" % (namespace, TAG)
        pattern = "^%s$" % re.escape(key)
    proxy.rules = [Rule(pattern, methods=("PUT",), rate=1.0, kinds={kind: 1}, max_streak=None if over else budget)]
    report = run_engine(engine, ["fluentd"], dest_namespace=namespace)
    attempts = tally(proxy.requests, "PUT", key)[key]
    faults = tally(proxy.log, "PUT", key)[key]
    [result] = report.results
    say(
        "%s %s %s: %d attempts, budget %d, %s"
        % (target, kind, "over" if over else "at", attempts, budget, result.status)
    )
    assert attempts == budget + 1, "%d attempts of %s, the budget is %d retries: %s" % (
        attempts,
        key,
        budget,
        result.msg,
    )
    assert faults == (budget + 1 if over else budget), proxy.log
    audit = Audit(pin_dest.host)
    try:
        repo = "%s/fluentd" % namespace
        if over:
            assert result.status == "failed", result
            assert "dest registry" in result.msg, result.msg
            # The blob's digest (in a PUT's URL it is percent-encoded: its hex part) or the manifest, by name.
            assert (digest.split(":")[1] if target == "blob" else "manifest %s:%s" % (repo, TAG)) in result.msg, (
                result.msg
            )
            assert audit.manifest(repo, TAG) is None, "an image that failed got a tag"
        else:
            assert result.status == "copied", result.msg
            assert audit.verify(repo, TAG, rel_upstream.images["fluentd"].digest) == []
        _tags, incomplete = audit.incomplete_tags()
        assert not incomplete, incomplete
    finally:
        audit.close()


def test_corrupt_manifest_put_never_leaves_a_wrong_tag(rel_upstream, start_registry, proxy_factory):
    """Every tag's manifest PUT is corrupted once on the way (right length, a few bytes flipped), then clean: the
    registry refuses most such bytes (400) and accepts some under the tag (nothing checks a tag PUT's digest); either
    way the mirror puts the right bytes again, so every image lands and no tag points at other bytes."""
    dest = start_registry("dest-manifest-corrupt")
    rules = [Rule(r"/manifests/%s$" % TAG, methods=("PUT",), rate=1.0, kinds={"corrupt": 1}, max_streak=1)]
    proxy = proxy_factory(dest.host, seed=4, rules=rules)
    names = [n for n in rel_upstream.images if ":" not in n]
    report = run_engine(engine_for(rel_upstream.host, proxy.host), names)
    audit = Audit(dest.host)
    wrong = []
    try:
        for name in names:
            got = audit.manifest(*split_name(name))
            if got is not None and got[2] != rel_upstream.images[name].digest:
                wrong.append(
                    "%s:%s points at %s, upstream %s" % (*split_name(name), got[2], rel_upstream.images[name].digest)
                )
        _tags, incomplete = audit.incomplete_tags()
    finally:
        audit.close()
    outcome = {r.image: r.status for r in report.results}
    say("corrupt manifest PUTs: %s; %s; %d wrong tags" % (proxy.summary(), outcome, len(wrong)))
    assert proxy.counts["corrupt"] == len(names), proxy.summary()
    assert not wrong, "a corrupted manifest PUT left tags pointing at other bytes:\n%s" % "\n".join(wrong)
    assert not incomplete, incomplete
    assert set(outcome.values()) == {"copied"}, outcome


# --------------------------------------------------------------------------------------------------------------
# 3. Interruption: kill -9 at random points, same destination, then a rerun


def wait_for_held_body(proxy: FaultProxy, proc: subprocess.Popen, timeout: float = 120.0) -> bool:
    """Wait (bounded) until the proxy holds a body half-way; False when the process ended first or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proxy.wait_held(timeout=0.1):
            return True
        if proc.poll() is not None:
            return proxy.bodies_held > 0
    return False


def test_kill_at_random_points_then_rerun(rel_upstream, start_registry, proxy_factory, tmp_path):
    """kill -9 of bin/kollaprep-mirror ten times, the same destination each time, then a rerun that must complete.

    Every kill is triggered by an event, not a delay: the proxy in front of the upstream holds one answer body half-way
    (``hold_bodies``) and the test kills once it reports that (``wait_held``), so each kill lands while a transfer is
    in flight, in a run that has not finished, however fast or slow the machine is. The points vary: the first kill,
    with one worker, holds the first body of the second image (the first image is then complete and tagged: a partly
    copied set by construction); the others let a random number of bodies through first, fewer than the images
    without a tag (each of those needs at least one body, its manifest, so the run cannot finish before the hold).
    After every kill: no tag incomplete, no tag at another digest."""
    dest = start_registry("killed")
    proxy = proxy_factory(rel_upstream.host, seed=0)  # no faults: only the hold
    names = list(rel_upstream.images)

    def command(workers: int) -> list[str]:
        return [
            sys.executable, str(MIRROR), "--src", proxy.host, "--src-insecure", "--dest", dest.host,
            "--dest-insecure", "--tag", TAG, "--namespace", NS, "--workers", str(workers), *names,
        ]  # fmt: skip

    rng = random.Random(20240601)
    audit = Audit(dest.host)
    trials = []
    try:
        for trial in range(10):
            untagged = len(names) - len(audit.tags())
            if trial == 0:
                workers, after, pattern = 1, 0, r"^/v2/%s/manifests/" % re.escape(split_name(names[1])[0])
            else:
                workers, after, pattern = 2, rng.randrange(min(untagged, 8)), None
            log = tmp_path / ("trial%d.log" % trial)
            requests_before = proxy.events["requests"]
            proxy.hold_bodies(after=after, pattern=pattern)
            with log.open("wb") as out:
                proc = subprocess.Popen(command(workers), stdout=out, stderr=subprocess.STDOUT, env=clean_env())
                try:
                    held = wait_for_held_body(proxy, proc)
                    alive = proc.poll() is None
                finally:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(timeout=30)
                    proxy.release()
            started = proxy.events["requests"] > requests_before
            tags_checked, incomplete = audit.incomplete_tags()
            wrong = []
            for name in names:
                got = audit.manifest(*split_name(name))
                if got is not None and got[2] != rel_upstream.images[name].digest:
                    wrong.append("%s has %s" % (name, got[2]))
            trials.append({"after": after, "workers": workers, "held": held, "alive": alive, "tags": tags_checked})
            where = "kill %d (after %d bodies, %d workers)" % (trial, after, workers)
            assert held and alive and started, "%s: no body held while the run was going (held=%s, alive=%s): %s" % (
                where,
                held,
                alive,
                log.read_text(),
            )
            assert proc.returncode == -signal.SIGKILL, "%s: exit %s" % (where, proc.returncode)
            assert not incomplete, "after %s: %s\n%s" % (where, incomplete, log.read_text())
            assert not wrong, "after %s: wrong digests %s" % (where, wrong)
            # A body was in flight for an image without a tag: the set is not complete.
            assert tags_checked < len(names), "after %s: the run was complete" % where
            if trial == 0:
                # One worker, an empty destination, the hold on the second image's manifest: exactly the first image
                # is tagged (complete), nothing else.
                assert audit.tags() == [split_name(names[0])], "after %s: tags %s, not only %s's" % (
                    where,
                    audit.tags(),
                    names[0],
                )
        say(
            "kill -9: %d trials, each killed with a body held half-way; bodies let through first: %s; tags after "
            "each kill: %s" % (len(trials), [t["after"] for t in trials], [t["tags"] for t in trials])
        )
        start = time.monotonic()
        res = subprocess.run(command(2), capture_output=True, text=True, env=clean_env(), check=False, timeout=300)
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
    finally:
        proxy.release()
        audit.close()


# --------------------------------------------------------------------------------------------------------------
# 4. A full destination disk


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
    # Exactly one attempt per blob that meets the full disk: a blob worker that got "no space" (to its upload POST or
    # PUT) starts nothing more, so there are at most as many such answers as blob workers. A "no space" answer that
    # is retried opens new upload sessions (POSTs, answered "no space" again) without sending the body again.
    refused = [(m, p[:80], s) for m, p, s in counter.requests if "/blobs/uploads/" in p and s >= 500]
    assert len(refused) <= workers, "%d upload requests refused for a full disk, %d blob workers: %s" % (
        len(refused),
        workers,
        refused,
    )
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
