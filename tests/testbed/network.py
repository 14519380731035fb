"""The user-defined docker network for test hosts, and cleanup of what runs that are gone left behind.

Cleanup goes by label and owner, never by name: a container is removed only when it carries the test bed label, is not
this run's, and its owner process is gone (see RUN_LABEL and OWNER_LABEL in tests/testbed/__init__.py). Containers of
a live concurrent run (another pytest session, a benchmark) are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.testbed import LABEL, NETWORK, OWNER_LABEL, RUN_ID, RUN_LABEL, WORKDIR_LABEL, owner_alive

DOCKER = "/usr/bin/docker"


def _docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, check=check)


def ensure_network(name: str = NETWORK, labels: list[str] | None = None) -> bool:
    """Create a network (the test network by default; ``labels``: ``--label`` arguments, the test bed label by
    default) when absent; return True when created (a concurrent creation counts as present)."""
    if _docker("network", "inspect", name, check=False).returncode == 0:
        return False
    created = _docker("network", "create", *(labels or ["--label", f"{LABEL}=1"]), name, check=False)
    if created.returncode == 0:
        return True
    if _docker("network", "inspect", name, check=False).returncode == 0:
        return False  # another run created it between our inspect and our create
    raise RuntimeError(f"cannot create docker network {name}: {created.stderr.strip()}")


@dataclass
class Container:
    id: str
    name: str
    labels: dict[str, str]

    @property
    def run(self) -> str:
        return self.labels.get(RUN_LABEL, "")

    @property
    def owner(self) -> str:
        return self.labels.get(OWNER_LABEL, "")

    def owned_by_live_run(self) -> bool:
        """This run's, or started by a process that is still running."""
        return self.run == RUN_ID or (bool(self.owner) and owner_alive(self.owner))


def testbed_containers() -> list[Container]:
    """Every container (running or not) that carries the test bed label, read in one ``docker ps``."""
    keys = (RUN_LABEL, OWNER_LABEL, WORKDIR_LABEL)
    fmt = "\t".join(["{{.ID}}", "{{.Names}}", *('{{.Label "%s"}}' % k for k in keys)])
    found = []
    for line in _docker("ps", "-a", "--no-trunc", "--filter", f"label={LABEL}", "--format", fmt).stdout.splitlines():
        cid, name, *values = line.split("\t")
        found.append(Container(cid, name, {k: v for k, v in zip(keys, values, strict=True) if v}))
    return found


def stale_containers(include_ownerless: bool = False) -> list[Container]:
    """Test bed containers of runs that are gone; with include_ownerless also those without an owner label (the lab,
    molecule's test hosts, containers of older versions of the test bed): nobody can tell whether those are in use."""
    doomed = []
    for c in testbed_containers():
        # A run label without an owner (molecule's test hosts of a `molecule converge` by hand with KP_RUN_SUFFIX set)
        # says whose the container is, not whether it is still in use: it counts as ownerless.
        if c.owner:
            if not c.owned_by_live_run():
                doomed.append(c)
        elif include_ownerless:
            doomed.append(c)
    return doomed


def stale_networks(include_ownerless: bool = False) -> list[str]:
    """Test bed networks (molecule's per-run networks) whose owner label names a process that is gone; with
    include_ownerless also those without an owner label (the test network, the labs' networks)."""
    fmt = "\t".join(["{{.Name}}", '{{.Label "%s"}}' % OWNER_LABEL])
    doomed = []
    for line in _docker("network", "ls", "--filter", f"label={LABEL}", "--format", fmt).stdout.splitlines():
        name, _sep, owner = line.partition("\t")
        if (owner and not owner_alive(owner)) or (include_ownerless and not owner):
            doomed.append(name)
    return doomed


def stale_images() -> list[str]:
    """Images a gone run built (the token service's image of the container-mode test, which the role builds with the
    run's labels; untagged ones a later build of the same tag left), by the test bed label and a gone owner: their
    tags, or the image id when untagged. The test bed's own images (registry:2, the test host) have no owner label."""
    listed = _docker("images", "--filter", f"label={LABEL}", "--format", "{{.ID}}\t{{.Repository}}:{{.Tag}}").stdout
    rows = [line.split("\t") for line in listed.splitlines()]
    refs = [ref if ref != "<none>:<none>" else image_id for image_id, ref in rows]
    if not refs:
        return []
    fmt = '{{index .Config.Labels "%s"}}' % OWNER_LABEL
    owners = _docker("image", "inspect", "--format", fmt, *refs, check=False).stdout.splitlines()
    return [ref for ref, owner in zip(refs, owners, strict=False) if owner and not owner_alive(owner)]


def remove(containers: list[Container]) -> list[str]:
    """Force-remove containers (anonymous volumes too) and the work directories the test bed made for them."""
    if containers:
        _docker("rm", "-f", "-v", *[c.id for c in containers], check=False)
    for c in containers:
        workdir = Path(c.labels.get(WORKDIR_LABEL) or "")
        if workdir.is_absolute() and workdir.parent == Path(tempfile.gettempdir()):  # only what start_registry made
            shutil.rmtree(workdir, ignore_errors=True)
    return [c.name for c in containers]


def clean_leftovers(all_objects: bool = False) -> list[str]:
    """Remove containers, networks and images of runs that are gone (never a live run's); return their names.

    all_objects (``python -m tests.testbed down``): also the containers and networks without an owner label (the labs
    of ``make demo``, molecule's leftovers of runs by hand, the test network; a network a live run still uses stays,
    docker refuses to remove it). Networks of gone runs (molecule's, see molecule/shared/create.yml) go in any case,
    after their containers.
    """
    removed = remove(stale_containers(include_ownerless=all_objects))
    for name in stale_networks(include_ownerless=all_objects):
        if _docker("network", "rm", name, check=False).returncode == 0:
            removed.append(name)
    if all_objects and NETWORK not in removed:
        _docker("network", "rm", NETWORK, check=False)  # made by an older test bed without the label
    for tag in stale_images():  # --no-prune: the layers under it are the build cache of the next run
        if _docker("rmi", "--no-prune", tag, check=False).returncode == 0:
            removed.append(tag)
    _docker("volume", "prune", "-f", "--filter", f"label={LABEL}", check=False)
    return removed
