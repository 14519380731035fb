"""image_promote (the module) and playbooks/image_promote.yml against real registry:2 containers and the machine's
real Docker engine.

The module's steps in the order of community.docker's docker_image_tag tests (check, real, check again, real again)
for a promotion, a blocked promotion, rollback and diff; every digest is read back through the registry API by this
process, not taken from the module's answer. The drift: the machine's dockerd pulls the promoted image, a newer set
is promoted, and the playbook (which reads ``docker images --digests`` on its targets) reports that this target
still runs the older digest.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.integration import test_pipeline
from tests.integration.test_pipeline import ROOT, TAG, cli
from tests.testbed import RUN_ID, generator
from tests.testbed.ansible import ansible_env, run_playbook_file, run_task_once
from tests.testbed.registries import assert_complete

pytestmark = pytest.mark.integration

DOCKER = "/usr/bin/docker"
# A namespace of this run alone: the engine test below matches images by name on a dockerd that other runs share.
NS = "kp/promote-%s" % RUN_ID.replace("-", "")

# Two registry:2 (upstream, local), a client of the local one and tmp_path: test_pipeline's fixture.
site = test_pipeline.site

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: The module under test
      kollaprep.registry.image_promote:
        action: "{{ action | default('promote') }}"
        lock_file: "{{ lock_file }}"
        src_registry: "{{ src_registry }}"
        src_scheme: http
        src_namespace: "{{ ns }}"
        dest_registry: "{{ dest_registry }}"
        dest_scheme: http
        generations: 2
        run_lock: "{{ run_lock }}"
        vet_allow: "{{ allow | default(omit) }}"
        vet_command: "{{ vet_command | default(omit) }}"
"""


def push(host, seed):
    """The upstream set at ``seed``: {relative repository: digest}, the same tags each time."""
    pushed = generator.generate(host, namespace=NS, images=["cron"], media_type="oci", multiarch=True, seed=seed)
    pushed += generator.generate(host, namespace=NS + "/extra", images=["memcached"], seed=seed, layer_size=2048)
    return {i.repository[len(NS) + 1 :]: i.digest for i in pushed}


def opts(up, local, tmp):
    return [
        "--src", up.host, "--src-insecure", "--dest", local.host, "--dest-insecure", "--namespace", NS,
        "--lock", str(tmp / "images.lock"), "--run-lock", str(tmp / "run.lock"), "--generations", "2",
    ]  # fmt: skip


def promoted(client, names, tag=TAG):
    out = {}
    for name in names:
        head = client.head_manifest("%s/%s" % (NS, name), tag)
        out[name] = head["digest"] if head else None
    return out


def test_module_check_promote_again_blocked_rollback_diff(site):
    up, local, client, tmp = site
    play = tmp / "promote.yml"
    play.write_text(PLAY)
    base = {"lock_file": str(tmp / "images.lock"), "src_registry": up.host, "dest_registry": local.host, "ns": NS,
            "run_lock": str(tmp / "run.lock")}  # fmt: skip

    def module(*args, **extra):
        return run_task_once(play, tmp, {**base, **extra}, *args)

    first = push(up.host, seed=1)
    names = sorted(first)
    cli("sync", *opts(up, local, tmp), "--tag", TAG, *names)
    none = dict.fromkeys(names)

    # 1. Check mode: reports every name it would promote, with the diff, and changes nothing.
    check = module("--check", "--diff")
    assert check.get("changed") and not check.get("failed"), check
    assert {c["image"]: (c["before"], c["after"]) for c in check["changes"]} == {
        "%s:%s" % (n, TAG): (None, d) for n, d in first.items()
    }
    assert check["diff"]["after"] == "".join("%s/%s:%s %s\n" % (NS, n, TAG, first[n]) for n in names)
    assert promoted(client, names) == none and promoted(client, names, TAG + "-gen-0") == none

    # 2. Real: the promoted names and generation 0 hold the lock's digests, whole. 3. Again: nothing to do.
    real = module()
    assert real.get("changed") and not real.get("failed"), real
    assert promoted(client, names) == first == promoted(client, names, TAG + "-gen-0")
    for name in names:
        assert assert_complete(client, "%s/%s" % (NS, name), TAG) == first[name]
    for args in (("--check", "--diff"), ()):
        again = module(*args)
        assert not again.get("changed") and not again.get("failed") and again["changes"] == [], again
        assert again["unchanged"] == len(names)

    # The upstream republishes every tag: action=diff says so and changes nothing; then a sync stages the new set.
    second = push(up.host, seed=2)
    drift = module(action="diff")
    assert not drift.get("changed") and not drift.get("failed"), drift
    assert {m["image"]: m["upstream"] for m in drift["drift"]["moved_upstream"]} == {
        "%s:%s" % (n, TAG): d for n, d in second.items()
    }
    assert drift["drift"]["promotion"] == []
    cli("sync", *opts(up, local, tmp))

    # A digest missing from the allow-list blocks the whole set, in check mode and for real; a failing vetting
    # command blocks too. Nothing moves.
    partial = [d for n, d in second.items() if n != "cron"]
    for args in (("--check",), ()):
        blocked = module(*args, allow=partial)
        assert blocked.get("failed") and blocked["blocked"] and "not in the allow-list" in blocked["msg"], blocked
        assert not blocked.get("changed")
    refused = module(allow=list(second.values()), vet_command="false")
    assert refused.get("failed") and refused["blocked"] and "exit 1" in refused["msg"], refused
    assert promoted(client, names) == first

    # Check mode of the new set: before/after digests per image; the registry is audited unchanged.
    check = module("--check", "--diff", allow=list(second.values()))
    assert check.get("changed") and not check.get("failed"), check
    assert check["diff"]["before"] == "".join("%s/%s:%s %s\n" % (NS, n, TAG, first[n]) for n in names)
    assert check["diff"]["after"] == "".join("%s/%s:%s %s\n" % (NS, n, TAG, second[n]) for n in names)
    assert promoted(client, names) == first and promoted(client, names, TAG + "-gen-1") == none

    real = module(allow=list(second.values()), vet_command="true")
    assert real.get("changed") and not real.get("failed"), real
    assert promoted(client, names) == second and promoted(client, names, TAG + "-gen-1") == first
    for name in names:
        assert assert_complete(client, "%s/%s" % (NS, name), TAG) == second[name]
    again = module(allow=list(second.values()))
    assert not again.get("changed") and not again.get("failed"), again

    # Rollback: check mode changes nothing, then the whole set returns to the promotion before; a second rollback
    # has no earlier generation left and fails, changing nothing.
    check = module("--check", "--diff", action="rollback")
    assert check.get("changed") and check["diff"]["after"].count(" sha256:") == len(names), check
    assert promoted(client, names) == second
    back = module(action="rollback")
    assert back.get("changed") and not back.get("failed"), back
    assert promoted(client, names) == first
    for name in names:
        assert assert_complete(client, "%s/%s" % (NS, name), TAG) == first[name]
    none_left = module(action="rollback")
    assert none_left.get("failed") and "no earlier generation" in none_left["msg"], none_left
    assert promoted(client, names) == first


def _docker(*args, check=True):
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, check=check, timeout=120)


def test_playbook_reports_a_target_that_runs_an_older_digest(site):
    """The real engine of this machine is the target: it pulls the promoted memcached, a newer set is promoted, and
    playbooks/image_promote.yml (in check mode) names this host, the image and both digests."""
    up, local, client, tmp = site
    first = push(up.host, seed=1)
    names = sorted(first)
    cli("sync", *opts(up, local, tmp), "--tag", TAG, *names)
    cli("promote", *opts(up, local, tmp))
    ref = "%s/%s/extra/memcached:%s" % (local.host, NS, TAG)
    try:
        _docker("pull", "-q", ref)
        second = push(up.host, seed=2)
        cli("sync", *opts(up, local, tmp))
        cli("promote", *opts(up, local, tmp))
        assert promoted(client, names) == second

        (tmp / "hosts").write_text(
            "[deployment]\nlocalhost\n[baremetal]\nlocalhost\n[all:vars]\nansible_connection=local\n"
            "ansible_become=false\nansible_python_interpreter=%s\n" % sys.executable
        )
        extra = {"image_promote_lock_file": str(tmp / "images.lock"), "image_promote_registry": local.host,
                 "image_promote_registry_insecure": True, "image_promote_src_registry": up.host,
                 "image_promote_src_insecure": True, "image_promote_src_namespace": NS,
                 "image_promote_generations": 2, "image_promote_run_lock": str(tmp / "run.lock")}  # fmt: skip
        res = run_playbook_file(
            ROOT / "playbooks" / "image_promote.yml", tmp, extra, "--check", "--diff",
            env=ansible_env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json"), inventory=tmp / "hosts",
        )  # fmt: skip
        assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
        out = json.loads(res.stdout)
        play = next(p for p in out["plays"] if p["play"]["name"].startswith("Promote, roll back or compare"))
        task = play["tasks"][0]["hosts"]["localhost"]
        assert not task.get("changed") and task["changes"] == [], task
        assert task["targets_behind"] == [
            {"host": "localhost", "image": "extra/memcached:%s" % TAG, "running": first["extra/memcached"],
             "promoted": second["extra/memcached"]}
        ]  # fmt: skip
    finally:
        _docker("rmi", ref, check=False)
