"""The clean-up rules of tests/testbed/network.py, with docker stubbed (what it would remove, never a real container):
a gone run's containers and networks go, a live run's stay (another run whose owner process is running, or this run),
ownerless ones (the lab, molecule's hosts of a run by hand, older test beds) only with ``all_objects`` (``python -m
tests.testbed down``), and only the work directories the test bed made directly under the temp directory.

Owners are real processes of this machine: this test process (alive), a child that has exited (gone), this pid with a
start time it never had (a reused pid), a pid above pid_max (none); ``owner_alive`` reads /proc, as in a real run.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.testbed import LABEL, NETWORK, OWNER, OWNER_LABEL, RUN_ID, RUN_LABEL, WORKDIR_LABEL, network


def _gone_owner() -> str:
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{child.pid}:1"  # the pid has exited (and never started at tick 1)


def _owners() -> dict[str, str]:
    with open("/proc/sys/kernel/pid_max") as fh:
        pid_max = int(fh.read())
    return {
        "live": OWNER,  # this process: alive, whatever run label goes with it
        "gone": _gone_owner(),
        "reused": f"{os.getpid()}:1",  # this pid, but a process started at tick 1: not this one
        "nopid": f"{pid_max + 1}:12345",  # no process can have this pid
    }


class FakeDocker:
    """``network._docker``: answers ``ps`` and ``network ls`` from lists, records every removal."""

    def __init__(self, containers: dict[str, dict[str, str]], networks: dict[str, dict[str, str]], images=None):
        self.containers = containers  # name -> labels
        self.networks = networks
        self.images: dict[str, dict[str, str]] = images or {}  # repository:tag -> labels
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        self.calls.append(args)
        out = ""
        if args[0] == "ps":
            assert ("--filter", f"label={LABEL}") == args[args.index("--filter") : args.index("--filter") + 2]
            keys = (RUN_LABEL, OWNER_LABEL, WORKDIR_LABEL)
            out = "".join(
                "\t".join([f"id-{name}", name, *(labels.get(k, "") for k in keys)]) + "\n"
                for name, labels in self.containers.items()
                if LABEL in labels
            )
        elif args[:2] == ("network", "ls"):
            out = "".join(
                f"{name}\t{labels.get(OWNER_LABEL, '')}\n" for name, labels in self.networks.items() if LABEL in labels
            )
        elif args[0] == "images":
            assert args[1:3] == ("--filter", f"label={LABEL}")
            out = "".join(
                f"id-{i}\t{'<none>:<none>' if ref.startswith('<none>') else ref}\n"
                for i, (ref, labels) in enumerate(self.images.items())
                if LABEL in labels
            )
        elif args[:2] == ("image", "inspect"):
            by_id = {f"id-{i}": ref for i, ref in enumerate(self.images)}
            out = "".join(self.images[by_id.get(ref, ref)].get(OWNER_LABEL, "") + "\n" for ref in args[4:])
        return subprocess.CompletedProcess(args, 0, out, "")

    def removed_images(self) -> list[str]:
        return sorted(c[2] for c in self.calls if c[:2] == ("rmi", "--no-prune"))

    def removed_containers(self) -> list[str]:
        return sorted(i.removeprefix("id-") for c in self.calls if c[:3] == ("rm", "-f", "-v") for i in c[3:])

    def removed_networks(self) -> list[str]:
        return sorted(c[2] for c in self.calls if c[:2] == ("network", "rm"))


def _labels(run: str | None, owner: str | None, **extra: str) -> dict[str, str]:
    labels = {LABEL: "1", **extra}
    if run is not None:
        labels[RUN_LABEL] = run
    if owner is not None:
        labels[OWNER_LABEL] = owner
    return labels


@pytest.fixture
def site(monkeypatch):
    owners = _owners()
    containers = {
        "mine": _labels(RUN_ID, OWNER),
        "live-other-run": _labels("other-live", owners["live"]),
        "gone-run": _labels("other-gone", owners["gone"]),
        "reused-pid": _labels("other-reused", owners["reused"]),
        "no-such-pid": _labels("other-nopid", owners["nopid"]),
        "lab": _labels(None, None, **{f"{LABEL}.lab": "1"}),
        "molecule-by-hand": _labels("4242-abcdef", None),  # a run label without an owner: ownerless
        "not-ours": {"com.example": "1"},  # no test bed label: never listed, never touched
    }
    networks = {
        "kp-mol-x-live": _labels("live", owners["live"]),
        "kp-mol-x-gone": _labels("gone", owners["gone"]),
        "kp-mol-x-nopid": _labels("nopid", owners["nopid"]),
        NETWORK: _labels(None, None),
        "kp-lab-abc123": _labels("lab-abc123", None, **{f"{LABEL}.lab": "lab-abc123"}),  # make demo's lab
        "someone-elses": {},
    }
    images = {
        "kollaprep/token-service:it-gone": _labels("other-gone", owners["gone"]),
        "kollaprep/token-service:it-live": _labels("other-live", owners["live"]),
        "registry:2": _labels(None, None),  # the test bed's own images: no owner, never removed
        "<none>-gone": _labels("other-gone", owners["gone"]),  # untagged (a later build took the tag): by its id
        "<none>-live": _labels("other-live", owners["live"]),
        "not-ours:1": {"com.example": "1"},
    }
    fake = FakeDocker(containers, networks, images)
    monkeypatch.setattr(network, "_docker", fake)
    return fake


def test_a_gone_run_is_removed_a_live_one_and_ownerless_ones_stay(site):
    removed = network.clean_leftovers()
    gone = ["gone-run", "no-such-pid", "reused-pid"]
    assert site.removed_containers() == gone
    assert site.removed_networks() == ["kp-mol-x-gone", "kp-mol-x-nopid"]
    assert site.removed_images() == ["id-3", "kollaprep/token-service:it-gone"]
    assert sorted(removed) == sorted([*gone, "kp-mol-x-gone", "kp-mol-x-nopid", *site.removed_images()])
    # Containers go before the networks they are on; volumes only by the test bed label.
    rm_at = [i for i, c in enumerate(site.calls) if c[0] == "rm"]
    net_rm_at = [i for i, c in enumerate(site.calls) if c[:2] == ("network", "rm")]
    assert max(rm_at) < min(net_rm_at)
    assert site.calls[-1] == ("volume", "prune", "-f", "--filter", f"label={LABEL}")


def test_down_also_removes_ownerless_containers_and_the_test_network_never_a_live_run(site):
    network.clean_leftovers(all_objects=True)
    assert site.removed_containers() == sorted(["gone-run", "no-such-pid", "reused-pid", "lab", "molecule-by-hand"])
    # The ownerless networks (the shared test network, a lab's), and the per-run networks of gone runs; a live run's
    # network stays.
    assert site.removed_networks() == sorted(["kp-mol-x-gone", "kp-mol-x-nopid", NETWORK, "kp-lab-abc123"])
    assert site.removed_images() == ["id-3", "kollaprep/token-service:it-gone"]  # images by owner only, even here


def test_nothing_stale_removes_nothing(monkeypatch):
    fake = FakeDocker({"mine": _labels(RUN_ID, OWNER), "live": _labels("other", OWNER)}, {"n": _labels("r", OWNER)})
    monkeypatch.setattr(network, "_docker", fake)
    assert network.clean_leftovers() == []
    assert not [c for c in fake.calls if c[0] in ("rm", "rmi") or c[:2] == ("network", "rm")]


def test_only_work_directories_made_under_the_temp_directory_are_removed(monkeypatch, tmp_path):
    """A gone registry's work directory (start_registry makes it directly under the temp directory) goes with it; a
    label naming any other place (deeper, elsewhere, relative) never makes clean-up delete it."""
    temp = tmp_path / "tmp"
    made = temp / "kp-reg-x"
    deeper = temp / "a" / "kp-reg-y"
    elsewhere = tmp_path / "data" / "kp-reg-z"
    relative = temp / "kp-reg-rel"
    for d in (made, deeper, elsewhere, relative):
        d.mkdir(parents=True)
    monkeypatch.setattr(network.tempfile, "gettempdir", lambda: str(temp))
    gone = _owners()["gone"]
    containers = {
        "made": _labels("g1", gone, **{WORKDIR_LABEL: str(made)}),
        "deeper": _labels("g2", gone, **{WORKDIR_LABEL: str(deeper)}),
        "elsewhere": _labels("g3", gone, **{WORKDIR_LABEL: str(elsewhere)}),
        "relative": _labels("g4", gone, **{WORKDIR_LABEL: relative.name}),
        "live": _labels("l1", OWNER, **{WORKDIR_LABEL: str(temp / "kp-reg-live")}),
    }
    (temp / "kp-reg-live").mkdir()
    monkeypatch.chdir(temp)  # the relative label names a directory that is there, from here
    fake = FakeDocker(containers, {})
    monkeypatch.setattr(network, "_docker", fake)
    network.clean_leftovers()
    assert fake.removed_containers() == ["deeper", "elsewhere", "made", "relative"]
    assert not made.exists()
    assert deeper.exists() and elsewhere.exists() and relative.exists()
    assert (temp / "kp-reg-live").exists()


def test_owner_labels_are_read_as_a_process_and_its_start_time():
    owners = _owners()
    assert network.owner_alive(owners["live"])
    for key in ("gone", "reused", "nopid"):
        assert not network.owner_alive(owners[key]), key
    for bad in ("", "abc", "123", "123:", ":5", "-1:5"):
        assert not network.owner_alive(bad), bad
