"""Registries on object storage, checked as an operator would: through the registries' API and real pulls on targets.

The deployment host's vetted registry writes to Swift; each target's read-only registry on 127.0.0.1 serves what it
wrote at once, also with the deployment host's registry stopped; a second registry on the S3 API created its bucket;
the pull-through cache fetches a miss from the upstream and serves it again with the upstream stopped, while pushes
to the vetted registry keep working. Host names come from the inventory (they carry the run suffix).
"""

import json
import subprocess

import pytest
import requests
from helpers import TAG, container_ip, get_manifest, inventory_hosts, run_in_project, wait_for

testinfra_hosts = ["deploy_first"]
ACCEPT = "application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json"
NODE_PORT = 4100
TARGETS = inventory_hosts("targets")


def docker(*args):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def deploy(host):
    """The deployment host's container name and address on the test network (reachable from the controller)."""
    name = host.backend.get_hostname()
    return {"name": name, "ip": container_ip(name)}


def generate(registry, images, seed):
    """Push a few synthetic Kolla images into registry (host:port) from the controller; their (repo, tag, digest)."""
    code = (
        "import json,sys; from tests.testbed import generator; "
        "imgs = generator.generate(sys.argv[1], images=sys.argv[2].split(','), seed=int(sys.argv[3]), "
        "layer_size=8192, namespace='kp15'); "
        "print(json.dumps([[i.repository, i.tag, i.digest] for i in imgs]))"
    )
    out = run_in_project(["python", "-c", code, registry, ",".join(images), str(seed)])
    assert out.returncode == 0, f"pushing {images} to {registry} failed:\n{out.stderr[-3000:]}"
    return json.loads(out.stdout.strip().splitlines()[-1])


def manifest_digest(url, repo, ref):
    return get_manifest(url, repo, ref, ACCEPT).headers["Docker-Content-Digest"]


def swift_objects(site, container, prefix=""):
    ip = container_ip(site["kp_os_swift_host"])
    auth = requests.get(
        f"http://{ip}:8080/auth/v1.0", headers={"X-Auth-User": "test:tester", "X-Auth-Key": "testing"}, timeout=10
    )
    auth.raise_for_status()
    url = f"http://{ip}:8080" + auth.headers["X-Storage-Url"].split(":8080", 1)[1]
    res = requests.get(
        f"{url}/{container}",
        headers={"X-Auth-Token": auth.headers["X-Auth-Token"]},
        params={"prefix": prefix, "format": "json"},
        timeout=30,
    )
    if res.status_code == 404:
        return None
    res.raise_for_status()
    return [o["name"] for o in res.json()]


def read_config(h, path):
    with h.sudo():
        import yaml

        return yaml.safe_load(h.file(path).content_string)


def test_every_registry_on_the_storage_shares_one_secret_and_no_redirect(host):
    main = read_config(host, "/etc/kollaprep/registry/config.yml")
    assert "swift" in main["storage"]
    assert main["storage"]["redirect"] == {"disable": True}
    assert main["storage"]["maintenance"]["readonly"]["enabled"] is False
    for target in TARGETS:
        node = read_config(target, "/etc/kollaprep/registry-node/config.yml")
        assert node["storage"]["swift"] == main["storage"]["swift"]
        assert node["http"]["secret"] == main["http"]["secret"]
        assert len(node["http"]["secret"]) >= 32
        assert node["http"]["addr"] == f"127.0.0.1:{NODE_PORT}"
        assert node["storage"]["maintenance"]["readonly"]["enabled"] is True
        assert node["storage"]["redirect"] == {"disable": True}


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.backend.get_hostname())
def test_node_registry_runs_on_loopback_only_and_restarts_always(target):
    with target.sudo():
        info = json.loads(target.check_output("docker inspect registry-node"))[0]
        listening = target.check_output("ss -Htln")
    assert info["State"]["Running"]
    assert info["HostConfig"]["NetworkMode"] == "host"
    assert info["HostConfig"]["RestartPolicy"]["Name"] == "always"
    assert f"127.0.0.1:{NODE_PORT}" in listening
    assert f"0.0.0.0:{NODE_PORT}" not in listening and f"*:{NODE_PORT}" not in listening
    # Docker treats 127.0.0.0/8 as insecure by default: no insecure-registries entry is needed (nor written).
    daemon = target.file("/etc/docker/daemon.json")
    entries = json.loads(daemon.content_string).get("insecure-registries", []) if daemon.exists else []
    assert not [e for e in entries if e.startswith("127.")]
    with target.sudo():
        cidrs = json.loads(target.check_output("docker info --format '{{json .RegistryConfig.InsecureRegistryCIDRs}}'"))
    assert "127.0.0.0/8" in cidrs, cidrs


def test_a_push_through_the_deployment_host_is_served_by_every_node_even_with_the_deployment_registry_down(
    host, deploy, site
):
    pushed = generate(f"{deploy['ip']}:4000", ["cron", "keystone"], seed=151)
    assert swift_objects(site, "kolla", prefix="files/docker/registry/v2/repositories/kp15/"), "nothing in Swift"
    cron = next(p for p in pushed if p[0] == "kp15/cron")
    keystone = next(p for p in pushed if p[0] == "kp15/keystone")
    # At once on every node: the first pull right after the push.
    for target in TARGETS:
        with target.sudo():
            target.check_output(f"docker pull 127.0.0.1:{NODE_PORT}/{cron[0]}:{cron[1]}")
            got = target.check_output(
                "docker image inspect --format '{{index .RepoDigests 0}}' "
                + f"127.0.0.1:{NODE_PORT}/{cron[0]}:{cron[1]}"
            )
        assert got.strip().endswith(cron[2])
    # The node refuses writes (maintenance.readonly).
    t0 = TARGETS[0]
    code = t0.check_output(
        f"curl -s -o /dev/null -w '%{{http_code}}' -X POST http://127.0.0.1:{NODE_PORT}/v2/x/blobs/uploads/"
    )
    assert code == "405"
    # The deployment host's registry stopped: the nodes still serve (keystone was never pulled on a node).
    with host.sudo():
        host.check_output("docker stop registry")
    try:
        assert host.check_output("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:4000/v2/ || true") in (
            "000",
            "",
        )
        for target in TARGETS:
            with target.sudo():
                target.check_output(f"docker pull 127.0.0.1:{NODE_PORT}/{keystone[0]}:{keystone[1]}")
    finally:
        with host.sudo():
            host.check_output("docker start registry")
        wait_for(lambda: requests.get(f"http://{deploy['ip']}:4000/v2/", timeout=2).ok, "the registry back")


def test_the_s3_registry_created_its_bucket_and_stores_there(deploy, site):
    assert swift_objects(site, "kolla-s3") is not None, "bucket kolla-s3 was not created"
    pushed = generate(f"{deploy['ip']}:4200", ["cron"], seed=152)
    for repo, tag, digest in pushed:
        assert manifest_digest(f"http://{deploy['ip']}:4200", repo, tag) == digest
    assert swift_objects(site, "kolla-s3", prefix="docker/registry/v2/repositories/kp15/")


def test_the_cache_fetches_a_miss_serves_a_hit_with_the_upstream_down_and_pushes_still_work(deploy, site):
    cache = f"http://{deploy['ip']}:4001"
    upstream = site["kollaprep_upstream"].split(":")[0]
    repo, tag = "openstack.kolla/cron", TAG
    # A miss: fetched from the upstream (the manifest and every layer through the cache).
    res = requests.get(f"{cache}/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT}, timeout=60)
    assert res.status_code == 200, res.text
    digest = res.headers["Docker-Content-Digest"]
    layers = [d["digest"] for d in res.json()["layers"]] + [res.json()["config"]["digest"]]
    for layer in layers:
        assert requests.get(f"{cache}/v2/{repo}/blobs/{layer}", timeout=60).status_code == 200
    docker("stop", upstream)
    try:
        # A hit: served with the upstream stopped.
        wait_for(lambda: docker("inspect", "-f", "{{.State.Running}}", upstream).strip() == "false", "upstream down")
        assert manifest_digest(cache, repo, digest) == digest
        for layer in layers:
            assert requests.get(f"{cache}/v2/{repo}/blobs/{layer}", timeout=60).status_code == 200
        # The cache refuses pushes, the vetted registry beside it still takes them.
        assert requests.post(f"{cache}/v2/kp15/x/blobs/uploads/", timeout=10).status_code in (405, 401)
        pushed = generate(f"{deploy['ip']}:4000", ["haproxy"], seed=153)
        for prepo, ptag, pdigest in pushed:
            assert manifest_digest(f"http://{deploy['ip']}:4000", prepo, ptag) == pdigest
    finally:
        docker("start", upstream)
