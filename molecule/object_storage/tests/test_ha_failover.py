"""HA (issue 18): the floating registry address survives the loss of the active registry, then of the active host
(stopped, then killed without a shutdown).

Two registry hosts on the same Swift container run keepalived (role registry_ha); the targets pull through the floating
address (the top address of the run's network, vip.py). Checked as an operator would: `ip addr` on the hosts,
keepalived's journal, `docker pull` on a target through the address, the manifests by digest, the registries' logs.
The seconds until a pull through the address works again are measured and printed, never asserted (only a generous
safety timeout). Commands on the hosts go through `docker exec` (fast polling), names come from the inventory.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time

import helpers
import pytest
import requests
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from helpers import PROJECT, TAG

from tests.testbed.registries import assert_complete

testinfra_hosts = ["deploy_first"]
NS = "openstack.kolla"
ACCEPT = (
    "application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json,"
    "application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json"
)
SCENARIO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
SAFETY = 180.0
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def names(group):
    return [h.backend.get_hostname() for h in helpers.inventory_hosts(group)]


DEPLOY = names("deployment")
TARGETS = names("targets")
VIP = subprocess.run(
    [sys.executable, os.path.join(SCENARIO, "vip.py")], capture_output=True, text=True, check=True
).stdout.strip()
VIP_URL = f"http://{VIP}:4000"


def sh(container, command, check=True, timeout=120):
    """Run command in a test host (docker exec: fast enough to poll)."""
    res = subprocess.run(
        ["docker", "exec", container, "sh", "-c", command], check=False, capture_output=True, text=True, timeout=timeout
    )
    if check and res.returncode != 0:
        raise AssertionError(f"{container}: {command} -> {res.returncode}\n{res.stdout}\n{res.stderr}")
    return res


def running(container):
    out = subprocess.run(
        ["docker", "inspect", "-f", "{{.State.Running}}", container], check=False, capture_output=True, text=True
    )
    return out.stdout.strip() == "true"


def holders():
    """The registry hosts that have the floating address on an interface (`ip addr`)."""
    return [d for d in DEPLOY if running(d) and sh(d, f"ip -o -4 addr show to {VIP}/32", check=False).stdout.strip()]


def wait_for(predicate, what, timeout=SAFETY):
    return helpers.wait_for(predicate, what, timeout=timeout, interval=0.2)


def stays_on(expected, seconds=5.0):
    """The address stays on expected for seconds (5 adverts): a host that came back must not take it (nopreempt).
    A negative condition needs a window; this one observes, it does not synchronise anything."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert holders() == expected, f"the address moved by itself to {holders()} (nopreempt)"
        time.sleep(0.2)


def pull(target, ref):
    """`docker pull` of ref through the floating address on target, the local copy removed first; True on success."""
    res = sh(
        target,
        f"docker image rm -f {VIP}:4000/{ref} >/dev/null 2>&1; timeout 20 docker pull -q {VIP}:4000/{ref}",
        check=False,
        timeout=60,
    )
    return res.returncode == 0


def timed_pull(target, ref, what, start, holder):
    """Seconds from start until the address is on holder alone and a pull of ref through it works on target (printed,
    not asserted). The move is part of the condition: a host being shut down still serves for a moment (its registry
    outlives keepalived's stop under live-restore), and a pull answered by it proves nothing."""
    wait_for(
        lambda: holders() == [holder] and pull(target, ref),
        f"{VIP} on {holder} alone and a pull of {ref} through it on {target} ({what})",
    )
    seconds = time.monotonic() - start
    line = f"HA-MEASURE {what}: a pull through {VIP} works again {seconds:.1f} s after the stop"
    # Past pytest's capture (a passing test's output is not shown), and into the run's directory.
    print(line, file=sys.__stderr__, flush=True)
    with open(os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp"), "ha-measure.txt"), "a") as f:
        f.write(line + "\n")
    return seconds


def registry_answers(container):
    """The registry on container answers /v2/ on its own host (not through the address)."""
    return sh(container, "curl -fsS -o /dev/null http://127.0.0.1:4000/v2/", check=False).returncode == 0


def keepalived_state(container):
    """The last VRRP state keepalived logged on container since boot (MASTER, BACKUP, FAULT) or ''."""
    out = sh(container, "journalctl -b -u keepalived --no-pager -o cat | grep -o 'Entering [A-Z]* STATE' || true")
    lines = out.stdout.split()
    return lines[-2] if len(lines) >= 2 else ""


def manifest_put(container, repo, since):
    """True when the registry on container logged a PUT of repo's manifest at TAG (access or request log line) after
    since (seconds since the epoch, the host's clock: the test hosts share the kernel's)."""
    log = sh(container, f"docker logs --since {since:.3f} registry 2>&1").stdout
    path = f"/v2/{repo}/manifests/{TAG}"
    return any(path in line and "PUT" in line for line in log.splitlines())


def manifest(ref_repo, ref):
    return helpers.get_manifest(VIP_URL, ref_repo, ref, ACCEPT)


def ansible_playbook(playbook, limit, extra=None, check=True):
    argv = ["ansible-playbook", "-i", INVENTORY, playbook, "-l", limit]
    if extra is not None:
        argv += ["-e", json.dumps(extra)]
    # JSON results, no colours (molecule forces them): messages are matched as they are. ansible-core 2.19 prints the
    # failures on stderr: out is stdout and stderr, colour codes dropped.
    env = {
        **os.environ,
        "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "PY_COLORS": "0",
    }
    env.pop("AWS_CA_BUNDLE", None)
    res = subprocess.run(argv, check=False, capture_output=True, text=True, cwd=PROJECT, env=env, timeout=900)
    out = ANSI.sub("", res.stdout + "\n" + res.stderr)
    if check:
        assert res.returncode == 0, f"{' '.join(argv)} failed:\n{out[-8000:]}"
    return res.returncode, out


def sync(limit, images):
    """image_mirror from the upstream into the floating address, run on limit (a registry host that is up)."""
    return ansible_playbook(os.path.join(SCENARIO, "ha_sync.yml"), limit, {"kp_ha_sync_images": images})


@pytest.fixture(scope="module")
def upstream(site):
    name = site["kollaprep_upstream"].split(":")[0]
    port = subprocess.run(["docker", "port", name, "5000"], capture_output=True, text=True, check=True)
    return port.stdout.split()[0].strip()


def generate(registry, images, *options):
    """Push synthetic Kolla images (and their parents) at TAG into registry (host:port): the test bed generator."""
    argv = [sys.executable, "-m", "tests.testbed.generator", "--registry", registry, "--images", ",".join(images)]
    res = helpers.run_in_project([*argv, *options])
    assert res.returncode == 0, res.stderr[-3000:]


def push_upstream(upstream, images):
    """New content for images (and their parents) in the upstream, at TAG: a seed of its own per call, so that a sync
    after it writes (a verify run again on the same hosts, `molecule verify`, finds the earlier run's images)."""
    generate(upstream, images, "--layer-size", "16384", "--seed", str(time.time_ns() % 2**31))


def test_the_address_moves_on_registry_and_host_loss_and_no_image_is_lost(upstream):
    assert len(DEPLOY) == 2, DEPLOY
    first = wait_for(lambda: holders() if len(holders()) == 1 else None, f"one holder of {VIP}")[0]
    other = next(d for d in DEPLOY if d != first)
    addresses = {d: helpers.container_ip(d) for d in DEPLOY}

    # Writes go through the address: a sync run on the standby lands on the holder's registry (its access log has the
    # manifest PUTs).
    push_upstream(upstream, ["keystone"])
    since = time.time()
    sync(other, ["cron", "keystone"])
    assert manifest_put(first, f"{NS}/keystone", since), "the sync did not go through the holder"
    refs = {
        f"{NS}/{name}": manifest(f"{NS}/{name}", TAG).headers["Docker-Content-Digest"] for name in ["cron", "keystone"]
    }
    assert pull(TARGETS[0], f"{NS}/cron:{TAG}")

    # 1. The active registry process stops: its health check fails, the address moves, pulls work again.
    start = time.monotonic()
    sh(first, "docker stop registry")
    try:
        timed_pull(TARGETS[0], f"{NS}/cron:{TAG}", "registry process stopped on the active host", start, other)
        assert holders() == [other]
        assert keepalived_state(first) == "FAULT"
    finally:
        sh(first, "docker start registry")
    # The old active comes back as standby (nopreempt): BACKUP, the address stays.
    wait_for(lambda: keepalived_state(first) == "BACKUP", f"{first} back as BACKUP")
    stays_on([other])

    # 2. The whole active host stops (docker stop of its container): the address moves back to the first host.
    # docker stop: systemd in the host shuts down (up to 10 s, then SIGKILL); the pulls are timed from the stop command.
    start = time.monotonic()
    stopping = subprocess.Popen(["docker", "stop", other], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        timed_pull(TARGETS[1], f"{NS}/keystone:{TAG}", "active host stopped", start, first)
        assert holders() == [first]
        # A sync during the outage goes to the new active: a new image in the upstream, mirrored through the address.
        push_upstream(upstream, ["glance-api"])
        since = time.time()
        sync(first, ["cron", "keystone", "glance-api"])
        assert manifest_put(first, f"{NS}/glance-api", since), "the sync during the outage did not go to the new active"
        refs[f"{NS}/glance-api"] = manifest(f"{NS}/glance-api", TAG).headers["Docker-Content-Digest"]
        assert pull(TARGETS[0], f"{NS}/glance-api:{TAG}")
    finally:
        stopping.wait(timeout=SAFETY)
        subprocess.run(["docker", "start", other], check=True, capture_output=True)

    # The old active comes back (same address on the network: keepalived's unicast peers) as standby.
    wait_for(
        lambda: sh(other, "systemctl is-system-running", check=False).stdout.strip() in ("running", "degraded"),
        f"{other} booted",
    )
    assert helpers.container_ip(other) == addresses[other], (
        "the restarted host got another address: unicast peers broken"
    )
    wait_for(lambda: keepalived_state(other) == "BACKUP", f"{other} back as BACKUP")
    wait_for(lambda: registry_answers(other), f"the registry on {other} back")
    stays_on([first])

    # No image lost: every manifest by digest, with every blob, through the address; pulled by digest on a target.
    for repo, digest in refs.items():
        got = manifest(repo, digest)
        assert got.headers["Docker-Content-Digest"] == digest
        body = got.json()
        for blob in [body["config"]["digest"]] + [layer["digest"] for layer in body["layers"]]:
            assert requests.head(f"{VIP_URL}/v2/{repo}/blobs/{blob}", timeout=30).status_code == 200, (repo, blob)
        assert pull(TARGETS[1], f"{repo}@{digest}"), f"{repo}@{digest}"

    # The documented way to move the address back: restart keepalived on the holder.
    sh(first, "systemctl restart keepalived")
    wait_for(lambda: holders() == [other], f"{VIP} on {other} after the restart of keepalived on {first}")
    wait_for(lambda: pull(TARGETS[0], f"{NS}/cron:{TAG}"), "a pull after the move back")
    assert keepalived_state(first) == "BACKUP"

    # 3. The active host dies without a shutdown (docker kill: SIGKILL, no VRRP advert giving the address up): the
    # standby takes it when the adverts stop (keepalived's master-down interval), pulls work again, nothing is lost.
    start = time.monotonic()
    subprocess.run(["docker", "kill", other], check=True, capture_output=True)
    try:
        # docker kill returns once the signal is sent: the start below must find the host stopped, not stopping.
        subprocess.run(["docker", "wait", other], check=True, capture_output=True, timeout=SAFETY)
        timed_pull(TARGETS[1], f"{NS}/glance-api:{TAG}", "active host killed", start, first)
        assert holders() == [first]
        for repo, digest in refs.items():
            assert manifest(repo, digest).headers["Docker-Content-Digest"] == digest
    finally:
        subprocess.run(["docker", "start", other], check=True, capture_output=True)
    wait_for(lambda: keepalived_state(other) == "BACKUP", f"{other} back as BACKUP after the kill")
    wait_for(lambda: registry_answers(other), f"the registry on {other} back after the kill")
    stays_on([first])


def test_a_rerun_changes_nothing_and_leaves_the_address_where_it_is():
    before = holders()
    _code, out = ansible_playbook(os.path.join(PROJECT, "playbooks", "registry_ha.yml"), "all")
    recap = [line for line in out.splitlines() if " : ok=" in line]
    assert recap and all(" changed=0 " in line for line in recap), "\n".join(recap)
    assert holders() == before


def registry_client():
    """The collection's registry client on the floating address (what assert_complete reads)."""
    return rc.RegistryClient(f"{VIP}:4000", side="dest", scheme="http")


def push_orphan_blob(client, repo):
    """Upload a blob no manifest references (garbage for the collection) through the address; its digest."""
    data = os.urandom(4096)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    client.upload_blob(repo, digest, data)
    return digest


def test_gc_runs_only_on_the_holder_with_the_standby_read_only():
    holder = wait_for(lambda: holders() if len(holders()) == 1 else None, f"one holder of {VIP}")[0]
    standby = next(d for d in DEPLOY if d != holder)
    gc = os.path.join(SCENARIO, "gc.yml")
    # Not on the standby.
    code, out = ansible_playbook(gc, standby, check=False)
    assert code != 0 and "does not hold the registry's floating address" in out, out[-3000:]
    # Not on the holder while the standby takes writes.
    code, out = ansible_playbook(gc, holder, check=False)
    assert code != 0 and f"on {standby} still takes writes" in out, out[-3000:]
    # What the collection must keep and what it must free: a multi-arch OCI image (an index, two platforms) written
    # through the address, and a blob no manifest references.
    generate(f"{VIP}:4000", ["cron"], "--namespace", "kp18gc", "--oci", "--multiarch", "--layer-size", "8192")
    index = manifest("kp18gc/cron", TAG)
    assert index.headers["Content-Type"] == "application/vnd.oci.image.index.v1+json"
    assert len(index.json()["manifests"]) == 2
    client = registry_client()
    keep = {repo: assert_complete(client, repo, TAG) for repo in ["kp18gc/base", "kp18gc/cron"]}
    orphan = push_orphan_blob(client, "kp18gc/orphan")
    client.close()
    # playbooks/registry_gc.yml: the standby read-only for the window, the collection on the holder, all back.
    _code, out = ansible_playbook(os.path.join(PROJECT, "playbooks", "registry_gc.yml"), "deployment")
    assert "Garbage collection on " + holder in out
    assert "Garbage collection on " + standby not in out
    for d in DEPLOY:
        code = sh(d, "curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:4000/v2/x/blobs/uploads/").stdout
        assert code == "202", f"{d} not writable again after the collection: {code}"
    wait_for(lambda: len(holders()) == 1, f"one holder of {VIP} after the collection")
    assert pull(TARGETS[0], f"{NS}/glance-api:{TAG}")
    # The collection ran (the unreferenced blob is gone) and kept the multi-arch image whole: the index, both children,
    # every config and layer; a target pulls it by the index's digest.
    client = registry_client()
    assert client.head_blob("kp18gc/orphan", orphan) is None
    for repo, digest in keep.items():
        assert assert_complete(client, repo, TAG) == digest
    client.close()
    assert pull(TARGETS[0], f"kp18gc/cron@{keep['kp18gc/cron']}")
