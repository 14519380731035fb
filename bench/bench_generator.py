"""Benchmark the test bed's generator: a synthetic Kolla set pushed into a fresh registry:2, then pushed again.

The first push generates and uploads every blob (digest cache off, so nothing is known beforehand); the re-run
finds every blob and manifest in place (HEAD) and uploads nothing. Printed: seconds and MB/s of each, against the
target of the first push (120 s for the default 40 images with 4 MiB layers, about 170 MiB).

    python bench/bench_generator.py [--count 40] [--layer-size 4M] [--workers 8]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / ".cache/collections")]

from tests.testbed import generator, images, registries, scrub_environ  # noqa: E402

scrub_environ()  # nothing this benchmark starts gets AWS_CA_BUNDLE (see tests/testbed/__init__.py)

TARGET_FIRST_SECONDS = 120.0  # first push of 40 images x 4 MiB layers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--layer-size", type=generator.parse_size, default=4 << 20)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"

    images.build_registry()
    reg = registries.start_registry("kp-gen-bench-%d" % os.getpid())
    try:
        runs = []
        for _run in ("first", "again"):
            generator._MEMO.clear()  # like a new process: no digest is known
            start = time.monotonic()
            result = generator.generate(reg.host, count=args.count, layer_size=args.layer_size, workers=args.workers)
            runs.append((time.monotonic() - start, result))
    finally:
        reg.stop()
    (first, pushed), (again, repushed) = runs
    unique = sum(i.unique_bytes for i in pushed)
    uploaded = sum(i.uploaded_bytes for i in pushed)
    print(
        "set: %d images, layer %.1f MiB, %.1f MiB unique; workers %d"
        % (len(pushed), args.layer_size / 2**20, unique / 2**20, args.workers)
    )
    print("  first push %8.2f s  %7.1f MB/s  uploaded %.1f MiB" % (first, uploaded / 1e6 / first, uploaded / 2**20))
    print("  re-run     %8.2f s  uploaded %d bytes" % (again, sum(i.uploaded_bytes for i in repushed)))
    same = [i.digest for i in repushed] == [i.digest for i in pushed]
    print("  digests of the re-run: %s" % ("the same" if same else "DIFFERENT"))
    if args.count == 40 and args.layer_size == 4 << 20:
        verdict = "met" if first <= TARGET_FIRST_SECONDS else "MISSED"
        print("  first push %.2f s  (<= %.0f s) %s" % (first, TARGET_FIRST_SECONDS, verdict))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
