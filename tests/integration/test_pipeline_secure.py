"""The pipeline as a secure site runs it: the upstream on HTTPS with its own CA, the local registry on HTTPS with
htpasswd auth and the push account, never plain HTTP. The inputs a generator of Kolla names alone would not make go
through every step: an OCI multi-arch index (cron, two platforms) and a nested repository (extra/memcached) are
synced to staging, promoted twice, pruned and garbage-collected, and exported into a bundle from the lock, and come
out whole with the upstream's digests (each index child included)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _lock
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils import _storage_tree as tree

from tests.integration.test_pipeline import BUNDLE_PLAY, NS, ROOT, TAG, digests, push
from tests.integration.test_registry_gc import _collect
from tests.testbed.ansible import ansible_env, run_task_once
from tests.testbed.registries import assert_complete

pytestmark = pytest.mark.integration

PUSHER, PASSWORD = "pusher", "kp-pipe-Secret-1"


@pytest.fixture
def secure(registry_factory, tmp_path):
    up = registry_factory.start("spipe-up", tls=True)
    local = registry_factory.start("spipe-local", tls=True, auth={PUSHER: PASSWORD})
    ssl = rc.make_ssl_context(True, str(local.ca_path))
    client = rc.RegistryClient(local.host, username=PUSHER, password=PASSWORD, transport=rc.HTTPTransport(ssl))
    yield up, local, client, tmp_path
    client.close()
    up.stop()
    local.stop()


def _cli(up, local, tmp, *args, check=True):
    """bin/kollaprep-mirror with the site's TLS and accounts: CA files, the user on the command line, the password
    only in the environment."""
    common = [
        "--src", up.host, "--src-ca", str(up.ca_path), "--dest", local.host, "--dest-ca", str(local.ca_path),
        "--dest-username", PUSHER, "--namespace", NS, "--lock", str(tmp / "images.lock"),
        "--run-lock", str(tmp / "run.lock"), "--generations", "2",
    ]  # fmt: skip
    res = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "kollaprep-mirror"), args[0], *common, *args[1:]],
        capture_output=True, text=True, cwd=str(ROOT), timeout=300, check=False,
        env={**os.environ, "KOLLAPREP_DEST_PASSWORD": PASSWORD},
    )  # fmt: skip
    if check:
        assert res.returncode == 0, (args, res.stdout, res.stderr)
    return res


def test_sync_promote_gc_and_bundle_over_https_with_auth(secure):
    up, local, client, tmp = secure
    promoted, staging = NS + "/%s", "staging/" + NS + "/%s"
    first = push(up.host, seed=1, ca=up.ca_path)
    names = sorted(first)
    assert {"cron", "extra/memcached"} <= set(names)  # with their parents (base, extra/base)

    # Without the password the registry refuses the sync (the account is what lets it in), and nothing is written.
    refused = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "kollaprep-mirror"), "sync", "--src", up.host, "--src-ca", str(up.ca_path),
         "--dest", local.host, "--dest-ca", str(local.ca_path), "--namespace", NS, "--lock", str(tmp / "refused.lock"),
         "--run-lock", str(tmp / "run.lock"), "--tag", TAG, *names],
        capture_output=True, text=True, cwd=str(ROOT), timeout=300, check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("KOLLAPREP_")},
    )  # fmt: skip
    assert refused.returncode != 0 and "401" in refused.stdout + refused.stderr, refused
    assert set(digests(client, names, staging).values()) == {None}

    _cli(up, local, tmp, "sync", "--tag", TAG, *names)
    assert digests(client, names, staging) == first
    cron = _lock.load(str(tmp / "images.lock"))["images"]["cron:%s" % TAG]
    assert cron["media_type"] == rc.MEDIA_OCI_INDEX and cron["platforms"] == ["linux/amd64", "linux/arm64/v8"]
    _cli(up, local, tmp, "promote")
    for name in names:
        assert assert_complete(client, promoted % name, TAG) == first[name]

    second = push(up.host, seed=2, ca=up.ca_path)
    assert not set(first.values()) & set(second.values())
    _cli(up, local, tmp, "sync", "--tag", TAG, *names)
    _cli(up, local, tmp, "promote")
    assert digests(client, names, promoted) == second

    # GC as registry_server runs it: what staging replaced goes, both promoted generations stay whole.
    plan = tree.plan_prune(str(local.storage))
    assert {o.repository for o in plan.orphans} == {staging % n for n in names}
    tree.prune(str(local.storage), plan.orphans)
    _collect(local)
    for name in names:
        for gen, want in ((TAG + "-gen-0", second[name]), (TAG + "-gen-1", first[name])):
            assert assert_complete(client, promoted % name, gen) == want

    # The bundle from the lock, read over HTTPS with the push account: the upstream's digests, nested name included.
    extra = {
        "bundle_path": str(tmp / "b.tar"), "lock_file": str(tmp / "images.lock"), "src_registry": local.host,
        "src_namespace": NS, "src_ca": str(local.ca_path), "src_username": PUSHER,
    }  # fmt: skip
    play = tmp / "bundle.yml"
    play.write_text(BUNDLE_PLAY)
    res = run_task_once(play, tmp, extra, env=ansible_env(KP_TEST_PASSWORD=PASSWORD))
    assert res.get("changed") and not res.get("failed"), res.get("msg")
    assert {i["repository"]: i["digest"] for i in res["images"]} == {promoted % n: d for n, d in second.items()}
    assert PASSWORD not in (tmp / "images.lock").read_text()
