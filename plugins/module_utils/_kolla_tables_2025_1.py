# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""kolla-ansible 2025.1: the facts that decide which images it pulls (generated, do not edit).

Extracted by tools/kolla_tables.py from https://opendev.org/openstack/kolla-ansible
branch stable/2025.1, commit a7fc0cd67921c871c732ac24b3282d8b8ea32235.
Every entry names the file and line of that commit it was read from. Pure data: importable without Ansible.
"""

from __future__ import annotations

TABLE = {
    "release": "2025.1",
    "kolla_ansible": {
        "url": "https://opendev.org/openstack/kolla-ansible",
        "branch": "stable/2025.1",
        "commit": "a7fc0cd67921c871c732ac24b3282d8b8ea32235",
    },
    "globals_d": {
        "extensions": [
            ".yml",
            ".yaml",
            ".json",
        ],
        "order": "sorted",
        "source": "kolla_ansible/ansible.py:209",
    },
    "variables": {
        "cinder_target_helper": {
            "value": "{{ 'lioadm' if ansible_facts.os_family == 'RedHat' else 'tgtadm' }}",
            "source": "ansible/group_vars/all.yml:1176",
        },
        "cloudkitty_storage_backend": {
            "value": "influxdb",
            "source": "ansible/group_vars/all.yml:1193",
        },
        "designate_backend": {
            "value": "bind9",
            "source": "ansible/group_vars/all.yml:1199",
        },
        "designate_enable_notifications_sink": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:1207",
        },
        "docker_image_name_prefix": {
            "value": "",
            "source": "ansible/group_vars/all.yml:108",
        },
        "docker_namespace": {
            "value": "openstack.kolla",
            "source": "ansible/group_vars/all.yml:107",
        },
        "docker_registry": {
            "value": "quay.io",
            "source": "ansible/group_vars/all.yml:106",
        },
        "enable_aodh": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:853",
        },
        "enable_barbican": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:854",
        },
        "enable_blazar": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:855",
        },
        "enable_ceilometer": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:856",
        },
        "enable_ceilometer_ipmi": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:857",
        },
        "enable_cells": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:859",
        },
        "enable_central_logging": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:860",
        },
        "enable_ceph_rgw": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:861",
        },
        "enable_cinder": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:863",
        },
        "enable_cinder_backend_iscsi": {
            "value": "{{ enable_cinder_backend_lvm | bool }}",
            "source": "ansible/group_vars/all.yml:865",
        },
        "enable_cinder_backend_lvm": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:866",
        },
        "enable_cinder_backup": {
            "value": "yes",
            "source": "ansible/group_vars/all.yml:864",
        },
        "enable_cloudkitty": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:874",
        },
        "enable_collectd": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:875",
        },
        "enable_cyborg": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:876",
        },
        "enable_designate": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:877",
        },
        "enable_etcd": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:878",
        },
        "enable_fluentd": {
            "value": "yes",
            "source": "ansible/group_vars/all.yml:879",
        },
        "enable_glance": {
            "value": "{{ enable_openstack_core | bool }}",
            "source": "ansible/group_vars/all.yml:835",
        },
        "enable_gnocchi": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:881",
        },
        "enable_gnocchi_statsd": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:882",
        },
        "enable_grafana": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:883",
        },
        "enable_hacluster": {
            "value": "{{ enable_masakari_hostmonitor | bool }}",
            "source": "ansible/group_vars/all.yml:885",
        },
        "enable_haproxy": {
            "value": "yes",
            "source": "ansible/group_vars/all.yml:836",
        },
        "enable_heat": {
            "value": "{{ enable_openstack_core | bool }}",
            "source": "ansible/group_vars/all.yml:886",
        },
        "enable_horizon": {
            "value": "{{ enable_openstack_core | bool }}",
            "source": "ansible/group_vars/all.yml:887",
        },
        "enable_influxdb": {
            "value": "{{ enable_cloudkitty | bool and cloudkitty_storage_backend == 'influxdb' }}",
            "source": "ansible/group_vars/all.yml:905",
        },
        "enable_ironic": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:906",
        },
        "enable_ironic_dnsmasq": {
            "value": "{{ enable_ironic | bool }}",
            "source": "ansible/group_vars/all.yml:907",
        },
        "enable_ironic_inspector": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:908",
        },
        "enable_ironic_neutron_agent": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:909",
        },
        "enable_ironic_prometheus_exporter": {
            "value": "{{ enable_ironic | bool and enable_prometheus | bool }}",
            "source": "ansible/group_vars/all.yml:910",
        },
        "enable_iscsid": {
            "value": "{{ enable_cinder | bool and enable_cinder_backend_iscsi | bool }}",
            "source": "ansible/group_vars/all.yml:911",
        },
        "enable_keepalived": {
            "value": "{{ enable_haproxy | bool }}",
            "source": "ansible/group_vars/all.yml:837",
        },
        "enable_keystone": {
            "value": "{{ enable_openstack_core | bool }}",
            "source": "ansible/group_vars/all.yml:839",
        },
        "enable_kuryr": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:912",
        },
        "enable_letsencrypt": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:913",
        },
        "enable_loadbalancer": {
            "value": "{{ enable_haproxy | bool or enable_keepalived | bool or enable_proxysql | bool }}",
            "source": "ansible/group_vars/all.yml:838",
        },
        "enable_magnum": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:914",
        },
        "enable_manila": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:915",
        },
        "enable_manila_backend_generic": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:916",
        },
        "enable_mariadb": {
            "value": "yes",
            "source": "ansible/group_vars/all.yml:841",
        },
        "enable_masakari": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:923",
        },
        "enable_masakari_hostmonitor": {
            "value": "{{ enable_masakari | bool }}",
            "source": "ansible/group_vars/all.yml:925",
        },
        "enable_masakari_instancemonitor": {
            "value": "{{ enable_masakari | bool }}",
            "source": "ansible/group_vars/all.yml:924",
        },
        "enable_memcached": {
            "value": "yes",
            "source": "ansible/group_vars/all.yml:842",
        },
        "enable_mistral": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:926",
        },
        "enable_multipathd": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:927",
        },
        "enable_neutron": {
            "value": "{{ enable_openstack_core | bool }}",
            "source": "ansible/group_vars/all.yml:843",
        },
        "enable_neutron_bgp_dragent": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:935",
        },
        "enable_neutron_dvr": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:931",
        },
        "enable_neutron_infoblox_ipam_agent": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:943",
        },
        "enable_neutron_metering": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:942",
        },
        "enable_neutron_mlnx": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:930",
        },
        "enable_neutron_sriov": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:929",
        },
        "enable_nova": {
            "value": "{{ enable_openstack_core | bool }}",
            "source": "ansible/group_vars/all.yml:844",
        },
        "enable_nova_fake": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:980",
        },
        "enable_nova_libvirt_container": {
            "value": "{{ nova_compute_virt_type in ['kvm', 'qemu'] }}",
            "source": "ansible/group_vars/all.yml:945",
        },
        "enable_nova_serialconsole_proxy": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:946",
        },
        "enable_nova_ssh": {
            "value": "yes",
            "source": "ansible/group_vars/all.yml:947",
        },
        "enable_octavia": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:948",
        },
        "enable_octavia_driver_agent": {
            "value": "{{ enable_octavia | bool and neutron_plugin_agent == 'ovn' }}",
            "source": "ansible/group_vars/all.yml:949",
        },
        "enable_opensearch": {
            "value": (
                "{{ enable_central_logging | bool or enable_osprofiler | bool or (enable_cloudkitty | bool and "
                "cloudkitty_storage_backend == 'opensearch') }}"
            ),
            "source": "ansible/group_vars/all.yml:1003",
        },
        "enable_opensearch_dashboards": {
            "value": "{{ enable_opensearch | bool }}",
            "source": "ansible/group_vars/all.yml:1004",
        },
        "enable_openstack_core": {
            "value": "yes",
            "source": "ansible/group_vars/all.yml:831",
        },
        "enable_openvswitch": {
            "value": "{{ enable_neutron | bool }}",
            "source": "ansible/group_vars/all.yml:951",
        },
        "enable_osprofiler": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:955",
        },
        "enable_ovn": {
            "value": "{{ enable_neutron | bool and neutron_plugin_agent == 'ovn' }}",
            "source": "ansible/group_vars/all.yml:952",
        },
        "enable_ovn_sb_db_relay": {
            "value": "{{ enable_ovn | bool }}",
            "source": "ansible/group_vars/all.yml:953",
        },
        "enable_ovs_dpdk": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:954",
        },
        "enable_placement": {
            "value": "{{ enable_nova | bool or enable_zun | bool }}",
            "source": "ansible/group_vars/all.yml:956",
        },
        "enable_prometheus": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:957",
        },
        "enable_prometheus_alertmanager": {
            "value": "{{ enable_prometheus | bool }}",
            "source": "ansible/group_vars/all.yml:1336",
        },
        "enable_prometheus_blackbox_exporter": {
            "value": "{{ enable_prometheus | bool }}",
            "source": "ansible/group_vars/all.yml:1342",
        },
        "enable_prometheus_cadvisor": {
            "value": "{{ enable_prometheus | bool }}",
            "source": "ansible/group_vars/all.yml:1334",
        },
        "enable_prometheus_elasticsearch_exporter": {
            "value": "{{ enable_prometheus | bool and enable_opensearch | bool }}",
            "source": "ansible/group_vars/all.yml:1341",
        },
        "enable_prometheus_libvirt_exporter": {
            "value": (
                "{{ enable_prometheus | bool and enable_nova | bool and nova_compute_virt_type in ['kvm', 'qemu'] }}"
            ),
            "source": "ansible/group_vars/all.yml:1344",
        },
        "enable_prometheus_memcached_exporter": {
            "value": "{{ enable_memcached | bool }}",
            "source": "ansible/group_vars/all.yml:1333",
        },
        "enable_prometheus_mysqld_exporter": {
            "value": "{{ enable_mariadb | bool }}",
            "source": "ansible/group_vars/all.yml:1331",
        },
        "enable_prometheus_node_exporter": {
            "value": "{{ enable_prometheus | bool }}",
            "source": "ansible/group_vars/all.yml:1332",
        },
        "enable_prometheus_openstack_exporter": {
            "value": "{{ enable_prometheus | bool }}",
            "source": "ansible/group_vars/all.yml:1339",
        },
        "enable_prometheus_server": {
            "value": "{{ enable_prometheus | bool }}",
            "source": "ansible/group_vars/all.yml:1329",
        },
        "enable_proxysql": {
            "value": "yes",
            "source": "ansible/group_vars/all.yml:958",
        },
        "enable_rabbitmq": {
            "value": "{{ 'yes' if om_rpc_transport == 'rabbit' or om_notify_transport == 'rabbit' else 'no' }}",
            "source": "ansible/group_vars/all.yml:845",
        },
        "enable_redis": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:959",
        },
        "enable_skyline": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:960",
        },
        "enable_tacker": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:961",
        },
        "enable_telegraf": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:962",
        },
        "enable_trove": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:963",
        },
        "enable_valkey": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:965",
        },
        "enable_venus": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:966",
        },
        "enable_watcher": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:967",
        },
        "enable_zun": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:968",
        },
        "glance_api_hosts": {
            "value": (
                "{{ [groups['glance-api'] | first] if glance_backend_file | bool and glance_file_datadir_volume == "
                "'glance' else groups['glance-api'] }}"
            ),
            "source": "ansible/group_vars/all.yml:1146",
        },
        "glance_backend_ceph": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:1138",
        },
        "glance_backend_file": {
            "value": (
                "{{ not (glance_backend_ceph | bool or glance_backend_s3 | bool or glance_backend_vmware | bool) }}"
            ),
            "source": "ansible/group_vars/all.yml:1137",
        },
        "glance_backend_s3": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:1140",
        },
        "glance_backend_vmware": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:1139",
        },
        "glance_enable_tls_backend": {
            "value": "{{ kolla_enable_tls_backend }}",
            "source": "ansible/group_vars/all.yml:1148",
        },
        "glance_file_datadir_volume": {
            "value": "glance",
            "source": "ansible/group_vars/all.yml:1142",
        },
        "kolla_base_distro": {
            "value": "rocky",
            "source": "ansible/group_vars/all.yml:52",
        },
        "kolla_base_distro_version": {
            "value": "{{ kolla_base_distro_version_default_map[kolla_base_distro] }}",
            "source": "ansible/group_vars/all.yml:1384",
        },
        "kolla_base_distro_version_default_map": {
            "value": {
                "centos": "stream9",
                "debian": "bookworm",
                "rocky": "9",
                "ubuntu": "noble",
            },
            "source": "ansible/group_vars/all.yml:1375",
        },
        "kolla_enable_tls_backend": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:1079",
        },
        "mariadb_default_database_shard_id": {
            "value": 0,
            "source": "ansible/group_vars/all.yml:549",
        },
        "mariadb_loadbalancer": {
            "value": "{{ 'proxysql' if enable_proxysql | bool else 'haproxy' }}",
            "source": "ansible/group_vars/all.yml:554",
        },
        "mariadb_shard_group": {
            "value": "mariadb_{{ mariadb_shard_name }}",
            "source": "ansible/group_vars/all.yml:553",
        },
        "mariadb_shard_id": {
            "value": "{{ mariadb_default_database_shard_id }}",
            "source": "ansible/group_vars/all.yml:551",
        },
        "mariadb_shard_name": {
            "value": "shard_{{ mariadb_shard_id }}",
            "source": "ansible/group_vars/all.yml:552",
        },
        "neutron_enable_ovn_agent": {
            "value": "no",
            "source": "ansible/group_vars/all.yml:1245",
        },
        "neutron_enable_tls_backend": {
            "value": "{{ kolla_enable_tls_backend }}",
            "source": "ansible/group_vars/all.yml:1239",
        },
        "neutron_plugin_agent": {
            "value": "openvswitch",
            "source": "ansible/group_vars/all.yml:332",
        },
        "nova_compute_virt_type": {
            "value": "kvm",
            "source": "ansible/group_vars/all.yml:1253",
        },
        "nova_console": {
            "value": "novnc",
            "source": "ansible/group_vars/all.yml:1257",
        },
        "om_notify_transport": {
            "value": "rabbit",
            "source": "ansible/group_vars/all.yml:277",
        },
        "om_rpc_transport": {
            "value": "rabbit",
            "source": "ansible/group_vars/all.yml:267",
        },
        "openstack_release": {
            "value": "2025.1",
            "source": "ansible/group_vars/all.yml:795",
        },
        "openstack_tag": {
            "value": (
                "{{ openstack_release }}-{{ kolla_base_distro }}-{{ kolla_base_distro_version }}{{ "
                "openstack_tag_suffix }}"
            ),
            "source": "ansible/group_vars/all.yml:797",
        },
        "openstack_tag_suffix": {
            "value": "",
            "source": "ansible/group_vars/all.yml:798",
        },
        "proxysql_version": {
            "value": 2,
            "source": "ansible/group_vars/all.yml:704",
        },
    },
    "roles": {
        "common": {
            "play": "ansible/site.yml:88",
            "when": [],
            "services_var": "common_services",
            "services": {
                "fluentd": {
                    "enabled": "{{ enable_fluentd | bool }}",
                    "image": "fluentd",
                    "image_var": "fluentd_image",
                    "tag_var": "fluentd_tag",
                    "group": "fluentd",
                    "host_in_groups": None,
                    "source": "ansible/roles/common/defaults/main.yml:3",
                },
                "kolla-toolbox": {
                    "enabled": True,
                    "image": "kolla-toolbox",
                    "image_var": "kolla_toolbox_image",
                    "tag_var": "kolla_toolbox_tag",
                    "group": "kolla-toolbox",
                    "host_in_groups": None,
                    "source": "ansible/roles/common/defaults/main.yml:12",
                },
                "cron": {
                    "enabled": True,
                    "image": "cron",
                    "image_var": "cron_image",
                    "tag_var": "cron_tag",
                    "group": "cron",
                    "host_in_groups": None,
                    "source": "ansible/roles/common/defaults/main.yml:24",
                },
            },
            "variables": {
                "common_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/common/defaults/main.yml:59",
                },
                "cron_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cron"
                    ),
                    "source": "ansible/roles/common/defaults/main.yml:69",
                },
                "cron_tag": {
                    "value": "{{ common_tag }}",
                    "source": "ansible/roles/common/defaults/main.yml:70",
                },
                "fluentd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}fluentd"
                    ),
                    "source": "ansible/roles/common/defaults/main.yml:73",
                },
                "fluentd_tag": {
                    "value": "{{ common_tag }}",
                    "source": "ansible/roles/common/defaults/main.yml:74",
                },
                "kolla_toolbox_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}kolla-toolbox"
                    ),
                    "source": "ansible/roles/common/defaults/main.yml:65",
                },
                "kolla_toolbox_tag": {
                    "value": "{{ common_tag }}",
                    "source": "ansible/roles/common/defaults/main.yml:66",
                },
            },
        },
        "loadbalancer": {
            "play": "ansible/site.yml:105",
            "when": [
                "enable_loadbalancer | bool",
            ],
            "services_var": "loadbalancer_services",
            "services": {
                "haproxy": {
                    "enabled": True,
                    "image": "haproxy",
                    "image_var": "haproxy_image",
                    "tag_var": "haproxy_tag",
                    "group": "loadbalancer",
                    "host_in_groups": None,
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:3",
                },
                "proxysql": {
                    "enabled": "{{ enable_proxysql | bool }}",
                    "image": "proxysql{{ proxysql_version_suffix }}",
                    "image_var": "proxysql_image",
                    "tag_var": "proxysql_tag",
                    "group": "loadbalancer",
                    "host_in_groups": None,
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:12",
                },
                "keepalived": {
                    "enabled": "{{ enable_keepalived | bool }}",
                    "image": "keepalived",
                    "image_var": "keepalived_image",
                    "tag_var": "keepalived_tag",
                    "group": "loadbalancer",
                    "host_in_groups": None,
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:21",
                },
                "haproxy-ssh": {
                    "enabled": "{{ enable_letsencrypt | bool }}",
                    "image": "haproxy-ssh",
                    "image_var": "haproxy_ssh_image",
                    "tag_var": "haproxy_ssh_tag",
                    "group": "loadbalancer",
                    "host_in_groups": None,
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:29",
                },
            },
            "variables": {
                "haproxy_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}haproxy"
                    ),
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:46",
                },
                "haproxy_ssh_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}haproxy-ssh"
                    ),
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:54",
                },
                "haproxy_ssh_tag": {
                    "value": "{{ haproxy_tag }}",
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:55",
                },
                "haproxy_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:47",
                },
                "keepalived_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}keepalived"
                    ),
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:42",
                },
                "keepalived_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:43",
                },
                "proxysql_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}proxysql{{ proxysql_version_suffix }}"
                    ),
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:50",
                },
                "proxysql_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:51",
                },
                "proxysql_version_suffix": {
                    "value": "{{ '-3' if proxysql_version | int == 3 else '' }}",
                    "source": "ansible/roles/loadbalancer/defaults/main.yml:237",
                },
            },
        },
        "letsencrypt": {
            "play": "ansible/site.yml:329",
            "when": [
                "enable_letsencrypt | bool",
            ],
            "services_var": "letsencrypt_services",
            "services": {
                "letsencrypt-lego": {
                    "enabled": True,
                    "image": "letsencrypt-lego",
                    "image_var": "letsencrypt_lego_image",
                    "tag_var": "letsencrypt_lego_tag",
                    "group": "letsencrypt-lego",
                    "host_in_groups": None,
                    "source": "ansible/roles/letsencrypt/defaults/main.yml:3",
                },
                "letsencrypt-webserver": {
                    "enabled": True,
                    "image": "letsencrypt-webserver",
                    "image_var": "letsencrypt_webserver_image",
                    "tag_var": "letsencrypt_webserver_tag",
                    "group": "letsencrypt-webserver",
                    "host_in_groups": None,
                    "source": "ansible/roles/letsencrypt/defaults/main.yml:10",
                },
            },
            "variables": {
                "letsencrypt_lego_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}letsencrypt-lego"
                    ),
                    "source": "ansible/roles/letsencrypt/defaults/main.yml:25",
                },
                "letsencrypt_lego_tag": {
                    "value": "{{ letsencrypt_tag }}",
                    "source": "ansible/roles/letsencrypt/defaults/main.yml:26",
                },
                "letsencrypt_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/letsencrypt/defaults/main.yml:22",
                },
                "letsencrypt_webserver_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}letsencrypt-webserver"
                    ),
                    "source": "ansible/roles/letsencrypt/defaults/main.yml:29",
                },
                "letsencrypt_webserver_tag": {
                    "value": "{{ letsencrypt_tag }}",
                    "source": "ansible/roles/letsencrypt/defaults/main.yml:30",
                },
            },
        },
        "collectd": {
            "play": "ansible/site.yml:343",
            "when": [
                "enable_collectd | bool",
            ],
            "services_var": "collectd_services",
            "services": {
                "collectd": {
                    "enabled": True,
                    "image": "collectd",
                    "image_var": "collectd_image",
                    "tag_var": "collectd_tag",
                    "group": "collectd",
                    "host_in_groups": None,
                    "source": "ansible/roles/collectd/defaults/main.yml:3",
                },
            },
            "variables": {
                "collectd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}collectd"
                    ),
                    "source": "ansible/roles/collectd/defaults/main.yml:15",
                },
                "collectd_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/collectd/defaults/main.yml:16",
                },
            },
        },
        "influxdb": {
            "play": "ansible/site.yml:357",
            "when": [
                "enable_influxdb | bool",
            ],
            "services_var": "influxdb_services",
            "services": {
                "influxdb": {
                    "enabled": True,
                    "image": "influxdb",
                    "image_var": "influxdb_image",
                    "tag_var": "influxdb_tag",
                    "group": "influxdb",
                    "host_in_groups": None,
                    "source": "ansible/roles/influxdb/defaults/main.yml:3",
                },
            },
            "variables": {
                "influxdb_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}influxdb"
                    ),
                    "source": "ansible/roles/influxdb/defaults/main.yml:29",
                },
                "influxdb_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/influxdb/defaults/main.yml:30",
                },
            },
        },
        "telegraf": {
            "play": "ansible/site.yml:371",
            "when": [
                "enable_telegraf | bool",
            ],
            "services_var": "telegraf_services",
            "services": {
                "telegraf": {
                    "enabled": True,
                    "image": "telegraf",
                    "image_var": "telegraf_image",
                    "tag_var": "telegraf_tag",
                    "group": "telegraf",
                    "host_in_groups": None,
                    "source": "ansible/roles/telegraf/defaults/main.yml:3",
                },
            },
            "variables": {
                "telegraf_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}telegraf"
                    ),
                    "source": "ansible/roles/telegraf/defaults/main.yml:15",
                },
                "telegraf_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/telegraf/defaults/main.yml:16",
                },
            },
        },
        "redis": {
            "play": "ansible/site.yml:385",
            "when": [
                "enable_redis | bool",
            ],
            "services_var": "redis_services",
            "services": {
                "redis": {
                    "enabled": True,
                    "image": "redis",
                    "image_var": "redis_image",
                    "tag_var": "redis_tag",
                    "group": "redis",
                    "host_in_groups": None,
                    "source": "ansible/roles/redis/defaults/main.yml:3",
                },
                "redis-sentinel": {
                    "enabled": True,
                    "image": "redis-sentinel",
                    "image_var": "redis_sentinel_image",
                    "tag_var": "redis_tag",
                    "group": "redis",
                    "host_in_groups": None,
                    "source": "ansible/roles/redis/defaults/main.yml:11",
                },
            },
            "variables": {
                "redis_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}redis"
                    ),
                    "source": "ansible/roles/redis/defaults/main.yml:26",
                },
                "redis_sentinel_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}redis-sentinel"
                    ),
                    "source": "ansible/roles/redis/defaults/main.yml:30",
                },
                "redis_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/redis/defaults/main.yml:27",
                },
            },
        },
        "valkey": {
            "play": "ansible/site.yml:399",
            "when": [
                "enable_valkey | bool",
            ],
            "services_var": "valkey_services",
            "services": {
                "valkey-server": {
                    "enabled": True,
                    "image": "valkey-server",
                    "image_var": "valkey_image",
                    "tag_var": "valkey_tag",
                    "group": "valkey",
                    "host_in_groups": None,
                    "source": "ansible/roles/valkey/defaults/main.yml:3",
                },
                "valkey-sentinel": {
                    "enabled": True,
                    "image": "valkey-sentinel",
                    "image_var": "valkey_sentinel_image",
                    "tag_var": "valkey_tag",
                    "group": "valkey",
                    "host_in_groups": None,
                    "source": "ansible/roles/valkey/defaults/main.yml:11",
                },
            },
            "variables": {
                "valkey_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}valkey-server"
                    ),
                    "source": "ansible/roles/valkey/defaults/main.yml:26",
                },
                "valkey_sentinel_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}valkey-sentinel"
                    ),
                    "source": "ansible/roles/valkey/defaults/main.yml:30",
                },
                "valkey_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/valkey/defaults/main.yml:27",
                },
            },
        },
        "mariadb": {
            "play": "ansible/mariadb.yml:3",
            "when": [
                "enable_mariadb | bool",
            ],
            "services_var": "mariadb_services",
            "services": {
                "mariadb": {
                    "enabled": True,
                    "image": "mariadb-server",
                    "image_var": "mariadb_image",
                    "tag_var": "mariadb_tag",
                    "group": "{{ mariadb_shard_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/mariadb/defaults/main.yml:3",
                },
                "mariadb-clustercheck": {
                    "enabled": "{{ enable_mariadb_clustercheck | bool }}",
                    "image": "mariadb-clustercheck",
                    "image_var": "mariadb_clustercheck_image",
                    "tag_var": "mariadb_clustercheck_tag",
                    "group": "{{ mariadb_shard_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/mariadb/defaults/main.yml:42",
                },
            },
            "variables": {
                "enable_mariadb_clustercheck": {
                    "value": "{{ 'True' if mariadb_loadbalancer == 'haproxy' else 'False' }}",
                    "source": "ansible/roles/mariadb/defaults/main.yml:132",
                },
                "mariadb_clustercheck_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}mariadb-clustercheck"
                    ),
                    "source": "ansible/roles/mariadb/defaults/main.yml:74",
                },
                "mariadb_clustercheck_tag": {
                    "value": "{{ mariadb_tag }}",
                    "source": "ansible/roles/mariadb/defaults/main.yml:75",
                },
                "mariadb_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}mariadb-server"
                    ),
                    "source": "ansible/roles/mariadb/defaults/main.yml:70",
                },
                "mariadb_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/mariadb/defaults/main.yml:71",
                },
            },
        },
        "memcached": {
            "play": "ansible/site.yml:417",
            "when": [
                "enable_memcached | bool",
            ],
            "services_var": "memcached_services",
            "services": {
                "memcached": {
                    "enabled": True,
                    "image": "memcached",
                    "image_var": "memcached_image",
                    "tag_var": "memcached_tag",
                    "group": "memcached",
                    "host_in_groups": None,
                    "source": "ansible/roles/memcached/defaults/main.yml:3",
                },
            },
            "variables": {
                "memcached_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}memcached"
                    ),
                    "source": "ansible/roles/memcached/defaults/main.yml:27",
                },
                "memcached_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/memcached/defaults/main.yml:28",
                },
            },
        },
        "prometheus": {
            "play": "ansible/site.yml:431",
            "when": [
                "enable_prometheus | bool",
            ],
            "services_var": "prometheus_services",
            "services": {
                "prometheus-server": {
                    "enabled": "{{ enable_prometheus_server | bool }}",
                    "image": "prometheus-server",
                    "image_var": "prometheus_server_image",
                    "tag_var": "prometheus_server_tag",
                    "group": "prometheus",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:3",
                },
                "prometheus-node-exporter": {
                    "enabled": "{{ enable_prometheus_node_exporter | bool }}",
                    "image": "prometheus-node-exporter",
                    "image_var": "prometheus_node_exporter_image",
                    "tag_var": "prometheus_node_exporter_tag",
                    "group": "prometheus-node-exporter",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:31",
                },
                "prometheus-mysqld-exporter": {
                    "enabled": "{{ enable_prometheus_mysqld_exporter | bool }}",
                    "image": "prometheus-mysqld-exporter",
                    "image_var": "prometheus_mysqld_exporter_image",
                    "tag_var": "prometheus_mysqld_exporter_tag",
                    "group": "prometheus-mysqld-exporter",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:39",
                },
                "prometheus-memcached-exporter": {
                    "enabled": "{{ enable_prometheus_memcached_exporter | bool }}",
                    "image": "prometheus-memcached-exporter",
                    "image_var": "prometheus_memcached_exporter_image",
                    "tag_var": "prometheus_memcached_exporter_tag",
                    "group": "prometheus-memcached-exporter",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:46",
                },
                "prometheus-cadvisor": {
                    "enabled": "{{ enable_prometheus_cadvisor | bool }}",
                    "image": "prometheus-cadvisor",
                    "image_var": "prometheus_cadvisor_image",
                    "tag_var": "prometheus_cadvisor_tag",
                    "group": "prometheus-cadvisor",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:53",
                },
                "prometheus-alertmanager": {
                    "enabled": "{{ enable_prometheus_alertmanager | bool }}",
                    "image": "prometheus-alertmanager",
                    "image_var": "prometheus_alertmanager_image",
                    "tag_var": "prometheus_alertmanager_tag",
                    "group": "prometheus-alertmanager",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:60",
                },
                "prometheus-openstack-exporter": {
                    "enabled": "{{ enable_prometheus_openstack_exporter | bool }}",
                    "image": "prometheus-openstack-exporter",
                    "image_var": "prometheus_openstack_exporter_image",
                    "tag_var": "prometheus_openstack_exporter_tag",
                    "group": "prometheus-openstack-exporter",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:90",
                },
                "prometheus-elasticsearch-exporter": {
                    "enabled": "{{ enable_prometheus_elasticsearch_exporter | bool }}",
                    "image": "prometheus-elasticsearch-exporter",
                    "image_var": "prometheus_elasticsearch_exporter_image",
                    "tag_var": "prometheus_elasticsearch_exporter_tag",
                    "group": "prometheus-elasticsearch-exporter",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:116",
                },
                "prometheus-blackbox-exporter": {
                    "enabled": "{{ enable_prometheus_blackbox_exporter | bool }}",
                    "image": "prometheus-blackbox-exporter",
                    "image_var": "prometheus_blackbox_exporter_image",
                    "tag_var": "prometheus_blackbox_exporter_tag",
                    "group": "prometheus-blackbox-exporter",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:123",
                },
                "prometheus-libvirt-exporter": {
                    "enabled": "{{ enable_prometheus_libvirt_exporter | bool }}",
                    "image": "prometheus-libvirt-exporter",
                    "image_var": "prometheus_libvirt_exporter_image",
                    "tag_var": "prometheus_libvirt_exporter_tag",
                    "group": "prometheus-libvirt-exporter",
                    "host_in_groups": None,
                    "source": "ansible/roles/prometheus/defaults/main.yml:132",
                },
            },
            "variables": {
                "prometheus_alertmanager_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-alertmanager"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:377",
                },
                "prometheus_alertmanager_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:378",
                },
                "prometheus_blackbox_exporter_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-blackbox-exporter"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:390",
                },
                "prometheus_blackbox_exporter_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:391",
                },
                "prometheus_cadvisor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-cadvisor"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:373",
                },
                "prometheus_cadvisor_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:374",
                },
                "prometheus_elasticsearch_exporter_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-elasticsearch-exporter"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:386",
                },
                "prometheus_elasticsearch_exporter_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:387",
                },
                "prometheus_libvirt_exporter_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-libvirt-exporter"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:394",
                },
                "prometheus_libvirt_exporter_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:395",
                },
                "prometheus_memcached_exporter_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-memcached-exporter"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:369",
                },
                "prometheus_memcached_exporter_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:370",
                },
                "prometheus_mysqld_exporter_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-mysqld-exporter"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:361",
                },
                "prometheus_mysqld_exporter_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:362",
                },
                "prometheus_node_exporter_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-node-exporter"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:365",
                },
                "prometheus_node_exporter_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:366",
                },
                "prometheus_openstack_exporter_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-openstack-exporter"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:382",
                },
                "prometheus_openstack_exporter_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:383",
                },
                "prometheus_server_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}prometheus-server"
                    ),
                    "source": "ansible/roles/prometheus/defaults/main.yml:357",
                },
                "prometheus_server_tag": {
                    "value": "{{ prometheus_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:358",
                },
                "prometheus_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/prometheus/defaults/main.yml:355",
                },
            },
        },
        "iscsi": {
            "play": "ansible/site.yml:454",
            "when": [
                "enable_iscsid | bool",
            ],
            "services_var": "iscsi_services",
            "services": {
                "iscsid": {
                    "enabled": "{{ enable_iscsid_for_cinder or enable_iscsid_for_ironic }}",
                    "image": "iscsid",
                    "image_var": "iscsid_image",
                    "tag_var": "iscsid_tag",
                    "group": "iscsid",
                    "host_in_groups": None,
                    "source": "ansible/roles/iscsi/defaults/main.yml:3",
                },
                "tgtd": {
                    "enabled": "{{ enable_tgtd }}",
                    "image": "tgtd",
                    "image_var": "tgtd_image",
                    "tag_var": "tgtd_tag",
                    "group": "tgtd",
                    "host_in_groups": None,
                    "source": "ansible/roles/iscsi/defaults/main.yml:12",
                },
            },
            "variables": {
                "enable_iscsid_for_cinder": {
                    "value": (
                        "{{ (inventory_hostname in groups['compute']\n    or inventory_hostname in "
                        "groups['cinder-backup']\n    or inventory_hostname in groups['cinder-volume'])\n   and "
                        "enable_cinder | bool\n   and enable_cinder_backend_iscsi | bool }}"
                    ),
                    "source": "ansible/roles/iscsi/defaults/main.yml:62",
                },
                "enable_iscsid_for_ironic": {
                    "value": "{{ inventory_hostname in groups['ironic-conductor'] and enable_ironic | bool }}",
                    "source": "ansible/roles/iscsi/defaults/main.yml:68",
                },
                "enable_tgtd": {
                    "value": (
                        "{{ enable_cinder | bool and\n   enable_cinder_backend_lvm | bool and\n   cinder_target_helper "
                        '== "tgtadm" }}'
                    ),
                    "source": "ansible/roles/iscsi/defaults/main.yml:70",
                },
                "iscsi_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/iscsi/defaults/main.yml:27",
                },
                "iscsid_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}iscsid"
                    ),
                    "source": "ansible/roles/iscsi/defaults/main.yml:29",
                },
                "iscsid_tag": {
                    "value": "{{ iscsi_tag }}",
                    "source": "ansible/roles/iscsi/defaults/main.yml:30",
                },
                "tgtd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}tgtd"
                    ),
                    "source": "ansible/roles/iscsi/defaults/main.yml:33",
                },
                "tgtd_tag": {
                    "value": "{{ iscsi_tag }}",
                    "source": "ansible/roles/iscsi/defaults/main.yml:34",
                },
            },
        },
        "multipathd": {
            "play": "ansible/site.yml:469",
            "when": [
                "enable_multipathd | bool",
            ],
            "services_var": "multipathd_services",
            "services": {
                "multipathd": {
                    "enabled": True,
                    "image": "multipathd",
                    "image_var": "multipathd_image",
                    "tag_var": "multipathd_tag",
                    "group": "multipathd",
                    "host_in_groups": None,
                    "source": "ansible/roles/multipathd/defaults/main.yml:3",
                },
            },
            "variables": {
                "multipathd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}multipathd"
                    ),
                    "source": "ansible/roles/multipathd/defaults/main.yml:16",
                },
                "multipathd_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/multipathd/defaults/main.yml:17",
                },
            },
        },
        "rabbitmq": {
            "play": "ansible/rabbitmq.yml:3",
            "when": [
                "enable_rabbitmq | bool",
            ],
            "services_var": "rabbitmq_services",
            "services": {
                "rabbitmq": {
                    "enabled": True,
                    "image": "rabbitmq",
                    "image_var": "rabbitmq_image",
                    "tag_var": "rabbitmq_tag",
                    "group": "{{ role_rabbitmq_groups }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/rabbitmq/defaults/main.yml:3",
                },
            },
            "variables": {
                "rabbitmq_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}rabbitmq"
                    ),
                    "source": "ansible/roles/rabbitmq/defaults/main.yml:30",
                },
                "rabbitmq_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/rabbitmq/defaults/main.yml:31",
                },
                "role_rabbitmq_groups": {
                    "value": "rabbitmq",
                    "source": "ansible/rabbitmq.yml:3",
                },
            },
        },
        "etcd": {
            "play": "ansible/site.yml:485",
            "when": [
                "enable_etcd | bool",
            ],
            "services_var": "etcd_services",
            "services": {
                "etcd": {
                    "enabled": True,
                    "image": "etcd",
                    "image_var": "etcd_image",
                    "tag_var": "etcd_tag",
                    "group": "etcd",
                    "host_in_groups": None,
                    "source": "ansible/roles/etcd/defaults/main.yml:3",
                },
            },
            "variables": {
                "etcd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}etcd"
                    ),
                    "source": "ansible/roles/etcd/defaults/main.yml:60",
                },
                "etcd_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/etcd/defaults/main.yml:61",
                },
            },
        },
        "keystone": {
            "play": "ansible/site.yml:498",
            "when": [
                "enable_keystone | bool",
            ],
            "services_var": "keystone_services",
            "services": {
                "keystone": {
                    "enabled": True,
                    "image": "keystone",
                    "image_var": "keystone_image",
                    "tag_var": "keystone_service_tag",
                    "group": "keystone",
                    "host_in_groups": None,
                    "source": "ansible/roles/keystone/defaults/main.yml:3",
                },
                "keystone-ssh": {
                    "enabled": True,
                    "image": "keystone-ssh",
                    "image_var": "keystone_ssh_image",
                    "tag_var": "keystone_ssh_tag",
                    "group": "keystone",
                    "host_in_groups": None,
                    "source": "ansible/roles/keystone/defaults/main.yml:33",
                },
                "keystone-fernet": {
                    "enabled": True,
                    "image": "keystone-fernet",
                    "image_var": "keystone_fernet_image",
                    "tag_var": "keystone_fernet_tag",
                    "group": "keystone",
                    "host_in_groups": None,
                    "source": "ansible/roles/keystone/defaults/main.yml:46",
                },
            },
            "variables": {
                "keystone_fernet_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}keystone-fernet"
                    ),
                    "source": "ansible/roles/keystone/defaults/main.yml:104",
                },
                "keystone_fernet_tag": {
                    "value": "{{ keystone_tag }}",
                    "source": "ansible/roles/keystone/defaults/main.yml:105",
                },
                "keystone_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}keystone"
                    ),
                    "source": "ansible/roles/keystone/defaults/main.yml:100",
                },
                "keystone_service_tag": {
                    "value": "{{ keystone_tag }}",
                    "source": "ansible/roles/keystone/defaults/main.yml:101",
                },
                "keystone_ssh_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}keystone-ssh"
                    ),
                    "source": "ansible/roles/keystone/defaults/main.yml:108",
                },
                "keystone_ssh_tag": {
                    "value": "{{ keystone_tag }}",
                    "source": "ansible/roles/keystone/defaults/main.yml:109",
                },
                "keystone_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/keystone/defaults/main.yml:98",
                },
            },
        },
        "opensearch": {
            "play": "ansible/site.yml:512",
            "when": [
                "enable_opensearch | bool",
            ],
            "services_var": "opensearch_services",
            "services": {
                "opensearch": {
                    "enabled": True,
                    "image": "opensearch",
                    "image_var": "opensearch_image",
                    "tag_var": "opensearch_tag",
                    "group": "opensearch",
                    "host_in_groups": None,
                    "source": "ansible/roles/opensearch/defaults/main.yml:3",
                },
                "opensearch-dashboards": {
                    "enabled": "{{ enable_opensearch_dashboards }}",
                    "image": "opensearch-dashboards",
                    "image_var": "opensearch_dashboards_image",
                    "tag_var": "opensearch_dashboards_tag",
                    "group": "opensearch-dashboards",
                    "host_in_groups": None,
                    "source": "ansible/roles/opensearch/defaults/main.yml:23",
                },
            },
            "variables": {
                "opensearch_dashboards_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}opensearch-dashboards"
                    ),
                    "source": "ansible/roles/opensearch/defaults/main.yml:142",
                },
                "opensearch_dashboards_tag": {
                    "value": "{{ opensearch_tag }}",
                    "source": "ansible/roles/opensearch/defaults/main.yml:143",
                },
                "opensearch_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}opensearch"
                    ),
                    "source": "ansible/roles/opensearch/defaults/main.yml:138",
                },
                "opensearch_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/opensearch/defaults/main.yml:139",
                },
            },
        },
        "ceph-rgw": {
            "play": "ansible/site.yml:526",
            "when": [
                "enable_ceph_rgw | bool",
            ],
            "services_var": None,
            "services": {},
            "variables": {},
        },
        "glance": {
            "play": "ansible/site.yml:542",
            "when": [
                "enable_glance | bool",
            ],
            "services_var": "glance_services",
            "services": {
                "glance-api": {
                    "enabled": True,
                    "image": "glance-api",
                    "image_var": "glance_api_image",
                    "tag_var": "glance_api_tag",
                    "group": "glance-api",
                    "host_in_groups": "{{ inventory_hostname in glance_api_hosts }}",
                    "source": "ansible/roles/glance/defaults/main.yml:3",
                },
                "glance-tls-proxy": {
                    "enabled": "{{ glance_enable_tls_backend }}",
                    "image": "haproxy",
                    "image_var": "glance_tls_proxy_image",
                    "tag_var": "glance_tls_proxy_tag",
                    "group": "glance-api",
                    "host_in_groups": "{{ inventory_hostname in glance_api_hosts }}",
                    "source": "ansible/roles/glance/defaults/main.yml:38",
                },
            },
            "variables": {
                "glance_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}glance-api"
                    ),
                    "source": "ansible/roles/glance/defaults/main.yml:160",
                },
                "glance_api_tag": {
                    "value": "{{ glance_tag }}",
                    "source": "ansible/roles/glance/defaults/main.yml:161",
                },
                "glance_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/glance/defaults/main.yml:158",
                },
                "glance_tls_proxy_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}haproxy"
                    ),
                    "source": "ansible/roles/glance/defaults/main.yml:164",
                },
                "glance_tls_proxy_tag": {
                    "value": "{{ haproxy_tag }}",
                    "source": "ansible/roles/glance/defaults/main.yml:165",
                },
                "haproxy_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/glance/defaults/main.yml:157",
                },
            },
        },
        "ironic": {
            "play": "ansible/site.yml:556",
            "when": [
                "enable_ironic | bool",
            ],
            "services_var": "ironic_services",
            "services": {
                "ironic-api": {
                    "enabled": True,
                    "image": "ironic-api",
                    "image_var": "ironic_api_image",
                    "tag_var": "ironic_api_tag",
                    "group": "ironic-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/ironic/defaults/main.yml:3",
                },
                "ironic-conductor": {
                    "enabled": True,
                    "image": "ironic-conductor",
                    "image_var": "ironic_conductor_image",
                    "tag_var": "ironic_conductor_tag",
                    "group": "ironic-conductor",
                    "host_in_groups": None,
                    "source": "ansible/roles/ironic/defaults/main.yml:31",
                },
                "ironic-inspector": {
                    "enabled": "{{ enable_ironic_inspector }}",
                    "image": "ironic-inspector",
                    "image_var": "ironic_inspector_image",
                    "tag_var": "ironic_inspector_tag",
                    "group": "ironic-inspector",
                    "host_in_groups": None,
                    "source": "ansible/roles/ironic/defaults/main.yml:40",
                },
                "ironic-tftp": {
                    "enabled": True,
                    "image": "ironic-pxe",
                    "image_var": "ironic_pxe_image",
                    "tag_var": "ironic_pxe_tag",
                    "group": "ironic-tftp",
                    "host_in_groups": None,
                    "source": "ansible/roles/ironic/defaults/main.yml:67",
                },
                "ironic-http": {
                    "enabled": True,
                    "image": "ironic-pxe",
                    "image_var": "ironic_pxe_image",
                    "tag_var": "ironic_pxe_tag",
                    "group": "ironic-http",
                    "host_in_groups": None,
                    "source": "ansible/roles/ironic/defaults/main.yml:77",
                },
                "ironic-dnsmasq": {
                    "enabled": "{{ enable_ironic_dnsmasq }}",
                    "image": "dnsmasq",
                    "image_var": "ironic_dnsmasq_image",
                    "tag_var": "ironic_dnsmasq_tag",
                    "group": "ironic-inspector",
                    "host_in_groups": None,
                    "source": "ansible/roles/ironic/defaults/main.yml:87",
                },
                "ironic-prometheus-exporter": {
                    "enabled": "{{ enable_ironic_prometheus_exporter }}",
                    "image": "ironic-prometheus-exporter",
                    "image_var": "ironic_prometheus_exporter_image",
                    "tag_var": "ironic_prometheus_exporter_tag",
                    "group": "ironic-conductor",
                    "host_in_groups": None,
                    "source": "ansible/roles/ironic/defaults/main.yml:97",
                },
            },
            "variables": {
                "ironic_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ironic-api"
                    ),
                    "source": "ansible/roles/ironic/defaults/main.yml:146",
                },
                "ironic_api_tag": {
                    "value": "{{ ironic_tag }}",
                    "source": "ansible/roles/ironic/defaults/main.yml:147",
                },
                "ironic_conductor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ironic-conductor"
                    ),
                    "source": "ansible/roles/ironic/defaults/main.yml:150",
                },
                "ironic_conductor_tag": {
                    "value": "{{ ironic_tag }}",
                    "source": "ansible/roles/ironic/defaults/main.yml:151",
                },
                "ironic_dnsmasq_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}dnsmasq"
                    ),
                    "source": "ansible/roles/ironic/defaults/main.yml:162",
                },
                "ironic_dnsmasq_tag": {
                    "value": "{{ ironic_tag }}",
                    "source": "ansible/roles/ironic/defaults/main.yml:163",
                },
                "ironic_inspector_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ironic-inspector"
                    ),
                    "source": "ansible/roles/ironic/defaults/main.yml:158",
                },
                "ironic_inspector_tag": {
                    "value": "{{ ironic_tag }}",
                    "source": "ansible/roles/ironic/defaults/main.yml:159",
                },
                "ironic_prometheus_exporter_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ironic-prometheus-exporter"
                    ),
                    "source": "ansible/roles/ironic/defaults/main.yml:166",
                },
                "ironic_prometheus_exporter_tag": {
                    "value": "{{ ironic_tag }}",
                    "source": "ansible/roles/ironic/defaults/main.yml:167",
                },
                "ironic_pxe_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ironic-pxe"
                    ),
                    "source": "ansible/roles/ironic/defaults/main.yml:154",
                },
                "ironic_pxe_tag": {
                    "value": "{{ ironic_tag }}",
                    "source": "ansible/roles/ironic/defaults/main.yml:155",
                },
                "ironic_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/ironic/defaults/main.yml:144",
                },
            },
        },
        "cinder": {
            "play": "ansible/site.yml:574",
            "when": [
                "enable_cinder | bool",
            ],
            "services_var": "cinder_services",
            "services": {
                "cinder-api": {
                    "enabled": True,
                    "image": "cinder-api",
                    "image_var": "cinder_api_image",
                    "tag_var": "cinder_api_tag",
                    "group": "cinder-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/cinder/defaults/main.yml:3",
                },
                "cinder-scheduler": {
                    "enabled": True,
                    "image": "cinder-scheduler",
                    "image_var": "cinder_scheduler_image",
                    "tag_var": "cinder_scheduler_tag",
                    "group": "cinder-scheduler",
                    "host_in_groups": None,
                    "source": "ansible/roles/cinder/defaults/main.yml:32",
                },
                "cinder-volume": {
                    "enabled": True,
                    "image": "cinder-volume",
                    "image_var": "cinder_volume_image",
                    "tag_var": "cinder_volume_tag",
                    "group": "cinder-volume",
                    "host_in_groups": None,
                    "source": "ansible/roles/cinder/defaults/main.yml:40",
                },
                "cinder-backup": {
                    "enabled": "{{ enable_cinder_backup | bool }}",
                    "image": "cinder-backup",
                    "image_var": "cinder_backup_image",
                    "tag_var": "cinder_backup_tag",
                    "group": "cinder-backup",
                    "host_in_groups": None,
                    "source": "ansible/roles/cinder/defaults/main.yml:51",
                },
            },
            "variables": {
                "cinder_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cinder-api"
                    ),
                    "source": "ansible/roles/cinder/defaults/main.yml:107",
                },
                "cinder_api_tag": {
                    "value": "{{ cinder_tag }}",
                    "source": "ansible/roles/cinder/defaults/main.yml:108",
                },
                "cinder_backup_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cinder-backup"
                    ),
                    "source": "ansible/roles/cinder/defaults/main.yml:103",
                },
                "cinder_backup_tag": {
                    "value": "{{ cinder_tag }}",
                    "source": "ansible/roles/cinder/defaults/main.yml:104",
                },
                "cinder_scheduler_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cinder-scheduler"
                    ),
                    "source": "ansible/roles/cinder/defaults/main.yml:99",
                },
                "cinder_scheduler_tag": {
                    "value": "{{ cinder_tag }}",
                    "source": "ansible/roles/cinder/defaults/main.yml:100",
                },
                "cinder_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/cinder/defaults/main.yml:93",
                },
                "cinder_volume_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cinder-volume"
                    ),
                    "source": "ansible/roles/cinder/defaults/main.yml:95",
                },
                "cinder_volume_tag": {
                    "value": "{{ cinder_tag }}",
                    "source": "ansible/roles/cinder/defaults/main.yml:96",
                },
            },
        },
        "placement": {
            "play": "ansible/site.yml:591",
            "when": [
                "enable_placement | bool",
            ],
            "services_var": "placement_services",
            "services": {
                "placement-api": {
                    "enabled": True,
                    "image": "placement-api",
                    "image_var": "placement_api_image",
                    "tag_var": "placement_api_tag",
                    "group": "placement-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/placement/defaults/main.yml:3",
                },
            },
            "variables": {
                "placement_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}placement-api"
                    ),
                    "source": "ansible/roles/placement/defaults/main.yml:66",
                },
                "placement_api_tag": {
                    "value": "{{ placement_tag }}",
                    "source": "ansible/roles/placement/defaults/main.yml:67",
                },
                "placement_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/placement/defaults/main.yml:64",
                },
            },
        },
        "openvswitch": {
            "play": "ansible/site.yml:605",
            "when": [
                "enable_openvswitch | bool",
                "not (enable_ovs_dpdk | bool)",
                "(enable_openvswitch | bool) and not (enable_ovs_dpdk | bool)",
            ],
            "services_var": "openvswitch_services",
            "services": {
                "openvswitch-db-server": {
                    "enabled": "{{ enable_openvswitch }}",
                    "image": "openvswitch-db-server",
                    "image_var": "openvswitch_db_image",
                    "tag_var": "openvswitch_db_tag",
                    "group": "openvswitch",
                    "host_in_groups": (
                        "{{ inventory_hostname in groups['compute'] or (enable_manila_backend_generic | bool and "
                        "inventory_hostname in groups['manila-share']) or inventory_hostname in "
                        "groups['neutron-dhcp-agent'] or inventory_hostname in groups['neutron-l3-agent'] or "
                        "inventory_hostname in groups['neutron-metadata-agent'] }}"
                    ),
                    "source": "ansible/roles/openvswitch/defaults/main.yml:3",
                },
                "openvswitch-vswitchd": {
                    "enabled": "{{ enable_openvswitch }}",
                    "image": "openvswitch-vswitchd",
                    "image_var": "openvswitch_vswitchd_image",
                    "tag_var": "openvswitch_vswitchd_tag",
                    "group": "openvswitch",
                    "host_in_groups": (
                        "{{ inventory_hostname in groups['compute'] or (enable_manila_backend_generic | bool and "
                        "inventory_hostname in groups['manila-share']) or inventory_hostname in "
                        "groups['neutron-dhcp-agent'] or inventory_hostname in groups['neutron-l3-agent'] or "
                        "inventory_hostname in groups['neutron-metadata-agent'] }}"
                    ),
                    "source": "ansible/roles/openvswitch/defaults/main.yml:19",
                },
            },
            "variables": {
                "openvswitch_db_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}openvswitch-db-server"
                    ),
                    "source": "ansible/roles/openvswitch/defaults/main.yml:42",
                },
                "openvswitch_db_tag": {
                    "value": "{{ openvswitch_tag }}",
                    "source": "ansible/roles/openvswitch/defaults/main.yml:43",
                },
                "openvswitch_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/openvswitch/defaults/main.yml:40",
                },
                "openvswitch_vswitchd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}openvswitch-vswitchd"
                    ),
                    "source": "ansible/roles/openvswitch/defaults/main.yml:46",
                },
                "openvswitch_vswitchd_tag": {
                    "value": "{{ openvswitch_tag }}",
                    "source": "ansible/roles/openvswitch/defaults/main.yml:47",
                },
            },
        },
        "ovs-dpdk": {
            "play": "ansible/site.yml:620",
            "when": [
                "enable_openvswitch | bool",
                "enable_ovs_dpdk | bool",
                "(enable_openvswitch | bool) and (enable_ovs_dpdk | bool)",
            ],
            "services_var": "ovsdpdk_services",
            "services": {
                "ovsdpdk-db": {
                    "enabled": "{{ neutron_plugin_agent in ['openvswitch'] }}",
                    "image": "ovsdpdk-db",
                    "image_var": "ovsdpdk_db_image",
                    "tag_var": "ovsdpdk_db_tag",
                    "group": None,
                    "host_in_groups": (
                        "{{ inventory_hostname in groups['compute'] or (enable_manila | bool and inventory_hostname in "
                        "groups['manila-share']) or inventory_hostname in groups['neutron-dhcp-agent'] or "
                        "inventory_hostname in groups['neutron-l3-agent'] or inventory_hostname in "
                        "groups['neutron-metadata-agent'] }}"
                    ),
                    "source": "ansible/roles/ovs-dpdk/defaults/main.yml:7",
                },
                "ovsdpdk-vswitchd": {
                    "enabled": "{{ neutron_plugin_agent in ['openvswitch'] }}",
                    "image": "ovsdpdk-vswitchd",
                    "image_var": "ovsdpdk_vswitchd_image",
                    "tag_var": "ovsdpdk_vswitchd_tag",
                    "group": None,
                    "host_in_groups": (
                        "{{ inventory_hostname in groups['compute'] or (enable_manila | bool and inventory_hostname in "
                        "groups['manila-share']) or inventory_hostname in groups['neutron-dhcp-agent'] or "
                        "inventory_hostname in groups['neutron-l3-agent'] or inventory_hostname in "
                        "groups['neutron-metadata-agent'] }}"
                    ),
                    "source": "ansible/roles/ovs-dpdk/defaults/main.yml:21",
                },
            },
            "variables": {
                "ovsdpdk_db_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ovsdpdk-db"
                    ),
                    "source": "ansible/roles/ovs-dpdk/defaults/main.yml:63",
                },
                "ovsdpdk_db_tag": {
                    "value": "{{ ovsdpdk_tag }}",
                    "source": "ansible/roles/ovs-dpdk/defaults/main.yml:64",
                },
                "ovsdpdk_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/ovs-dpdk/defaults/main.yml:61",
                },
                "ovsdpdk_vswitchd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ovsdpdk-vswitchd"
                    ),
                    "source": "ansible/roles/ovs-dpdk/defaults/main.yml:67",
                },
                "ovsdpdk_vswitchd_tag": {
                    "value": "{{ ovsdpdk_tag }}",
                    "source": "ansible/roles/ovs-dpdk/defaults/main.yml:68",
                },
            },
        },
        "ovn-controller": {
            "play": "ansible/site.yml:635",
            "when": [
                "enable_ovn | bool",
            ],
            "services_var": "ovn_controller_services",
            "services": {
                "ovn-controller": {
                    "enabled": True,
                    "image": "ovn-controller",
                    "image_var": "ovn_controller_image",
                    "tag_var": "ovn_controller_tag",
                    "group": "ovn-controller",
                    "host_in_groups": None,
                    "source": "ansible/roles/ovn-controller/defaults/main.yml:3",
                },
            },
            "variables": {
                "ovn_controller_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ovn-controller"
                    ),
                    "source": "ansible/roles/ovn-controller/defaults/main.yml:16",
                },
                "ovn_controller_tag": {
                    "value": "{{ ovn_tag }}",
                    "source": "ansible/roles/ovn-controller/defaults/main.yml:17",
                },
                "ovn_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/ovn-controller/defaults/main.yml:14",
                },
            },
        },
        "ovn-db": {
            "play": "ansible/site.yml:649",
            "when": [
                "enable_ovn | bool",
            ],
            "services_var": "ovn_db_services",
            "services": {
                "ovn-northd": {
                    "enabled": True,
                    "image": "ovn-northd",
                    "image_var": "ovn_northd_image",
                    "tag_var": "ovn_northd_tag",
                    "group": "ovn-northd",
                    "host_in_groups": None,
                    "source": "ansible/roles/ovn-db/defaults/main.yml:3",
                },
                "ovn-nb-db": {
                    "enabled": True,
                    "image": "ovn-nb-db-server",
                    "image_var": "ovn_nb_db_image",
                    "tag_var": "ovn_nb_db_tag",
                    "group": "ovn-nb-db",
                    "host_in_groups": None,
                    "source": "ansible/roles/ovn-db/defaults/main.yml:13",
                },
                "ovn-sb-db": {
                    "enabled": True,
                    "image": "ovn-sb-db-server",
                    "image_var": "ovn_sb_db_image",
                    "tag_var": "ovn_sb_db_tag",
                    "group": "ovn-sb-db",
                    "host_in_groups": None,
                    "source": "ansible/roles/ovn-db/defaults/main.yml:22",
                },
                "ovn-sb-db-relay": {
                    "enabled": "{{ enable_ovn_sb_db_relay | bool }}",
                    "image": "ovn-sb-db-relay",
                    "image_var": "ovn_sb_db_relay_image",
                    "tag_var": "ovn_sb_db_relay_tag",
                    "group": "ovn-sb-db-relay",
                    "host_in_groups": None,
                    "source": "ansible/roles/ovn-db/defaults/main.yml:31",
                },
            },
            "variables": {
                "ovn_nb_db_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ovn-nb-db-server"
                    ),
                    "source": "ansible/roles/ovn-db/defaults/main.yml:53",
                },
                "ovn_nb_db_tag": {
                    "value": "{{ ovn_tag }}",
                    "source": "ansible/roles/ovn-db/defaults/main.yml:54",
                },
                "ovn_northd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ovn-northd"
                    ),
                    "source": "ansible/roles/ovn-db/defaults/main.yml:49",
                },
                "ovn_northd_tag": {
                    "value": "{{ ovn_tag }}",
                    "source": "ansible/roles/ovn-db/defaults/main.yml:50",
                },
                "ovn_sb_db_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ovn-sb-db-server"
                    ),
                    "source": "ansible/roles/ovn-db/defaults/main.yml:57",
                },
                "ovn_sb_db_relay_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ovn-sb-db-relay"
                    ),
                    "source": "ansible/roles/ovn-db/defaults/main.yml:61",
                },
                "ovn_sb_db_relay_tag": {
                    "value": "{{ ovn_tag }}",
                    "source": "ansible/roles/ovn-db/defaults/main.yml:62",
                },
                "ovn_sb_db_tag": {
                    "value": "{{ ovn_tag }}",
                    "source": "ansible/roles/ovn-db/defaults/main.yml:58",
                },
                "ovn_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/ovn-db/defaults/main.yml:47",
                },
            },
        },
        "nova": {
            "play": "ansible/nova.yml:103",
            "when": [
                "enable_nova | bool",
            ],
            "services_var": "nova_services",
            "services": {
                "nova-api": {
                    "enabled": True,
                    "image": "nova-api",
                    "image_var": "nova_api_image",
                    "tag_var": "nova_api_tag",
                    "group": "nova-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova/defaults/main.yml:3",
                },
                "nova-metadata": {
                    "enabled": True,
                    "image": "nova-api",
                    "image_var": "nova_api_image",
                    "tag_var": "nova_api_tag",
                    "group": "nova-metadata",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova/defaults/main.yml:33",
                },
                "nova-scheduler": {
                    "enabled": True,
                    "image": "nova-scheduler",
                    "image_var": "nova_scheduler_image",
                    "tag_var": "nova_scheduler_tag",
                    "group": "nova-scheduler",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova/defaults/main.yml:62",
                },
                "nova-super-conductor": {
                    "enabled": "{{ enable_cells }}",
                    "image": "nova-conductor",
                    "image_var": "nova_super_conductor_image",
                    "tag_var": "nova_super_conductor_tag",
                    "group": "nova-super-conductor",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova/defaults/main.yml:70",
                },
            },
            "variables": {
                "nova_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-api"
                    ),
                    "source": "ansible/roles/nova/defaults/main.yml:135",
                },
                "nova_api_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova/defaults/main.yml:136",
                },
                "nova_scheduler_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-scheduler"
                    ),
                    "source": "ansible/roles/nova/defaults/main.yml:131",
                },
                "nova_scheduler_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova/defaults/main.yml:132",
                },
                "nova_super_conductor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-conductor"
                    ),
                    "source": "ansible/roles/nova/defaults/main.yml:127",
                },
                "nova_super_conductor_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova/defaults/main.yml:128",
                },
                "nova_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/nova/defaults/main.yml:125",
                },
            },
        },
        "nova-cell": {
            "play": "ansible/nova.yml:125",
            "when": [
                "enable_nova | bool",
            ],
            "services_var": "nova_cell_services",
            "services": {
                "nova-libvirt": {
                    "enabled": "{{ enable_nova_libvirt_container }}",
                    "image": "nova-libvirt",
                    "image_var": "nova_libvirt_image",
                    "tag_var": "nova_libvirt_tag",
                    "group": "{{ nova_cell_compute_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova-cell/defaults/main.yml:5",
                },
                "nova-ssh": {
                    "enabled": "{{ enable_nova_ssh | bool }}",
                    "image": "nova-ssh",
                    "image_var": "nova_ssh_image",
                    "tag_var": "nova_ssh_tag",
                    "group": "{{ nova_cell_compute_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova-cell/defaults/main.yml:16",
                },
                "nova-novncproxy": {
                    "enabled": "{{ nova_console == 'novnc' }}",
                    "image": "nova-novncproxy",
                    "image_var": "nova_novncproxy_image",
                    "tag_var": "nova_novncproxy_tag",
                    "group": "{{ nova_cell_novncproxy_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova-cell/defaults/main.yml:24",
                },
                "nova-spicehtml5proxy": {
                    "enabled": "{{ nova_console == 'spice' }}",
                    "image": "nova-spicehtml5proxy",
                    "image_var": "nova_spicehtml5proxy_image",
                    "tag_var": "nova_spicehtml5proxy_tag",
                    "group": "{{ nova_cell_spicehtml5proxy_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova-cell/defaults/main.yml:32",
                },
                "nova-serialproxy": {
                    "enabled": "{{ enable_nova_serialconsole_proxy | bool }}",
                    "image": "nova-serialproxy",
                    "image_var": "nova_serialproxy_image",
                    "tag_var": "nova_serialproxy_tag",
                    "group": "{{ nova_cell_serialproxy_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova-cell/defaults/main.yml:40",
                },
                "nova-conductor": {
                    "enabled": True,
                    "image": "nova-conductor",
                    "image_var": "nova_conductor_image",
                    "tag_var": "nova_conductor_tag",
                    "group": "{{ nova_cell_conductor_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova-cell/defaults/main.yml:47",
                },
                "nova-compute": {
                    "enabled": "{{ not enable_nova_fake | bool }}",
                    "image": "nova-compute",
                    "image_var": "nova_compute_image",
                    "tag_var": "nova_compute_tag",
                    "group": "{{ nova_cell_compute_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova-cell/defaults/main.yml:55",
                },
                "nova-compute-ironic": {
                    "enabled": "{{ enable_ironic | bool and nova_cell_name == nova_cell_ironic_cell_name }}",
                    "image": "nova-compute-ironic",
                    "image_var": "nova_compute_ironic_image",
                    "tag_var": "nova_compute_ironic_tag",
                    "group": "{{ nova_cell_compute_ironic_group }}",
                    "host_in_groups": None,
                    "source": "ansible/roles/nova-cell/defaults/main.yml:67",
                },
            },
            "variables": {
                "nova_cell_compute_group": {
                    "value": "compute",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:117",
                },
                "nova_cell_compute_ironic_group": {
                    "value": "nova-compute-ironic",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:124",
                },
                "nova_cell_conductor_group": {
                    "value": "nova-conductor",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:131",
                },
                "nova_cell_ironic_cell_name": {
                    "value": "",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:111",
                },
                "nova_cell_name": {
                    "value": "",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:106",
                },
                "nova_cell_novncproxy_group": {
                    "value": "nova-novncproxy",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:138",
                },
                "nova_cell_serialproxy_group": {
                    "value": "nova-serialproxy",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:152",
                },
                "nova_cell_spicehtml5proxy_group": {
                    "value": "nova-spicehtml5proxy",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:145",
                },
                "nova_compute_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-compute"
                    ),
                    "source": "ansible/roles/nova-cell/defaults/main.yml:262",
                },
                "nova_compute_ironic_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-compute-ironic"
                    ),
                    "source": "ansible/roles/nova-cell/defaults/main.yml:266",
                },
                "nova_compute_ironic_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:267",
                },
                "nova_compute_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:263",
                },
                "nova_conductor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-conductor"
                    ),
                    "source": "ansible/roles/nova-cell/defaults/main.yml:258",
                },
                "nova_conductor_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:259",
                },
                "nova_libvirt_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-libvirt"
                    ),
                    "source": "ansible/roles/nova-cell/defaults/main.yml:237",
                },
                "nova_libvirt_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:238",
                },
                "nova_novncproxy_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-novncproxy"
                    ),
                    "source": "ansible/roles/nova-cell/defaults/main.yml:246",
                },
                "nova_novncproxy_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:247",
                },
                "nova_serialproxy_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-serialproxy"
                    ),
                    "source": "ansible/roles/nova-cell/defaults/main.yml:254",
                },
                "nova_serialproxy_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:255",
                },
                "nova_spicehtml5proxy_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-spicehtml5proxy"
                    ),
                    "source": "ansible/roles/nova-cell/defaults/main.yml:250",
                },
                "nova_spicehtml5proxy_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:251",
                },
                "nova_ssh_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}nova-ssh"
                    ),
                    "source": "ansible/roles/nova-cell/defaults/main.yml:242",
                },
                "nova_ssh_tag": {
                    "value": "{{ nova_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:243",
                },
                "nova_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/nova-cell/defaults/main.yml:235",
                },
            },
        },
        "neutron": {
            "play": "ansible/site.yml:669",
            "when": [
                "enable_neutron | bool",
            ],
            "services_var": "neutron_services",
            "services": {
                "neutron-server": {
                    "enabled": True,
                    "image": "neutron-server",
                    "image_var": "neutron_server_image",
                    "tag_var": "neutron_server_tag",
                    "group": "neutron-server",
                    "host_in_groups": "{{ inventory_hostname in groups['neutron-server'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:3",
                },
                "neutron-openvswitch-agent": {
                    "enabled": "{{ neutron_plugin_agent == 'openvswitch' }}",
                    "image": "neutron-openvswitch-agent",
                    "image_var": "neutron_openvswitch_agent_image",
                    "tag_var": "neutron_openvswitch_agent_tag",
                    "group": None,
                    "host_in_groups": (
                        "{{ (inventory_hostname in groups['compute'] or (enable_manila_backend_generic | bool and "
                        "inventory_hostname in groups['manila-share']) or inventory_hostname in "
                        "groups['neutron-dhcp-agent'] or inventory_hostname in groups['neutron-l3-agent'] or "
                        "inventory_hostname in groups['neutron-metadata-agent'] and not enable_nova_fake | bool) or "
                        "(inventory_hostname in groups['neutron-dhcp-agent'] or inventory_hostname in "
                        "groups['neutron-l3-agent'] or inventory_hostname in groups['neutron-metadata-agent'] and "
                        "enable_nova_fake | bool) }}"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:30",
                },
                "neutron-dhcp-agent": {
                    "enabled": (
                        "{{ neutron_plugin_agent not in ['ovn', 'vmware_nsxv', 'vmware_nsxv3', 'vmware_nsxp'] or "
                        "neutron_ovn_dhcp_agent | bool }}"
                    ),
                    "image": "neutron-dhcp-agent",
                    "image_var": "neutron_dhcp_agent_image",
                    "tag_var": "neutron_dhcp_agent_tag",
                    "group": "neutron-dhcp-agent",
                    "host_in_groups": "{{ inventory_hostname in groups['neutron-dhcp-agent'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:54",
                },
                "neutron-l3-agent": {
                    "enabled": (
                        "{{ neutron_plugin_agent not in ['ovn', 'vmware_nsxv', 'vmware_nsxv3', 'vmware_nsxp', "
                        "'vmware_dvs'] }}"
                    ),
                    "image": "neutron-l3-agent",
                    "image_var": "neutron_l3_agent_image",
                    "tag_var": "neutron_l3_agent_tag",
                    "group": None,
                    "host_in_groups": (
                        "{{ inventory_hostname in groups['neutron-l3-agent'] or (inventory_hostname in "
                        "groups['compute'] and enable_neutron_dvr | bool) }}"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:70",
                },
                "neutron-sriov-agent": {
                    "enabled": (
                        "{{ enable_neutron_sriov | bool and neutron_plugin_agent not in ['vmware_nsxv', "
                        "'vmware_nsxv3', 'vmware_nsxp'] }}"
                    ),
                    "image": "neutron-sriov-agent",
                    "image_var": "neutron_sriov_agent_image",
                    "tag_var": "neutron_sriov_agent_tag",
                    "group": None,
                    "host_in_groups": "{{ inventory_hostname in groups['compute'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:91",
                },
                "neutron-mlnx-agent": {
                    "enabled": (
                        "{{ enable_neutron_mlnx | bool and neutron_plugin_agent not in ['vmware_nsxv', 'vmware_nsxv3', "
                        "'vmware_nsxp'] }}"
                    ),
                    "image": "neutron-mlnx-agent",
                    "image_var": "neutron_mlnx_agent_image",
                    "tag_var": "neutron_mlnx_agent_tag",
                    "group": None,
                    "host_in_groups": "{{ inventory_hostname in groups['compute'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:100",
                },
                "neutron-eswitchd": {
                    "enabled": (
                        "{{ enable_neutron_mlnx | bool and neutron_plugin_agent not in ['vmware_nsxv', 'vmware_nsxv3', "
                        "'vmware_nsxp'] }}"
                    ),
                    "image": "neutron-mlnx-agent",
                    "image_var": "neutron_eswitchd_image",
                    "tag_var": "neutron_eswitchd_tag",
                    "group": None,
                    "host_in_groups": "{{ inventory_hostname in groups['compute'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:107",
                },
                "neutron-metadata-agent": {
                    "enabled": (
                        "{{ neutron_plugin_agent not in ['ovn', 'vmware_nsxv', 'vmware_nsxv3', 'vmware_nsxp'] }}"
                    ),
                    "image": "neutron-metadata-agent",
                    "image_var": "neutron_metadata_agent_image",
                    "tag_var": "neutron_metadata_agent_tag",
                    "group": None,
                    "host_in_groups": (
                        "{{ inventory_hostname in groups['neutron-metadata-agent'] or (inventory_hostname in "
                        "groups['compute'] and neutron_plugin_agent == 'openvswitch' and enable_neutron_dvr | bool) }}"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:115",
                },
                "neutron-ovn-metadata-agent": {
                    "enabled": "{{ neutron_plugin_agent == 'ovn' }}",
                    "image": "neutron-metadata-agent",
                    "image_var": "neutron_ovn_metadata_agent_image",
                    "tag_var": "neutron_ovn_metadata_agent_tag",
                    "group": None,
                    "host_in_groups": "{{ inventory_hostname in groups['neutron-ovn-metadata-agent'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:128",
                },
                "neutron-bgp-dragent": {
                    "enabled": (
                        "{{ enable_neutron_bgp_dragent | bool and neutron_plugin_agent not in ['vmware_nsxv', "
                        "'vmware_nsxv3', 'vmware_nsxp', 'vmware_dvs'] }}"
                    ),
                    "image": "neutron-bgp-dragent",
                    "image_var": "neutron_bgp_dragent_image",
                    "tag_var": "neutron_bgp_dragent_tag",
                    "group": "neutron-bgp-dragent",
                    "host_in_groups": "{{ inventory_hostname in groups['neutron-bgp-dragent'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:137",
                },
                "neutron-infoblox-ipam-agent": {
                    "enabled": "{{ enable_neutron_infoblox_ipam_agent | bool }}",
                    "image": "neutron-infoblox-ipam-agent",
                    "image_var": "neutron_infoblox_ipam_agent_image",
                    "tag_var": "neutron_infoblox_ipam_agent_tag",
                    "group": "neutron-infoblox-ipam-agent",
                    "host_in_groups": "{{ inventory_hostname in groups['neutron-infoblox-ipam-agent'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:147",
                },
                "neutron-metering-agent": {
                    "enabled": "{{ enable_neutron_metering | bool }}",
                    "image": "neutron-metering-agent",
                    "image_var": "neutron_metering_agent_image",
                    "tag_var": "neutron_metering_agent_tag",
                    "group": "neutron-metering-agent",
                    "host_in_groups": "{{ inventory_hostname in groups['neutron-metering-agent'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:156",
                },
                "ironic-neutron-agent": {
                    "enabled": "{{ enable_ironic_neutron_agent | bool }}",
                    "image": "ironic-neutron-agent",
                    "image_var": "ironic_neutron_agent_image",
                    "tag_var": "ironic_neutron_agent_tag",
                    "group": "ironic-neutron-agent",
                    "host_in_groups": "{{ inventory_hostname in groups['ironic-neutron-agent'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:165",
                },
                "neutron-tls-proxy": {
                    "enabled": "{{ neutron_enable_tls_backend }}",
                    "image": "haproxy",
                    "image_var": "neutron_tls_proxy_image",
                    "tag_var": "neutron_tls_proxy_tag",
                    "group": "neutron-server",
                    "host_in_groups": "{{ inventory_hostname in groups['neutron-server'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:175",
                },
                "neutron-ovn-agent": {
                    "enabled": "{{ neutron_enable_ovn_agent | bool }}",
                    "image": "neutron-ovn-agent",
                    "image_var": "neutron_ovn_agent_image",
                    "tag_var": "neutron_ovn_agent_tag",
                    "group": "neutron-ovn-agent",
                    "host_in_groups": "{{ inventory_hostname in groups['neutron-ovn-agent'] }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:200",
                },
            },
            "variables": {
                "haproxy_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:259",
                },
                "ironic_neutron_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ironic-neutron-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:310",
                },
                "ironic_neutron_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:311",
                },
                "neutron_bgp_dragent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-bgp-dragent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:298",
                },
                "neutron_bgp_dragent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:299",
                },
                "neutron_dhcp_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-dhcp-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:262",
                },
                "neutron_dhcp_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:263",
                },
                "neutron_eswitchd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-mlnx-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:278",
                },
                "neutron_eswitchd_tag": {
                    "value": "{{ neutron_mlnx_agent_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:279",
                },
                "neutron_infoblox_ipam_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-infoblox-ipam-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:302",
                },
                "neutron_infoblox_ipam_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:303",
                },
                "neutron_l3_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-l3-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:266",
                },
                "neutron_l3_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:267",
                },
                "neutron_metadata_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-metadata-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:282",
                },
                "neutron_metadata_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:283",
                },
                "neutron_metering_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-metering-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:306",
                },
                "neutron_metering_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:307",
                },
                "neutron_mlnx_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-mlnx-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:274",
                },
                "neutron_mlnx_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:275",
                },
                "neutron_openvswitch_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-openvswitch-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:290",
                },
                "neutron_openvswitch_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:291",
                },
                "neutron_ovn_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-ovn-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:318",
                },
                "neutron_ovn_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:319",
                },
                "neutron_ovn_dhcp_agent": {
                    "value": "no",
                    "source": "ansible/roles/neutron/defaults/main.yml:871",
                },
                "neutron_ovn_metadata_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-metadata-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:286",
                },
                "neutron_ovn_metadata_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:287",
                },
                "neutron_server_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-server"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:294",
                },
                "neutron_server_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:295",
                },
                "neutron_sriov_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}neutron-sriov-agent"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:270",
                },
                "neutron_sriov_agent_tag": {
                    "value": "{{ neutron_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:271",
                },
                "neutron_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:260",
                },
                "neutron_tls_proxy_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}haproxy"
                    ),
                    "source": "ansible/roles/neutron/defaults/main.yml:314",
                },
                "neutron_tls_proxy_tag": {
                    "value": "{{ haproxy_tag }}",
                    "source": "ansible/roles/neutron/defaults/main.yml:315",
                },
            },
        },
        "kuryr": {
            "play": "ansible/site.yml:693",
            "when": [
                "enable_kuryr | bool",
            ],
            "services_var": "kuryr_services",
            "services": {
                "kuryr": {
                    "enabled": True,
                    "image": "kuryr-libnetwork",
                    "image_var": "kuryr_image",
                    "tag_var": "kuryr_tag",
                    "group": "compute",
                    "host_in_groups": None,
                    "source": "ansible/roles/kuryr/defaults/main.yml:11",
                },
            },
            "variables": {
                "kuryr_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}kuryr-libnetwork"
                    ),
                    "source": "ansible/roles/kuryr/defaults/main.yml:33",
                },
                "kuryr_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/kuryr/defaults/main.yml:34",
                },
            },
        },
        "hacluster": {
            "play": "ansible/site.yml:707",
            "when": [
                "enable_hacluster | bool",
            ],
            "services_var": "hacluster_services",
            "services": {
                "hacluster-corosync": {
                    "enabled": True,
                    "image": "hacluster-corosync",
                    "image_var": "hacluster_corosync_image",
                    "tag_var": "hacluster_corosync_tag",
                    "group": "hacluster",
                    "host_in_groups": None,
                    "source": "ansible/roles/hacluster/defaults/main.yml:3",
                },
                "hacluster-pacemaker": {
                    "enabled": True,
                    "image": "hacluster-pacemaker",
                    "image_var": "hacluster_pacemaker_image",
                    "tag_var": "hacluster_pacemaker_tag",
                    "group": "hacluster",
                    "host_in_groups": None,
                    "source": "ansible/roles/hacluster/defaults/main.yml:15",
                },
                "hacluster-pacemaker-remote": {
                    "enabled": True,
                    "image": "hacluster-pacemaker-remote",
                    "image_var": "hacluster_pacemaker_remote_image",
                    "tag_var": "hacluster_pacemaker_remote_tag",
                    "group": "hacluster-remote",
                    "host_in_groups": None,
                    "source": "ansible/roles/hacluster/defaults/main.yml:26",
                },
            },
            "variables": {
                "hacluster_corosync_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}hacluster-corosync"
                    ),
                    "source": "ansible/roles/hacluster/defaults/main.yml:45",
                },
                "hacluster_corosync_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/hacluster/defaults/main.yml:46",
                },
                "hacluster_pacemaker_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}hacluster-pacemaker"
                    ),
                    "source": "ansible/roles/hacluster/defaults/main.yml:49",
                },
                "hacluster_pacemaker_remote_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}hacluster-pacemaker-remote"
                    ),
                    "source": "ansible/roles/hacluster/defaults/main.yml:53",
                },
                "hacluster_pacemaker_remote_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/hacluster/defaults/main.yml:54",
                },
                "hacluster_pacemaker_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/hacluster/defaults/main.yml:50",
                },
            },
        },
        "heat": {
            "play": "ansible/site.yml:722",
            "when": [
                "enable_heat | bool",
            ],
            "services_var": "heat_services",
            "services": {
                "heat-api": {
                    "enabled": True,
                    "image": "heat-api",
                    "image_var": "heat_api_image",
                    "tag_var": "heat_api_tag",
                    "group": "heat-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/heat/defaults/main.yml:3",
                },
                "heat-api-cfn": {
                    "enabled": True,
                    "image": "heat-api-cfn",
                    "image_var": "heat_api_cfn_image",
                    "tag_var": "heat_api_cfn_tag",
                    "group": "heat-api-cfn",
                    "host_in_groups": None,
                    "source": "ansible/roles/heat/defaults/main.yml:31",
                },
                "heat-engine": {
                    "enabled": True,
                    "image": "heat-engine",
                    "image_var": "heat_engine_image",
                    "tag_var": "heat_engine_tag",
                    "group": "heat-engine",
                    "host_in_groups": None,
                    "source": "ansible/roles/heat/defaults/main.yml:59",
                },
            },
            "variables": {
                "heat_api_cfn_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}heat-api-cfn"
                    ),
                    "source": "ansible/roles/heat/defaults/main.yml:105",
                },
                "heat_api_cfn_tag": {
                    "value": "{{ heat_tag }}",
                    "source": "ansible/roles/heat/defaults/main.yml:106",
                },
                "heat_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}heat-api"
                    ),
                    "source": "ansible/roles/heat/defaults/main.yml:101",
                },
                "heat_api_tag": {
                    "value": "{{ heat_tag }}",
                    "source": "ansible/roles/heat/defaults/main.yml:102",
                },
                "heat_engine_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}heat-engine"
                    ),
                    "source": "ansible/roles/heat/defaults/main.yml:109",
                },
                "heat_engine_tag": {
                    "value": "{{ heat_tag }}",
                    "source": "ansible/roles/heat/defaults/main.yml:110",
                },
                "heat_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/heat/defaults/main.yml:99",
                },
            },
        },
        "horizon": {
            "play": "ansible/site.yml:738",
            "when": [
                "enable_horizon | bool",
            ],
            "services_var": "horizon_services",
            "services": {
                "horizon": {
                    "enabled": True,
                    "image": "horizon",
                    "image_var": "horizon_image",
                    "tag_var": "horizon_tag",
                    "group": "horizon",
                    "host_in_groups": None,
                    "source": "ansible/roles/horizon/defaults/main.yml:3",
                },
            },
            "variables": {
                "horizon_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}horizon"
                    ),
                    "source": "ansible/roles/horizon/defaults/main.yml:107",
                },
                "horizon_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/horizon/defaults/main.yml:108",
                },
            },
        },
        "magnum": {
            "play": "ansible/site.yml:752",
            "when": [
                "enable_magnum | bool",
            ],
            "services_var": "magnum_services",
            "services": {
                "magnum-api": {
                    "enabled": True,
                    "image": "magnum-api",
                    "image_var": "magnum_api_image",
                    "tag_var": "magnum_api_tag",
                    "group": "magnum-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/magnum/defaults/main.yml:3",
                },
                "magnum-conductor": {
                    "enabled": True,
                    "image": "magnum-conductor",
                    "image_var": "magnum_conductor_image",
                    "tag_var": "magnum_conductor_tag",
                    "group": "magnum-conductor",
                    "host_in_groups": None,
                    "source": "ansible/roles/magnum/defaults/main.yml:31",
                },
            },
            "variables": {
                "magnum_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}magnum-api"
                    ),
                    "source": "ansible/roles/magnum/defaults/main.yml:83",
                },
                "magnum_api_tag": {
                    "value": "{{ magnum_tag }}",
                    "source": "ansible/roles/magnum/defaults/main.yml:84",
                },
                "magnum_conductor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}magnum-conductor"
                    ),
                    "source": "ansible/roles/magnum/defaults/main.yml:87",
                },
                "magnum_conductor_tag": {
                    "value": "{{ magnum_tag }}",
                    "source": "ansible/roles/magnum/defaults/main.yml:88",
                },
                "magnum_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/magnum/defaults/main.yml:81",
                },
            },
        },
        "mistral": {
            "play": "ansible/site.yml:767",
            "when": [
                "enable_mistral | bool",
            ],
            "services_var": "mistral_services",
            "services": {
                "mistral-api": {
                    "enabled": True,
                    "image": "mistral-api",
                    "image_var": "mistral_api_image",
                    "tag_var": "mistral_api_tag",
                    "group": "mistral-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/mistral/defaults/main.yml:3",
                },
                "mistral-engine": {
                    "enabled": True,
                    "image": "mistral-engine",
                    "image_var": "mistral_engine_image",
                    "tag_var": "mistral_engine_tag",
                    "group": "mistral-engine",
                    "host_in_groups": None,
                    "source": "ansible/roles/mistral/defaults/main.yml:29",
                },
                "mistral-event-engine": {
                    "enabled": True,
                    "image": "mistral-event-engine",
                    "image_var": "mistral_event_engine_image",
                    "tag_var": "mistral_event_engine_tag",
                    "group": "mistral-event-engine",
                    "host_in_groups": None,
                    "source": "ansible/roles/mistral/defaults/main.yml:37",
                },
                "mistral-executor": {
                    "enabled": True,
                    "image": "mistral-executor",
                    "image_var": "mistral_executor_image",
                    "tag_var": "mistral_executor_tag",
                    "group": "mistral-executor",
                    "host_in_groups": None,
                    "source": "ansible/roles/mistral/defaults/main.yml:45",
                },
            },
            "variables": {
                "mistral_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}mistral-api"
                    ),
                    "source": "ansible/roles/mistral/defaults/main.yml:99",
                },
                "mistral_api_tag": {
                    "value": "{{ mistral_tag }}",
                    "source": "ansible/roles/mistral/defaults/main.yml:100",
                },
                "mistral_engine_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}mistral-engine"
                    ),
                    "source": "ansible/roles/mistral/defaults/main.yml:87",
                },
                "mistral_engine_tag": {
                    "value": "{{ mistral_tag }}",
                    "source": "ansible/roles/mistral/defaults/main.yml:88",
                },
                "mistral_event_engine_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}mistral-event-engine"
                    ),
                    "source": "ansible/roles/mistral/defaults/main.yml:91",
                },
                "mistral_event_engine_tag": {
                    "value": "{{ mistral_tag }}",
                    "source": "ansible/roles/mistral/defaults/main.yml:92",
                },
                "mistral_executor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}mistral-executor"
                    ),
                    "source": "ansible/roles/mistral/defaults/main.yml:95",
                },
                "mistral_executor_tag": {
                    "value": "{{ mistral_tag }}",
                    "source": "ansible/roles/mistral/defaults/main.yml:96",
                },
                "mistral_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/mistral/defaults/main.yml:85",
                },
            },
        },
        "manila": {
            "play": "ansible/site.yml:784",
            "when": [
                "enable_manila | bool",
            ],
            "services_var": "manila_services",
            "services": {
                "manila-api": {
                    "enabled": True,
                    "image": "manila-api",
                    "image_var": "manila_api_image",
                    "tag_var": "manila_api_tag",
                    "group": "manila-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/manila/defaults/main.yml:3",
                },
                "manila-scheduler": {
                    "enabled": True,
                    "image": "manila-scheduler",
                    "image_var": "manila_scheduler_image",
                    "tag_var": "manila_scheduler_tag",
                    "group": "manila-scheduler",
                    "host_in_groups": None,
                    "source": "ansible/roles/manila/defaults/main.yml:29",
                },
                "manila-share": {
                    "enabled": True,
                    "image": "manila-share",
                    "image_var": "manila_share_image",
                    "tag_var": "manila_share_tag",
                    "group": "manila-share",
                    "host_in_groups": None,
                    "source": "ansible/roles/manila/defaults/main.yml:37",
                },
                "manila-data": {
                    "enabled": True,
                    "image": "manila-data",
                    "image_var": "manila_data_image",
                    "tag_var": "manila_data_tag",
                    "group": "manila-data",
                    "host_in_groups": None,
                    "source": "ansible/roles/manila/defaults/main.yml:46",
                },
            },
            "variables": {
                "manila_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}manila-api"
                    ),
                    "source": "ansible/roles/manila/defaults/main.yml:97",
                },
                "manila_api_tag": {
                    "value": "{{ manila_tag }}",
                    "source": "ansible/roles/manila/defaults/main.yml:98",
                },
                "manila_data_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}manila-data"
                    ),
                    "source": "ansible/roles/manila/defaults/main.yml:101",
                },
                "manila_data_tag": {
                    "value": "{{ manila_tag }}",
                    "source": "ansible/roles/manila/defaults/main.yml:102",
                },
                "manila_scheduler_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}manila-scheduler"
                    ),
                    "source": "ansible/roles/manila/defaults/main.yml:93",
                },
                "manila_scheduler_tag": {
                    "value": "{{ manila_tag }}",
                    "source": "ansible/roles/manila/defaults/main.yml:94",
                },
                "manila_share_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}manila-share"
                    ),
                    "source": "ansible/roles/manila/defaults/main.yml:89",
                },
                "manila_share_tag": {
                    "value": "{{ manila_tag }}",
                    "source": "ansible/roles/manila/defaults/main.yml:90",
                },
                "manila_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/manila/defaults/main.yml:87",
                },
            },
        },
        "gnocchi": {
            "play": "ansible/site.yml:801",
            "when": [
                "enable_gnocchi | bool",
            ],
            "services_var": "gnocchi_services",
            "services": {
                "gnocchi-api": {
                    "enabled": True,
                    "image": "gnocchi-api",
                    "image_var": "gnocchi_api_image",
                    "tag_var": "gnocchi_api_tag",
                    "group": "gnocchi-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/gnocchi/defaults/main.yml:3",
                },
                "gnocchi-metricd": {
                    "enabled": True,
                    "image": "gnocchi-metricd",
                    "image_var": "gnocchi_metricd_image",
                    "tag_var": "gnocchi_metricd_tag",
                    "group": "gnocchi-metricd",
                    "host_in_groups": None,
                    "source": "ansible/roles/gnocchi/defaults/main.yml:29",
                },
                "gnocchi-statsd": {
                    "enabled": "{{ enable_gnocchi_statsd | bool }}",
                    "image": "gnocchi-statsd",
                    "image_var": "gnocchi_statsd_image",
                    "tag_var": "gnocchi_statsd_tag",
                    "group": "gnocchi-statsd",
                    "host_in_groups": None,
                    "source": "ansible/roles/gnocchi/defaults/main.yml:37",
                },
            },
            "variables": {
                "gnocchi_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}gnocchi-api"
                    ),
                    "source": "ansible/roles/gnocchi/defaults/main.yml:79",
                },
                "gnocchi_api_tag": {
                    "value": "{{ gnocchi_tag }}",
                    "source": "ansible/roles/gnocchi/defaults/main.yml:80",
                },
                "gnocchi_metricd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}gnocchi-metricd"
                    ),
                    "source": "ansible/roles/gnocchi/defaults/main.yml:87",
                },
                "gnocchi_metricd_tag": {
                    "value": "{{ gnocchi_tag }}",
                    "source": "ansible/roles/gnocchi/defaults/main.yml:88",
                },
                "gnocchi_statsd_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}gnocchi-statsd"
                    ),
                    "source": "ansible/roles/gnocchi/defaults/main.yml:83",
                },
                "gnocchi_statsd_tag": {
                    "value": "{{ gnocchi_tag }}",
                    "source": "ansible/roles/gnocchi/defaults/main.yml:84",
                },
                "gnocchi_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/gnocchi/defaults/main.yml:77",
                },
            },
        },
        "ceilometer": {
            "play": "ansible/site.yml:817",
            "when": [
                "enable_ceilometer | bool",
            ],
            "services_var": "ceilometer_services",
            "services": {
                "ceilometer-notification": {
                    "enabled": True,
                    "image": "ceilometer-notification",
                    "image_var": "ceilometer_notification_image",
                    "tag_var": "ceilometer_notification_tag",
                    "group": "ceilometer-notification",
                    "host_in_groups": None,
                    "source": "ansible/roles/ceilometer/defaults/main.yml:3",
                },
                "ceilometer-central": {
                    "enabled": True,
                    "image": "ceilometer-central",
                    "image_var": "ceilometer_central_image",
                    "tag_var": "ceilometer_central_tag",
                    "group": "ceilometer-central",
                    "host_in_groups": None,
                    "source": "ansible/roles/ceilometer/defaults/main.yml:11",
                },
                "ceilometer-compute": {
                    "enabled": True,
                    "image": "ceilometer-compute",
                    "image_var": "ceilometer_compute_image",
                    "tag_var": "ceilometer_compute_tag",
                    "group": "ceilometer-compute",
                    "host_in_groups": None,
                    "source": "ansible/roles/ceilometer/defaults/main.yml:19",
                },
                "ceilometer-ipmi": {
                    "enabled": "{{ enable_ceilometer_ipmi }}",
                    "image": "ceilometer-ipmi",
                    "image_var": "ceilometer_ipmi_image",
                    "tag_var": "ceilometer_ipmi_tag",
                    "group": "ceilometer-ipmi",
                    "host_in_groups": None,
                    "source": "ansible/roles/ceilometer/defaults/main.yml:28",
                },
            },
            "variables": {
                "ceilometer_central_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ceilometer-central"
                    ),
                    "source": "ansible/roles/ceilometer/defaults/main.yml:53",
                },
                "ceilometer_central_tag": {
                    "value": "{{ ceilometer_tag }}",
                    "source": "ansible/roles/ceilometer/defaults/main.yml:54",
                },
                "ceilometer_compute_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ceilometer-compute"
                    ),
                    "source": "ansible/roles/ceilometer/defaults/main.yml:57",
                },
                "ceilometer_compute_tag": {
                    "value": "{{ ceilometer_tag }}",
                    "source": "ansible/roles/ceilometer/defaults/main.yml:58",
                },
                "ceilometer_ipmi_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ceilometer-ipmi"
                    ),
                    "source": "ansible/roles/ceilometer/defaults/main.yml:61",
                },
                "ceilometer_ipmi_tag": {
                    "value": "{{ ceilometer_tag }}",
                    "source": "ansible/roles/ceilometer/defaults/main.yml:62",
                },
                "ceilometer_notification_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}ceilometer-notification"
                    ),
                    "source": "ansible/roles/ceilometer/defaults/main.yml:49",
                },
                "ceilometer_notification_tag": {
                    "value": "{{ ceilometer_tag }}",
                    "source": "ansible/roles/ceilometer/defaults/main.yml:50",
                },
                "ceilometer_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/ceilometer/defaults/main.yml:47",
                },
            },
        },
        "aodh": {
            "play": "ansible/site.yml:834",
            "when": [
                "enable_aodh | bool",
            ],
            "services_var": "aodh_services",
            "services": {
                "aodh-api": {
                    "enabled": True,
                    "image": "aodh-api",
                    "image_var": "aodh_api_image",
                    "tag_var": "aodh_api_tag",
                    "group": "aodh-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/aodh/defaults/main.yml:3",
                },
                "aodh-evaluator": {
                    "enabled": True,
                    "image": "aodh-evaluator",
                    "image_var": "aodh_evaluator_image",
                    "tag_var": "aodh_evaluator_tag",
                    "group": "aodh-evaluator",
                    "host_in_groups": None,
                    "source": "ansible/roles/aodh/defaults/main.yml:29",
                },
                "aodh-listener": {
                    "enabled": True,
                    "image": "aodh-listener",
                    "image_var": "aodh_listener_image",
                    "tag_var": "aodh_listener_tag",
                    "group": "aodh-listener",
                    "host_in_groups": None,
                    "source": "ansible/roles/aodh/defaults/main.yml:37",
                },
                "aodh-notifier": {
                    "enabled": True,
                    "image": "aodh-notifier",
                    "image_var": "aodh_notifier_image",
                    "tag_var": "aodh_notifier_tag",
                    "group": "aodh-notifier",
                    "host_in_groups": None,
                    "source": "ansible/roles/aodh/defaults/main.yml:45",
                },
            },
            "variables": {
                "aodh_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}aodh-api"
                    ),
                    "source": "ansible/roles/aodh/defaults/main.yml:105",
                },
                "aodh_api_tag": {
                    "value": "{{ aodh_tag }}",
                    "source": "ansible/roles/aodh/defaults/main.yml:106",
                },
                "aodh_evaluator_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}aodh-evaluator"
                    ),
                    "source": "ansible/roles/aodh/defaults/main.yml:109",
                },
                "aodh_evaluator_tag": {
                    "value": "{{ aodh_tag }}",
                    "source": "ansible/roles/aodh/defaults/main.yml:110",
                },
                "aodh_listener_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}aodh-listener"
                    ),
                    "source": "ansible/roles/aodh/defaults/main.yml:113",
                },
                "aodh_listener_tag": {
                    "value": "{{ aodh_tag }}",
                    "source": "ansible/roles/aodh/defaults/main.yml:114",
                },
                "aodh_notifier_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}aodh-notifier"
                    ),
                    "source": "ansible/roles/aodh/defaults/main.yml:117",
                },
                "aodh_notifier_tag": {
                    "value": "{{ aodh_tag }}",
                    "source": "ansible/roles/aodh/defaults/main.yml:118",
                },
                "aodh_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/aodh/defaults/main.yml:103",
                },
            },
        },
        "barbican": {
            "play": "ansible/site.yml:851",
            "when": [
                "enable_barbican | bool",
            ],
            "services_var": "barbican_services",
            "services": {
                "barbican-api": {
                    "enabled": True,
                    "image": "barbican-api",
                    "image_var": "barbican_api_image",
                    "tag_var": "barbican_api_tag",
                    "group": "barbican-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/barbican/defaults/main.yml:3",
                },
                "barbican-keystone-listener": {
                    "enabled": True,
                    "image": "barbican-keystone-listener",
                    "image_var": "barbican_keystone_listener_image",
                    "tag_var": "barbican_keystone_listener_tag",
                    "group": "barbican-keystone-listener",
                    "host_in_groups": None,
                    "source": "ansible/roles/barbican/defaults/main.yml:31",
                },
                "barbican-worker": {
                    "enabled": True,
                    "image": "barbican-worker",
                    "image_var": "barbican_worker_image",
                    "tag_var": "barbican_worker_tag",
                    "group": "barbican-worker",
                    "host_in_groups": None,
                    "source": "ansible/roles/barbican/defaults/main.yml:39",
                },
            },
            "variables": {
                "barbican_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}barbican-api"
                    ),
                    "source": "ansible/roles/barbican/defaults/main.yml:81",
                },
                "barbican_api_tag": {
                    "value": "{{ barbican_tag }}",
                    "source": "ansible/roles/barbican/defaults/main.yml:82",
                },
                "barbican_keystone_listener_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}barbican-keystone-listener"
                    ),
                    "source": "ansible/roles/barbican/defaults/main.yml:85",
                },
                "barbican_keystone_listener_tag": {
                    "value": "{{ barbican_tag }}",
                    "source": "ansible/roles/barbican/defaults/main.yml:86",
                },
                "barbican_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/barbican/defaults/main.yml:79",
                },
                "barbican_worker_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}barbican-worker"
                    ),
                    "source": "ansible/roles/barbican/defaults/main.yml:89",
                },
                "barbican_worker_tag": {
                    "value": "{{ barbican_tag }}",
                    "source": "ansible/roles/barbican/defaults/main.yml:90",
                },
            },
        },
        "cyborg": {
            "play": "ansible/site.yml:867",
            "when": [
                "enable_cyborg | bool",
            ],
            "services_var": "cyborg_services",
            "services": {
                "cyborg-api": {
                    "enabled": True,
                    "image": "cyborg-api",
                    "image_var": "cyborg_api_image",
                    "tag_var": "cyborg_api_tag",
                    "group": "cyborg-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/cyborg/defaults/main.yml:3",
                },
                "cyborg-agent": {
                    "enabled": True,
                    "image": "cyborg-agent",
                    "image_var": "cyborg_agent_image",
                    "tag_var": "cyborg_agent_tag",
                    "group": "cyborg-agent",
                    "host_in_groups": None,
                    "source": "ansible/roles/cyborg/defaults/main.yml:25",
                },
                "cyborg-conductor": {
                    "enabled": True,
                    "image": "cyborg-conductor",
                    "image_var": "cyborg_conductor_image",
                    "tag_var": "cyborg_conductor_tag",
                    "group": "cyborg-conductor",
                    "host_in_groups": None,
                    "source": "ansible/roles/cyborg/defaults/main.yml:34",
                },
            },
            "variables": {
                "cyborg_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cyborg-agent"
                    ),
                    "source": "ansible/roles/cyborg/defaults/main.yml:80",
                },
                "cyborg_agent_tag": {
                    "value": "{{ cyborg_tag }}",
                    "source": "ansible/roles/cyborg/defaults/main.yml:81",
                },
                "cyborg_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cyborg-api"
                    ),
                    "source": "ansible/roles/cyborg/defaults/main.yml:76",
                },
                "cyborg_api_tag": {
                    "value": "{{ cyborg_tag }}",
                    "source": "ansible/roles/cyborg/defaults/main.yml:77",
                },
                "cyborg_conductor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cyborg-conductor"
                    ),
                    "source": "ansible/roles/cyborg/defaults/main.yml:84",
                },
                "cyborg_conductor_tag": {
                    "value": "{{ cyborg_tag }}",
                    "source": "ansible/roles/cyborg/defaults/main.yml:85",
                },
                "cyborg_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/cyborg/defaults/main.yml:74",
                },
            },
        },
        "designate": {
            "play": "ansible/site.yml:883",
            "when": [
                "enable_designate | bool",
            ],
            "services_var": "designate_services",
            "services": {
                "designate-api": {
                    "enabled": True,
                    "image": "designate-api",
                    "image_var": "designate_api_image",
                    "tag_var": "designate_api_tag",
                    "group": "designate-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/designate/defaults/main.yml:3",
                },
                "designate-backend-bind9": {
                    "enabled": "{{ designate_backend == 'bind9' }}",
                    "image": "designate-backend-bind9",
                    "image_var": "designate_backend_bind9_image",
                    "tag_var": "designate_backend_bind9_tag",
                    "group": "designate-backend-bind9",
                    "host_in_groups": None,
                    "source": "ansible/roles/designate/defaults/main.yml:29",
                },
                "designate-central": {
                    "enabled": True,
                    "image": "designate-central",
                    "image_var": "designate_central_image",
                    "tag_var": "designate_central_tag",
                    "group": "designate-central",
                    "host_in_groups": None,
                    "source": "ansible/roles/designate/defaults/main.yml:37",
                },
                "designate-mdns": {
                    "enabled": True,
                    "image": "designate-mdns",
                    "image_var": "designate_mdns_image",
                    "tag_var": "designate_mdns_tag",
                    "group": "designate-mdns",
                    "host_in_groups": None,
                    "source": "ansible/roles/designate/defaults/main.yml:45",
                },
                "designate-producer": {
                    "enabled": True,
                    "image": "designate-producer",
                    "image_var": "designate_producer_image",
                    "tag_var": "designate_producer_tag",
                    "group": "designate-producer",
                    "host_in_groups": None,
                    "source": "ansible/roles/designate/defaults/main.yml:53",
                },
                "designate-worker": {
                    "enabled": True,
                    "image": "designate-worker",
                    "image_var": "designate_worker_image",
                    "tag_var": "designate_worker_tag",
                    "group": "designate-worker",
                    "host_in_groups": None,
                    "source": "ansible/roles/designate/defaults/main.yml:61",
                },
                "designate-sink": {
                    "enabled": "{{ designate_enable_notifications_sink | bool }}",
                    "image": "designate-sink",
                    "image_var": "designate_sink_image",
                    "tag_var": "designate_sink_tag",
                    "group": "designate-sink",
                    "host_in_groups": None,
                    "source": "ansible/roles/designate/defaults/main.yml:69",
                },
            },
            "variables": {
                "designate_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}designate-api"
                    ),
                    "source": "ansible/roles/designate/defaults/main.yml:119",
                },
                "designate_api_tag": {
                    "value": "{{ designate_tag }}",
                    "source": "ansible/roles/designate/defaults/main.yml:120",
                },
                "designate_backend_bind9_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}designate-backend-bind9"
                    ),
                    "source": "ansible/roles/designate/defaults/main.yml:123",
                },
                "designate_backend_bind9_tag": {
                    "value": "{{ designate_tag }}",
                    "source": "ansible/roles/designate/defaults/main.yml:124",
                },
                "designate_central_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}designate-central"
                    ),
                    "source": "ansible/roles/designate/defaults/main.yml:111",
                },
                "designate_central_tag": {
                    "value": "{{ designate_tag }}",
                    "source": "ansible/roles/designate/defaults/main.yml:112",
                },
                "designate_mdns_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}designate-mdns"
                    ),
                    "source": "ansible/roles/designate/defaults/main.yml:127",
                },
                "designate_mdns_tag": {
                    "value": "{{ designate_tag }}",
                    "source": "ansible/roles/designate/defaults/main.yml:128",
                },
                "designate_producer_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}designate-producer"
                    ),
                    "source": "ansible/roles/designate/defaults/main.yml:115",
                },
                "designate_producer_tag": {
                    "value": "{{ designate_tag }}",
                    "source": "ansible/roles/designate/defaults/main.yml:116",
                },
                "designate_sink_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}designate-sink"
                    ),
                    "source": "ansible/roles/designate/defaults/main.yml:131",
                },
                "designate_sink_tag": {
                    "value": "{{ designate_tag }}",
                    "source": "ansible/roles/designate/defaults/main.yml:132",
                },
                "designate_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/designate/defaults/main.yml:109",
                },
                "designate_worker_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}designate-worker"
                    ),
                    "source": "ansible/roles/designate/defaults/main.yml:135",
                },
                "designate_worker_tag": {
                    "value": "{{ designate_tag }}",
                    "source": "ansible/roles/designate/defaults/main.yml:136",
                },
            },
        },
        "trove": {
            "play": "ansible/site.yml:903",
            "when": [
                "enable_trove | bool",
            ],
            "services_var": "trove_services",
            "services": {
                "trove-api": {
                    "enabled": True,
                    "image": "trove-api",
                    "image_var": "trove_api_image",
                    "tag_var": "trove_api_tag",
                    "group": "trove-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/trove/defaults/main.yml:3",
                },
                "trove-conductor": {
                    "enabled": True,
                    "image": "trove-conductor",
                    "image_var": "trove_conductor_image",
                    "tag_var": "trove_conductor_tag",
                    "group": "trove-conductor",
                    "host_in_groups": None,
                    "source": "ansible/roles/trove/defaults/main.yml:31",
                },
                "trove-taskmanager": {
                    "enabled": True,
                    "image": "trove-taskmanager",
                    "image_var": "trove_taskmanager_image",
                    "tag_var": "trove_taskmanager_tag",
                    "group": "trove-taskmanager",
                    "host_in_groups": None,
                    "source": "ansible/roles/trove/defaults/main.yml:39",
                },
            },
            "variables": {
                "trove_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}trove-api"
                    ),
                    "source": "ansible/roles/trove/defaults/main.yml:85",
                },
                "trove_api_tag": {
                    "value": "{{ trove_tag }}",
                    "source": "ansible/roles/trove/defaults/main.yml:86",
                },
                "trove_conductor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}trove-conductor"
                    ),
                    "source": "ansible/roles/trove/defaults/main.yml:81",
                },
                "trove_conductor_tag": {
                    "value": "{{ trove_tag }}",
                    "source": "ansible/roles/trove/defaults/main.yml:82",
                },
                "trove_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/trove/defaults/main.yml:79",
                },
                "trove_taskmanager_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}trove-taskmanager"
                    ),
                    "source": "ansible/roles/trove/defaults/main.yml:89",
                },
                "trove_taskmanager_tag": {
                    "value": "{{ trove_tag }}",
                    "source": "ansible/roles/trove/defaults/main.yml:90",
                },
            },
        },
        "watcher": {
            "play": "ansible/site.yml:919",
            "when": [
                "enable_watcher | bool",
            ],
            "services_var": "watcher_services",
            "services": {
                "watcher-api": {
                    "enabled": True,
                    "image": "watcher-api",
                    "image_var": "watcher_api_image",
                    "tag_var": "watcher_api_tag",
                    "group": "watcher-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/watcher/defaults/main.yml:3",
                },
                "watcher-applier": {
                    "enabled": True,
                    "image": "watcher-applier",
                    "image_var": "watcher_applier_image",
                    "tag_var": "watcher_applier_tag",
                    "group": "watcher-applier",
                    "host_in_groups": None,
                    "source": "ansible/roles/watcher/defaults/main.yml:29",
                },
                "watcher-engine": {
                    "enabled": True,
                    "image": "watcher-engine",
                    "image_var": "watcher_engine_image",
                    "tag_var": "watcher_engine_tag",
                    "group": "watcher-engine",
                    "host_in_groups": None,
                    "source": "ansible/roles/watcher/defaults/main.yml:37",
                },
            },
            "variables": {
                "watcher_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}watcher-api"
                    ),
                    "source": "ansible/roles/watcher/defaults/main.yml:83",
                },
                "watcher_api_tag": {
                    "value": "{{ watcher_tag }}",
                    "source": "ansible/roles/watcher/defaults/main.yml:84",
                },
                "watcher_applier_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}watcher-applier"
                    ),
                    "source": "ansible/roles/watcher/defaults/main.yml:87",
                },
                "watcher_applier_tag": {
                    "value": "{{ watcher_tag }}",
                    "source": "ansible/roles/watcher/defaults/main.yml:88",
                },
                "watcher_engine_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}watcher-engine"
                    ),
                    "source": "ansible/roles/watcher/defaults/main.yml:79",
                },
                "watcher_engine_tag": {
                    "value": "{{ watcher_tag }}",
                    "source": "ansible/roles/watcher/defaults/main.yml:80",
                },
                "watcher_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/watcher/defaults/main.yml:77",
                },
            },
        },
        "grafana": {
            "play": "ansible/site.yml:935",
            "when": [
                "enable_grafana | bool",
            ],
            "services_var": "grafana_services",
            "services": {
                "grafana": {
                    "enabled": True,
                    "image": "grafana",
                    "image_var": "grafana_image",
                    "tag_var": "grafana_tag",
                    "group": "grafana",
                    "host_in_groups": None,
                    "source": "ansible/roles/grafana/defaults/main.yml:3",
                },
            },
            "variables": {
                "grafana_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}grafana"
                    ),
                    "source": "ansible/roles/grafana/defaults/main.yml:81",
                },
                "grafana_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/grafana/defaults/main.yml:82",
                },
            },
        },
        "cloudkitty": {
            "play": "ansible/site.yml:949",
            "when": [
                "enable_cloudkitty | bool",
            ],
            "services_var": "cloudkitty_services",
            "services": {
                "cloudkitty-api": {
                    "enabled": True,
                    "image": "cloudkitty-api",
                    "image_var": "cloudkitty_api_image",
                    "tag_var": "cloudkitty_api_tag",
                    "group": "cloudkitty-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/cloudkitty/defaults/main.yml:3",
                },
                "cloudkitty-processor": {
                    "enabled": True,
                    "image": "cloudkitty-processor",
                    "image_var": "cloudkitty_processor_image",
                    "tag_var": "cloudkitty_processor_tag",
                    "group": "cloudkitty-processor",
                    "host_in_groups": None,
                    "source": "ansible/roles/cloudkitty/defaults/main.yml:29",
                },
            },
            "variables": {
                "cloudkitty_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cloudkitty-api"
                    ),
                    "source": "ansible/roles/cloudkitty/defaults/main.yml:71",
                },
                "cloudkitty_api_tag": {
                    "value": "{{ cloudkitty_tag }}",
                    "source": "ansible/roles/cloudkitty/defaults/main.yml:72",
                },
                "cloudkitty_processor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}cloudkitty-processor"
                    ),
                    "source": "ansible/roles/cloudkitty/defaults/main.yml:75",
                },
                "cloudkitty_processor_tag": {
                    "value": "{{ cloudkitty_tag }}",
                    "source": "ansible/roles/cloudkitty/defaults/main.yml:76",
                },
                "cloudkitty_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/cloudkitty/defaults/main.yml:69",
                },
            },
        },
        "tacker": {
            "play": "ansible/site.yml:964",
            "when": [
                "enable_tacker | bool",
            ],
            "services_var": "tacker_services",
            "services": {
                "tacker-server": {
                    "enabled": True,
                    "image": "tacker-server",
                    "image_var": "tacker_server_image",
                    "tag_var": "tacker_server_tag",
                    "group": "tacker-server",
                    "host_in_groups": "{{ inventory_hostname in tacker_hosts }}",
                    "source": "ansible/roles/tacker/defaults/main.yml:3",
                },
                "tacker-conductor": {
                    "enabled": True,
                    "image": "tacker-conductor",
                    "image_var": "tacker_conductor_image",
                    "tag_var": "tacker_conductor_tag",
                    "group": "tacker-conductor",
                    "host_in_groups": "{{ inventory_hostname in tacker_hosts }}",
                    "source": "ansible/roles/tacker/defaults/main.yml:28",
                },
            },
            "variables": {
                "tacker_conductor_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}tacker-conductor"
                    ),
                    "source": "ansible/roles/tacker/defaults/main.yml:75",
                },
                "tacker_conductor_tag": {
                    "value": "{{ tacker_tag }}",
                    "source": "ansible/roles/tacker/defaults/main.yml:76",
                },
                "tacker_hosts": {
                    "value": "{{ [groups['tacker'] | first] }}",
                    "source": "ansible/roles/tacker/defaults/main.yml:137",
                },
                "tacker_server_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}tacker-server"
                    ),
                    "source": "ansible/roles/tacker/defaults/main.yml:71",
                },
                "tacker_server_tag": {
                    "value": "{{ tacker_tag }}",
                    "source": "ansible/roles/tacker/defaults/main.yml:72",
                },
                "tacker_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/tacker/defaults/main.yml:69",
                },
            },
        },
        "octavia": {
            "play": "ansible/site.yml:979",
            "when": [
                "enable_octavia | bool",
            ],
            "services_var": "octavia_services",
            "services": {
                "octavia-api": {
                    "enabled": True,
                    "image": "octavia-api",
                    "image_var": "octavia_api_image",
                    "tag_var": "octavia_api_tag",
                    "group": "octavia-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/octavia/defaults/main.yml:3",
                },
                "octavia-driver-agent": {
                    "enabled": "{{ enable_octavia_driver_agent }}",
                    "image": "octavia-driver-agent",
                    "image_var": "octavia_driver_agent_image",
                    "tag_var": "octavia_driver_agent_tag",
                    "group": "octavia-driver-agent",
                    "host_in_groups": None,
                    "source": "ansible/roles/octavia/defaults/main.yml:27",
                },
                "octavia-health-manager": {
                    "enabled": True,
                    "image": "octavia-health-manager",
                    "image_var": "octavia_health_manager_image",
                    "tag_var": "octavia_health_manager_tag",
                    "group": "octavia-health-manager",
                    "host_in_groups": None,
                    "source": "ansible/roles/octavia/defaults/main.yml:34",
                },
                "octavia-housekeeping": {
                    "enabled": True,
                    "image": "octavia-housekeeping",
                    "image_var": "octavia_housekeeping_image",
                    "tag_var": "octavia_housekeeping_tag",
                    "group": "octavia-housekeeping",
                    "host_in_groups": None,
                    "source": "ansible/roles/octavia/defaults/main.yml:42",
                },
                "octavia-worker": {
                    "enabled": True,
                    "image": "octavia-worker",
                    "image_var": "octavia_worker_image",
                    "tag_var": "octavia_worker_tag",
                    "group": "octavia-worker",
                    "host_in_groups": None,
                    "source": "ansible/roles/octavia/defaults/main.yml:50",
                },
            },
            "variables": {
                "octavia_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}octavia-api"
                    ),
                    "source": "ansible/roles/octavia/defaults/main.yml:109",
                },
                "octavia_api_tag": {
                    "value": "{{ octavia_tag }}",
                    "source": "ansible/roles/octavia/defaults/main.yml:110",
                },
                "octavia_driver_agent_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}octavia-driver-agent"
                    ),
                    "source": "ansible/roles/octavia/defaults/main.yml:113",
                },
                "octavia_driver_agent_tag": {
                    "value": "{{ octavia_tag }}",
                    "source": "ansible/roles/octavia/defaults/main.yml:114",
                },
                "octavia_health_manager_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}octavia-health-manager"
                    ),
                    "source": "ansible/roles/octavia/defaults/main.yml:117",
                },
                "octavia_health_manager_tag": {
                    "value": "{{ octavia_tag }}",
                    "source": "ansible/roles/octavia/defaults/main.yml:118",
                },
                "octavia_housekeeping_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}octavia-housekeeping"
                    ),
                    "source": "ansible/roles/octavia/defaults/main.yml:121",
                },
                "octavia_housekeeping_tag": {
                    "value": "{{ octavia_tag }}",
                    "source": "ansible/roles/octavia/defaults/main.yml:122",
                },
                "octavia_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/octavia/defaults/main.yml:107",
                },
                "octavia_worker_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}octavia-worker"
                    ),
                    "source": "ansible/roles/octavia/defaults/main.yml:125",
                },
                "octavia_worker_tag": {
                    "value": "{{ octavia_tag }}",
                    "source": "ansible/roles/octavia/defaults/main.yml:126",
                },
            },
        },
        "zun": {
            "play": "ansible/site.yml:996",
            "when": [
                "enable_zun | bool",
            ],
            "services_var": "zun_services",
            "services": {
                "zun-api": {
                    "enabled": True,
                    "image": "zun-api",
                    "image_var": "zun_api_image",
                    "tag_var": "zun_api_tag",
                    "group": "zun-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/zun/defaults/main.yml:3",
                },
                "zun-wsproxy": {
                    "enabled": True,
                    "image": "zun-wsproxy",
                    "image_var": "zun_wsproxy_image",
                    "tag_var": "zun_wsproxy_tag",
                    "group": "zun-wsproxy",
                    "host_in_groups": None,
                    "source": "ansible/roles/zun/defaults/main.yml:29",
                },
                "zun-compute": {
                    "enabled": True,
                    "image": "zun-compute",
                    "image_var": "zun_compute_image",
                    "tag_var": "zun_compute_tag",
                    "group": "zun-compute",
                    "host_in_groups": None,
                    "source": "ansible/roles/zun/defaults/main.yml:48",
                },
                "zun-cni-daemon": {
                    "enabled": True,
                    "image": "zun-cni-daemon",
                    "image_var": "zun_cni_daemon_image",
                    "tag_var": "zun_cni_daemon_tag",
                    "group": "zun-cni-daemon",
                    "host_in_groups": None,
                    "source": "ansible/roles/zun/defaults/main.yml:57",
                },
            },
            "variables": {
                "zun_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}zun-api"
                    ),
                    "source": "ansible/roles/zun/defaults/main.yml:100",
                },
                "zun_api_tag": {
                    "value": "{{ zun_tag }}",
                    "source": "ansible/roles/zun/defaults/main.yml:101",
                },
                "zun_cni_daemon_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}zun-cni-daemon"
                    ),
                    "source": "ansible/roles/zun/defaults/main.yml:112",
                },
                "zun_cni_daemon_tag": {
                    "value": "{{ zun_tag }}",
                    "source": "ansible/roles/zun/defaults/main.yml:113",
                },
                "zun_compute_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}zun-compute"
                    ),
                    "source": "ansible/roles/zun/defaults/main.yml:108",
                },
                "zun_compute_tag": {
                    "value": "{{ zun_tag }}",
                    "source": "ansible/roles/zun/defaults/main.yml:109",
                },
                "zun_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/zun/defaults/main.yml:98",
                },
                "zun_wsproxy_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}zun-wsproxy"
                    ),
                    "source": "ansible/roles/zun/defaults/main.yml:104",
                },
                "zun_wsproxy_tag": {
                    "value": "{{ zun_tag }}",
                    "source": "ansible/roles/zun/defaults/main.yml:105",
                },
            },
        },
        "blazar": {
            "play": "ansible/site.yml:1013",
            "when": [
                "enable_blazar | bool",
            ],
            "services_var": "blazar_services",
            "services": {
                "blazar-api": {
                    "enabled": True,
                    "image": "blazar-api",
                    "image_var": "blazar_api_image",
                    "tag_var": "blazar_api_tag",
                    "group": "blazar-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/blazar/defaults/main.yml:3",
                },
                "blazar-manager": {
                    "enabled": True,
                    "image": "blazar-manager",
                    "image_var": "blazar_manager_image",
                    "tag_var": "blazar_manager_tag",
                    "group": "blazar-manager",
                    "host_in_groups": None,
                    "source": "ansible/roles/blazar/defaults/main.yml:35",
                },
            },
            "variables": {
                "blazar_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}blazar-api"
                    ),
                    "source": "ansible/roles/blazar/defaults/main.yml:87",
                },
                "blazar_api_tag": {
                    "value": "{{ blazar_tag }}",
                    "source": "ansible/roles/blazar/defaults/main.yml:88",
                },
                "blazar_manager_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}blazar-manager"
                    ),
                    "source": "ansible/roles/blazar/defaults/main.yml:83",
                },
                "blazar_manager_tag": {
                    "value": "{{ blazar_tag }}",
                    "source": "ansible/roles/blazar/defaults/main.yml:84",
                },
                "blazar_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/blazar/defaults/main.yml:81",
                },
            },
        },
        "masakari": {
            "play": "ansible/site.yml:1028",
            "when": [
                "enable_masakari | bool",
            ],
            "services_var": "masakari_services",
            "services": {
                "masakari-api": {
                    "enabled": True,
                    "image": "masakari-api",
                    "image_var": "masakari_api_image",
                    "tag_var": "masakari_api_tag",
                    "group": "masakari-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/masakari/defaults/main.yml:3",
                },
                "masakari-engine": {
                    "enabled": True,
                    "image": "masakari-engine",
                    "image_var": "masakari_engine_image",
                    "tag_var": "masakari_engine_tag",
                    "group": "masakari-engine",
                    "host_in_groups": None,
                    "source": "ansible/roles/masakari/defaults/main.yml:28",
                },
                "masakari-instancemonitor": {
                    "enabled": "{{ enable_masakari_instancemonitor | bool }}",
                    "image": "masakari-monitors",
                    "image_var": "masakari_monitors_image",
                    "tag_var": "masakari_monitors_tag",
                    "group": "masakari-instancemonitor",
                    "host_in_groups": None,
                    "source": "ansible/roles/masakari/defaults/main.yml:35",
                },
                "masakari-hostmonitor": {
                    "enabled": "{{ enable_masakari_hostmonitor | bool }}",
                    "image": "masakari-monitors",
                    "image_var": "masakari_monitors_image",
                    "tag_var": "masakari_monitors_tag",
                    "group": "masakari-hostmonitor",
                    "host_in_groups": None,
                    "source": "ansible/roles/masakari/defaults/main.yml:43",
                },
            },
            "variables": {
                "masakari_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}masakari-api"
                    ),
                    "source": "ansible/roles/masakari/defaults/main.yml:85",
                },
                "masakari_api_tag": {
                    "value": "{{ masakari_tag }}",
                    "source": "ansible/roles/masakari/defaults/main.yml:86",
                },
                "masakari_engine_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}masakari-engine"
                    ),
                    "source": "ansible/roles/masakari/defaults/main.yml:89",
                },
                "masakari_engine_tag": {
                    "value": "{{ masakari_tag }}",
                    "source": "ansible/roles/masakari/defaults/main.yml:90",
                },
                "masakari_monitors_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}masakari-monitors"
                    ),
                    "source": "ansible/roles/masakari/defaults/main.yml:93",
                },
                "masakari_monitors_tag": {
                    "value": "{{ masakari_tag }}",
                    "source": "ansible/roles/masakari/defaults/main.yml:94",
                },
                "masakari_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/masakari/defaults/main.yml:83",
                },
            },
        },
        "venus": {
            "play": "ansible/site.yml:1045",
            "when": [
                "enable_venus | bool",
            ],
            "services_var": "venus_services",
            "services": {
                "venus-api": {
                    "enabled": True,
                    "image": "venus-api",
                    "image_var": "venus_api_image",
                    "tag_var": "venus_api_tag",
                    "group": "venus-api",
                    "host_in_groups": None,
                    "source": "ansible/roles/venus/defaults/main.yml:3",
                },
                "venus-manager": {
                    "enabled": True,
                    "image": "venus-manager",
                    "image_var": "venus_manager_image",
                    "tag_var": "venus_manager_tag",
                    "group": "venus-manager",
                    "host_in_groups": None,
                    "source": "ansible/roles/venus/defaults/main.yml:27",
                },
            },
            "variables": {
                "venus_api_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}venus-api"
                    ),
                    "source": "ansible/roles/venus/defaults/main.yml:68",
                },
                "venus_api_tag": {
                    "value": "{{ venus_tag }}",
                    "source": "ansible/roles/venus/defaults/main.yml:69",
                },
                "venus_manager_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}venus-manager"
                    ),
                    "source": "ansible/roles/venus/defaults/main.yml:72",
                },
                "venus_manager_tag": {
                    "value": "{{ venus_tag }}",
                    "source": "ansible/roles/venus/defaults/main.yml:73",
                },
                "venus_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/venus/defaults/main.yml:66",
                },
            },
        },
        "skyline": {
            "play": "ansible/site.yml:1060",
            "when": [
                "enable_skyline | bool",
            ],
            "services_var": "skyline_services",
            "services": {
                "skyline-apiserver": {
                    "enabled": True,
                    "image": "skyline-apiserver",
                    "image_var": "skyline_apiserver_image",
                    "tag_var": "skyline_apiserver_tag",
                    "group": "skyline-apiserver",
                    "host_in_groups": None,
                    "source": "ansible/roles/skyline/defaults/main.yml:3",
                },
                "skyline-console": {
                    "enabled": True,
                    "image": "skyline-console",
                    "image_var": "skyline_console_image",
                    "tag_var": "skyline_console_tag",
                    "group": "skyline-console",
                    "host_in_groups": None,
                    "source": "ansible/roles/skyline/defaults/main.yml:31",
                },
            },
            "variables": {
                "skyline_apiserver_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}skyline-apiserver"
                    ),
                    "source": "ansible/roles/skyline/defaults/main.yml:85",
                },
                "skyline_apiserver_tag": {
                    "value": "{{ skyline_tag }}",
                    "source": "ansible/roles/skyline/defaults/main.yml:86",
                },
                "skyline_console_image": {
                    "value": (
                        "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ "
                        "docker_image_name_prefix }}skyline-console"
                    ),
                    "source": "ansible/roles/skyline/defaults/main.yml:89",
                },
                "skyline_console_tag": {
                    "value": "{{ skyline_tag }}",
                    "source": "ansible/roles/skyline/defaults/main.yml:90",
                },
                "skyline_tag": {
                    "value": "{{ openstack_tag }}",
                    "source": "ansible/roles/skyline/defaults/main.yml:83",
                },
            },
        },
    },
    "runtime": [
        "ansible_facts",
        "groups",
        "inventory_hostname",
    ],
    "jinja": [
        "filter:bool",
        "filter:first",
        "filter:int",
    ],
}
