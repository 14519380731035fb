"""make bench: every benchmark, each printing its contenders side by side and the ratios against its targets.

python bench/run.py [--quick]    (--quick: smaller sets, for a look rather than a measurement)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller image sets")
    args = parser.parse_args()
    runs = [
        [sys.executable, str(HERE / "bench_mirror.py"), *(["--size-mb", "300"] if args.quick else [])],
        [sys.executable, str(HERE / "bench_bundle.py"), *(["--count", "10"] if args.quick else [])],
        [sys.executable, str(HERE / "bench_generator.py")],  # 40 images x 4 MiB: already quick
        [sys.executable, str(HERE / "bench_pipeline.py"), *(["--per-tag", "10"] if args.quick else [])],
        [sys.executable, str(HERE / "bench_auth.py"), *(["--count", "10", "--requests", "10"] if args.quick else [])],
    ]
    rc = 0
    for cmd in runs:
        print(f"\n### {' '.join(Path(c).name if c.endswith('.py') else c for c in cmd[1:])}", flush=True)
        rc |= subprocess.run(cmd, check=False).returncode
    return rc


if __name__ == "__main__":
    sys.exit(main())
