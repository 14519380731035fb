"""docker_daemon_config through real ansible-playbook runs on localhost, against a file in tmp_path.

The four steps of community.docker's docker_image_tag tests: check mode, real, check mode again, real again.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.testbed.ansible import ansible_env, run_playbook_file

pytestmark = pytest.mark.integration

PLAYBOOK = "daemon_config_run.yml"
DOCKERD = "/usr/sbin/dockerd"


def run_module(tmp_path, check=False, diff=True, **options):
    """Run the module once; return its result dict (with ``failed``/``msg`` when it failed)."""
    extra = {"dc_" + k: v for k, v in options.items()}
    flags = (["--check"] if check else []) + (["--diff"] if diff else [])
    proc = run_playbook_file(
        PLAYBOOK, tmp_path, extra, *flags, env=ansible_env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json"), timeout=180
    )
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        pytest.fail("ansible-playbook printed no JSON (rc %s): %s %s" % (proc.returncode, proc.stdout, proc.stderr))
    return out["plays"][0]["tasks"][0]["hosts"]["localhost"]


@pytest.fixture
def conf(tmp_path):
    return tmp_path / "etc-docker" / "daemon.json"


SETTINGS = {"live-restore": True, "log-opts": {"max-size": "50m", "max-file": "5"}}


def test_four_steps_on_a_missing_file(tmp_path, conf):
    # 1. check mode: would create, nothing written
    res = run_module(tmp_path, check=True, path=str(conf), settings=SETTINGS)
    assert res["changed"] is True and res["restart_required"] is True  # log-opts: read at start only
    assert res["changed_keys"] == ["live-restore", "log-opts"]
    assert res["diff"]["before"] == ""
    assert json.loads(res["diff"]["after"]) == SETTINGS
    assert res["config"] == SETTINGS
    assert not conf.exists() and not conf.parent.exists()

    # 2. real: creates the directory (0755) and the file (0644)
    res = run_module(tmp_path, path=str(conf), settings=SETTINGS)
    assert res["changed"] is True
    assert json.loads(conf.read_text()) == SETTINGS
    assert stat.S_IMODE(conf.stat().st_mode) == 0o644
    assert stat.S_IMODE(conf.parent.stat().st_mode) == 0o755
    assert sorted(os.listdir(conf.parent)) == ["daemon.json"]  # no temp file left behind
    assert res["diff"]["after"] == json.dumps(SETTINGS, indent=2, sort_keys=True) + "\n"
    written = conf.read_bytes()
    mtime = conf.stat().st_mtime_ns

    # 3. check mode again: nothing to do
    res = run_module(tmp_path, check=True, path=str(conf), settings=SETTINGS)
    assert res["changed"] is False and res["restart_required"] is False
    assert "diff" not in res or not res["diff"]

    # 4. real again: nothing to do, the file is byte-identical and was not rewritten
    res = run_module(tmp_path, path=str(conf), settings=SETTINGS)
    assert res["changed"] is False
    assert "diff" not in res or not res["diff"]
    assert conf.read_bytes() == written
    assert conf.stat().st_mtime_ns == mtime


def test_four_steps_merging_into_an_existing_file(tmp_path, conf):
    conf.parent.mkdir()
    original = b'{"x-site-key": {"keep": 1}, "insecure-registries": ["a:4000"], "log-opts": {"labels": "svc"}}'
    conf.write_bytes(original)
    settings = {"insecure-registries": ["b:4000", "a:4000"], "log-opts": {"max-size": "50m"}}
    expected = {
        "x-site-key": {"keep": 1},
        "insecure-registries": ["a:4000", "b:4000"],
        "log-opts": {"labels": "svc", "max-size": "50m"},
    }

    res = run_module(tmp_path, check=True, path=str(conf), settings=settings)
    assert res["changed"] is True
    assert json.loads(res["diff"]["before"]) == json.loads(original)
    assert json.loads(res["diff"]["after"]) == expected
    assert conf.read_bytes() == original

    res = run_module(tmp_path, path=str(conf), settings=settings, backup=True)
    assert res["changed"] is True
    assert res["changed_keys"] == ["insecure-registries", "log-opts"] and res["restart_required"] is True
    assert json.loads(conf.read_text()) == expected
    assert list(json.loads(conf.read_text())) == ["x-site-key", "insecure-registries", "log-opts"]  # order kept
    assert Path(res["backup_file"]).read_bytes() == original

    res = run_module(tmp_path, check=True, path=str(conf), settings=settings)
    assert res["changed"] is False

    before = conf.read_bytes()
    res = run_module(tmp_path, path=str(conf), settings=settings)
    assert res["changed"] is False
    assert conf.read_bytes() == before


def test_replace_lists_and_remove(tmp_path, conf):
    conf.parent.mkdir()
    conf.write_text('{"registry-mirrors": ["http://a:4000"], "debug": true}\n')
    res = run_module(
        tmp_path, path=str(conf), settings={"registry-mirrors": ["http://b:4000"]}, append_lists=False, remove=["debug"]
    )
    assert res["changed"] is True
    assert json.loads(conf.read_text()) == {"registry-mirrors": ["http://b:4000"]}
    # A removed key keeps its running value through a reload: restart.
    assert res["changed_keys"] == ["debug", "registry-mirrors"] and res["restart_required"] is True


def test_registry_only_change_needs_a_reload_not_a_restart(tmp_path, conf):
    conf.parent.mkdir()
    conf.write_text('{"live-restore": false, "log-opts": {"max-size": "50m"}}\n')
    res = run_module(
        tmp_path, path=str(conf), settings={"insecure-registries": ["10.0.0.5:4000"], "live-restore": True}
    )
    assert res["changed"] is True
    assert res["changed_keys"] == ["insecure-registries", "live-restore"]
    assert res["restart_required"] is False


def test_malformed_json_fails_and_stays_byte_identical(tmp_path, conf):
    conf.parent.mkdir()
    bad = b'{"debug": true,\n  "live-restore": }\n'
    conf.write_bytes(bad)
    res = run_module(tmp_path, path=str(conf), settings=SETTINGS)
    assert res.get("failed") is True
    assert "%s is not valid JSON" % conf in res["msg"]
    assert "fix or remove it" in res["msg"]
    assert conf.read_bytes() == bad
    assert sorted(os.listdir(conf.parent)) == ["daemon.json"]


def test_flag_conflict_fails_before_writing(tmp_path, conf):
    conf.parent.mkdir()
    conf.write_text("{}")
    res = run_module(
        tmp_path,
        path=str(conf),
        settings={"insecure-registries": ["192.168.1.100:4000"]},
        conflict_flags_text="-H fd:// --insecure-registry 192.168.1.100:4000",
    )
    assert res.get("failed") is True
    assert "--insecure-registry from conflict_flags_text sets 'insecure-registries'" in res["msg"]
    assert "Nothing was written" in res["msg"]
    assert conf.read_text() == "{}"


def _dockerd_has_validate():
    if not os.path.exists(DOCKERD):
        return False
    out = subprocess.run([DOCKERD, "--help"], capture_output=True, text=True, check=False)
    return "--validate" in out.stdout + out.stderr


def test_validation_path_of_this_machine(tmp_path, conf):
    """dockerd --validate when this machine's dockerd has it (Docker >= 23), the built-in type checks otherwise."""
    res = run_module(tmp_path, path=str(conf), settings=SETTINGS)
    assert res["validated_with"] == ("dockerd" if _dockerd_has_validate() else "builtin")

    res = run_module(tmp_path, path=str(conf), settings={"live-restore": "yes"})
    assert res.get("failed") is True
    assert "'live-restore' must be a boolean" in res["msg"] and str(conf) in res["msg"]
    assert json.loads(conf.read_text()) == SETTINGS

    res = run_module(tmp_path, path=str(conf), settings={"insecure-registries": ["http://reg:4000"]})
    assert res.get("failed") is True
    assert "drop the scheme" in res["msg"]

    res = run_module(tmp_path, path=str(conf), settings={"registry-mirrors": ["reg:4000"]})
    assert res.get("failed") is True
    assert "LP#1919932" in res["msg"]
    assert json.loads(conf.read_text()) == SETTINGS
