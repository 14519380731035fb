"""Clean-up of networks on the real dockerd (the containers' side: test_testbed.py): a network of a gone run goes, one
of a live run and one without an owner (the shared test network, a run by hand) stay. The assertions look only at this
test's own networks, so another session running its clean-up at the same time changes nothing here."""

import os
import subprocess

import pytest

from tests.testbed import LABEL, OWNER_LABEL, RUN_ID, RUN_LABEL, network, process_start_time, run_labels

pytestmark = pytest.mark.integration

DOCKER = "/usr/bin/docker"
CASE_LABEL = f"{LABEL}.case"  # this test's networks, removed by it at the end whatever happened


def _networks() -> set[str]:
    out = subprocess.run(
        [DOCKER, "network", "ls", "--filter", f"label={CASE_LABEL}={RUN_ID}", "--format", "{{.Name}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(out.split())


def test_networks_of_gone_runs_go_live_and_ownerless_ones_stay(testbed):
    live = subprocess.Popen(["sleep", "300"])
    gone = subprocess.Popen(["true"])
    gone.wait()
    owners = {
        "live": f"{live.pid}:{process_start_time(live.pid)}",
        "gone": f"{gone.pid}:{process_start_time(os.getpid())}",  # a start time that pid never had
    }
    names = {key: f"kp-it-{RUN_ID}-net-{key}" for key in ("live", "gone", "ownerless")}
    labels = {
        "live": {**run_labels(), RUN_LABEL: f"{RUN_ID}-live", OWNER_LABEL: owners["live"]},
        "gone": {**run_labels(), RUN_LABEL: f"{RUN_ID}-gone", OWNER_LABEL: owners["gone"]},
        "ownerless": {LABEL: "1", RUN_LABEL: RUN_ID},
    }
    try:
        for key, name in names.items():
            args = [f"--label={k}={v}" for k, v in {**labels[key], CASE_LABEL: RUN_ID}.items()]
            subprocess.run([DOCKER, "network", "create", *args, name], check=True, capture_output=True)
        # The state, not clean_leftovers()'s answer: a concurrent session's clean-up may remove the gone run's network
        # any time after its creation (it is allowed to), and ours may remove the gone objects of that session.
        assert {names["live"], names["ownerless"]} <= _networks()
        network.clean_leftovers()
        assert _networks() == {names["live"], names["ownerless"]}
        live.kill()
        live.wait()
        network.clean_leftovers()
        assert _networks() == {names["ownerless"]}
    finally:
        live.kill()
        live.wait()
        left = sorted(_networks())
        if left:
            subprocess.run([DOCKER, "network", "rm", *left], capture_output=True, check=False)
