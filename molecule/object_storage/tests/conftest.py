"""Fixtures the object_storage scenario's tests share (testinfra runs pytest in this directory)."""

import pytest


@pytest.fixture(scope="module")
def site(host):
    """The inventory's variables of the tested host (testinfra_hosts of the module), as Ansible resolves them."""
    return host.ansible.get_variables()
