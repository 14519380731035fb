"""Fixtures shared by the integration tests: a real dockerd and real registry:2 containers."""

from __future__ import annotations

import os

import pytest

from tests.testbed import engine, images, network, registries, scrub_environ

scrub_environ()  # AWS_CA_BUNDLE and the like: no test's child process gets them (tests/testbed/__init__.py)


@pytest.fixture(scope="session")
def testbed():
    """dockerd answers, registry:2 and the test host image are current, the test network exists."""
    engine.ensure_engine()
    images.build_registry()
    network.ensure_network()


class RegistryFactory:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.started: list[registries.Registry] = []

    def start(self, name: str, *, tls: bool = False, auth: dict[str, str] | None = None, config_extra=None, **kw):
        """Start a registry; config_extra is a dict of REGISTRY_* environment overrides."""
        reg = registries.start_registry(f"{self.prefix}{name}", tls=tls, auth=auth, env=config_extra, **kw)
        self.started.append(reg)
        return reg

    def stop_all(self) -> None:
        for reg in self.started:
            reg.stop()
        self.started.clear()


def _remove_leftovers() -> None:
    """Remove registries of earlier pytest sessions that died (their PID is in the name); live sessions keep theirs."""
    for name in network.container_names("kp-it-"):
        pid = name.split("-")[2]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            network.remove_containers(name)


@pytest.fixture(scope="session")
def registry_factory(testbed):
    factory = RegistryFactory(prefix=f"kp-it-{os.getpid()}-")
    _remove_leftovers()
    yield factory
    factory.stop_all()


@pytest.fixture(scope="session")
def upstream(registry_factory):
    """A plain upstream registry holding a small synthetic Kolla set (kilobyte layers)."""
    from tests.testbed import generator

    reg = registry_factory.start("upstream")
    reg.images = generator.generate(reg.host, count=12, layer_size=4096)
    return reg
