"""The image set and the tag kolla-ansible derives from an operator's globals, per kolla-ansible release.

The expected lists below are written by hand from kolla-ansible's own files, not from the tables or the code:
for each branch, ansible/group_vars/all.yml (2024.1, 2025.1) or ansible/group_vars/all/*.yml (2025.2, 2026.1) for
the enable_* defaults, ansible/site.yml (+ mariadb.yml, rabbitmq.yml, nova.yml) for which role runs under which
flag, and each role's defaults/main.yml for its <name>_services (enabled, image). The facts they rest on:

- every release: common/cron/fluentd/kolla-toolbox run always (site.yml, no enable_ host pattern); enable_fluentd,
  enable_haproxy (-> enable_keepalived, enable_loadbalancer), enable_mariadb, enable_memcached are yes;
  enable_openstack_core yes turns on glance, keystone, neutron, nova, heat, horizon; enable_placement follows nova;
  enable_rabbitmq is yes because om_rpc_transport is rabbit; neutron_plugin_agent is openvswitch;
  nova_compute_virt_type kvm (-> enable_nova_libvirt_container), nova_console novnc, enable_nova_ssh yes,
  enable_nova_fake no, enable_cells no (no nova-super-conductor); kolla_enable_tls_backend no (no *-tls-proxy);
  keystone_identity_providers [] (no keystone-httpd where it exists); enable_cinder_backup yes;
  enable_cinder_backend_lvm no (-> enable_iscsid no).
- 2024.1: enable_proxysql "no" (no proxysql image); mariadb-clustercheck enabled by enable_haproxy;
  enable_openvswitch is "enable_neutron and neutron_plugin_agent != 'linuxbridge'"; no nova-metadata service;
  ovn-db has no sb-db-relay; kolla_base_distro_version_default_map ubuntu jammy, debian bookworm, rocky 9,
  centos stream9.
- 2025.1: enable_proxysql "yes", proxysql_version 2 (image proxysql, not proxysql-3); mariadb_loadbalancer is
  proxysql, so enable_mariadb_clustercheck is False; enable_openvswitch follows enable_neutron only; nova-metadata
  uses the nova-api image; enable_ovn_sb_db_relay follows enable_ovn; map ubuntu noble, rocky 9.
- 2025.2: enable_proxysql follows enable_mariadb; neutron-rpc-server, neutron-periodic-worker and
  neutron-ovn-maintenance-worker use the neutron-server image; prometheus-node-exporter and prometheus-cadvisor
  moved to the prometheus-node-exporters role (same flag); map rocky 10, centos stream10.
- 2026.1: as 2025.2 for these sets; map debian trixie.
"""

from __future__ import annotations

import json
import os

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _kolla as k

# ---------------------------------------------------------------------------------------------------------------------
# expected image sets, by hand

DEFAULT_2025_1 = {
    "cron",
    "fluentd",
    "glance-api",
    "haproxy",
    "heat-api",
    "heat-api-cfn",
    "heat-engine",
    "horizon",
    "keepalived",
    "keystone",
    "keystone-fernet",
    "keystone-ssh",
    "kolla-toolbox",
    "mariadb-server",
    "memcached",
    "neutron-dhcp-agent",
    "neutron-l3-agent",
    "neutron-metadata-agent",
    "neutron-openvswitch-agent",
    "neutron-server",
    "nova-api",
    "nova-compute",
    "nova-conductor",
    "nova-libvirt",
    "nova-novncproxy",
    "nova-scheduler",
    "nova-ssh",
    "openvswitch-db-server",
    "openvswitch-vswitchd",
    "placement-api",
    "proxysql",
    "rabbitmq",
}
DEFAULT = {
    "2024.1": (DEFAULT_2025_1 - {"proxysql"}) | {"mariadb-clustercheck"},
    "2025.1": DEFAULT_2025_1,
    "2025.2": DEFAULT_2025_1,
    "2026.1": DEFAULT_2025_1,
}
OVN_CHANGES = {"neutron-dhcp-agent", "neutron-l3-agent", "neutron-openvswitch-agent"}
OVN_2024_1 = {"ovn-controller", "ovn-nb-db-server", "ovn-northd", "ovn-sb-db-server"}
OVN = {
    "2024.1": (DEFAULT["2024.1"] - OVN_CHANGES) | OVN_2024_1,
    "2025.1": (DEFAULT["2025.1"] - OVN_CHANGES) | OVN_2024_1 | {"ovn-sb-db-relay"},
    "2025.2": (DEFAULT["2025.2"] - OVN_CHANGES) | OVN_2024_1 | {"ovn-sb-db-relay"},
    "2026.1": (DEFAULT["2026.1"] - OVN_CHANGES) | OVN_2024_1 | {"ovn-sb-db-relay"},
}
CINDER = {"cinder-api", "cinder-backup", "cinder-scheduler", "cinder-volume"}
HEAT = {"heat-api", "heat-api-cfn", "heat-engine"}
PROMETHEUS = {
    "prometheus-alertmanager",
    "prometheus-blackbox-exporter",
    "prometheus-cadvisor",
    "prometheus-libvirt-exporter",
    "prometheus-memcached-exporter",
    "prometheus-mysqld-exporter",
    "prometheus-node-exporter",
    "prometheus-openstack-exporter",
    "prometheus-server",
}
DISTRO_VERSIONS = {
    "2024.1": {"centos": "stream9", "debian": "bookworm", "rocky": "9", "ubuntu": "jammy"},
    "2025.1": {"centos": "stream9", "debian": "bookworm", "rocky": "9", "ubuntu": "noble"},
    "2025.2": {"centos": "stream10", "debian": "bookworm", "rocky": "10", "ubuntu": "noble"},
    "2026.1": {"centos": "stream10", "debian": "trixie", "rocky": "10", "ubuntu": "noble"},
}
RELEASES = ("2024.1", "2025.1", "2025.2", "2026.1")


def names(result) -> set[str]:
    return {image["name"] for image in result["images"]}


# ---------------------------------------------------------------------------------------------------------------------
# image sets


@pytest.mark.parametrize("release", RELEASES)
def test_defaults_only(release):
    result = k.image_set(release)
    assert names(result) == DEFAULT[release]
    assert result["warnings"] == []
    default_tag = "%s-rocky-%s" % (release, DISTRO_VERSIONS[release]["rocky"])
    assert {image["tag"] for image in result["images"]} == {default_tag}
    for image in result["images"]:
        assert image["repository"] == "openstack.kolla/" + image["name"]
        assert image["image"] == "quay.io/openstack.kolla/%s:%s" % (image["name"], default_tag)
        assert image["ref"] == "%s:%s" % (image["name"], default_tag)
        assert image["reasons"]
        assert image["set_in_globals"] == {}


@pytest.mark.parametrize("release", RELEASES)
def test_neutron_with_ovn(release):
    result = k.image_set(release, {"neutron_plugin_agent": "ovn"})
    assert names(result) == OVN[release]
    controller = next(i for i in result["images"] if i["name"] == "ovn-controller")
    assert controller["set_in_globals"] == {"neutron_plugin_agent": "ovn"}
    assert "enable_ovn | bool" in controller["reasons"][0]
    # the OVN metadata agent is what keeps the neutron-metadata-agent image
    metadata = next(i for i in result["images"] if i["name"] == "neutron-metadata-agent")
    assert [s["service"] for s in metadata["services"]] == ["neutron-ovn-metadata-agent"]


@pytest.mark.parametrize("release", RELEASES)
def test_cinder_on_heat_off(release):
    result = k.image_set(release, {"enable_cinder": True, "enable_heat": "no"})
    assert names(result) == (DEFAULT[release] | CINDER) - HEAT


@pytest.mark.parametrize("release", ["2025.1", "2025.2"])
def test_prometheus(release):
    assert names(k.image_set(release, {"enable_prometheus": "yes"})) == DEFAULT[release] | PROMETHEUS


def test_linuxbridge_2024_1_turns_openvswitch_off():
    result = k.image_set("2024.1", {"neutron_plugin_agent": "linuxbridge"})
    ovs = {"openvswitch-db-server", "openvswitch-vswitchd", "neutron-openvswitch-agent"}
    assert names(result) == (DEFAULT["2024.1"] - ovs) | {"neutron-linuxbridge-agent"}


def test_core_off_keeps_the_infrastructure():
    result = k.image_set("2025.1", {"enable_openstack_core": "no"})
    assert names(result) == {
        "cron",
        "fluentd",
        "haproxy",
        "keepalived",
        "kolla-toolbox",
        "mariadb-server",
        "memcached",
        "proxysql",
        "rabbitmq",
    }


def test_shared_images_are_listed_once_with_every_service():
    result = k.image_set("2025.2")
    server = next(i for i in result["images"] if i["name"] == "neutron-server")
    assert [s["service"] for s in server["services"]] == [
        "neutron-server",
        "neutron-rpc-server",
        "neutron-periodic-worker",
    ]
    assert len(server["reasons"]) == 3
    assert server["services"][0]["source"].startswith("ansible/roles/neutron/defaults/main.yml:")


def test_lvm_backend_needs_host_facts_and_follows_them():
    globals_ = {"enable_cinder": "yes", "enable_cinder_backend_lvm": "yes"}
    with pytest.raises(k.UnknownVariable) as exc:
        k.image_set("2025.1", globals_)
    assert exc.value.name == "ansible_facts"
    assert "cinder_target_helper" in str(exc.value) and "host_facts" in str(exc.value)
    debian = names(k.image_set("2025.1", globals_, host_facts={"os_family": "Debian"}))
    redhat = names(k.image_set("2025.1", globals_, host_facts={"os_family": "RedHat"}))
    assert debian == DEFAULT["2025.1"] | CINDER | {"iscsid", "tgtd"}
    assert redhat == DEFAULT["2025.1"] | CINDER | {"iscsid"}
    # setting the variable that reads the facts is enough too
    assert names(k.image_set("2025.1", {**globals_, "cinder_target_helper": "lioadm"})) == redhat


def test_inventory_groups_decide_per_host():
    table = k.table("2025.1")
    groups = {}
    for role in table["roles"].values():
        for spec in role["services"].values():
            for text in (spec["group"], spec["host_in_groups"]):
                for group in _group_names(text):
                    groups[group] = ["ctl1"]
        for var in role["variables"].values():
            for group in _group_names(var["value"]):
                groups[group] = ["ctl1"]
        for spec in role["add_hosts"]:  # mariadb builds its shard group from the mariadb group
            groups[spec["hosts_of"]] = ["ctl1"]
    groups["compute"] = ["cmp1"]
    groups["nova-novncproxy"] = []
    result = k.image_set("2025.1", groups=groups)
    assert names(result) == DEFAULT["2025.1"] - {"nova-novncproxy"}
    compute = next(i for i in result["images"] if i["name"] == "nova-compute")
    assert compute["services"][0]["hosts"] == ["cmp1"]
    mariadb = next(i for i in result["images"] if i["name"] == "mariadb-server")
    assert mariadb["services"][0]["hosts"] == ["ctl1"]
    assert groups.get("mariadb_shard_0") is None  # the caller's groups are left alone


def _group_names(text):
    import re

    return re.findall(r"groups\['([^']+)'\]", str(text)) + ([text] if text and "{" not in str(text) else [])


# ---------------------------------------------------------------------------------------------------------------------
# the tag


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("distro", ["centos", "debian", "rocky", "ubuntu"])
def test_tag_per_release_and_distro(release, distro):
    expected = "%s-%s-%s" % (release, distro, DISTRO_VERSIONS[release][distro])
    info = k.derive_tag(release, {"kolla_base_distro": distro})
    assert (info["tag"], info["default"], info["warnings"]) == (expected, expected, [])
    assert k.default_tag(release, distro) == expected


@pytest.mark.parametrize("release", RELEASES)
def test_valid_combinations(release):
    assert k.valid_combinations(release) == sorted(DISTRO_VERSIONS[release].items())


def test_suffix_is_appended_without_warning():
    info = k.derive_tag("2025.1", {"kolla_base_distro": "ubuntu", "openstack_tag_suffix": "-aarch64"})
    assert (info["tag"], info["warnings"]) == ("2025.1-ubuntu-noble-aarch64", [])


def test_explicit_tag_wins_and_warns_when_not_the_default():
    info = k.derive_tag("2025.1", {"kolla_base_distro": "ubuntu", "openstack_tag": "2025.1-ubuntu-jammy"})
    assert info["tag"] == "2025.1-ubuntu-jammy"
    assert len(info["warnings"]) == 1
    assert "openstack_tag" in info["warnings"][0] and "2025.1-ubuntu-noble" in info["warnings"][0]
    same = k.derive_tag("2025.1", {"kolla_base_distro": "ubuntu", "openstack_tag": "2025.1-ubuntu-noble"})
    assert same["warnings"] == []


def test_explicit_distro_version_warns_with_the_valid_choices():
    info = k.derive_tag("2026.1", {"kolla_base_distro": "debian", "kolla_base_distro_version": "bookworm"})
    assert info["tag"] == "2026.1-debian-bookworm"
    assert len(info["warnings"]) == 1
    assert "trixie" in info["warnings"][0] and "rocky (10)" in info["warnings"][0]


def test_foreign_openstack_release_warns():
    info = k.derive_tag("2025.1", {"openstack_release": "2024.1"})
    assert info["tag"] == "2024.1-rocky-9"
    assert any("openstack_release" in w for w in info["warnings"])


def test_unknown_distro_fails_naming_the_choices():
    with pytest.raises(k.KollaError, match=r"'arch'.*centos \(stream10\), debian \(trixie\), rocky \(10\)"):
        k.derive_tag("2026.1", {"kolla_base_distro": "arch"})
    with pytest.raises(k.KollaError, match="valid choices"):
        k.image_set("2026.1", {"kolla_base_distro": "arch"})


def test_per_service_tag_is_honoured_and_reported():
    result = k.image_set("2025.1", {"nova_tag": "2025.1-rocky-9-hotfix"})
    tags = {i["name"]: i["tag"] for i in result["images"]}
    assert tags["nova-api"] == tags["nova-compute"] == "2025.1-rocky-9-hotfix"
    assert tags["neutron-server"] == "2025.1-rocky-9"
    assert any("nova-api:2025.1-rocky-9-hotfix" in w for w in result["warnings"])


def test_namespace_registry_and_prefix():
    result = k.image_set(
        "2025.2",
        {"docker_namespace": "kolla", "docker_registry": "192.0.2.10:4000", "docker_image_name_prefix": "x-"},
    )
    api = next(i for i in result["images"] if i["name"] == "x-keystone")
    assert api["repository"] == "kolla/x-keystone"
    assert api["image"] == "192.0.2.10:4000/kolla/x-keystone:2025.2-rocky-10"
    assert api["ref"] == "x-keystone:2025.2-rocky-10"


# ---------------------------------------------------------------------------------------------------------------------
# what is not decided


def test_unknown_variable_fails_naming_it():
    with pytest.raises(k.UnknownVariable) as exc:
        k.image_set("2025.1", {"enable_cinder": "{{ enable_my_storage | bool }}"})
    assert exc.value.name == "enable_my_storage"
    assert "enable_cinder" in str(exc.value)


def test_undefined_with_default_is_not_an_error():
    result = k.image_set("2025.1", {"enable_cinder": "{{ enable_my_storage | default(true) }}"})
    assert CINDER <= names(result)


def test_unknown_filter_fails_naming_it():
    with pytest.raises(k.UnknownFilter) as exc:
        k.image_set("2025.1", {"enable_heat": "{{ 'yes' | to_nice_yaml }}"})
    assert exc.value.name == "to_nice_yaml"


def test_invalid_boolean_is_false_as_in_ansible_with_a_warning():
    result = k.image_set("2025.1", {"enable_heat": "ture"})
    assert not HEAT & names(result)
    assert any("'ture'" in w for w in result["warnings"])


def test_recursive_definition_fails():
    with pytest.raises(k.KollaError, match="recursive"):
        k.image_set("2025.1", {"enable_heat": "{{ enable_cinder }}", "enable_cinder": "{{ enable_heat }}"})


def test_unknown_release():
    with pytest.raises(k.KollaError, match=r"2023.1.*2024.1, 2025.1, 2025.2, 2026.1"):
        k.image_set("2023.1")


# ---------------------------------------------------------------------------------------------------------------------
# extra and exclude


def test_extra_and_exclude():
    result = k.image_set(
        "2025.1",
        extra=["dnsmasq", "openstack.kolla/ironic-pxe:custom", "quay.io/other/tool:1", "nova-api"],
        exclude=["neutron-*", "openstack.kolla/horizon", "nothing-*"],
    )
    by_name = {i["name"]: i for i in result["images"]}
    assert by_name["dnsmasq"]["image"] == "quay.io/openstack.kolla/dnsmasq:2025.1-rocky-9"
    assert by_name["ironic-pxe"]["tag"] == "custom"
    assert by_name["tool"]["repository"] == "other/tool"
    assert by_name["tool"]["reasons"] == ["extra: asked for in the extra option (quay.io/other/tool:1)"]
    assert by_name["nova-api"]["reasons"][-1].startswith("extra:")
    assert not any(n.startswith("neutron-") for n in by_name) and "horizon" not in by_name
    assert {e["name"] for e in result["excluded"]} >= {"neutron-server", "horizon"}
    assert result["warnings"] == ["exclude pattern 'nothing-*' matches no image"]


# ---------------------------------------------------------------------------------------------------------------------
# globals.yml and globals.d


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def test_globals_d_sorted_with_yaml_and_json_from_2025_1(tmp_path):
    _write(str(tmp_path / "globals.yml"), 'neutron_plugin_agent: "ovn"\nenable_cinder: "no"\n')
    _write(str(tmp_path / "globals.d" / "b.yaml"), "enable_cinder: yes\n")
    _write(str(tmp_path / "globals.d" / "a.yml"), "enable_cinder: no\nenable_heat: no\n")
    _write(str(tmp_path / "globals.d" / "c.json"), json.dumps({"enable_heat": True}))
    _write(str(tmp_path / "globals.d" / "notes.txt"), "enable_heat: no\n")
    merged, origin, warnings = k.load_globals(str(tmp_path / "globals.yml"), "2025.1")
    assert merged == {"neutron_plugin_agent": "ovn", "enable_cinder": True, "enable_heat": True}
    assert origin["enable_cinder"].endswith("b.yaml") and warnings == []
    assert names(k.image_set("2025.1", merged)) == OVN["2025.1"] | CINDER


def test_globals_d_2024_1_reads_yml_only(tmp_path):
    _write(str(tmp_path / "globals.yml"), "enable_cinder: no\n")
    _write(str(tmp_path / "globals.d" / "a.yaml"), "enable_cinder: yes\n")
    merged, _origin, _warnings = k.load_globals(str(tmp_path / "globals.yml"), "2024.1")
    assert merged == {"enable_cinder": False}
    assert k.load_globals(str(tmp_path / "globals.yml"), "2025.1")[0] == {"enable_cinder": True}


def test_globals_d_2024_1_warns_when_the_order_decides(tmp_path):
    _write(str(tmp_path / "globals.yml"), "enable_cinder: no\n")
    _write(str(tmp_path / "globals.d" / "a.yml"), "enable_heat: no\n")
    _write(str(tmp_path / "globals.d" / "b.yml"), "enable_heat: yes\n")
    warnings = k.load_globals(str(tmp_path / "globals.yml"), "2024.1")[2]
    assert len(warnings) == 1 and "enable_heat" in warnings[0] and "directory order" in warnings[0]


def test_globals_errors(tmp_path):
    with pytest.raises(k.KollaError, match="cannot read"):
        k.load_globals(str(tmp_path / "missing.yml"), "2025.1")
    _write(str(tmp_path / "globals.yml"), "- a list\n")
    with pytest.raises(k.KollaError, match="mapping"):
        k.load_globals(str(tmp_path / "globals.yml"), "2025.1")
    _write(str(tmp_path / "globals.yml"), "a: [\n")
    with pytest.raises(k.KollaError, match="not valid YAML"):
        k.load_globals(str(tmp_path / "globals.yml"), "2025.1")


def test_ansible_tags_in_globals_load_as_values(tmp_path):
    _write(str(tmp_path / "globals.yml"), "openstack_tag_suffix: !unsafe '-x'\n")
    assert k.load_globals(str(tmp_path / "globals.yml"), "2025.1")[0] == {"openstack_tag_suffix": "-x"}
