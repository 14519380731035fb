"""Benchmark: from an archive on disk to every image served by the deployment host's registry.

Contenders, same image set, one run:

  bundle       registry_bundle import (verify every member, stage, hard-link into the data dir) + start registry:2
               on the data dir + HEAD every manifest
  fuel-way     what the Fuel spec replaced: one ``docker save`` tarball per image; ``docker load`` each, ``docker tag``
               and ``docker push`` it to a fresh registry:2 + HEAD every manifest (digests are NOT preserved: the
               engine recompresses the layers)
  tar-x        the floor: a plain ``tar -x`` of the same bundle bytes into the data dir (no verification) + start
               registry:2 + HEAD every manifest

Printed: seconds of each (best of --repeat for bundle and tar-x, one run of fuel-way), the ratios, the part without
the registry start, and the bundle's size against the sum of the per-image tarballs.

    python bench/bench_bundle.py [--count 20] [--layer-size 14M] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / ".cache/collections"), str(ROOT)]
os.environ.setdefault("KOLLAPREP_GEN_CACHE", "off")

from ansible_collections.kollaprep.registry.plugins.module_utils import _bundle_import as bi  # noqa: E402
from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm  # noqa: E402
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc  # noqa: E402
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources  # noqa: E402

from tests.testbed import RUN_ID, engine, generator, images, registries, scrub_environ  # noqa: E402

scrub_environ()  # nothing this benchmark starts gets AWS_CA_BUNDLE (see tests/testbed/__init__.py)

DOCKER = "/usr/bin/docker"
PREFIX = "kp-bdl-bench-%s" % RUN_ID  # a concurrent run gets registries of its own
TAG = "2024.1-debian-bookworm"
NS = "openstack.kolla"


def size_arg(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units else int(text)


def docker(*args: str) -> str:
    return subprocess.run([DOCKER, *args], check=True, capture_output=True, text=True).stdout


def serve_and_check(name: str, workdir: Path, refs: list[tuple[str, str]], digests: dict | None) -> None:
    """Start registry:2 on workdir/data, HEAD every manifest (and compare digests when given)."""
    reg = registries.start_registry(name, workdir=workdir)
    client = rc.RegistryClient(reg.host, scheme="http")
    for repo, tag in refs:
        head = client.head_manifest(repo, tag)
        if head is None or (digests is not None and head["digest"] != digests[(repo, tag)]):
            raise SystemExit("%s: %s:%s is not served as expected: %s" % (name, repo, tag, head))
    client.close()


def stop(name: str) -> None:
    subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)


def run_bundle(archive: Path, work: Path, refs, digests, n: int) -> tuple[float, float]:
    workdir = work / ("bundle-%d" % n)
    name = "%s-bundle-%d" % (PREFIX, n)
    start = time.perf_counter()
    report = bi.Importer(str(archive), str(workdir / "data"), load_registry_image=True).run()
    laid = time.perf_counter() - start
    serve_and_check(name, workdir, refs, digests)
    total = time.perf_counter() - start
    assert report.changed and report.bytes_verified > 0
    stop(name)
    shutil.rmtree(workdir, ignore_errors=True)
    return total, laid


def run_tar(archive: Path, work: Path, refs, digests, n: int) -> tuple[float, float]:
    workdir = work / ("tar-%d" % n)
    workdir.mkdir()
    name = "%s-tar-%d" % (PREFIX, n)
    start = time.perf_counter()
    subprocess.run(["tar", "-xf", str(archive), "-C", str(workdir)], check=True)
    laid = time.perf_counter() - start
    serve_and_check(name, workdir, refs, digests)
    total = time.perf_counter() - start
    stop(name)
    shutil.rmtree(workdir, ignore_errors=True)
    return total, laid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--layer-size", type=size_arg, default=14 << 20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    engine.ensure_engine()
    images.build_registry()
    work = Path(tempfile.mkdtemp(prefix=PREFIX + "-", dir="/var/tmp"))
    up = None
    pulled: list[str] = []
    try:
        up = registries.start_registry(PREFIX + "-up")
        t = time.perf_counter()
        gen = generator.generate(up.host, count=args.count, layer_size=args.layer_size, tag=TAG)
        unique = sum(i.unique_bytes for i in gen)
        print(
            "image set: %d images, %.0f MB unique (layer size %.1f MB), generated in %.1f s"
            % (len(gen), unique / 1e6, args.layer_size / 1e6, time.perf_counter() - t)
        )
        refs = [(i.repository, i.tag) for i in gen]
        digests = {(i.repository, i.tag): i.digest for i in gen}

        # The bundle (export timed for information).
        archive = work / "bundle.tar"
        source = sources.RegistrySource(up.host, scheme="http")
        specs, bad = mm.build_specs([i.name for i in gen], tag=TAG, src_registry=up.host, src_namespace=NS)
        assert not bad
        t = time.perf_counter()
        export = mm.export_bundle(str(archive), specs, source, include_registry_image=True)
        export_s = time.perf_counter() - t
        source.close()

        # The Fuel way's input: one docker save tarball per image (setup, not timed).
        tarballs = []
        for i in gen:
            local = "%s/%s:%s" % (up.host, i.repository, i.tag)
            docker("pull", "-q", local)
            pulled.append(local)
        for i in gen:
            path = work / ("%s.tar" % i.name)
            docker("save", "-o", str(path), "%s/%s:%s" % (up.host, i.repository, i.tag))
            tarballs.append((i, path))
        docker("rmi", *pulled)
        pulled.clear()
        per_image_bytes = sum(p.stat().st_size for _img, p in tarballs)
        up_host = up.host
        up.stop()  # from here on nothing is reachable but the archives
        up = None

        bundle_runs = [run_bundle(archive, work, refs, digests, n) for n in range(args.repeat)]
        tar_runs = [run_tar(archive, work, refs, digests, n) for n in range(args.repeat)]

        # Fuel way: load, tag, push each image, then check.
        name = PREFIX + "-fuel"
        start = time.perf_counter()
        dest = registries.start_registry(name)
        for i, path in tarballs:
            docker("load", "-q", "-i", str(path))
            pulled.append("%s/%s:%s" % (up_host, i.repository, i.tag))
            target = "%s/%s:%s" % (dest.host, i.repository, i.tag)
            docker("tag", pulled[-1], target)
            pulled.append(target)
            docker("push", "-q", target)
        client = rc.RegistryClient(dest.host, scheme="http")
        for repo, tag in refs:
            if client.head_manifest(repo, tag) is None:
                raise SystemExit("fuel-way: %s:%s not served" % (repo, tag))
        fuel = time.perf_counter() - start
        same = sum(client.head_manifest(r, t)["digest"] == digests[(r, t)] for r, t in refs)
        dest.stop()

        bundle_total, bundle_laid = min(bundle_runs)
        tar_total, tar_laid = min(tar_runs)
        print()
        print("export (registry API -> archive, incl. docker save of registry:2): %.2f s, %.0f MB/s" % (
            export_s, export.archive_bytes / 1e6 / export_s))  # fmt: skip
        print()
        print("%-10s %10s %14s %s" % ("contender", "seconds", "lay down (s)", "notes"))
        print("%-10s %10.2f %14.2f %s" % ("bundle", bundle_total, bundle_laid, "verify + stage + link, digests kept"))
        print("%-10s %10.2f %14s %s" % ("fuel-way", fuel, "-", "load+tag+push x%d, %d/%d digests kept" % (
            len(gen), same, len(refs))))  # fmt: skip
        print("%-10s %10.2f %14.2f %s" % ("tar-x", tar_total, tar_laid, "plain tar -x, no verification"))
        print()
        print("fuel-way / bundle           : %5.1fx faster  (target >= 5x)" % (fuel / bundle_total))
        print("bundle / tar-x (end to end) : %5.2fx         (target <= 1.5x)" % (bundle_total / tar_total))
        print("bundle / tar-x (lay down)   : %5.2fx" % (bundle_laid / tar_laid))
        print(
            "bundle size %.0f MB vs %d per-image docker save tarballs %.0f MB: %.2fx smaller"
            % (export.archive_bytes / 1e6, len(tarballs), per_image_bytes / 1e6, per_image_bytes / export.archive_bytes)
        )
        print("(bundle holds the registry image too: %.0f MB)" % (export.registry_image["size"] / 1e6))
    finally:
        if pulled:
            subprocess.run([DOCKER, "rmi", "-f", *pulled], capture_output=True, check=False)
        for suffix in ("up", "fuel", *("bundle-%d" % n for n in range(8)), *("tar-%d" % n for n in range(8))):
            stop("%s-%s" % (PREFIX, suffix))
        if up is not None:
            up.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
