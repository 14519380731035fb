"""The image pipeline on real registries: sync to staging (images.lock), vet, promote, roll back, diff, GC, run lock.

An upstream registry:2 holds a synthetic Kolla set (an OCI multi-arch index for one chain, a nested repository
``extra/memcached`` for another); a second registry:2 is the site's local registry. Everything runs through
``bin/kollaprep-mirror`` as an operator would, and is checked through the registry API (digests, whole images)
and the registry's storage tree (what GC keeps).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _lock
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _storage_tree as tree

from tests.integration.test_registry_gc import _collect
from tests.testbed import NETWORK, REGISTRY_IMAGE, RUN_ID, engine, generator, images, lab, label_args, network
from tests.testbed.ansible import ansible_env, run_task_once
from tests.testbed.registries import assert_complete

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DOCKER = "/usr/bin/docker"
NS = "kp/pipe"
TAG = "2024.1-debian-bookworm"


def cli(*args, check=True):
    res = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "kollaprep-mirror"), *args],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=300,
        check=False,
    )
    if check:
        assert res.returncode == 0, (args, res.stdout, res.stderr)
    return res


def push(host, seed, ca=None):
    """The upstream set at ``seed``: {relative repository: digest}; the same tags each time. ca: a TLS upstream's."""
    kw = {"seed": seed, "ca": ca}
    pushed = generator.generate(host, namespace=NS, images=["cron"], media_type="oci", multiarch=True, **kw)
    pushed += generator.generate(host, namespace=NS + "/extra", images=["memcached"], layer_size=2048, **kw)
    return {i.repository[len(NS) + 1 :]: i.digest for i in pushed}


@pytest.fixture
def site(registry_factory, tmp_path):
    up = registry_factory.start("pipe-up")
    local = registry_factory.start("pipe-local")
    client = rc.RegistryClient(local.host, scheme="http")
    yield up, local, client, tmp_path
    client.close()
    up.stop()
    local.stop()


def common(up, local, lock, run_lock, generations=2):
    return [
        "--src", up.host, "--src-insecure", "--dest", local.host, "--dest-insecure", "--namespace", NS,
        "--lock", str(lock), "--run-lock", str(run_lock), "--generations", str(generations),
    ]  # fmt: skip


def digests(client, names, fmt):
    out = {}
    for name in names:
        head = client.head_manifest(fmt % name, TAG)
        out[name] = head["digest"] if head else None
    return out


def test_retag_staging_vetting_promotion_rollback_gc(site):
    up, local, client, tmp = site
    lock, run_lock = tmp / "images.lock", tmp / "run.lock"
    opts = common(up, local, lock, run_lock)
    first = push(up.host, seed=1)
    names = sorted(first)
    assert "extra/memcached" in names and "cron" in names
    promoted, staging = NS + "/%s", "staging/" + NS + "/%s"

    # 1. The first sync: the lock names every image with its digest, platforms and size; staging holds them.
    cli("sync", *opts, "--tag", TAG, *names)
    doc = _lock.load(str(lock))
    assert {k: e["digest"] for k, e in doc["images"].items()} == {"%s:%s" % (n, TAG): d for n, d in first.items()}
    cron = doc["images"]["cron:%s" % TAG]
    assert cron["platforms"] == ["linux/amd64", "linux/arm64/v8"] and cron["size"] > 0
    assert cron["media_type"] == rc.MEDIA_OCI_INDEX
    assert doc["images"]["extra/memcached:%s" % TAG]["platforms"] == ["linux/amd64"]
    assert digests(client, names, staging) == first
    assert set(digests(client, names, promoted).values()) == {None}, "a sync must not touch the promoted names"
    text = lock.read_text()
    assert cli("sync", *opts).stdout.count("new digest") == 0 and lock.read_text() == text, "a re-sync is a no-op"

    # 2. Promotion (no checks): the promoted names hold the same digests, whole.
    cli("promote", *opts)
    assert digests(client, names, promoted) == first
    for name in names:
        assert assert_complete(client, promoted % name, TAG) == first[name]
        assert client.head_manifest(promoted % name, TAG + "-gen-0")["digest"] == first[name]

    # 3. Upstream republishes every tag. The diff says so; a frozen sync reports and does not follow.
    second = push(up.host, seed=2)
    assert not set(first.values()) & set(second.values())
    drift = json.loads(cli("diff", *opts, "--json").stdout)
    assert {m["image"]: m["upstream"] for m in drift["moved_upstream"]} == {
        "%s:%s" % (n, TAG): d for n, d in second.items()
    }
    assert drift["promotion"] == []
    frozen = cli("sync", *opts, "--frozen")
    assert frozen.stdout.count("(not followed)") == len(names) and lock.read_text() == text
    assert digests(client, names, staging) == first

    # 4. The sync follows: the lock shows the move (the old digest kept in "previous"), staging has the new digests,
    # the promoted names (what targets pull) keep the old ones.
    cli("sync", *opts)
    doc = _lock.load(str(lock))
    for name in names:
        entry = doc["images"]["%s:%s" % (name, TAG)]
        assert entry["digest"] == second[name] and entry["previous"][0]["digest"] == first[name]
    assert digests(client, names, staging) == second
    assert digests(client, names, promoted) == first
    drift = json.loads(cli("diff", *opts, "--json").stdout)
    assert {p["image"]: (p["before"], p["after"]) for p in drift["promotion"]} == {
        "%s:%s" % (n, TAG): (first[n], second[n]) for n in names
    }

    # 5. A failed vetting command blocks the whole promotion: nothing moves, not even the images that passed.
    seen = tmp / "vetted.txt"
    vet = (
        "sh -c 'echo \"$1 $KOLLAPREP_IMAGE_DIGEST\" >> %s; case $KOLLAPREP_IMAGE_NAME in *memcached) exit 3;; esac' vet"
    )
    blocked = cli("promote", *opts, "--vet-command", vet % seen, check=False)
    assert blocked.returncode == 1 and "BLOCKED" in blocked.stdout and "exit 3" in blocked.stdout, blocked.stdout
    assert digests(client, names, promoted) == first
    for name in names:
        assert client.head_manifest(promoted % name, TAG + "-gen-1") is None
    # Once per image, with the staging reference by digest as argument and in the environment.
    calls = sorted(seen.read_text().split("\n")[:-1])
    assert calls == sorted("%s/%s@%s %s" % (local.host, staging % n, second[n], second[n]) for n in names)

    # An allow-list that lacks a digest blocks too; one that lists them all lets the promotion through.
    allow = tmp / "allow.txt"
    allow.write_text("# vetted digests\n" + "".join("%s\n" % d for n, d in second.items() if n != "cron"))
    assert cli("promote", *opts, "--allow", str(allow), check=False).returncode == 1
    assert digests(client, names, promoted) == first
    allow.write_text("".join("%s  # %s\n" % (d, n) for n, d in second.items()))
    check = cli("promote", *opts, "--allow", str(allow), "--check")
    assert check.stdout.count("promote ") == len(names) and digests(client, names, promoted) == first

    # 6. Promotion: the new digests under the promoted names, the old ones kept as generation 1.
    cli("promote", *opts, "--allow", str(allow), "--vet-command", "true")
    assert digests(client, names, promoted) == second
    for name in names:
        assert assert_complete(client, promoted % name, TAG) == second[name]
        assert client.head_manifest(promoted % name, TAG + "-gen-1")["digest"] == first[name]
    assert "0 changed" in cli("promote", *opts, "--allow", str(allow)).stdout, "a second promotion changes nothing"
    targets = tmp / "compute1.txt"
    targets.write_text(
        "REPOSITORY TAG DIGEST IMAGE ID CREATED SIZE\n"
        "10.0.0.5:4000/%s/cron %s %s 0123456789ab 2 days ago 1MB\n"
        % (NS, TAG, first["cron"])
        + "10.0.0.5:4000/%s/extra/memcached %s %s 0123456789ac 2 days ago 1MB\n" % (NS, TAG, second["extra/memcached"])
    )
    drift = json.loads(cli("diff", *opts, "--json", "--targets", str(targets)).stdout)
    assert drift["targets_behind"] == [
        {"host": "compute1", "image": "cron:%s" % TAG, "running": first["cron"], "promoted": second["cron"]}
    ]

    # 7. GC (manifest prune as registry_server_gc_delete_untagged runs it, then Distribution's garbage-collect):
    # every generation still tagged stays whole; staging's replaced digests are what it frees.
    plan = tree.plan_prune(str(local.storage))
    orphans = {(o.repository, o.digest) for o in plan.orphans}
    # The old images of staging (an index with its children) and nothing of the promoted repositories.
    assert orphans == {(staging % n, d) for n in names for d in tree.reachable(str(local.storage), [first[n]])}
    assert len(orphans) > len(names)
    tree.prune(str(local.storage), plan.orphans)
    _collect(local)
    for name in names:
        for gen, want in ((TAG + "-gen-0", second[name]), (TAG + "-gen-1", first[name])):
            assert assert_complete(client, promoted % name, gen) == want

    # 8. Rollback: the whole set back to the generation before, whole (the GC above kept it).
    assert "rollback" in cli("rollback", *opts, "--check").stdout and digests(client, names, promoted) == second
    cli("rollback", *opts)
    assert digests(client, names, promoted) == first
    for name in names:
        assert assert_complete(client, promoted % name, TAG) == first[name]
    again = cli("rollback", *opts, check=False)
    assert again.returncode == 2 and "no earlier generation" in again.stderr


def test_periodic_run_reports_metrics_and_refuses_overlap(site):
    up, local, _client, tmp = site
    lock, run_lock, reports, metrics = tmp / "images.lock", tmp / "run.lock", tmp / "reports", tmp / "kp.prom"
    opts = [*common(up, local, lock, run_lock), "--report-dir", str(reports), "--metrics", str(metrics), "--keep", "2"]
    first = push(up.host, seed=1)
    names = sorted(first)

    res = cli("periodic", *opts, "--tag", TAG, *names)
    [report] = [json.loads(p.read_text()) for p in reports.glob("sync-*.json")]
    assert report["ok"] and report["images_checked"] == len(names) and len(report["new_digests"]) == len(names)
    assert report["bytes"] > 0 and report["images_behind"] == len(names)
    prom = dict(line.rsplit(" ", 1) for line in metrics.read_text().splitlines() if not line.startswith("#"))
    assert prom["kollaprep_image_sync_last_run_success"] == "1"
    assert prom["kollaprep_image_sync_images_behind"] == str(len(names))
    assert prom["kollaprep_image_sync_last_success_timestamp_seconds"] == _num(report["finished_at"])
    good = prom["kollaprep_image_sync_last_success_timestamp_seconds"]
    lock_text = lock.read_text()

    # Two runs never overlap: while one holds the run lock (here this process, as a GC would), the next refuses.
    with _lock.RunLock(str(run_lock), purpose="registry garbage collection"):
        busy = cli("periodic", *opts, check=False)
        promote = cli("promote", *common(up, local, lock, run_lock), check=False)
    assert busy.returncode == 75 and "registry garbage collection" in busy.stderr, busy.stderr
    assert promote.returncode == 75
    assert len(list(reports.glob("sync-*.json"))) == 1, "a refused run writes no report"

    # A failed run (the upstream moved its tags, then went away) says why and leaves the last good state alone.
    push(up.host, seed=2)
    up.stop()
    res = cli("periodic", *opts, check=False)
    assert res.returncode == 1, res.stdout + res.stderr
    assert lock.read_text() == lock_text
    failed = max(reports.glob("sync-*.json"))
    doc = json.loads(failed.read_text())
    assert not doc["ok"] and all(f["msg"] for f in doc["failures"])
    # The upstream is gone: each image of the lock fails on its own, once (the tags it moved are never seen).
    assert sorted(f["image"] for f in doc["failures"]) == sorted(_lock.image_key(n, TAG) for n in names)
    prom = dict(line.rsplit(" ", 1) for line in metrics.read_text().splitlines() if not line.startswith("#"))
    assert prom["kollaprep_image_sync_last_run_success"] == "0"
    assert prom["kollaprep_image_sync_last_success_timestamp_seconds"] == good
    assert prom["kollaprep_image_sync_failures"] == str(len(names))
    res = cli("periodic", *opts, check=False)
    assert len(list(reports.glob("sync-*.json"))) == 2, "only the last --keep reports are kept"
    assert json.loads(max(reports.glob("sync-*.json")).read_text())["ok"] is False
    prom = dict(line.rsplit(" ", 1) for line in metrics.read_text().splitlines() if not line.startswith("#"))
    assert prom["kollaprep_image_sync_last_success_timestamp_seconds"] == good, "kept after its report rotated out"


BUNDLE_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Export the lock's image set
      kollaprep.registry.registry_bundle:
        mode: export
        path: "{{ bundle_path }}"
        lock_file: "{{ lock_file }}"
        src_registry: "{{ src_registry }}"
        src_namespace: "{{ src_namespace }}"
        src_scheme: "{{ 'https' if src_ca is defined else 'http' }}"
        src_ca_path: "{{ src_ca | default(omit) }}"
        src_username: "{{ src_username | default(omit) }}"
        src_password: "{{ lookup('ansible.builtin.env', 'KP_TEST_PASSWORD') or omit }}"
        include_registry_image: false
"""


def test_bundle_export_takes_the_lock_digests_not_the_moved_tags(site):
    """registry_bundle with lock_file: after the upstream moved every tag, the bundle holds the lock's digests (read
    by digest from the upstream, multi-arch and nested names included) under the lock's tags."""
    up, local, _client, tmp = site
    lock, run_lock = tmp / "images.lock", tmp / "run.lock"
    first = push(up.host, seed=1)
    cli("sync", *common(up, local, lock, run_lock), "--tag", TAG, *sorted(first))
    second = push(up.host, seed=2)
    assert not set(first.values()) & set(second.values())
    play = tmp / "bundle.yml"
    play.write_text(BUNDLE_PLAY)
    extra = {"bundle_path": str(tmp / "b.tar"), "lock_file": str(lock), "src_registry": up.host, "src_namespace": NS}
    res = run_task_once(play, tmp, extra)
    assert res.get("changed") and not res.get("failed"), res
    got = {(i["repository"], i["tag"]): i["digest"] for i in res["images"]}
    assert got == {("%s/%s" % (NS, n), TAG): d for n, d in first.items()}
    again = run_task_once(play, tmp, extra)
    assert not again.get("changed") and not again.get("failed"), again


LOCK_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: The lock as the registry_server gc entry point takes it
      kollaprep.registry.registry_run_lock:
        state: "{{ lock_state }}"
        path: "{{ lock_path }}"
        pid: "{{ lock_pid | default(omit) }}"
"""


def test_gc_run_lock_and_the_pipeline_exclude_each_other(site):
    """registry_run_lock (what registry_server's gc holds across its tasks) refuses a sync and a promotion while
    held, and lets them run once released; it is refused itself while a sync holds the lock."""
    up, local, _client, tmp = site
    lock, run_lock = tmp / "images.lock", tmp / "run.lock"
    opts = common(up, local, lock, run_lock)
    first = push(up.host, seed=1)
    play = tmp / "lock.yml"
    play.write_text(LOCK_PLAY)

    held = run_task_once(play, tmp, {"lock_state": "held", "lock_path": str(run_lock)})
    assert held.get("changed") and not held.get("failed"), held
    try:
        busy = cli("sync", *opts, "--tag", TAG, *sorted(first), check=False)
        assert busy.returncode == 75 and "registry garbage collection" in busy.stderr, busy.stderr
        assert not lock.exists()
        with pytest.raises(_lock.LockBusy):
            _lock.RunLock(str(run_lock)).acquire()
    finally:
        released = run_task_once(
            play, tmp, {"lock_state": "released", "lock_path": str(run_lock), "lock_pid": held["pid"]}
        )
    assert released.get("changed") and not released.get("failed"), released
    cli("sync", *opts, "--tag", TAG, *sorted(first))
    assert lock.exists()

    with _lock.RunLock(str(run_lock), purpose="image sync"):
        refused = run_task_once(play, tmp, {"lock_state": "held", "lock_path": str(run_lock)})
    assert refused.get("failed") and "another run holds" in refused["msg"], refused


def _num(value):
    return ("%.3f" % value).rstrip("0").rstrip(".")


# ----------------------------------------------------------------------------------------------------------------------
# The timer on a real systemd test host


def _docker(*args, check=True):
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, check=check, timeout=120)


def _wait_for(what, probe, timeout):
    """Poll ``probe`` until it returns something true (a condition, not a timed sleep); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = probe()
        if got:
            return got
        time.sleep(0.5)
    raise AssertionError("%s: not within %ss" % (what, timeout))


@pytest.fixture
def sync_host(testbed, tmp_path):
    """A systemd test host and two registries (upstream, local) on the test network, each also published on
    127.0.0.1 for this process; all with this run's labels and removed at the end."""
    with engine.setup_lock():
        images.build_testhost()
        network.ensure_network()
    names = {k: "kp-it-%s-sync-%s" % (RUN_ID, k) for k in ("host", "up", "local")}
    try:
        ports = {}
        for key in ("up", "local"):
            _docker("rm", "-f", "-v", names[key], check=False)
            _docker("run", "-d", "--name", names[key], "--network", NETWORK, *label_args(), "-p", "127.0.0.1::5000",
                    REGISTRY_IMAGE)  # fmt: skip
            port = _docker("port", names[key], "5000/tcp").stdout.split("\n")[0].rsplit(":", 1)[1]
            ports[key] = "127.0.0.1:%s" % port
            _wait_for("registry %s" % key, lambda p=ports[key]: _answers(p), 30)
        _docker("rm", "-f", "-v", names["host"], check=False)
        subprocess.run(lab.testhost_run_args(names["host"], label_args()), check=True, capture_output=True)
        lab.wait_booted(names["host"], timeout=120)
        yield names, ports
    finally:
        for name in names.values():
            _docker("rm", "-f", "-v", name, check=False)


def _answers(host):
    try:
        rc.RegistryClient(host, scheme="http", retries=0, timeout=2).ping()
        return True
    except rc.RegistryError:
        return False


def test_timer_fires_on_a_systemd_host_and_writes_report_and_metrics(sync_host, tmp_path):
    names, ports = sync_host
    first = push(ports["up"], seed=1)
    wanted = sorted(first)
    playbook = tmp_path / "image_sync.yml"
    playbook.write_text("- hosts: all\n  gather_facts: false\n  roles:\n    - role: kollaprep.registry.image_sync\n")
    (tmp_path / "hosts").write_text(
        "%s ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3\n" % names["host"]
    )
    extra = {
        "image_sync_images": wanted, "image_sync_tag": TAG, "image_sync_src_registry": "%s:5000" % names["up"],
        "image_sync_src_namespace": NS, "image_sync_src_insecure": True,
        "image_sync_registry": "%s:5000" % names["local"], "image_sync_registry_insecure": True,
        "image_sync_interval": "3s", "image_sync_randomized_delay": "1s", "image_sync_keep_reports": 2,
    }  # fmt: skip
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    cmd = ["ansible-playbook", "-i", str(tmp_path / "hosts"), "-e", "@%s" % (tmp_path / "vars.json"), str(playbook)]
    res = subprocess.run(
        cmd, capture_output=True, text=True, env=ansible_env(), cwd=str(ROOT), timeout=300, check=False
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    again = subprocess.run(
        cmd, capture_output=True, text=True, env=ansible_env(), cwd=str(ROOT), timeout=300, check=False
    )
    changed = [line for line in again.stdout.splitlines() if line.startswith(("TASK", "changed"))]
    assert again.returncode == 0 and "changed=0" in again.stdout, "\n".join(changed[-40:])

    host, base = names["host"], "/var/lib/kollaprep/image-sync"

    def reports():
        out = _docker("exec", host, "sh", "-c", "ls %s/reports" % base, check=False).stdout.split()
        return sorted(n for n in out if n.startswith("sync-"))

    # The timer fires by itself (OnActiveSec), then again (OnUnitInactiveSec): a run with nothing new follows.
    def read(name):
        got = _docker("exec", host, "cat", "%s/reports/%s" % (base, name), check=False)
        return json.loads(got.stdout) if got.returncode == 0 else None  # rotated out meanwhile

    first_report = _wait_for("a first report", reports, 120)[0]
    _wait_for("a later report", lambda: [n for n in reports() if n > first_report], 120)
    runs = [r for r in map(read, reports()) if r]
    assert runs and all(r["ok"] for r in runs), runs
    assert runs[-1]["new_digests"] == [] and runs[-1]["bytes"] == 0 and runs[-1]["images_checked"] == len(wanted)
    lock = json.loads(_docker("exec", host, "cat", "%s/images.lock" % base).stdout)
    assert {e["repository"]: e["digest"] for e in lock["images"].values()} == first
    local = rc.RegistryClient(ports["local"], scheme="http")
    assert digests(local, wanted, "staging/" + NS + "/%s") == first
    assert set(digests(local, wanted, NS + "/%s").values()) == {None}, "the timer never promotes"
    metrics = _docker("exec", host, "cat", "/var/lib/node_exporter/textfile_collector/kollaprep_image_sync.prom").stdout
    prom = dict(line.rsplit(" ", 1) for line in metrics.splitlines() if not line.startswith("#"))
    assert prom["kollaprep_image_sync_last_run_success"] == "1"
    assert prom["kollaprep_image_sync_images_behind"] == str(len(wanted))
    # The last success is the finish time of the run that wrote the metrics: read with the reports in one exec (a
    # window of milliseconds; the timer waits seconds between runs, and keeps 2 reports), it is one of theirs.
    prom_path = "/var/lib/node_exporter/textfile_collector/kollaprep_image_sync.prom"
    both = _docker("exec", host, "sh", "-c", "cat %s; echo ---; cat %s/reports/sync-*" % (prom_path, base)).stdout
    metrics, _sep, kept = both.partition("\n---\n")
    prom = dict(line.rsplit(" ", 1) for line in metrics.splitlines() if not line.startswith("#"))
    finished, at, decoder = set(), 0, json.JSONDecoder()
    while kept[at:].strip():
        doc, at = decoder.raw_decode(kept, at + len(kept[at:]) - len(kept[at:].lstrip()))
        finished.add(_num(doc["finished_at"]))
    assert prom["kollaprep_image_sync_last_success_timestamp_seconds"] in finished, (prom, finished)
    show = _docker("exec", host, "systemctl", "show", "kollaprep-image-sync.service", "-p", "Result").stdout
    assert show.strip() == "Result=success"
    oldest = reports()[0]
    _wait_for("a third run rotates the oldest report out (keep 2)", lambda: oldest not in reports(), 120)
    assert len(reports()) == 2
