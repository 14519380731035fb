"""make demo's lab (tests/testbed/lab.py): every name carries the lab's suffix, the plain names of inventories/lab are
network aliases mapped by a second inventory source, the labels make it ownerless (test runs' clean-up leaves it)."""

from __future__ import annotations

import yaml

from tests.testbed import LABEL, OWNER_LABEL, lab
from tests.testbed.lab import ROOT


def test_a_suffix_per_checkout_or_the_one_given(monkeypatch):
    monkeypatch.delenv("KP_RUN_SUFFIX", raising=False)
    first = lab.lab_suffix()
    assert first == lab.lab_suffix() and first.startswith("-") and len(first) == 7  # stable: the lab is reused
    monkeypatch.setattr(lab, "ROOT", ROOT / "another-checkout")
    assert lab.lab_suffix() != first
    monkeypatch.setenv("KP_RUN_SUFFIX", "-4242-abcdef")
    assert lab.lab_suffix() == "-4242-abcdef"


def test_every_name_carries_the_suffix_and_inventories_lab_names_are_mapped_onto_them():
    one, other = lab.Lab("-aaa111"), lab.Lab("-bbb222")
    names = [one.network, one.deploy, *one.targets, one.upstream]
    assert all(n.endswith("-aaa111") for n in names) and not set(names) & {
        other.network,
        other.deploy,
        *other.targets,
        other.upstream,
    }
    hosts = yaml.safe_load((ROOT / "inventories/lab/hosts.yml").read_text())
    plain = {h for group in hosts["all"]["children"].values() for h in (group or {}).get("hosts") or {}}
    mapped = one.inventory()["all"]["hosts"]
    assert set(mapped) == plain  # every host of inventories/lab, nothing else
    assert {v["ansible_host"] for v in mapped.values()} == set(one.hosts)
    # The names the site's variables use (registry address, upstream) are aliases on the lab's network.
    site = yaml.safe_load((ROOT / "inventories/lab/group_vars/all.yml").read_text())
    assert one.aliases[one.deploy] == site["kollaprep_registry_address"]
    assert (
        one.upstream_net == site["kollaprep_upstream"] and one.aliases[one.upstream] == one.upstream_net.split(":")[0]
    )


def test_a_host_runs_on_the_labs_network_under_its_plain_name_too():
    one = lab.Lab("-aaa111")
    args = lab.testhost_run_args(one.deploy, one.labels(), one.network, one.aliases[one.deploy])
    at = args.index("--network")
    assert args[at + 1] == one.network and args[args.index("--network-alias") + 1] == "kp-lab-deploy"
    assert args[args.index("--name") + 1] == one.deploy and args[args.index("--hostname") + 1] == "kp-lab-deploy"
    labels = dict(a.split("=", 1) for a in args if "=" in a and a.startswith("org."))
    assert labels[LABEL] == "1" and labels[f"{LABEL}.lab"] == one.id and OWNER_LABEL not in labels
    # A test's host (no network given): the shared test network, its own name, no alias.
    plain = lab.testhost_run_args("kp-it-x", ["--label", f"{LABEL}=1"])
    assert plain[plain.index("--network") + 1] == lab.SPEC["testhost_network"] and "--network-alias" not in plain
