"""Registries on object storage against a real Swift all-in-one (tests/testbed/swift.py): the fast checks.

- registry_storage_bucket (the s3 bucket the registry_server role makes sure of) through its four steps against
  Swift's S3 API, and a refused key;
- a read-only registry on the same Swift container serves what another registry wrote at once, and refuses writes
  (the per-node registries of the registry_node role);
- why every registry on the same storage shares one http.secret: an upload started on one registry continues on the
  other only when both sign with the same secret.

The role-level checks (config, containers on targets, pulls with the deployment host's registry stopped, the cache)
are in molecule/object_storage.
"""

from __future__ import annotations

import hashlib

import pytest
import requests
from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc

from tests.testbed import RUN_ID, engine, generator, images, swift
from tests.testbed.ansible import run_playbook_file
from tests.testbed.registries import assert_complete

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def store(testbed):
    with engine.setup_lock():
        images.build_swift()
    s = swift.start_swift(f"kp-it-{RUN_ID}-swift")
    yield s
    s.stop()


def test_bucket_module_four_steps(store, tmp_path):
    bucket = f"kp-it-{RUN_ID}-bucket"
    res = run_playbook_file(
        "storage_bucket_four_steps.yml",
        tmp_path,
        {"bucket_name": bucket, "bucket_endpoint": store.endpoint},
    )
    assert res.returncode == 0, res.stdout[-4000:]
    assert bucket in store.containers()


def test_readonly_registry_serves_what_another_wrote_and_refuses_writes(store, registry_factory):
    writer = registry_factory.start("os-writer", config_extra=store.registry_env("kolla-ro"))
    reader = registry_factory.start("os-reader", config_extra=store.registry_env("kolla-ro", readonly=True))
    pushed = generator.generate(writer.host, images=["cron"], seed=1501, layer_size=8192, namespace="kp15")
    assert store.objects("kolla-ro", prefix="files/"), "the writer stored nothing in Swift"
    cli = rc.RegistryClient(reader.host, scheme="http")
    try:
        for image in pushed:  # at once: no copy, no sync between the two
            assert assert_complete(cli, image.repository, image.tag) == image.digest
    finally:
        cli.close()
    res = requests.post(f"{reader.url}/v2/kp15/cron/blobs/uploads/", timeout=10)
    assert res.status_code == 405, res.text


@pytest.mark.parametrize("same_secret", [True, False], ids=["shared-secret", "own-secrets"])
def test_an_upload_continues_on_another_registry_only_with_the_shared_secret(store, registry_factory, same_secret):
    a = registry_factory.start(f"os-a-{same_secret}", config_extra=store.registry_env("kolla-secret", secret="one"))
    b_secret = "one" if same_secret else "two"
    b = registry_factory.start(f"os-b-{same_secret}", config_extra=store.registry_env("kolla-secret", secret=b_secret))
    blob = b"layer bytes %d" % same_secret
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    started = requests.post(f"{a.url}/v2/kp15/secret/blobs/uploads/", timeout=10)
    assert started.status_code == 202, started.text
    location = started.headers["Location"]
    path = location.split(a.host, 1)[1] if a.host in location else location
    sep = "&" if "?" in path else "?"
    res = requests.put(f"{b.url}{path}{sep}digest={digest}", data=blob, timeout=30)
    if same_secret:
        assert res.status_code == 201, res.text
        assert requests.head(f"{a.url}/v2/kp15/secret/blobs/{digest}", timeout=10).status_code == 200
    else:
        # Distribution 2.8 cannot verify the other registry's signed upload state: 404 BLOB_UPLOAD_INVALID.
        assert res.status_code == 404, res.text
        assert "BLOB_UPLOAD_INVALID" in res.text, res.text
