"""Benchmark the image_mirror core against its peers, every contender in one run, same set, same empty destination.

Set: a synthetic Kolla set (tests/testbed/generator.py, ``--count`` images, about ``--size-mb`` unique MB) in a
local upstream registry:2. Every contender copies it into a FRESH empty registry:2 (new container, new storage),
layout ``<dest>/openstack.kolla/<name>:<tag>``, and the result is checked (every tag's digest equals upstream).

Contenders
  core     bin/kollaprep-mirror --all (a subprocess, the whole program)
  skopeo   skopeo sync --src yaml (every repository of the set) --dest docker <dest>/openstack.kolla
  engine   docker pull + tag + push through the local engine, 8 images at a time (--skip-engine to leave it out)
  floor    every unique blob of the upstream storage uploaded once, in parallel (8), straight into a registry
Conditions: loopback; a distant upstream through the test bed's FaultProxy with no faults, only ``latency``
(tests/testbed/faultproxy.py: +20 ms on every request and on every answer, bandwidth not capped).
No-op: the whole set again into the filled destination (whole process), core vs skopeo.

    python bench/bench_mirror.py [--size-mb 1024] [--count 40] [--skip-engine] [--wan-delay-ms 20]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / ".cache/collections")]

from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc  # noqa: E402

from tests.testbed import RUN_ID, generator, images, registries, scrub_environ  # noqa: E402
from tests.testbed.faultproxy import FaultProxy  # noqa: E402

scrub_environ()  # nothing this benchmark starts gets AWS_CA_BUNDLE (see tests/testbed/__init__.py)

DOCKER = "/usr/bin/docker"
NS = "openstack.kolla"
TAG = "2024.1-debian-bookworm"
PREFIX = "kp-mir-bench-%s-" % RUN_ID  # a concurrent run gets registries of its own


def layer_size_for(count: int, size_mb: float) -> int:
    names = generator.select(None, count)
    layers = sum(len(generator.own_layers(name, "amd64", 1, 0)) for name in names)
    return max(4096, int(size_mb * 1e6 / layers))


class Bench:
    def __init__(self, args):
        self.args = args
        self.regs = []
        self.rows = []  # (condition, contender, seconds, note)
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = "%s:%s" % (ROOT / ".cache/collections", ROOT)

    def registry(self, name: str):
        self.counter = getattr(self, "counter", 0) + 1
        reg = registries.start_registry("%s%s-%d-%d" % (PREFIX, name, os.getpid(), self.counter))
        self.regs.append(reg)
        return reg

    def drop(self, reg) -> None:
        reg.stop()
        self.regs.remove(reg)

    def cleanup(self) -> None:
        for reg in list(self.regs):
            self.drop(reg)
        if getattr(self, "tmp", None):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def verify(self, dest, expected: dict[str, str], digests: bool = True) -> str:
        """Every tag there (and, unless the engine re-compressed the layers, with the upstream digest)."""
        client = rc.RegistryClient(dest.host, scheme="http")
        heads = {repo: client.head_manifest(repo, TAG) for repo in expected}
        missing = [repo for repo, head in heads.items() if head is None]
        if missing:
            return "MISSING %d/%d (e.g. %s)" % (len(missing), len(expected), missing[0])
        if not digests:
            return "all tags present (engine re-compresses: new digests)"
        bad = [repo for repo, digest in expected.items() if heads[repo]["digest"] != digest]
        return "ok, digests equal" if not bad else "MISMATCH %d/%d (e.g. %s)" % (len(bad), len(expected), bad[0])

    def timed(self, fn) -> float:
        start = time.monotonic()
        fn()
        return time.monotonic() - start

    # contenders ---------------------------------------------------------------------------------------------
    def core(self, up_host: str, dest_host: str) -> None:
        cmd = [
            sys.executable, str(ROOT / "bin/kollaprep-mirror"), "--src", up_host, "--src-insecure",
            "--dest", dest_host, "--dest-insecure", "--tag", TAG, "--all", "--quiet",
            "--workers", str(self.args.workers),
        ]  # fmt: skip
        res = subprocess.run(cmd, capture_output=True, text=True, env=self.env, check=False)
        if res.returncode != 0:
            raise RuntimeError("kollaprep-mirror failed: %s %s" % (res.stdout[-2000:], res.stderr[-2000:]))

    def skopeo(self, up_host: str, dest_host: str, repos: list[str]) -> None:
        yml = Path(self.tmp) / ("skopeo-%s.yml" % up_host.replace(":", "_"))
        lines = ["%s:" % up_host, "  tls-verify: false", "  images:"]
        lines += ["    %s: [%s]" % (repo, TAG) for repo in repos]
        yml.write_text("\n".join(lines) + "\n")
        cmd = [
            "skopeo", "sync", "--src", "yaml", "--dest", "docker", "--src-tls-verify=false",
            "--dest-tls-verify=false", str(yml), "%s/%s" % (dest_host, NS),
        ]  # fmt: skip
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise RuntimeError("skopeo sync failed: %s" % res.stderr[-2000:])

    def engine(self, up_host: str, dest_host: str, repos: list[str]) -> None:
        self.engine_dest = dest_host

        def one(repo):
            src, dst = "%s/%s:%s" % (up_host, repo, TAG), "%s/%s:%s" % (dest_host, repo, TAG)
            for cmd in ([DOCKER, "pull", "-q", src], [DOCKER, "tag", src, dst], [DOCKER, "push", dst]):
                res = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if res.returncode != 0:
                    raise RuntimeError("%s: %s" % (" ".join(cmd), res.stderr[-500:]))

        with ThreadPoolExecutor(self.args.workers) as pool:
            list(pool.map(one, repos))

    def engine_cleanup(self, up_host: str, dest_host: str, repos: list[str]) -> None:
        refs = ["%s/%s:%s" % (h, repo, TAG) for h in (up_host, dest_host) for repo in repos]
        subprocess.run([DOCKER, "rmi", "-f", *refs], capture_output=True, check=False)

    def floor(self, up_storage: Path, dest_host: str) -> None:
        blobs = sorted((up_storage / "docker/registry/v2/blobs/sha256").glob("*/*/data"))
        client = rc.RegistryClient(dest_host, side="dest", scheme="http")

        def one(path: Path):
            digest = "sha256:" + path.parent.name
            size = path.stat().st_size

            def chunks():
                with path.open("rb") as fh:
                    while data := fh.read(rc.CHUNK_SIZE):
                        yield data

            client.finish_upload(NS + "/floor", client.start_upload(NS + "/floor"), digest, chunks(), size)

        with ThreadPoolExecutor(self.args.workers) as pool:
            list(pool.map(one, blobs))

    # run ------------------------------------------------------------------------------------------------------
    def run(self) -> int:
        a = self.args
        self.tmp = tempfile.mkdtemp(prefix=PREFIX)
        os.environ["KOLLAPREP_GEN_CACHE"] = "off"
        images.build_registry()
        layer = layer_size_for(a.count, a.size_mb)
        up = self.registry("up")
        t = self.timed(
            lambda: setattr(self, "set", generator.generate(up.host, count=a.count, layer_size=layer, tag=TAG))
        )
        expected = {img.repository: img.digest for img in self.set}
        repos = sorted(expected)
        unique = sum(img.unique_bytes for img in self.set)
        print(
            "set: %d images, %.0f MB unique, layer %.1f MB, generated in %.1fs; workers %d"
            % (len(self.set), unique / 1e6, layer / 1e6, t, a.workers),
            flush=True,
        )

        def contender(condition, name, fn, keep=False):
            dest = self.registry("dest")
            try:
                seconds = self.timed(lambda: fn(dest))
                if name == "floor":
                    note = "blobs only"
                else:
                    note = self.verify(dest, expected, digests=name != "engine")
            except Exception as exc:  # a failed contender is reported, the others still run
                seconds, note = float("nan"), "FAILED: %s" % str(exc)[:200]
            self.rows.append((condition, name, seconds, note))
            print("  %-9s %-7s %8.2fs  %s" % (condition, name, seconds, note), flush=True)
            if keep:
                return dest
            self.drop(dest)
            return None

        core_dest = contender("loopback", "core", lambda d: self.core(up.host, d.host), keep=True)
        sk_dest = contender("loopback", "skopeo", lambda d: self.skopeo(up.host, d.host, repos), keep=True)
        contender("loopback", "floor", lambda d: self.floor(up.storage, d.host))
        if not a.skip_engine:
            self.engine_cleanup(up.host, "none", repos)
            try:
                contender("loopback", "engine", lambda d: self.engine(up.host, d.host, repos))
            finally:
                self.engine_cleanup(up.host, getattr(self, "engine_dest", "none"), repos)

        # No-op re-sync of the whole set into the filled destinations (whole process each).
        for name, dest, fn in (
            ("core", core_dest, lambda: self.core(up.host, core_dest.host)),
            ("skopeo", sk_dest, lambda: self.skopeo(up.host, sk_dest.host, repos)),
        ):
            seconds = self.timed(fn)
            self.rows.append(("no-op", name, seconds, self.verify(dest, expected)))
            print("  %-9s %-7s %8.2fs" % ("no-op", name, seconds), flush=True)
            self.drop(dest)

        proxy = FaultProxy(up.host, latency=a.wan_delay_ms / 1000.0, max_seconds=6 * 3600).start()
        try:
            cond = "wan+%dms" % a.wan_delay_ms
            contender(cond, "core", lambda d: self.core(proxy.host, d.host))
            contender(cond, "skopeo", lambda d: self.skopeo(proxy.host, d.host, repos))
            print("  %-9s proxy: %s" % (cond, proxy.summary()), flush=True)
        finally:
            proxy.close()
        self.report(unique)
        return 0

    def report(self, unique: int) -> None:
        t = {(c, n): s for c, n, s, _unused in self.rows}
        wan = "wan+%dms" % self.args.wan_delay_ms

        def ratio(a, b):
            if a not in t or b not in t or not t[b] or t[a] != t[a] or t[b] != t[b]:
                return "n/a"
            return "%.2fx" % (t[a] / t[b])

        print("\n%-10s %-8s %9s %9s  %s" % ("condition", "who", "seconds", "MB/s", "check"))
        for c, n, s, note in self.rows:
            mbps = unique / 1e6 / s if s and not math.isnan(s) and c != "no-op" else float("nan")
            print("%-10s %-8s %9.2f %9.1f  %s" % (c, n, s, mbps, note))
        print("\nratios (target in brackets)")
        checks = [
            ("loopback core / engine", ("loopback", "core"), ("loopback", "engine"), 0.2),
            ("loopback core / skopeo", ("loopback", "core"), ("loopback", "skopeo"), 1.0),
            ("loopback core / floor ", ("loopback", "core"), ("loopback", "floor"), 1.3),
            ("wan      core / skopeo", (wan, "core"), (wan, "skopeo"), 0.5),
            ("no-op    core / skopeo", ("no-op", "core"), ("no-op", "skopeo"), 1.0),
        ]
        for label, num, den, target in checks:
            r = ratio(num, den)
            verdict = "n/a" if r == "n/a" else ("met" if float(r[:-1]) <= target else "MISSED")
            print("  %s  %7s  (<= %.1fx) %s" % (label, r, target, verdict))
        noop = t.get(("no-op", "core"))
        if noop is not None:
            print("  no-op core seconds     %7.2f  (<= 2.0 s) %s" % (noop, "met" if noop <= 2.0 else "MISSED"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1024, help="unique MB in the set (default 1024)")
    parser.add_argument("--count", type=int, default=40, help="images in the set (default 40)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--wan-delay-ms", type=int, default=20)
    parser.add_argument("--skip-engine", action="store_true", help="leave out docker pull/tag/push (slow)")
    args = parser.parse_args()
    bench = Bench(args)
    try:
        return bench.run()
    finally:
        bench.cleanup()


if __name__ == "__main__":
    sys.exit(main())
