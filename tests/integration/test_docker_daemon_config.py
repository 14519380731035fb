"""docker_daemon_config through real ansible-playbook runs on localhost, against a file in tmp_path.

The four steps of community.docker's docker_image_tag tests: check mode, real, check mode again, real again.

The ``dockerd --validate`` branch (Docker >= 23) runs against a stand-in ``dockerd`` (DockerdWithValidate): Debian
bookworm has only Docker 20.10, whose dockerd lacks the flag, and no newer package. The stand-in answers
``--validate --config-file F`` with the verdict of the machine's real dockerd 20.10 on F: its own configuration loader
(unknown directives, JSON types, value checks), run as nobody, where a good file gets as far as dockerd's "needs to be
started with root" check and a bad one is refused with dockerd's message. So the verdicts and the words are dockerd's,
not a copy of the module's rules. The module looks for dockerd in /usr/sbin, /usr/bin and /usr/local/bin before PATH,
so the stand-in is bind-mounted over /usr/sbin/dockerd in a private mount namespace of that one ansible-playbook run
(nothing changes for the rest of the machine), and is first on PATH as well.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.testbed.ansible import ansible_env, run_playbook_file, run_task_once

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


def test_http_to_tls_removes_only_the_entry_the_module_added(tmp_path, conf):
    """Issue 14: a registry switched from plain HTTP to TLS loses the insecure-registries entry added for it."""
    conf.parent.mkdir()
    conf.write_text('{"insecure-registries": ["ops:5000"], "debug": true}\n')  # written by the operator
    owned = tmp_path / "etc-docker" / "kollaprep-registry-client.json"
    http = {"insecure-registries": ["reg:4000", "ops:5000"]}  # ops:5000 was there before: never owned

    res = run_module(tmp_path, path=str(conf), settings=http, owned_file=str(owned))
    assert res["changed"] is True and res["owned"] == {"insecure-registries": ["reg:4000"]}
    assert json.loads(conf.read_text())["insecure-registries"] == ["ops:5000", "reg:4000"]
    assert json.loads(owned.read_text()) == {"insecure-registries": ["reg:4000"]}
    assert run_module(tmp_path, path=str(conf), settings=http, owned_file=str(owned))["changed"] is False

    # TLS now: nothing asked for. Check mode shows the removal and writes nothing.
    before_conf, before_owned = conf.read_bytes(), owned.read_bytes()
    res = run_module(tmp_path, check=True, path=str(conf), settings={}, owned_file=str(owned))
    assert res["changed"] is True and res["changed_keys"] == ["insecure-registries"]
    assert json.loads(res["diff"]["after"]) == {"insecure-registries": ["ops:5000"], "debug": True}
    assert conf.read_bytes() == before_conf and owned.read_bytes() == before_owned

    res = run_module(tmp_path, path=str(conf), settings={}, owned_file=str(owned))
    assert res["changed"] is True and res["restart_required"] is False  # a reload applies it
    assert json.loads(conf.read_text()) == {"insecure-registries": ["ops:5000"], "debug": True}
    assert json.loads(owned.read_text()) == {} and res["owned"] == {}

    assert run_module(tmp_path, check=True, path=str(conf), settings={}, owned_file=str(owned))["changed"] is False
    res = run_module(tmp_path, path=str(conf), settings={}, owned_file=str(owned))
    assert res["changed"] is False
    assert json.loads(conf.read_text()) == {"insecure-registries": ["ops:5000"], "debug": True}


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


# ------------------------------------------------------------------------------------------ dockerd --validate

STANDIN = r"""#!/bin/sh
# A dockerd with --validate (Docker >= 23) for tests/integration/test_docker_daemon_config.py. The verdict on a file
# is the one of the real dockerd (@REAL@, Docker 20.10): its configuration loader, run as nobody.
echo "$*" >> @LOG@
validate=
file=/etc/docker/daemon.json
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help)
            # Docker 23's line for the flag, where it goes (dockerd lists its flags in alphabetical order)
            line='      --validate                                Validate daemon configuration and exit'
            @REAL@ --help | sed "/--userns-remap/i\\$line"
            exit 0 ;;
        --validate) validate=1 ;;
        --config-file) shift; file=$1 ;;
        --config-file=*) file=${1#--config-file=} ;;
        *) echo "stand-in dockerd: only --help and --validate [--config-file FILE] are implemented" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$validate" ] || { echo "stand-in dockerd: only --help and --validate are implemented" >&2; exit 2; }
copy=$(mktemp /tmp/kp-dockerd-validate.XXXXXX) || exit 1
trap 'rm -f "$copy"' EXIT
if ! cat "$file" > "$copy" 2>/dev/null; then
    echo "unable to configure the Docker daemon with file $file: open $file: no such file or directory" >&2
    exit 1
fi
chmod 644 "$copy"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups @REAL@ --config-file "$copy" 2>&1)
case "$out" in
    *"needs to be started with root"*) echo "configuration OK" >&2; exit 0 ;;
esac
printf '%s\n' "$out" | grep -v ' level=' | sed "s|$copy|$file|g" >&2
exit 1
"""


class DockerdWithValidate:
    """The stand-in dockerd in a directory of its own (traversable by nobody), with the real dockerd bound at
    <dir>/real-dockerd inside the mount namespace of each run; ``calls`` reads the stand-in's log of its arguments."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="kp-dockerd-standin-"))
        self.dir.chmod(0o755)
        self.real = self.dir / "real-dockerd"
        self.log = self.dir / "calls.log"
        self.log.touch()
        self.log.chmod(0o666)
        self.path = self.dir / "dockerd"
        self.path.write_text(STANDIN.replace("@REAL@", str(self.real)).replace("@LOG@", str(self.log)))
        self.path.chmod(0o755)
        self.real.touch()  # the mount point for the real binary

    def prefix(self) -> list[str]:
        """Run a command with the real dockerd at self.real and the stand-in over DOCKERD, in a new mount namespace."""
        script = 'mount --bind "$1" "$2" && mount --bind "$3" "$1" && shift 3 && exec "$@"'
        return ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, "sh", DOCKERD,
                str(self.real), str(self.path)]  # fmt: skip

    def env(self) -> dict[str, str]:
        env = ansible_env()
        env["PATH"] = "%s:%s" % (self.dir, env["PATH"])
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix(), DOCKERD, *args], capture_output=True, text=True, check=False)

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def dockerd_validate(testbed):
    """The stand-in, checked first: its --help lists --validate, and it gives the real dockerd's verdicts."""
    if not os.path.exists(DOCKERD) or _dockerd_has_validate():
        pytest.skip("needs the machine's dockerd at %s without --validate (Debian's 20.10)" % DOCKERD)
    standin = DockerdWithValidate()
    try:
        assert "--validate" in standin.run("--help").stdout
        good, bad = standin.dir / "good.json", standin.dir / "bad.json"
        good.write_text(json.dumps(SETTINGS))
        bad.write_text('{"no-such-directive": 1}')
        ok = standin.run("--validate", "--config-file", str(good))
        assert (ok.returncode, ok.stderr) == (0, "configuration OK\n"), ok.stderr
        refused = standin.run("--validate", "--config-file", str(bad))
        assert refused.returncode == 1
        assert refused.stderr == (
            "unable to configure the Docker daemon with file %s: the following directives don't match any "
            "configuration option: no-such-directive\n" % bad
        )
        good.unlink()
        bad.unlink()
        standin.log.write_text("")
        yield standin
    finally:
        standin.close()


def run_with_dockerd(standin, tmp_path, check=False, **options):
    extra = {"dc_" + k: v for k, v in options.items()}
    flags = ["--diff", *(["--check"] if check else [])]
    return run_task_once(PLAYBOOK, tmp_path, extra, *flags, env=standin.env(), prefix=standin.prefix(), timeout=180)


def _validated_files(standin) -> list[str]:
    """The files the module gave to dockerd --validate."""
    return [c.split("--config-file ", 1)[1] for c in standin.calls() if c.startswith("--validate --config-file ")]


def test_dockerd_validate_accepts_and_rejects(dockerd_validate, tmp_path, conf):
    standin = dockerd_validate

    # Check mode: validated by dockerd all the same, in a temp file; nothing written.
    res = run_with_dockerd(standin, tmp_path, check=True, path=str(conf), settings=SETTINGS)
    assert res.get("failed") is not True, res.get("msg")
    assert res["validated_with"] == "dockerd" and res["changed"] is True
    assert "--help" in standin.calls() and len(_validated_files(standin)) == 1
    assert not conf.exists()

    # Real: the temp file next to the target is what dockerd validated, then it becomes the file.
    res = run_with_dockerd(standin, tmp_path, path=str(conf), settings=SETTINGS)
    assert res.get("failed") is not True, res.get("msg")
    assert res["validated_with"] == "dockerd" and res["changed"] is True
    checked = Path(_validated_files(standin)[-1])
    assert checked.parent == conf.parent and checked.name.startswith(".daemon.json.")
    assert json.loads(conf.read_text()) == SETTINGS
    written = conf.read_bytes()

    # A value the module's own checks let through and dockerd refuses: failed, the file byte-identical, no temp left.
    res = run_with_dockerd(standin, tmp_path, path=str(conf), settings={"max-concurrent-downloads": -3})
    assert res.get("failed") is True
    assert "dockerd rejects the resulting configuration" in res["msg"]
    assert "invalid max concurrent downloads: -3" in res["msg"]
    assert res["validated_with"] == "dockerd"
    assert conf.read_bytes() == written
    assert sorted(os.listdir(conf.parent)) == ["daemon.json"]

    # Check mode refuses the same way (a type only dockerd knows: a ulimit is an object, not a string).
    calls = len(_validated_files(standin))
    res = run_with_dockerd(standin, tmp_path, check=True, path=str(conf), settings={"default-ulimits": {"nofile": "x"}})
    assert res.get("failed") is True
    assert "cannot unmarshal string into Go struct field Config.default-ulimits of type units.Ulimit" in res["msg"]
    assert len(_validated_files(standin)) == calls + 1
    assert conf.read_bytes() == written
    assert sorted(os.listdir(conf.parent)) == ["daemon.json"]

    # Without a dockerd that validates, the built-in checks alone let that value through: dockerd's check is the one
    # that caught it above.
    other = tmp_path / "builtin" / "daemon.json"
    res = run_module(tmp_path, path=str(other), settings={"max-concurrent-downloads": -3})
    assert res.get("failed") is not True and res["validated_with"] == "builtin"
    assert json.loads(other.read_text()) == {"max-concurrent-downloads": -3}
