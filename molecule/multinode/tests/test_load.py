"""The side effect's warm-up under load: the whole mirrored set on every target at once, 2 targets at a time.

The side effect wrote /root/kp-load.json on the deployment host (the marks around the warm-up, the pull counts, the
bytes and the throughput). These tests read it and the registry's own log between the marks: every "response
completed" line carries the time, the duration and the client's address, so each target's [first, last] request
window is known to the microsecond.

Nothing here depends on how the scheduler ran the pulls: the bound is checked as "never more than 2 targets at once"
(the registry's request windows of a target lie inside its throttled task, so 3 cannot overlap whatever the timing),
never as "2 were reached"; the bytes are checked against the blob sizes the manifests declare, an account the side
effect does not make.
"""

import datetime
import json
import os
import re

import pytest
import testinfra
from registry_auth import curl, token

CONCURRENCY = 2
LINE = re.compile(r'^time="(?P<time>[^"]+)" .*msg="response completed')
FIELD = re.compile(r'(?P<key>[a-z.]+)=(?P<value>"(?:[^"\\]|\\.)*"|\S+)')
DURATION = re.compile(r"(?P<n>[0-9.]+)(?P<unit>h|ms|µs|us|ns|m|s)")
UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}

testinfra_hosts = ["deployment"]


def _inventory_hosts(group):
    """The hosts of a group of the scenario's inventory (names carry the run suffix: never written here)."""
    return testinfra.get_hosts([group], connection="ansible", ansible_inventory=os.environ["MOLECULE_INVENTORY_FILE"])


TARGETS = sorted(t.backend.get_hostname() for t in _inventory_hosts("targets"))


def _target(name):
    return testinfra.get_host(f"ansible://{name}?ansible_inventory={os.environ['MOLECULE_INVENTORY_FILE']}")


def _epoch(stamp):
    """RFC 3339 with nanoseconds (Go) -> seconds since the epoch."""
    head, _unused, frac = stamp.rstrip("Z").partition(".")
    when = datetime.datetime.fromisoformat(head).replace(tzinfo=datetime.UTC)
    return when.timestamp() + float("0." + (frac or "0"))


def _seconds(duration):
    """A Go duration (1.5ms, 2m3.1s, 850µs) -> seconds."""
    parts = DURATION.findall(duration)
    assert parts, duration
    return sum(float(n) * UNITS[unit] for n, unit in parts)


def parse_requests(log):
    """The registry's "response completed" lines -> dicts with start, end, addr, method, uri, status, bytes."""
    requests = []
    for line in log.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        fields = {m["key"]: m["value"].strip('"') for m in FIELD.finditer(line)}
        end = _epoch(match["time"])
        requests.append(
            {
                "start": end - _seconds(fields["http.response.duration"]),
                "end": end,
                "addr": fields["http.request.remoteaddr"].rsplit(":", 1)[0],
                "method": fields["http.request.method"],
                "uri": fields["http.request.uri"],
                "status": int(fields["http.response.status"]),
                "bytes": int(fields.get("http.response.written", 0)),
            }
        )
    return requests


def max_overlap(windows):
    """The largest number of [start, end] windows open at one instant."""
    events = sorted(
        [(s, 1) for s, _unused in windows] + [(e, -1) for _unused, e in windows], key=lambda ev: (ev[0], ev[1])
    )
    open_now = peak = 0
    for _unused, step in events:
        open_now += step
        peak = max(peak, open_now)
    return peak


@pytest.fixture(scope="module")
def registry(host):
    return host.ansible.get_variables()["kollaprep_registry"]


@pytest.fixture
def pull_token(host, registry, load):
    """A token (token auth, HTTPS) to pull every image of the set, asked by the push account."""
    site = host.ansible.get_variables()
    scopes = [f"repository:{image.rsplit(':', 1)[0]}:pull" for image in load["images"]]
    return token(
        host, registry, scopes, site["kollaprep_registry_push_username"], site["kollaprep_registry_push_password"]
    )


@pytest.fixture(scope="module")
def load(host):
    return json.loads(host.file("/root/kp-load.json").content_string)


@pytest.fixture(scope="module")
def requests(host, load):
    with host.sudo():
        since, until = f"{load['start']:.6f}", f"{load['end']:.6f}"
        log = host.check_output(f"docker logs --since {since} --until {until} registry 2>&1 | grep 'completed'")
    by_addr = {}
    for req in parse_requests(log):
        if req["addr"] in load["addresses"] and load["start"] <= req["start"] and req["end"] <= load["end"]:
            by_addr.setdefault(load["addresses"][req["addr"]], []).append(req)
    return by_addr


def test_overlap_helper_counts_open_windows():
    assert max_overlap([(0, 2), (1, 3), (2.5, 4)]) == 2
    assert max_overlap([(0, 5), (1, 3), (2, 4)]) == 3
    assert max_overlap([(0, 1), (2, 3)]) == 1


def test_every_target_pulled_the_whole_set(load):
    assert len(load["images"]) == 11
    assert load["concurrency"] == CONCURRENCY
    assert load["pulled"] == dict.fromkeys(TARGETS, 11)
    assert sorted(load["addresses"].values()) == sorted(TARGETS)


def test_every_target_asked_the_registry_for_every_manifest(load, requests):
    assert sorted(requests) == sorted(TARGETS)
    for target, reqs in requests.items():
        got = {r["uri"] for r in reqs if r["method"] == "GET" and "/manifests/" in r["uri"] and r["status"] == 200}
        for image in load["images"]:
            repo = image.rsplit(":", 1)[0]
            assert any(uri.startswith(f"/v2/{repo}/manifests/") for uri in got), (target, image)
        assert not [r for r in reqs if r["status"] >= 500], target


def test_every_image_present_with_the_registry_digest(host, load, registry, pull_token):
    digests = {}
    for image in load["images"]:
        repo, tag = image.rsplit(":", 1)
        head = curl(host, registry, f"/v2/{repo}/manifests/{tag}", pull_token, head=True)
        found = [
            line.split(":", 1)[1].strip()
            for line in head.splitlines()
            if line.lower().startswith("docker-content-digest:")
        ]
        assert len(found) == 1, (image, head)
        digests[image] = found[0]
    assert sorted(digests) == sorted(load["images"])
    names = " ".join(f"{registry}/{image}" for image in load["images"])
    for target in TARGETS:
        t = _target(target)
        inspect = json.loads(t.check_output(f"docker image inspect {names}"))
        assert len(inspect) == len(load["images"])
        for image, info in zip(load["images"], inspect, strict=True):
            repo = image.rsplit(":", 1)[0]
            assert f"{registry}/{image}" in info["RepoTags"], (target, image)
            assert f"{registry}/{repo}@{digests[image]}" in info["RepoDigests"], (target, image)


def test_at_most_two_targets_pull_at_once(requests):
    windows = {t: (min(r["start"] for r in reqs), max(r["end"] for r in reqs)) for t, reqs in requests.items()}
    for target, (start, end) in sorted(windows.items(), key=lambda kv: kv[1]):
        print(f"{target}: {start:.3f} .. {end:.3f} ({end - start:.1f} s, {len(requests[target])} requests)")
    assert sorted(windows) == TARGETS
    # Never more than the bound at once. Whether the bound was also reached (two targets did overlap) depends on how
    # the scheduler ran them, so it is printed, not asserted.
    peak = max_overlap(list(windows.values()))
    print(f"most targets pulling at once: {peak} (bound {CONCURRENCY})")
    assert peak <= CONCURRENCY, windows


def _blob_sizes(host, registry, images, jwt):
    """{digest: size} of every blob (config and layers) the manifests of images declare, read from the registry."""
    sizes = {}
    for image in images:
        repo, tag = image.rsplit(":", 1)
        manifest = json.loads(curl(host, registry, f"/v2/{repo}/manifests/{tag}", jwt))
        assert manifest.get("mediaType", "").endswith(("manifest.v2+json", "image.manifest.v1+json")), (image, manifest)
        for blob in [manifest["config"], *manifest["layers"]]:
            sizes[blob["digest"]] = blob["size"]
    return sizes


def test_every_target_fetched_every_blob_once(host, load, requests, registry, pull_token):
    """The bytes of the warm-up against an account the side effect does not make: the blob sizes the manifests declare.

    Each target pulls the set one image after the other, so it fetches every blob of the set once (the layers the
    images share included): what the registry wrote to it for blobs is the sum of the sizes of the set's distinct
    blobs, and the blobs it asked for are exactly those.
    """
    sizes = _blob_sizes(host, registry, load["images"], pull_token)
    for target, reqs in sorted(requests.items()):
        blobs = [r for r in reqs if r["method"] == "GET" and "/blobs/" in r["uri"]]
        fetched = sorted(r["uri"].rsplit("/", 1)[1] for r in blobs)
        assert fetched == sorted(sizes), (target, sorted(set(fetched) ^ set(sizes)))
        assert all(r["status"] == 200 for r in blobs), target
        assert sum(r["bytes"] for r in blobs) == sum(sizes.values()), target
    # The side effect's own count of the bytes (its regex over the same log) agrees with this reading of it.
    assert sum(r["bytes"] for reqs in requests.values() for r in reqs) == load["bytes"]
    busy = max(r["end"] for reqs in requests.values() for r in reqs) - min(
        r["start"] for reqs in requests.values() for r in reqs
    )
    wall_kib = load["bytes"] / load["seconds"] / 1024
    busy_kib = load["bytes"] / busy / 1024
    print(f"warm-up: {load['bytes']} bytes in {load['seconds']:.1f} s wall = {wall_kib:.1f} KiB/s")
    print(f"         {busy_kib:.1f} KiB/s over the {busy:.1f} s the registry was busy")
