"""Unit tests of plugins/module_utils/_daemon_config.py (pure pytest, no Ansible)."""

from __future__ import annotations

import json
import os
import stat

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _daemon_config as dc

# ---------------------------------------------------------------------------------------------------------------------
# merge


def test_union_keeps_order_and_drops_duplicates():
    current = {"insecure-registries": ["a:4000", "b:4000", "a:4000"]}
    after = dc.merge_config(current, {"insecure-registries": ["c:4000", "b:4000", "c:4000"]})
    assert after["insecure-registries"] == ["a:4000", "b:4000", "c:4000"]
    # the input is not modified
    assert current == {"insecure-registries": ["a:4000", "b:4000", "a:4000"]}


def test_union_of_objects_by_value():
    pools = [{"base": "10.10.0.0/16", "size": 24}]
    after = dc.merge_config({"default-address-pools": pools}, {"default-address-pools": [dict(pools[0])]})
    assert after["default-address-pools"] == pools


def test_replace_lists():
    after = dc.merge_config(
        {"registry-mirrors": ["http://a:4000"]}, {"registry-mirrors": ["http://b:4000"]}, append_lists=False
    )
    assert after == {"registry-mirrors": ["http://b:4000"]}


def test_nested_merge_keeps_other_subkeys_and_unknown_keys():
    current = {"log-opts": {"max-size": "10m", "labels": "x"}, "x-unknown": {"a": 1}, "debug": False}
    after = dc.merge_config(current, {"log-opts": {"max-size": "50m", "max-file": "5"}, "live-restore": True})
    assert after == {
        "log-opts": {"max-size": "50m", "labels": "x", "max-file": "5"},
        "x-unknown": {"a": 1},
        "debug": False,
        "live-restore": True,
    }
    # existing key order kept, new keys appended
    assert list(after) == ["log-opts", "x-unknown", "debug", "live-restore"]


def test_scalar_replaces_and_type_change_replaces():
    assert dc.merge_config({"debug": True}, {"debug": False}) == {"debug": False}
    assert dc.merge_config({"dns": "8.8.8.8"}, {"dns": ["1.1.1.1"]}) == {"dns": ["1.1.1.1"]}


def test_remove_after_merge_and_missing_key_is_fine():
    after = dc.merge_config({"debug": True, "mtu": 1450}, {"live-restore": True}, remove=["debug", "absent"])
    assert after == {"mtu": 1450, "live-restore": True}


# ---------------------------------------------------------------------------------------------------------------------
# reading, planning, byte-identical no-op


def test_plan_missing_file_is_a_change(tmp_path):
    p = plan_path(tmp_path)
    res = dc.plan(p, {"live-restore": True})
    assert res.changed and not res.exists
    assert json.loads(res.data) == {"live-restore": True}


def plan_path(tmp_path, content=None):
    p = tmp_path / "daemon.json"
    if content is not None:
        p.write_bytes(content)
    return str(p)


def test_plan_noop_when_parsed_json_equal_even_if_formatted_differently(tmp_path):
    raw = b'{"log-opts":{"max-file":"5","max-size":"50m"},   "live-restore":true}'
    p = plan_path(tmp_path, raw)
    res = dc.plan(p, {"live-restore": True, "log-opts": {"max-size": "50m"}})
    assert not res.changed
    assert res.raw == raw


def test_plan_change_and_diff_text(tmp_path):
    p = plan_path(tmp_path, b'{"debug": false}\n')
    res = dc.plan(p, {"insecure-registries": ["reg:4000"]})
    assert res.changed
    assert dc.diff_text(res.after) == '{\n  "debug": false,\n  "insecure-registries": [\n    "reg:4000"\n  ]\n}\n'


def test_empty_file_counts_as_empty_object(tmp_path):
    res = dc.plan(plan_path(tmp_path, b"  \n"), {})
    assert res.before == {} and not res.changed


def test_invalid_json_message_names_file(tmp_path):
    p = plan_path(tmp_path, b'{"debug": true,,}')
    with pytest.raises(dc.DaemonConfigError, match=r"daemon\.json is not valid JSON .*left untouched: fix or remove"):
        dc.plan(p, {"debug": False})


def test_top_level_not_object(tmp_path):
    with pytest.raises(dc.DaemonConfigError, match=r"must hold a JSON object at the top level, found list"):
        dc.plan(plan_path(tmp_path, b"[1, 2]"), {})


# ---------------------------------------------------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    ("settings", "pattern"),
    [
        ({"live-restore": "true"}, r"'live-restore' must be a boolean"),
        ({"insecure-registries": "reg:4000"}, r"'insecure-registries' must be a list of strings"),
        ({"insecure-registries": ["reg:4000", 5]}, r"'insecure-registries' must be a list of strings"),
        ({"log-opts": {"max-file": 5}}, r"'log-opts' must be an object whose values are all strings"),
        ({"mtu": "1450"}, r"'mtu' must be an integer"),
        ({"mtu": True}, r"'mtu' must be an integer"),
        ({"insecure-registries": ["http://host:4000"]}, r"has a scheme.*drop the scheme \(write 'host:4000'\)"),
        ({"registry-mirrors": ["host:4000"]}, r"has no scheme; dockerd needs a URL.*LP#1919932"),
        ({"registry-mirrors": ["ftp://host:4000"]}, r"not an http\(s\)://host\[:port\] URL"),
        ({"insecure-registries": ["bad host"]}, r"neither host\[:port\].*nor a CIDR"),
        ({"insecure-registries": ["host:99999"]}, r"neither host\[:port\]"),
        ({"insecure-registries": ["300.1.1.1:4000"]}, r"neither host\[:port\]"),
        ({"insecure-registries": ["[::1:4000"]}, r"neither host\[:port\]"),
    ],
)
def test_validation_errors(tmp_path, settings, pattern):
    p = plan_path(tmp_path)
    with pytest.raises(dc.DaemonConfigError, match=pattern) as exc:
        dc.plan(p, settings)
    assert p in str(exc.value)


@pytest.mark.parametrize(
    "entry",
    [
        "reg:4000",
        "reg",
        "reg.example.org:5000",
        "192.168.1.100:4000",
        "10.0.0.0/8",
        "[fd00::1]:4000",
        "[::1]",
        "fd00::/8",
    ],
)
def test_valid_insecure_registries(entry):
    dc.validate_config({"insecure-registries": [entry]})


@pytest.mark.parametrize("entry", ["http://reg:4000", "https://reg.example.org", "https://[fd00::1]:4000/"])
def test_valid_mirrors(entry):
    dc.validate_config({"registry-mirrors": [entry]})


def test_validation_can_be_skipped(tmp_path):
    res = dc.plan(plan_path(tmp_path), {"live-restore": "yes"}, validate=False)
    assert res.after == {"live-restore": "yes"}


def test_unknown_keys_are_not_type_checked():
    dc.validate_config({"x-custom": 1, "features": {"buildkit": True}})


def test_existing_bad_value_in_file_is_reported(tmp_path):
    p = plan_path(tmp_path, b'{"live-restore": "yes"}')
    with pytest.raises(dc.DaemonConfigError, match=r"'live-restore' must be a boolean.*in the file itself"):
        dc.plan(p, {"debug": False})


def test_dockerd_supports_validate_detection(tmp_path):
    fake = tmp_path / "dockerd"
    fake.write_text("#!/bin/sh\necho '      --validate    Validate daemon configuration and exit'\n")
    fake.chmod(0o700)
    assert dc.dockerd_supports_validate(str(fake)) is True
    old = tmp_path / "dockerd-old"
    old.write_text("#!/bin/sh\necho '      --config-file string'\n")
    old.chmod(0o700)
    assert dc.dockerd_supports_validate(str(old)) is False
    assert dc.dockerd_supports_validate(None) is False
    assert dc.dockerd_supports_validate(str(tmp_path / "missing")) is False


def test_dockerd_validate_reports_output(tmp_path):
    fake = tmp_path / "dockerd"
    fake.write_text('#!/bin/sh\necho "unable to configure the Docker daemon: bad thing" >&2\nexit 1\n')
    fake.chmod(0o700)
    with pytest.raises(dc.DaemonConfigError, match=r"dockerd rejects the resulting configuration: unable to .*bad"):
        dc.dockerd_validate(str(fake), str(tmp_path / "x.json"), "/etc/docker/daemon.json")


# ---------------------------------------------------------------------------------------------------------------------
# flag conflicts

SYSTEMCTL_SHOW = (
    "ExecStart={ path=/usr/sbin/dockerd ; argv[]=/usr/sbin/dockerd -H fd:// "
    "--containerd=/run/containerd/containerd.sock $DOCKER_OPTS ; ignore_errors=no ; start_time=[n/a] ; "
    "stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n"
    "EnvironmentFiles=/etc/default/docker (ignore_errors=yes)\n"
)

DEFAULT_DOCKER = """\
# Here in Debian, this file is sourced by systemd's docker.service
#DOCKER_OPTS="--dns 8.8.8.8 --dns 8.8.4.4"
DOCKER_OPTS="--insecure-registry 192.168.1.100:4000 \\
  --log-opt max-size=10m"
OTHER='--mtu 1400'
"""


def test_parse_systemctl_show():
    commands, files = dc.parse_systemctl_show(SYSTEMCTL_SHOW)
    assert commands == ["/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS"]
    assert files == ["/etc/default/docker"]


def test_parse_systemctl_show_empty_unit():
    assert dc.parse_systemctl_show("ExecStart=\nEnvironmentFiles=\n") == ([], [])


def test_parse_environment_file():
    env = dc.parse_environment_file(DEFAULT_DOCKER)
    assert sorted(env) == ["DOCKER_OPTS", "OTHER"]
    assert env["DOCKER_OPTS"].split() == ["--insecure-registry", "192.168.1.100:4000", "--log-opt", "max-size=10m"]
    assert env["OTHER"] == "--mtu 1400"


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("--insecure-registry", "insecure-registries"),
        ("--registry-mirror=http://x", "registry-mirrors"),
        ("--live-restore", "live-restore"),
        ("--live-restore=false", "live-restore"),
        ("--log-driver", "log-driver"),
        ("--log-opt", "log-opts"),
        ("--data-root", "data-root"),
        ("--storage-driver", "storage-driver"),
        ("-H", "hosts"),
        ("-Hunix:///x.sock", "hosts"),
        ("--host", "hosts"),
        ("--bip", "bip"),
        ("--bridge", "bridge"),
        ("-b", "bridge"),
        ("--iptables=false", "iptables"),
        ("--mtu", "mtu"),
        ("--debug", "debug"),
        ("-D", "debug"),
        ("--containerd=/run/c.sock", "containerd"),
        ("--config-file", None),
        ("fd://", None),
        ("-", None),
    ],
)
def test_flag_key(token, key):
    assert dc.flag_key(token) == key


def test_collect_flags_expands_variables_from_environment_files():
    commands, _files = dc.parse_systemctl_show(SYSTEMCTL_SHOW)
    flags = dc.collect_flags(commands, {"/etc/default/docker": DEFAULT_DOCKER}, "--debug")
    assert flags == [
        ("-H", "hosts", "ExecStart"),
        ("--containerd", "containerd", "ExecStart"),
        ("--insecure-registry", "insecure-registries", "/etc/default/docker (DOCKER_OPTS)"),
        ("--log-opt", "log-opts", "/etc/default/docker (DOCKER_OPTS)"),
        ("--debug", "debug", "conflict_flags_text"),
    ]
    # OTHER is not on the command line: --mtu is no conflict
    assert not dc.find_conflicts({"mtu": 1400}, flags)


def test_collect_flags_without_exec_start_checks_every_variable():
    flags = dc.collect_flags([], {"/etc/default/docker": DEFAULT_DOCKER})
    assert ("--mtu", "mtu", "/etc/default/docker (OTHER)") in flags


def test_find_conflicts_and_message():
    commands, _files = dc.parse_systemctl_show(SYSTEMCTL_SHOW)
    flags = dc.collect_flags(commands, {"/etc/default/docker": DEFAULT_DOCKER})
    config = {"insecure-registries": ["192.168.1.100:4000"], "live-restore": True}
    conflicts = dc.find_conflicts(config, flags)
    assert conflicts == [("--insecure-registry", "insecure-registries", "/etc/default/docker (DOCKER_OPTS)")]
    msg = dc.conflict_message(conflicts, "/etc/docker/daemon.json")
    assert msg.startswith("/etc/docker/daemon.json: dockerd refuses to start")
    assert "Nothing was written" in msg and "drop key(s) insecure-registries" in msg
    assert not dc.find_conflicts({"live-restore": True}, flags)


# ---------------------------------------------------------------------------------------------------------------------
# atomic write


def test_atomic_write_creates_file_with_mode(tmp_path):
    p = tmp_path / "daemon.json"
    dc.atomic_write(str(p), b"{}\n")
    assert p.read_bytes() == b"{}\n"
    assert stat.S_IMODE(p.stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ["daemon.json"]


def test_atomic_write_validator_failure_leaves_file_and_no_temp(tmp_path):
    p = tmp_path / "daemon.json"
    p.write_bytes(b'{"debug": true}')

    def refuse(tmp):
        assert os.path.dirname(tmp) == str(tmp_path)
        assert open(tmp, "rb").read() == b"{}\n"
        raise dc.DaemonConfigError("no")

    with pytest.raises(dc.DaemonConfigError):
        dc.atomic_write(str(p), b"{}\n", validator=refuse)
    assert p.read_bytes() == b'{"debug": true}'
    assert os.listdir(tmp_path) == ["daemon.json"]


def test_dump_config_round_trip():
    config = {"live-restore": True, "log-opts": {"max-size": "50m"}}
    assert json.loads(dc.dump_config(config)) == config
    assert dc.dump_config(config).endswith("}\n")


# ---------------------------------------------------------------------------------------------------------------------
# Reload or restart


@pytest.mark.parametrize(
    ("before", "after", "keys", "restart"),
    [
        ({}, {}, [], False),
        ({}, {"insecure-registries": ["r:4000"]}, ["insecure-registries"], False),
        ({"live-restore": False}, {"live-restore": True, "debug": True}, ["debug", "live-restore"], False),
        ({"x": 1}, {"x": 1, "registry-mirrors": ["http://m"]}, ["registry-mirrors"], False),
        ({}, {"log-opts": {"max-size": "1m"}}, ["log-opts"], True),
        (
            {},
            {"insecure-registries": ["r:4000"], "storage-driver": "overlay2"},
            ["insecure-registries", "storage-driver"],
            True,
        ),
        ({"debug": True}, {}, ["debug"], True),  # a reload keeps the running value of a removed key
        ({"x-site": 1}, {"x-site": 2}, ["x-site"], True),  # unknown keys: restart to be safe
    ],
)
def test_changed_keys_and_restart_required(before, after, keys, restart):
    assert dc.changed_keys(before, after) == keys
    assert dc.restart_required(before, after) is restart


def test_plan_reports_changed_keys(tmp_path):
    path = tmp_path / "daemon.json"
    path.write_text('{"live-restore": true}')
    planned = dc.plan(str(path), {"insecure-registries": ["10.0.0.5:4000"]})
    assert planned.changed_keys == ["insecure-registries"] and not planned.restart_required


INFO = {
    "LiveRestoreEnabled": True,
    "Debug": False,
    "Labels": ["site=lab", "rack=r1"],
    "RegistryConfig": {
        "InsecureRegistryCIDRs": ["127.0.0.0/8", "10.1.0.0/16"],
        "IndexConfigs": {
            "docker.io": {"Name": "docker.io", "Secure": True},
            "192.168.1.100:4000": {"Name": "192.168.1.100:4000", "Secure": False},
        },
        "Mirrors": ["http://192.168.1.100:4000/"],
    },
}


def test_reload_missing_accepts_what_docker_info_shows():
    config = {
        "live-restore": True,
        "debug": False,
        "labels": ["rack=r1", "site=lab"],
        "insecure-registries": ["192.168.1.100:4000", "10.1.0.0/16", "http://192.168.1.100:4000/"],
        "registry-mirrors": ["http://192.168.1.100:4000"],
        "max-concurrent-downloads": 10,  # not shown by docker info: taken as applied
    }
    assert dc.reload_missing(config, INFO) == []


@pytest.mark.parametrize(
    ("config", "missing"),
    [
        ({"live-restore": False}, ["live-restore"]),
        ({"debug": True}, ["debug"]),
        ({"labels": ["site=lab"]}, ["labels"]),
        ({"insecure-registries": ["192.168.1.101:4000"]}, ["insecure-registries"]),
        ({"insecure-registries": ["docker.io"]}, ["insecure-registries"]),  # listed, but Secure
        ({"insecure-registries": ["10.2.0.0/16"]}, ["insecure-registries"]),
        ({"registry-mirrors": ["http://other:5000"]}, ["registry-mirrors"]),
        ({"live-restore": True, "debug": True}, ["debug"]),
    ],
)
def test_reload_missing_names_what_docker_info_does_not_show(config, missing):
    assert dc.reload_missing(config, INFO) == missing


def test_reload_missing_without_info_checks_every_checkable_key():
    assert dc.reload_missing({"live-restore": True, "insecure-registries": ["r:1"]}, None) == [
        "live-restore",
        "insecure-registries",
    ]


# --------------------------------------------------------------------------------------------------------------------
# owned entries (issue 14: HTTP -> TLS removes what was added, and only that)


def test_owned_entries_removed_when_no_longer_asked_for_others_kept(tmp_path):
    p = plan_path(tmp_path, b'{"insecure-registries": ["ops:5000"]}')
    owned = tmp_path / "owned.json"
    res = dc.plan(p, {"insecure-registries": ["reg:4000", "ops:5000"]}, owned_path=str(owned))
    assert res.after["insecure-registries"] == ["ops:5000", "reg:4000"]
    assert res.owned_after == {"insecure-registries": ["reg:4000"]} and res.owned_changed
    owned.write_text(json.dumps(res.owned_after))
    with open(p, "w") as fh:
        fh.write(json.dumps(res.after))
    res = dc.plan(p, {}, owned_path=str(owned))
    assert res.after == {"insecure-registries": ["ops:5000"]}
    assert res.owned_after == {} and res.changed and not res.restart_required


def test_owned_entry_already_present_is_never_recorded():
    after, owned = dc.apply_owned(
        {"insecure-registries": ["a:1"]}, {"insecure-registries": ["a:1"]}, {"insecure-registries": ["a:1"]}, {}
    )
    assert owned == {} and after == {"insecure-registries": ["a:1"]}


def test_owned_list_emptied_stays_as_an_empty_list():
    after, owned = dc.apply_owned(
        {"insecure-registries": ["a:1"]}, {"insecure-registries": ["a:1"]}, {}, {"insecure-registries": ["a:1"]}
    )
    assert after == {"insecure-registries": []} and owned == {}


def test_owned_file_not_a_list_fails(tmp_path):
    owned = tmp_path / "owned.json"
    owned.write_text('{"insecure-registries": "a:1"}')
    with pytest.raises(dc.DaemonConfigError, match="must be a list"):
        dc.read_owned(str(owned))
