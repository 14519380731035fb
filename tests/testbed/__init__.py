"""The offline test bed shared by the tests, molecule, the demo and the benchmarks.

Everything here runs real components on this machine: a real dockerd, images built locally from Debian
packages, a user-defined docker network for test hosts and synthetic Kolla-like image sets.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

NETWORK = "kollaprep-test"
REGISTRY_IMAGE = "registry:2"
TESTHOST_IMAGE = "kollaprep/testhost:bookworm"
LABEL = "org.kollaprep.testbed"

# Who started a container. Every container the test bed starts for a test session or a benchmark carries LABEL=1,
# RUN_LABEL=<run id> and OWNER_LABEL=<pid>:<start time of that pid>, the run id being "<pid>-<random>" of the process
# that imported this package (a pytest session, a benchmark); test sessions put the run id in container names too.
# Cleanup removes a container only when its run is not this one and its owner is gone: no process with that pid, or
# one with another start time (a reused pid). A live concurrent run's containers are never touched.
RUN_LABEL = f"{LABEL}.run"
OWNER_LABEL = f"{LABEL}.owner"
WORKDIR_LABEL = f"{LABEL}.workdir"  # a directory the test bed created for the container: removed with it


def process_start_time(pid: int) -> str | None:
    """Start time of process pid (clock ticks since boot, field 22 of /proc/pid/stat), None when there is none."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


OWNER_PID = os.getpid()
RUN_ID = f"{OWNER_PID}-{secrets.token_hex(3)}"
OWNER = f"{OWNER_PID}:{process_start_time(OWNER_PID)}"


def owner_alive(owner: str) -> bool:
    """Whether the process an OWNER_LABEL value names (``pid:start time``) is still the one running."""
    pid, _sep, start = owner.partition(":")
    return pid.isdigit() and bool(start) and process_start_time(int(pid)) == start


def run_labels(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The labels of a container this run starts (``extra`` added, e.g. ``{WORKDIR_LABEL: path}``)."""
    return {LABEL: "1", RUN_LABEL: RUN_ID, OWNER_LABEL: OWNER, **(extra or {})}


def label_args(extra: Mapping[str, str] | None = None) -> list[str]:
    """``run_labels`` as ``docker run`` arguments."""
    args: list[str] = []
    for key, value in run_labels(extra).items():
        args += ["--label", f"{key}={value}"]
    return args


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
