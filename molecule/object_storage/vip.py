"""Print this run's floating registry address: the last usable address of the run's docker network.

Docker hands out a network's addresses from the bottom up (the gateway first, then one per container), so the top
of the subnet stays free while a scenario has a handful of hosts. The network is this run's (kp-mol-<scenario><suffix>,
molecule/shared/create.yml) or, without a run suffix, the test bed's shared one.
"""

import ipaddress
import json
import os
import subprocess
import sys


def run_network() -> str:
    suffix = os.environ.get("KP_RUN_SUFFIX", "")
    scenario = os.environ.get("MOLECULE_SCENARIO_NAME", "object_storage")
    return f"kp-mol-{scenario}{suffix}" if suffix else "kollaprep-test"


def vip(network: str) -> str:
    out = subprocess.run(["docker", "network", "inspect", network], capture_output=True, text=True, check=True)
    subnet = next(c["Subnet"] for c in json.loads(out.stdout)[0]["IPAM"]["Config"] if ":" not in c["Subnet"])
    return str(ipaddress.ip_network(subnet)[-2])


if __name__ == "__main__":
    print(vip(sys.argv[1] if len(sys.argv) > 1 else run_network()))
