"""Cluster image readiness with registries on object storage, and a push into Swift vs a filesystem registry.

Set: a synthetic Kolla set (tests/testbed/generator.py, ``--count`` images of ``--layer-kb`` KB layers) in a local
upstream registry:2. Object store: the test bed's Swift all-in-one (tests/testbed/swift.py, a container on the test
network). Every registry is the test bed's registry:2 on 127.0.0.1 (host networking).

Targets: ``--targets`` (3) puller PROCESSES started here, not test hosts or engines: each reads every manifest and
every blob of the set once (what a ``docker pull`` of the set transfers, without unpacking), 4 streams at a time.
Cluster readiness = the time until the last target holds the whole set. Each condition gets fresh pullers.

  (a) central   every target pulls from one central filesystem registry
  (b) per-node  each target pulls from its own read-only registry on the Swift container the set was pushed to
  (c) upstream  every target pulls straight from the upstream through the fault proxy's 20 ms latency (no faults):
                the world without this collection
Push: the set mirrored (the collection's copy engine) into an empty registry on Swift vs on the filesystem.

    python bench/bench_storage.py [--count 12] [--layer-kb 256] [--targets 3] [--wan-delay-ms 20]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / ".cache/collections")]

from ansible_collections.kollaprep.registry.plugins.module_utils import _mirror as mm  # noqa: E402
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc  # noqa: E402
from ansible_collections.kollaprep.registry.plugins.module_utils import _sources as sources  # noqa: E402

from tests.testbed import RUN_ID, engine, generator, images, registries, scrub_environ, swift  # noqa: E402
from tests.testbed.faultproxy import FaultProxy  # noqa: E402

scrub_environ()  # the registries on s3/swift must not get AWS_CA_BUNDLE (tests/testbed/__init__.py)

PREFIX = "kp-sto-bench-%s-" % RUN_ID


def pull_set(host: str, refs: list[tuple[str, str]]) -> tuple[int, float]:
    """One target: every manifest and blob of refs from host (4 streams); (bytes read, seconds)."""
    start = time.monotonic()
    cli = rc.RegistryClient(host, scheme="http")

    def one(ref):
        repo, tag = ref
        body, _media, _digest = cli.get_manifest(repo, tag)
        total = len(body)
        for desc in rc.manifest_blobs(body):
            stream = cli.open_blob(repo, desc["digest"])
            try:
                while chunk := stream.read():
                    total += len(chunk)
            finally:
                stream.close()
        return total

    try:
        with ThreadPoolExecutor(4) as pool:
            got = sum(pool.map(one, refs))
    finally:
        cli.close()
    return got, time.monotonic() - start


def cluster_ready(hosts: list[str], refs) -> float:
    """Seconds until every target (one process per host in hosts) holds the set."""
    start = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(len(hosts)) as pool:
        results = pool.starmap(pull_set, [(h, refs) for h in hosts])
    sizes = {r[0] for r in results}
    if len(sizes) != 1:
        raise RuntimeError("targets read different amounts: %s" % sorted(sizes))
    return time.monotonic() - start


def push(up_host: str, dest_host: str, refs) -> float:
    start = time.monotonic()
    dest = rc.RegistryClient(dest_host, scheme="http")
    report = mm.mirror(
        ["%s/%s:%s" % (up_host, repo, tag) for repo, tag in refs],
        source=sources.RegistrySource(up_host, scheme="http"),
        dest=dest,
        tag=None,
        src_registry=up_host,
        src_namespace="",
    )
    dest.close()
    if report.failed:
        raise RuntimeError("push into %s failed: %s" % (dest_host, [r.msg for r in report.failed][:3]))
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--layer-kb", type=int, default=256)
    parser.add_argument("--targets", type=int, default=3)
    parser.add_argument("--wan-delay-ms", type=float, default=20.0)
    parser.add_argument("--quick", action="store_true", help="--count 6 --layer-kb 64")
    args = parser.parse_args()
    if args.quick:
        args.count, args.layer_kb = 6, 64
    with engine.setup_lock():
        engine.ensure_engine()
        images.build_registry()
        images.build_swift()
    started, store, proxy = [], None, None

    def registry(name, env=None):
        reg = registries.start_registry(PREFIX + name, env=env)
        started.append(reg)
        return reg

    try:
        t0 = time.monotonic()
        store = swift.start_swift(PREFIX + "swift")
        print("swift all-in-one ready in %.1fs" % (time.monotonic() - t0))
        up = registry("upstream")
        pushed = generator.generate(up.host, count=args.count, layer_size=args.layer_kb * 1024)
        refs = [(i.repository, i.tag) for i in pushed]
        central = registry("central")
        writer = registry("swift-writer", store.registry_env("bench-set"))
        fs_push = push(up.host, central.host, refs)
        swift_push = push(up.host, writer.host, refs)
        nodes = [registry("node%d" % n, store.registry_env("bench-set", readonly=True)) for n in range(args.targets)]
        proxy = FaultProxy(up.host, latency=args.wan_delay_ms / 1000.0, max_seconds=3600).start()
        rows = {
            "(a) central registry": cluster_ready([central.host] * args.targets, refs),
            "(b) per-node registries on Swift": cluster_ready([n.host for n in nodes], refs),
            "(c) upstream +%g ms" % args.wan_delay_ms: cluster_ready([proxy.host] * args.targets, refs),
        }
    finally:
        if proxy:
            proxy.close()
        for reg in started:
            reg.stop()
        if store:
            store.stop()
    print("\n%d images (%d repositories with parents), %d targets" % (args.count, len(refs), args.targets))
    print("cluster image readiness (until the last target holds the set):")
    base = rows["(a) central registry"]
    for name, secs in rows.items():
        print("  %-36s %7.2fs  x%.2f of central" % (name, secs, secs / base if base else float("nan")))
    print("push of the set:  filesystem %.2fs   Swift %.2fs   (Swift/filesystem x%.2f)" % (
        fs_push, swift_push, swift_push / fs_push if fs_push else float("nan")))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
