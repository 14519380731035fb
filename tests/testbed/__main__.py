"""python -m tests.testbed up|down|demo"""

from __future__ import annotations

import argparse
import sys
import time

from tests.testbed import engine, images, keystone, network


def up() -> None:
    t0 = time.monotonic()
    engine.ensure_engine()
    built = []
    if images.build_registry():
        built.append("registry:2")
    if images.build_testhost():
        built.append("kollaprep/testhost:bookworm")
    if images.build_swift():  # the Swift all-in-one of molecule/object_storage (on top of the test-host image)
        built.append(images.SWIFT_IMAGE)
    if keystone.build_keystone():  # the real Keystone of tests/integration/test_token_auth.py (on the Debian rootfs)
        built.append(keystone.KEYSTONE_IMAGE)
    created = network.ensure_network()
    print(
        f"testbed: dockerd up, images {'built: ' + ', '.join(built) if built else 'already current'}, "
        f"network {'created' if created else 'present'} ({time.monotonic() - t0:.1f}s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.testbed")
    parser.add_argument("action", choices=["up", "down", "demo", "clean"])
    args = parser.parse_args(argv)
    if args.action == "up":
        up()
    elif args.action in ("down", "clean"):
        engine.ensure_engine()
        network.clean_leftovers(all_objects=True)
    elif args.action == "demo":
        up()
        from tests.testbed import demo

        return demo.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
