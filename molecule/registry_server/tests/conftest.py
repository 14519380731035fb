"""What each test host is expected to be, read from the scenario's inventory (molecule.yml host_vars), never from the
files the role wrote: a role that drops the auth or TLS block must fail these tests, not turn them into skips."""

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Expected:
    tls: bool
    auth: bool
    service: bool


def expected_of(hostvars):
    """The mode the inventory asks for, with the registry_server role's defaults for what it does not set."""
    tls = hostvars.get("registry_server_tls", False)
    mode = hostvars.get("registry_server_mode", "container")
    users = hostvars.get("registry_server_users", [])
    # The scenario sets these as YAML literals; a template here would make the expectation a guess.
    assert isinstance(tls, bool), f"registry_server_tls must be a literal boolean in molecule.yml, got {tls!r}"
    assert mode in ("container", "service"), mode
    assert isinstance(users, list), f"registry_server_users must be a literal list in molecule.yml, got {users!r}"
    return Expected(tls=tls, auth=len(users) > 0, service=mode == "service")


@pytest.fixture(scope="module")
def expected(host):
    return expected_of(host.ansible.get_variables())
