"""The offline test bed shared by the tests, molecule, the demo and the benchmarks.

Everything here runs real components on this machine: a real dockerd, images built locally from Debian
packages, a user-defined docker network for test hosts and synthetic Kolla-like image sets.
"""

NETWORK = "kollaprep-test"
REGISTRY_IMAGE = "registry:2"
TESTHOST_IMAGE = "kollaprep/testhost:bookworm"
LABEL = "org.kollaprep.testbed"
