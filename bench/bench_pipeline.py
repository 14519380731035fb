"""Benchmark the periodic image sync when nothing changed upstream: ``kollaprep-mirror periodic`` vs ``skopeo sync``.

Set: 200 synthetic Kolla-like images (tests/testbed/generator.py: 40 images x 5 release/distro tags, each tag its own
seed, so every image has digests of its own) in a local upstream registry:2, reached through the test bed's
FaultProxy with ``latency`` only (+20 ms on every request and on every answer: an upstream 20 ms away).
Both contenders first fill a destination of their own (not timed in the ratio); then each runs again with nothing
new upstream, the whole process timed:

  pipeline  kollaprep-mirror periodic (run lock, upstream HEADs, staging HEADs, lock compared, JSON report,
            Prometheus textfile, images behind)
  skopeo    skopeo sync --src yaml (the same 200 name:tag pairs) --dest docker (Debian's skopeo)

Targets (issue 16): pipeline at most 2 s and at most 0.5x skopeo.

    python bench/bench_pipeline.py [--per-tag 40] [--latency-ms 20] [--workers 16]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / ".cache/collections")]

from tests.testbed import RUN_ID, generator, images, registries, scrub_environ  # noqa: E402
from tests.testbed.faultproxy import FaultProxy  # noqa: E402

scrub_environ()

NS = "openstack.kolla"
TAGS = [
    "2024.1-debian-bookworm",
    "2024.1-ubuntu-jammy",
    "2024.1-rocky-9",
    "2025.1-ubuntu-noble",
    "2025.1-debian-bookworm",
]
PREFIX = "kp-pipe-bench-%s-" % RUN_ID


def timed(fn) -> float:
    start = time.monotonic()
    fn()
    return time.monotonic() - start


def run(cmd, env=None) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        raise RuntimeError("%s failed (%d): %s %s" % (cmd[:3], res.returncode, res.stdout[-2000:], res.stderr[-2000:]))
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-tag", type=int, default=40, help="images per tag (x5 tags; default 40 = 200 images)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="added per request and per answer (default 20)")
    parser.add_argument("--workers", type=int, default=16, help="the pipeline's parallel requests (default 16)")
    args = parser.parse_args()
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    images.build_registry()
    tmp = Path(tempfile.mkdtemp(prefix=PREFIX))
    regs = []
    proxy = None
    env = dict(os.environ, PYTHONPATH="%s:%s" % (ROOT / ".cache/collections", ROOT))
    try:
        up = registries.start_registry(PREFIX + "up")
        regs.append(up)
        names = []
        for seed, tag in enumerate(TAGS, start=1):
            pushed = generator.generate(up.host, count=args.per_tag, tag=tag, seed=seed, layer_size=4096)
            names += ["%s:%s" % (i.repository[len(NS) + 1 :], i.tag) for i in pushed]
        names = sorted(set(names))
        local = registries.start_registry(PREFIX + "local")
        sk_dest = registries.start_registry(PREFIX + "skopeo")
        regs += [local, sk_dest]
        proxy = FaultProxy(up.host, latency=args.latency_ms / 1000.0, max_seconds=3600).start()
        (tmp / "images.txt").write_text("\n".join(names) + "\n")
        pipeline = [
            sys.executable, str(ROOT / "bin/kollaprep-mirror"), "periodic", "--src", proxy.host, "--src-insecure",
            "--dest", local.host, "--dest-insecure", "--namespace", NS, "--lock", str(tmp / "images.lock"),
            "--images-from", str(tmp / "images.txt"), "--report-dir", str(tmp / "reports"),
            "--metrics", str(tmp / "kp.prom"), "--run-lock", str(tmp / "run.lock"), "--workers", str(args.workers),
        ]  # fmt: skip
        yml = tmp / "skopeo.yml"
        lines = ["%s:" % proxy.host, "  tls-verify: false", "  images:"]
        by_repo: dict[str, list[str]] = {}
        for name in names:
            repo, tag = name.rsplit(":", 1)
            by_repo.setdefault("%s/%s" % (NS, repo), []).append(tag)
        lines += ["    %s: [%s]" % (repo, ", ".join(tags)) for repo, tags in sorted(by_repo.items())]
        yml.write_text("\n".join(lines) + "\n")
        skopeo = [
            "skopeo", "sync", "--src", "yaml", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false",
            str(yml), "%s/%s" % (sk_dest.host, NS),
        ]  # fmt: skip
        fill_p = timed(lambda: run(pipeline, env))
        fill_s = timed(lambda: run(skopeo))
        report = json.loads(max((tmp / "reports").glob("sync-*.json")).read_text())
        assert report["ok"] and len(report["new_digests"]) == len(names), report["failures"][:3]
        print(
            "set: %d images (%d repositories x %d tags), upstream +%.0f ms per request and answer; first fill: "
            "pipeline %.2fs, skopeo %.2fs" % (len(names), args.per_tag, len(TAGS), args.latency_ms, fill_p, fill_s),
            flush=True,
        )
        t_p = timed(lambda: run(pipeline, env))
        report = json.loads(max((tmp / "reports").glob("sync-*.json")).read_text())
        assert report["ok"] and not report["new_digests"] and not report["copied"], "not a no-op run"
        t_s = timed(lambda: run(skopeo))
        ratio = t_p / t_s if t_s else float("inf")
        print("no-op periodic run, %d images:" % len(names))
        print(
            "  pipeline (kollaprep-mirror periodic) %6.2fs   target <= 2.00s   %s"
            % (t_p, "ok" if t_p <= 2 else "MISSED")
        )
        print("  skopeo sync                          %6.2fs" % t_s)
        print(
            "  ratio pipeline / skopeo              %6.2f    target <= 0.50    %s"
            % (ratio, "ok" if ratio <= 0.5 else "MISSED")
        )
        return 0
    finally:
        if proxy is not None:
            proxy.close()
        for reg in regs:
            reg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
