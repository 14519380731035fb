"""The per-release tables (plugins/module_utils/kolla_tables/*.json) and the script that writes them
(tools/kolla_tables.py), on a small kolla-ansible-like git repository built here, and, when a kolla-ansible
repository is at hand (KOLLA_ANSIBLE_REPO), a check that the tables are those of its branches."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap

import jinja2
import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _kolla as k

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "tools", "kolla_tables.py")
KOLLA_ANSIBLE_REPO = os.environ.get("KOLLA_ANSIBLE_REPO", "/work/.mirror/openstack+kolla-ansible/repo")
BRANCHES = {
    "2024.1": "unmaintained/2024.1",
    "2025.1": "stable/2025.1",
    "2025.2": "stable/2025.2",
    "2026.1": "stable/2026.1",
}


def _script():
    spec = importlib.util.spec_from_file_location("kolla_tables", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------------------------------
# the tables in the collection


@pytest.mark.parametrize("release", list(BRANCHES))
def test_table_names_its_source(release):
    table = k.table(release)
    assert table["release"] == release
    assert table["kolla_ansible"]["branch"] == BRANCHES[release]
    assert re.match(r"^[0-9a-f]{40}$", table["kolla_ansible"]["commit"])
    assert table["kolla_ansible"]["url"].endswith("/openstack/kolla-ansible")
    for name, var in table["variables"].items():
        assert re.match(r"^ansible/group_vars/all(\.yml|/[a-z0-9_-]+\.yml):\d+$", var["source"]), name
    for role, entry in table["roles"].items():
        assert re.match(r"^ansible/[a-z_-]+\.yml:\d+$", entry["play"]), role
        for svc, spec in entry["services"].items():
            assert re.match(r"^ansible/roles/%s/(defaults/main|tasks/pull)\.yml:\d+$" % role, spec["source"]), svc
            assert spec["image"] and spec["image_var"] in entry["variables"]
        for name, var in entry["variables"].items():
            assert re.match(r"^ansible/(roles/%s/(defaults|vars)/main|[a-z_-]+)\.yml:\d+$" % role, var["source"]), name


@pytest.mark.parametrize("release", list(BRANCHES))
def test_every_filter_a_table_uses_is_evaluated(release):
    builtin = jinja2.Environment(autoescape=True)
    for item in k.table(release)["jinja"]:
        kind, name = item.split(":")
        known = builtin.filters if kind == "filter" else builtin.tests
        assert name in known or name in ("bool", "ternary"), item


@pytest.mark.parametrize("release", list(BRANCHES))
def test_runtime_names_are_the_ones_the_evaluator_provides(release):
    assert set(k.table(release)["runtime"]) <= {"inventory_hostname", "groups", "group_names", "ansible_facts"}


@pytest.mark.parametrize("release", list(BRANCHES))
def test_tag_facts_are_carried(release):
    variables = k.table(release)["variables"]
    assert variables["openstack_release"]["value"] == release
    assert variables["kolla_base_distro"]["value"] == "rocky"
    assert variables["openstack_tag"]["value"] == TAG
    assert variables["docker_namespace"]["value"] == "openstack.kolla"


@pytest.mark.skipif(not os.path.isdir(KOLLA_ANSIBLE_REPO), reason="no kolla-ansible repository (KOLLA_ANSIBLE_REPO)")
def test_tables_are_those_of_the_kolla_ansible_branches():
    proc = subprocess.run(
        [sys.executable, SCRIPT, "--repo", KOLLA_ANSIBLE_REPO, "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------------------------------------------------------------
# the script, on a small repository

TAG = "{{ openstack_release }}-{{ kolla_base_distro }}-{{ kolla_base_distro_version }}{{ openstack_tag_suffix }}"
PREFIX = "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/{{ docker_image_name_prefix }}"
FILES = {
    "ansible/site.yml": """\
        ---
        - import_playbook: gather-facts.yml
        - name: Group hosts based on configuration
          hosts: all
          tasks:
            - name: Group hosts based on enabled services
              group_by:
                key: "{{ item }}"
              with_items:
                - enable_web_{{ enable_web | bool }}
                - enable_vswitch_{{ enable_vswitch | bool }}_enable_dpdk_{{ enable_dpdk | bool }}
                - enable_db_{{ enable_db | bool }}
        - name: Apply role prechecks
          hosts: kolla_action_precheck
          roles:
            - role: prechecks
        - name: Apply role common
          hosts:
            - cron
          roles:
            - role: common
        - name: Apply role web
          hosts:
            - web
            - '&enable_web_True'
          roles:
            - { role: web, tags: web }
        - name: Apply role vswitch
          hosts:
            - vswitch
            - '&enable_vswitch_True_enable_dpdk_False'
          roles:
            - { role: vswitch, when: "enable_vswitch | bool" }
        - import_playbook: db.yml
        - name: Apply role ghost
          hosts:
            - ghost
            - '&enable_ghost_True'
          roles:
            - role: ghost
        """,
    "ansible/gather-facts.yml": """\
        ---
        - name: Gather facts
          hosts: all
          tasks: []
        """,
    "ansible/db.yml": """\
        ---
        - name: Apply role db
          hosts:
            - db
            - '&enable_db_True'
          tasks:
            - import_role:
                name: db
              vars:
                role_db_group: db
            - include_role:
                name: db
                tasks_from: post-deploy.yml
        """,
    "ansible/group_vars/all.yml": """\
        ---
        # Comment that must not travel
        docker_registry: "quay.io"
        docker_namespace: "openstack.kolla"
        docker_image_name_prefix: ""
        kolla_base_distro: "rocky"
        kolla_base_distro_version_default_map: {
          "debian": "bookworm",
          "rocky": "9",
        }
        kolla_base_distro_version: "{{ kolla_base_distro_version_default_map[kolla_base_distro] }}"
        openstack_release: "2099.1"
        openstack_tag: "@TAG@"
        openstack_tag_suffix: ""
        enable_web: "yes"
        enable_vswitch: "{{ enable_web | bool and plugin != 'none' }}"
        enable_dpdk: "no"
        enable_db: "yes"
        plugin: "ovs"
        unused_password: "secret"
        """,
    "ansible/roles/common/vars/main.yml": 'project_name: "common"\n',
    "ansible/roles/common/defaults/main.yml": """\
        ---
        common_services:
          cron:
            container_name: cron
            group: cron
            enabled: True
            image: "{{ cron_image_full }}"
        cron_image: "@PREFIX@cron"
        cron_tag: "{{ openstack_tag }}"
        cron_image_full: "{{ cron_image }}:{{ cron_tag }}"
        """,
    "ansible/roles/common/tasks/pull.yml": "---\n- import_role:\n    role: service-images-pull\n",
    "ansible/roles/web/vars/main.yml": 'project_name: "web"\n',
    "ansible/roles/web/defaults/main.yml": """\
        ---
        web_services:
          web-server:
            container_name: web
            group: web
            enabled: true
            image: "{{ web_server_image_full }}"
          web-proxy:
            container_name: web_proxy
            host_in_groups: "{{ inventory_hostname in groups['web'] }}"
            enabled: "{{ web_proxy_enabled | bool }}"
            image: "{{ web_proxy_image_full }}"
        web_proxy_enabled: "{{ plugin == 'ovs' }}"
        web_tag: "{{ openstack_tag }}"
        web_server_image: "{{ docker_image_url }}web-server{{ web_suffix }}"
        web_suffix: "{{ '-2' if plugin == 'two' else '' }}"
        web_server_tag: "{{ web_tag }}"
        web_server_image_full: "{{ web_server_image }}:{{ web_server_tag }}"
        web_proxy_image: "{{ web_server_image }}"
        web_proxy_tag: "{{ web_tag }}"
        web_proxy_image_full: "{{ web_proxy_image }}:{{ web_proxy_tag }}"
        web_unused: "x"
        """,
    "ansible/roles/web/tasks/pull.yml": "---\n- import_role:\n    role: service-images-pull\n",
    "ansible/roles/vswitch/vars/main.yml": 'project_name: "vswitch"\nkolla_role_name: "vs"\n',
    "ansible/roles/vswitch/defaults/main.yml": """\
        ---
        vs_services:
          vswitchd:
            group: vswitch
            enabled: "{{ enable_vswitch }}"
            image: "{{ vswitchd_image_full }}"
        vswitchd_image: "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/vswitchd"
        vswitchd_tag: "{{ openstack_tag }}"
        vswitchd_image_full: "{{ vswitchd_image }}:{{ vswitchd_tag }}"
        """,
    "ansible/roles/vswitch/tasks/pull.yml": "---\n- import_role:\n    role: service-images-pull\n",
    "ansible/roles/db/vars/main.yml": 'project_name: "db"\n',
    "ansible/roles/db/defaults/main.yml": """\
        ---
        db_image: "{{ docker_registry ~ '/' if docker_registry else '' }}{{ docker_namespace }}/db-server"
        db_tag: "{{ openstack_tag }}"
        db_image_full: "{{ db_image }}:{{ db_tag }}"
        """,
    "ansible/roles/db/tasks/main.yml": """\
        ---
        - name: Group db hosts
          add_host:
            name: "{{ item }}"
            groups: "{{ hostvars[item]['db_group'] }}"
          loop: "{{ groups['db'] }}"
        - include_tasks: "{{ kolla_action }}.yml"
        """,
    "ansible/roles/db/tasks/pull.yml": """\
        ---
        - name: Pulling db image
          kolla_container:
            action: "pull_image"
            image: "{{ db_image_full }}"
          when: inventory_hostname in groups[role_db_group]
        """,
    "ansible/roles/ghost/defaults/main.yml": "---\nghost_services: {}\n",
    "kolla_ansible/ansible.py": """\
        def _get_vars_files(config_path):
            for vars_file in os.listdir(vars_path):
                if ext in (".yml", ".yaml"):
                    vars_files.append(abs_path)
            return sorted(vars_files)
        """,
}


@pytest.fixture(scope="module")
def small_repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("kolla-ansible")
    for path, text in FILES.items():
        full = repo / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(textwrap.dedent(text).replace("@TAG@", TAG).replace("@PREFIX@", PREFIX))
    # db's add_host reads db_group from group_vars; put it there
    with open(repo / "ansible/group_vars/all.yml", "a", encoding="utf-8") as handle:
        handle.write('db_group: "db_shard"\n')
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "stable/2099.1"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "kolla"], check=True)
    return str(repo)


@pytest.fixture(scope="module")
def small_table(small_repo):
    script = _script()
    return script.Release(script.Git(small_repo, "stable/2099.1"), "2099.1").extract()


def test_roles_and_their_conditions(small_table):
    roles = small_table["roles"]
    assert set(roles) == {"common", "web", "vswitch", "db", "ghost"}  # not prechecks, not tasks_from includes
    assert roles["common"]["when"] == []
    assert roles["web"]["when"] == ["enable_web | bool"]
    assert roles["vswitch"]["when"] == ["enable_vswitch | bool", "not (enable_dpdk | bool)"]
    assert roles["db"]["when"] == ["enable_db | bool"]
    assert roles["ghost"]["when"] == ["false"]  # no group_by builds enable_ghost_True
    assert roles["vswitch"]["services_var"] == "vs_services"  # kolla_role_name wins over project_name
    assert roles["web"]["play"] == "ansible/site.yml:22"


def test_services_images_and_closure(small_table):
    web = small_table["roles"]["web"]
    assert web["services"]["web-server"] == {
        "enabled": True,
        "image": "web-server{{ web_suffix }}",
        "image_var": "web_server_image",
        "tag_var": "web_server_tag",
        "group": "web",
        "host_in_groups": None,
        "source": "ansible/roles/web/defaults/main.yml:3",
    }
    assert web["services"]["web-proxy"]["image"] == "web-server{{ web_suffix }}"  # through web_proxy_image
    assert "web_unused" not in web["variables"] and "web_proxy_enabled" in web["variables"]
    assert web["variables"]["web_suffix"]["source"] == "ansible/roles/web/defaults/main.yml:16"
    assert "unused_password" not in small_table["variables"]
    assert small_table["variables"]["enable_vswitch"] == {
        "value": "{{ enable_web | bool and plugin != 'none' }}",
        "source": "ansible/group_vars/all.yml:16",
    }
    # docker_image_url is not defined in this repository: a runtime name, and an error if an evaluation needs it
    assert "docker_image_url" in small_table["runtime"]


def test_own_pull_tasks_and_play_vars_and_add_host(small_table):
    db = small_table["roles"]["db"]
    assert db["services_var"] is None
    assert db["services"]["db"]["enabled"] is True
    assert db["services"]["db"]["host_in_groups"] == "{{ inventory_hostname in groups[role_db_group] }}"
    assert db["services"]["db"]["source"] == "ansible/roles/db/tasks/pull.yml:2"
    assert db["variables"]["role_db_group"] == {"value": "db", "source": "ansible/db.yml:2"}
    assert db["add_hosts"] == [
        {"hosts_of": "db", "group": "{{ db_group }}", "source": "ansible/roles/db/tasks/main.yml:2"}
    ]


def test_globals_d_and_provenance(small_table, small_repo):
    assert small_table["globals_d"] == {
        "extensions": [".yml", ".yaml"],
        "order": "sorted",
        "source": "kolla_ansible/ansible.py:1",
    }
    commit = subprocess.run(
        ["git", "-C", small_repo, "rev-parse", "stable/2099.1"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert small_table["kolla_ansible"] == {
        "url": "https://opendev.org/openstack/kolla-ansible",
        "branch": "stable/2099.1",
        "commit": commit,
    }


def test_written_table_round_trips_and_carries_no_comment(small_table, small_repo, tmp_path):
    script = _script()
    text = script.render_table(small_table)
    assert "Comment that must not travel" not in text and "secret" not in text
    assert json.loads(text) == small_table
    args = ["--repo", small_repo, "--out", str(tmp_path), "--release", "2099.1=stable/2099.1"]
    assert script.main(args) == 0
    assert (tmp_path / "2099.1.json").read_text() == text
    assert script.main([*args, "--check"]) == 0
    (tmp_path / "2099.1.json").write_text(text.replace("rocky", "debian"))
    assert script.main([*args, "--check"]) == 1


def test_unknown_shapes_fail_loudly(small_repo, tmp_path):
    script = _script()
    assert script.main(["--repo", small_repo, "--out", str(tmp_path), "--release", "x=no-such-branch"]) == 2
