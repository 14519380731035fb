"""The offline test bed shared by the tests, molecule, the demo and the benchmarks.

Everything here runs real components on this machine: a real dockerd, images built locally from Debian
packages, a user-defined docker network for test hosts and synthetic Kolla-like image sets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

NETWORK = "kollaprep-test"
REGISTRY_IMAGE = "registry:2"
TESTHOST_IMAGE = "kollaprep/testhost:bookworm"
LABEL = "org.kollaprep.testbed"

# Variables the test bed keeps out of everything it starts. AWS_CA_BUNDLE: Distribution's registry binary (Debian's
# docker-registry 2.8) panics at start when it is set and the storage is the s3 driver ("failed to create new
# session with aws config: LoadCustomCABundleError"), and these machines set it. This is the one place the test bed
# handles it; the Makefile's ``unexport`` does the same for make, the registry_server role's unit for production.
UNWANTED_ENV = ("AWS_CA_BUNDLE",)


def clean_env(base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """A copy of ``base`` (this process's environment by default) without ``UNWANTED_ENV``, updated with ``extra``."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in UNWANTED_ENV}
    env.update(extra)
    return env


def scrub_environ() -> None:
    """Remove ``UNWANTED_ENV`` from this process's environment, so every child started later goes without it."""
    for name in UNWANTED_ENV:
        os.environ.pop(name, None)
