"""Fixtures shared by the integration tests: a real dockerd and real registry:2 containers.

Two sessions can run at once on one machine: each has its own run id (tests/testbed/__init__.py: RUN_ID, the pid
and a random suffix), in every container name (``kp-it-<run id>-<name>``) and label; registries get their ports
without a pick-then-bind race (tests/testbed/registries.py); cleanup removes only the containers of runs that are gone.
"""

from __future__ import annotations

import pytest

from tests.testbed import RUN_ID, engine, images, network, registries, scrub_environ

# A hook: under CI=true a skipped test fails.
from tests.testbed.ci import pytest_runtest_makereport  # noqa: F401  # pylint: disable=unused-import

scrub_environ()  # AWS_CA_BUNDLE and the like: no test's child process gets them (tests/testbed/__init__.py)


@pytest.fixture(scope="session")
def testbed():
    """dockerd answers and registry:2 is current (one session at a time sets up); leftovers of gone runs removed.

    No test here needs the test network (registries run with host networking); ``python -m tests.testbed up`` creates
    it for the lab and molecule.
    """
    with engine.setup_lock():
        engine.ensure_engine()
        images.build_registry()
    network.clean_leftovers()


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


@pytest.fixture(scope="session")
def registry_factory(testbed):
    factory = RegistryFactory(prefix=f"kp-it-{RUN_ID}-")
    yield factory
    factory.stop_all()


@pytest.fixture(scope="session")
def upstream(registry_factory):
    """A plain upstream registry holding a small synthetic Kolla set (kilobyte layers)."""
    from tests.testbed import generator

    reg = registry_factory.start("upstream")
    reg.images = generator.generate(reg.host, count=12, layer_size=4096)
    return reg
