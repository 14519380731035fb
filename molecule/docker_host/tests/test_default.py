"""What a user checks on a host after the docker_host role (testinfra, run by molecule verify)."""

from __future__ import annotations

import json

DAEMON_JSON = "/etc/docker/daemon.json"


def _is_host1(host):
    """host1 (group kp_dh_one in molecule.yml) starts as a host prepared by the Kolla guide; host2 does not. Read from
    the inventory, not from the host name (names carry the run suffix)."""
    return host.ansible.get_variables()["kp_dh_legacy"] is True


def test_docker_active_and_enabled(host):
    svc = host.service("docker")
    assert svc.is_running
    assert svc.is_enabled


def test_docker_answers(host):
    out = host.check_output("docker info --format '{{.LiveRestoreEnabled}} {{.ServerVersion}}'")
    assert out.split()[0] == "true"


def test_python_docker_installed(host):
    assert host.package("python3-docker").is_installed


def test_run_is_shared_now_and_at_boot(host):
    assert host.check_output("findmnt --noheadings --output PROPAGATION --mountpoint /run").split()[-1] == "shared"
    unit = host.service("kollaprep-shared-run.service")
    assert unit.is_enabled
    assert "mount --make-shared /run" in host.file("/etc/systemd/system/kollaprep-shared-run.service").content_string


def test_daemon_json_merged(host):
    f = host.file(DAEMON_JSON)
    assert f.exists and f.mode == 0o644
    config = json.loads(f.content_string)
    assert config["live-restore"] is True
    assert config["log-opts"] == {"max-size": "50m", "max-file": "5"}
    if _is_host1(host):
        # the keys the site had before are still there
        assert config["max-concurrent-downloads"] == 5
        assert config["debug"] is False
        assert config["max-concurrent-uploads"] == 3  # side_effect's change
    else:
        assert "max-concurrent-downloads" not in config


def test_no_mountflags_dropin(host):
    # host1 had the Kolla guide's kolla.conf with MountFlags=shared: removed (Docker 20.10, LP#1833835)
    assert not host.file("/etc/systemd/system/docker.service.d/kolla.conf").exists
    cmd = host.run("grep -rs MountFlags /etc/systemd/system/docker.service.d/")
    assert cmd.stdout == ""
    assert "shared" not in host.check_output("systemctl cat docker.service")


def test_container_survives_daemon_json_changes(host):
    facts = json.loads(host.file("/root/kp-dh-side-effect.json").content_string)
    if _is_host1(host):
        # keys dockerd reloads (max-concurrent-uploads, labels): a reload, the same dockerd runs them ...
        assert facts["dockerd_pid_reloaded"] == facts["dockerd_pid_before"]
        assert "kp-dh=reloaded" in json.loads(host.check_output("docker info --format '{{json .Labels}}'"))
    else:
        # live-restore was off when the container started; the role turned it on in the same run as a restart
        assert facts["live_restore_was"] is False
    # ... a key dockerd reads only at start (log-level): docker was really restarted ...
    assert facts["dockerd_pid_before"] != facts["dockerd_pid_after"]
    assert json.loads(host.file(DAEMON_JSON).content_string)["log-level"] == "info"
    # ... and the container started before is still the same running process (live-restore)
    state = json.loads(host.check_output("docker inspect --format '{{json .State}}' kp-dh-sleeper"))
    assert state["Running"] is True
    assert state["StartedAt"] == facts["started_at"]
    assert state["Pid"] == facts["container_pid"]
    assert host.process.filter(comm="sleep")
