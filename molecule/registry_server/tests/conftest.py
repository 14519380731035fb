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


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "applies_to(**mode): run the test only on the hosts whose inventory asks for that mode (fields of Expected, "
        "e.g. auth=True); on the others it is deselected, not skipped, and it must apply to one host at least",
    )


def pytest_collection_modifyitems(config, items):
    """Deselect a test marked applies_to on the hosts whose mode it does not test (a per-host choice made from the
    inventory, so under CI=true no skip stands in for it), and refuse to run when no host of the scenario is left for
    it: a test that never runs is a test that cannot fail."""
    keep, drop, hosts = [], [], {}
    modes = {}
    for item in items:
        marker = item.get_closest_marker("applies_to")
        if marker is None:
            keep.append(item)
            continue
        host = item.callspec.params["_testinfra_host"]
        name = host.backend.get_pytest_id()
        if name not in modes:
            modes[name] = expected_of(host.ansible.get_variables())
        applies = all(getattr(modes[name], field) == value for field, value in marker.kwargs.items())
        (keep if applies else drop).append(item)
        hosts.setdefault(item.originalname, []).extend([name] if applies else [])
    never = sorted(test for test, names in hosts.items() if not names)
    if never:
        raise pytest.UsageError(f"no host of the scenario has the mode these tests check: {', '.join(never)}")
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
