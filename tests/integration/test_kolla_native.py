"""The operator's globals.yml drives the mirror: the image_mirror role, given kolla-ansible's globals, mirrors exactly
the images kolla-ansible 2025.1 would pull, at the tag it would pull, from a real upstream into a real registry."""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

from tests.testbed import generator
from tests.testbed.ansible import run_playbook_file

pytestmark = pytest.mark.integration

TAG = "2025.1-debian-bookworm"

# Written by hand from kolla-ansible stable/2025.1 (ansible/group_vars/all.yml, ansible/site.yml, the roles'
# defaults/main.yml) for the globals below, not from the code under test:
# - common (always applied): cron, fluentd (enable_fluentd "yes"), kolla-toolbox;
# - loadbalancer, applied as enable_loadbalancer = enable_haproxy or enable_keepalived or enable_proxysql ("yes"):
#   haproxy (service enabled: true), proxysql (enable_proxysql); keepalived follows enable_haproxy ("no");
# - memcached (enable_memcached "yes"), rabbitmq (om_rpc_transport defaults to rabbit);
# - enable_openstack_core "no" drops keystone, glance, nova, neutron, placement, heat, horizon; mariadb is off.
GLOBALS = """\
openstack_release: "2025.1"
kolla_base_distro: debian
enable_openstack_core: "no"
enable_haproxy: "no"
enable_mariadb: "no"
"""
EXPECTED = ["cron", "fluentd", "haproxy", "kolla-toolbox", "memcached", "proxysql", "rabbitmq"]


def test_globals_yml_decides_the_mirrored_set_and_tag(registry_factory, tmp_path):
    os.environ["KOLLAPREP_GEN_CACHE"] = "off"
    upstream = registry_factory.start("kp-kn-up")
    dest = registry_factory.start("kp-kn-dest")
    # The upstream holds more than the site needs (keystone, mariadb-server): they must not be copied.
    pushed = generator.generate(upstream.host, images=[*EXPECTED, "keystone", "mariadb-server"], tag=TAG)
    digests = {i.name: i.digest for i in pushed}
    (tmp_path / "globals.yml").write_text(GLOBALS)
    out = tmp_path / "result.json"
    extra = {"kolla_globals": str(tmp_path / "globals.yml"), "kolla_upstream": upstream.host,
             "kolla_dest": dest.host, "kolla_out": str(out)}  # fmt: skip
    res = run_playbook_file("image_mirror_kolla.yml", tmp_path, extra)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    result = json.loads(out.read_text())
    got = sorted(img["image"].split(":")[0] for img in result["images"])
    assert got == EXPECTED
    for img in result["images"]:
        assert img["destination"] == "%s/openstack.kolla/%s:%s" % (dest.host, img["image"].split(":")[0], TAG)
        assert img["destination_digest"] == digests[img["image"].split(":")[0]]
    with urllib.request.urlopen("http://%s/v2/_catalog" % dest.host, timeout=10) as resp:
        catalog = json.loads(resp.read())["repositories"]
    assert sorted(catalog) == ["openstack.kolla/%s" % n for n in EXPECTED]
