# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Merge, validate and write the Docker daemon configuration (/etc/docker/daemon.json).

Pure standard library: imported by the docker_daemon_config module on the managed host and by unit tests without
Ansible. Nothing in here calls ``fail_json``; problems are raised as :class:`DaemonConfigError` whose message names the
file and says what to do.
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import json
import os
import re
import shlex
import subprocess
import tempfile

from ansible_collections.kollaprep.registry.plugins.module_utils._files import removed_on_error

DEFAULT_PATH = "/etc/docker/daemon.json"


class DaemonConfigError(Exception):
    """A problem with the daemon configuration; the message is meant for the user."""


# --------------------------------------------------------------------------------------------------------------------
# Known keys and their types (the subset of dockerd's daemon.json keys a deployment is likely to set).

BOOL, STR, INT, LIST_STR, DICT_STR, DICT, LIST = "bool", "str", "int", "list_str", "dict_str", "dict", "list"

KNOWN_KEYS = {
    # booleans
    "debug": BOOL,
    "experimental": BOOL,
    "icc": BOOL,
    "init": BOOL,
    "ip-forward": BOOL,
    "ip-masq": BOOL,
    "ip6tables": BOOL,
    "iptables": BOOL,
    "ipv6": BOOL,
    "live-restore": BOOL,
    "no-new-privileges": BOOL,
    "raw-logs": BOOL,
    "selinux-enabled": BOOL,
    "tls": BOOL,
    "tlsverify": BOOL,
    "userland-proxy": BOOL,
    # strings
    "bip": STR,
    "bridge": STR,
    "cgroup-parent": STR,
    "containerd": STR,
    "containerd-namespace": STR,
    "data-root": STR,
    "default-cgroupns-mode": STR,
    "default-gateway": STR,
    "default-gateway-v6": STR,
    "default-ipc-mode": STR,
    "default-runtime": STR,
    "default-shm-size": STR,
    "exec-root": STR,
    "fixed-cidr": STR,
    "fixed-cidr-v6": STR,
    "group": STR,
    "init-path": STR,
    "ip": STR,
    "log-driver": STR,
    "log-level": STR,
    "metrics-addr": STR,
    "pidfile": STR,
    "seccomp-profile": STR,
    "storage-driver": STR,
    "tlscacert": STR,
    "tlscert": STR,
    "tlskey": STR,
    "userns-remap": STR,
    # integers
    "max-concurrent-downloads": INT,
    "max-concurrent-uploads": INT,
    "max-download-attempts": INT,
    "mtu": INT,
    "oom-score-adjust": INT,
    "shutdown-timeout": INT,
    # lists of strings
    "allow-nondistributable-artifacts": LIST_STR,
    "authorization-plugins": LIST_STR,
    "dns": LIST_STR,
    "dns-opts": LIST_STR,
    "dns-search": LIST_STR,
    "exec-opts": LIST_STR,
    "hosts": LIST_STR,
    "insecure-registries": LIST_STR,
    "labels": LIST_STR,
    "node-generic-resources": LIST_STR,
    "registry-mirrors": LIST_STR,
    "storage-opts": LIST_STR,
    # objects
    "log-opts": DICT_STR,
    "builder": DICT,
    "default-ulimits": DICT,
    "features": DICT,
    "runtimes": DICT,
    # list of objects
    "default-address-pools": LIST,
}

_TYPE_WORDS = {
    BOOL: "a boolean (true/false, not a string)",
    STR: "a string",
    INT: "an integer (not a string)",
    LIST_STR: "a list of strings",
    DICT_STR: 'an object whose values are all strings (quote numbers, e.g. "5")',
    DICT: "an object",
    LIST: "a list",
}

# dockerd command-line flags whose daemon.json key is not simply the flag name without dashes.
FLAG_TO_KEY = {
    "--add-runtime": "runtimes",
    "--allow-nondistributable-artifacts": "allow-nondistributable-artifacts",
    "--authorization-plugin": "authorization-plugins",
    "--default-address-pool": "default-address-pools",
    "--default-ulimit": "default-ulimits",
    "--dns-opt": "dns-opts",
    "--exec-opt": "exec-opts",
    "--graph": "data-root",
    "--host": "hosts",
    "--insecure-registry": "insecure-registries",
    "--label": "labels",
    "--log-opt": "log-opts",
    "--node-generic-resource": "node-generic-resources",
    "--registry-mirror": "registry-mirrors",
    "--storage-opt": "storage-opts",
}
SHORT_FLAG_TO_KEY = {
    "-b": "bridge",
    "-D": "debug",
    "-g": "data-root",
    "-G": "group",
    "-H": "hosts",
    "-l": "log-level",
    "-p": "pidfile",
}
# Flags that are not configuration directives (never a conflict).
NOT_DIRECTIVES = {"--config-file", "--validate", "--help", "--version", "-h", "-v"}


# --------------------------------------------------------------------------------------------------------------------
# Reading and merging


def parse_config(text, path=DEFAULT_PATH):
    """Parse daemon.json text; an empty or whitespace-only file counts as ``{}``."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DaemonConfigError(
            "%s is not valid JSON (%s); the file was left untouched: fix or remove it, then run again" % (path, exc)
        ) from exc
    if not isinstance(data, dict):
        raise DaemonConfigError(
            "%s must hold a JSON object at the top level, found %s; the file was left untouched: "
            "replace its content with an object such as {} and run again" % (path, type(data).__name__)
        )
    return data


def read_config(path):
    """Return ``(raw_bytes or None when missing, parsed dict)``."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return None, {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DaemonConfigError(
            "%s is not UTF-8 text (%s); the file was left untouched: fix or remove it, then run again" % (path, exc)
        ) from exc
    return raw, parse_config(text, path)


def union_list(current, new):
    """Items of ``current`` then of ``new``, in order, each once (equality by value, so objects work too)."""
    result = []
    for item in list(current) + list(new):
        if item not in result:
            result.append(item)
    return result


def merge_values(current, new, append_lists=True):
    """Merge ``new`` into ``current`` without modifying either: objects recursively, lists as union or replaced."""
    if isinstance(current, dict) and isinstance(new, dict):
        result = copy.deepcopy(current)
        for key, value in new.items():
            result[key] = merge_values(result[key], value, append_lists) if key in result else copy.deepcopy(value)
        return result
    if append_lists and isinstance(current, list) and isinstance(new, list):
        return union_list(current, new)
    return copy.deepcopy(new)


def merge_config(current, settings=None, remove=None, append_lists=True):
    """The configuration after merging ``settings`` and removing the top-level keys in ``remove``."""
    result = merge_values(current, settings or {}, append_lists)
    for key in remove or []:
        result.pop(key, None)
    return result


def dump_config(config):
    """Text written to daemon.json: existing key order kept, indent 2, trailing newline."""
    return json.dumps(config, indent=2) + "\n"


def diff_text(config):
    """Text used for diff mode: sorted keys, indent 2."""
    return json.dumps(config, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------------------------------------------------
# Validation


def _type_ok(kind, value):
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == STR:
        return isinstance(value, str)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == LIST_STR:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == DICT_STR:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if kind == DICT:
        return isinstance(value, dict)
    if kind == LIST:
        return isinstance(value, list)
    raise ValueError(kind)


_HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$")


def _valid_port(port):
    return port.isdigit() and 0 < int(port) < 65536


def is_host_port(entry):
    """``name``, ``name:port``, ``1.2.3.4[:port]`` or ``[v6][:port]``."""
    if entry.startswith("["):
        end = entry.find("]")
        if end < 0:
            return False
        try:
            ipaddress.IPv6Address(entry[1:end])
        except ValueError:
            return False
        rest = entry[end + 1 :]
        return rest == "" or (rest.startswith(":") and _valid_port(rest[1:]))
    host, sep, port = entry.partition(":")
    if sep and not _valid_port(port):
        return False
    if re.fullmatch(r"[0-9.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    return bool(_HOSTNAME_RE.match(host))


def is_cidr(entry):
    if "/" not in entry:
        return False
    try:
        ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return True


def validate_types(config, path=DEFAULT_PATH):
    """Raise when a known key has the wrong type."""
    for key, value in config.items():
        kind = KNOWN_KEYS.get(key)
        if kind and not _type_ok(kind, value):
            raise DaemonConfigError(
                "%s: key %r must be %s, got %s; fix the value (in the module's settings, or in the file itself) "
                "and run again" % (path, key, _TYPE_WORDS[kind], json.dumps(value))
            )


def validate_registries(config, path=DEFAULT_PATH):
    """Raise on insecure-registries / registry-mirrors entries dockerd would reject or misread."""
    for entry in config.get("insecure-registries") or []:
        if "://" in entry:
            raise DaemonConfigError(
                "%s: insecure-registries entry %r has a scheme; dockerd wants host[:port] or a CIDR: drop the "
                "scheme (write %r)" % (path, entry, entry.split("://", 1)[1].rstrip("/"))
            )
        if not (is_host_port(entry) or is_cidr(entry)):
            raise DaemonConfigError(
                "%s: insecure-registries entry %r is neither host[:port] (a name, an IPv4 address or [IPv6]) "
                "nor a CIDR such as 10.0.0.0/8; fix the entry" % (path, entry)
            )
    for entry in config.get("registry-mirrors") or []:
        scheme, sep, rest = entry.partition("://")
        if not sep:
            raise DaemonConfigError(
                "%s: registry-mirrors entry %r has no scheme; dockerd needs a URL: write 'http://%s' or "
                "'https://%s' (kolla-ansible bug LP#1919932)" % (path, entry, entry, entry)
            )
        host = rest.split("/", 1)[0]
        if scheme.lower() not in ("http", "https") or not is_host_port(host) or "?" in rest or "#" in rest:
            raise DaemonConfigError(
                "%s: registry-mirrors entry %r is not an http(s)://host[:port] URL; fix the entry" % (path, entry)
            )


def validate_config(config, path=DEFAULT_PATH):
    """Built-in checks: types of known keys and registry entries."""
    validate_types(config, path)
    validate_registries(config, path)


@functools.lru_cache(maxsize=8)
def _dockerd_supports_validate(dockerd, mtime, size):
    try:
        res = subprocess.run([dockerd, "--help"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--validate" in (res.stdout + res.stderr)


def dockerd_supports_validate(dockerd):
    """Whether ``dockerd --validate`` exists (Docker >= 23); cached per binary (path, mtime, size)."""
    if not dockerd:
        return False
    try:
        st = os.stat(dockerd)
    except OSError:
        return False
    return _dockerd_supports_validate(dockerd, st.st_mtime_ns, st.st_size)


def dockerd_validate(dockerd, config_file, path=DEFAULT_PATH):
    """Run ``dockerd --validate --config-file config_file``; raise with dockerd's words when it refuses."""
    try:
        res = subprocess.run(
            [dockerd, "--validate", "--config-file", config_file],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise DaemonConfigError("%s: could not run %s --validate: %s" % (path, dockerd, exc)) from exc
    if res.returncode != 0:
        raise DaemonConfigError(
            "%s: dockerd rejects the resulting configuration: %s; fix the settings and run again"
            % (path, (res.stderr or res.stdout).strip())
        )


# --------------------------------------------------------------------------------------------------------------------
# Command-line flag conflicts (dockerd refuses to start when a directive is both a flag and a daemon.json key)


def flag_key(token):
    """The daemon.json key a dockerd command-line token sets, or None."""
    if not token.startswith("-") or token in ("-", "--"):
        return None
    if token.startswith("--"):
        name = token.split("=", 1)[0]
        if name in NOT_DIRECTIVES:
            return None
        return FLAG_TO_KEY.get(name, name[2:])
    short = token[:2]
    if short in NOT_DIRECTIVES:
        return None
    return SHORT_FLAG_TO_KEY.get(short)


def command_line_flags(text):
    """``[(flag, key), ...]`` for each dockerd flag in a command line (values are skipped as non-flags)."""
    try:
        tokens = shlex.split(text, comments=False)
    except ValueError:
        tokens = text.split()
    found = []
    for token in tokens:
        key = flag_key(token)
        if key:
            flag = token.split("=", 1)[0] if token.startswith("--") else token[:2]
            found.append((flag, key))
    return found


def parse_environment_file(text):
    """Variables of a systemd EnvironmentFile (``KEY=value``, quotes, comments, backslash continuations)."""
    env = {}
    logical = []
    buf = ""
    for line in text.splitlines():
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        logical.append(buf + line)
        buf = ""
    if buf:
        logical.append(buf)
    for line in logical:
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("export "):
            line = line[len("export ") :].strip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            continue
        try:
            env[name] = " ".join(shlex.split(value.strip()))
        except ValueError:
            env[name] = value.strip()
    return env


_EXEC_ARGV_RE = re.compile(r"argv\[\]=(.*?) ;")
_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def parse_systemctl_show(text):
    """``(exec_start_command_lines, environment_files)`` from ``systemctl show -p ExecStart -p EnvironmentFiles``.

    Environment files listed with ``(ignore_errors=yes)`` (a ``-`` prefix in the unit) are returned too; the caller
    skips the ones that do not exist.
    """
    commands, env_files = [], []
    for line in text.splitlines():
        if line.startswith("ExecStart="):
            commands.extend(m.group(1) for m in _EXEC_ARGV_RE.finditer(line))
        elif line.startswith("EnvironmentFiles="):
            value = line[len("EnvironmentFiles=") :].strip()
            if value:
                env_files.append(re.sub(r"\s*\(ignore_errors=\w+\)\s*$", "", value))
    return commands, env_files


def expand_variables(command, env):
    """Substitute ``$VAR`` / ``${VAR}`` from ``env`` (unset ones become empty), as systemd does in ExecStart."""
    return _VAR_RE.sub(lambda m: env.get(m.group(1) or m.group(2), ""), command)


def collect_flags(exec_starts=(), env_files=None, extra_text=""):
    """``[(flag, key, source), ...]`` from ExecStart lines (with variables expanded), and extra text.

    ``env_files`` maps a file name to its text. Without any ExecStart line every variable of every environment
    file is checked (the unit is unknown, so any of them could be on the command line).
    """
    env_files = env_files or {}
    env, var_source = {}, {}
    for name, text in env_files.items():
        for var, value in parse_environment_file(text).items():
            env[var] = value
            var_source[var] = "%s (%s)" % (name, var)
    found = []
    for command in exec_starts:
        for flag, key in command_line_flags(_VAR_RE.sub("", command)):
            found.append((flag, key, "ExecStart"))
        for m in _VAR_RE.finditer(command):
            var = m.group(1) or m.group(2)
            for flag, key in command_line_flags(env.get(var, "")):
                found.append((flag, key, var_source.get(var, "$" + var)))
    if not exec_starts:
        for var, value in env.items():
            for flag, key in command_line_flags(value):
                found.append((flag, key, var_source[var]))
    if extra_text:
        for flag, key in command_line_flags(extra_text):
            found.append((flag, key, "conflict_flags_text"))
    return found


def find_conflicts(config, flags):
    """Flags from :func:`collect_flags` whose key is set in ``config`` (each flag/source reported once)."""
    conflicts = []
    for item in flags:
        if item[1] in config and item not in conflicts:
            conflicts.append(item)
    return conflicts


def conflict_message(conflicts, path=DEFAULT_PATH, unit="docker.service"):
    parts = ["%s from %s sets %r" % (flag, source, key) for flag, key, source in conflicts]
    keys = sorted({key for _flag, key, _source in conflicts})
    return (
        "%s: dockerd refuses to start when a directive is set both as a command-line flag and in the file: %s. "
        "Nothing was written. Remove the flag(s) from the %s command line (its ExecStart drop-ins or environment "
        "files such as /etc/default/docker DOCKER_OPTS), or drop key(s) %s from the settings"
        % (path, "; ".join(parts), unit, ", ".join(keys))
    )


# --------------------------------------------------------------------------------------------------------------------
# Writing


def write_temp(directory, data, mode=0o644, prefix=".daemon.json."):
    """Write ``data`` (bytes) to a new temp file in ``directory`` (same file system as the target); return its path."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    with removed_on_error(tmp):
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    return tmp


def atomic_write(path, data, mode=0o644, validator=None):
    """Write ``data`` to ``path`` through a temp file in the same directory: validate, then ``os.replace``.

    ``validator(tmp_path)`` may raise; the temp file is then removed and ``path`` is untouched. (The Ansible module
    uses ``module.atomic_move`` instead of ``os.replace`` to keep ownership and SELinux contexts.)
    """
    tmp = write_temp(os.path.dirname(os.path.abspath(path)), data, mode)
    try:
        if validator:
            validator(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------------------------------------------------
# Reload or restart: keys dockerd applies on SIGHUP (``systemctl reload docker``), per moby's daemon/reload.go since
# Docker 18.09. A reload only applies keys present in the file: a removed key keeps its running value until a restart.

RELOADABLE_KEYS = frozenset(
    {
        "allow-nondistributable-artifacts",
        "debug",
        "insecure-registries",
        "labels",
        "live-restore",
        "max-concurrent-downloads",
        "max-concurrent-uploads",
        "max-download-attempts",
        "registry-mirrors",
        "shutdown-timeout",
    }
)

_ABSENT = object()


def changed_keys(before, after):
    """Top-level keys whose value differs between two configurations (added, changed or removed), sorted."""
    return sorted(k for k in set(before) | set(after) if before.get(k, _ABSENT) != after.get(k, _ABSENT))


def restart_required(before, after):
    """True when applying ``after`` needs a dockerd restart; False when a reload applies every change."""
    return any(k not in RELOADABLE_KEYS or k not in after for k in changed_keys(before, after))


def _registry_entry(entry):
    entry = str(entry).strip()
    for scheme in ("http://", "https://"):
        if entry.lower().startswith(scheme):
            entry = entry[len(scheme) :]
    return entry.rstrip("/")


def _insecure_shown(entries, registry_config):
    cidrs = set()
    for cidr in registry_config.get("InsecureRegistryCIDRs") or []:
        try:
            cidrs.add(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    index = registry_config.get("IndexConfigs") or {}
    for raw in entries:
        entry = _registry_entry(raw)
        if is_cidr(entry):
            if ipaddress.ip_network(entry, strict=False) not in cidrs:
                return False
        elif (index.get(entry) or {}).get("Secure") is not False:
            return False
    return True


def reload_missing(config, info):
    """Keys of ``config`` that a running dockerd does not show yet, ``info`` being ``docker info`` (the API's dict).

    Checks the keys ``docker info`` reports (live-restore, debug, labels, insecure-registries, registry-mirrors);
    the others cannot be checked this way and are taken as applied.
    """
    info = info or {}
    registry = info.get("RegistryConfig") or {}
    missing = []
    if "live-restore" in config and bool(config["live-restore"]) != bool(info.get("LiveRestoreEnabled")):
        missing.append("live-restore")
    if "debug" in config and bool(config["debug"]) != bool(info.get("Debug")):
        missing.append("debug")
    if "labels" in config and set(config["labels"] or []) != set(info.get("Labels") or []):
        missing.append("labels")
    if "insecure-registries" in config and not _insecure_shown(config["insecure-registries"] or [], registry):
        missing.append("insecure-registries")
    if "registry-mirrors" in config:
        shown = {_registry_entry(m) for m in registry.get("Mirrors") or []}
        if not {_registry_entry(m) for m in config["registry-mirrors"] or []} <= shown:
            missing.append("registry-mirrors")
    return missing


# --------------------------------------------------------------------------------------------------------------------
# Owned list entries: what this module added to a list (insecure-registries, registry-mirrors, ...), recorded in a
# small JSON file next to daemon.json, so that an entry the caller no longer asks for is taken out again (a registry
# switched from plain HTTP to TLS) while an entry the file had before the module added it is never touched.


def read_owned(path):
    """``{key: [entries]}`` recorded in ``path``; ``{}`` when the file is missing."""
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise DaemonConfigError("%s cannot be read (%s): fix or remove it, then run again" % (path, exc)) from exc
    data = parse_config(text, path)
    for key, value in data.items():
        if not isinstance(value, list):
            raise DaemonConfigError(
                "%s: %r must be a list of the entries this module added, got %s: fix or remove the file"
                % (path, key, json.dumps(value))
            )
    return data


def apply_owned(before, after, settings, owned):
    """``(after, owned_after)``: entries in ``owned`` that ``settings`` no longer lists taken out of ``after``.

    ``owned_after`` records, per list key of ``settings``, the entries still owned plus those this run adds (absent
    from ``before``). An entry that was in the file before the module added it is never recorded, so never removed.
    A list emptied this way stays as ``[]``: dockerd applies a key on reload only when the file sets it.
    """
    settings = settings or {}
    result = copy.deepcopy(after)
    for key, entries in owned.items():
        wanted = settings.get(key) if isinstance(settings.get(key), list) else []
        if isinstance(result.get(key), list):
            result[key] = [item for item in result[key] if item in wanted or item not in entries]
    owned_after = {}
    for key, value in settings.items():
        if not isinstance(value, list):
            continue
        had = before.get(key) if isinstance(before.get(key), list) else []
        kept = [item for item in owned.get(key, []) if item in value]
        added = [item for item in value if item not in had]
        entries = union_list(kept, added)
        if entries:
            owned_after[key] = entries
    return result, owned_after


class MergeResult:
    """What :func:`plan` decided."""

    def __init__(self, raw, before, after, owned_before=None, owned_after=None):
        self.raw = raw
        self.before = before
        self.after = after
        self.exists = raw is not None
        self.changed = (not self.exists) or before != after
        self.data = dump_config(after).encode("utf-8")
        self.changed_keys = changed_keys(before, after)
        self.restart_required = restart_required(before, after)
        self.owned_before = owned_before or {}
        self.owned_after = owned_after or {}
        self.owned_changed = owned_after is not None and self.owned_before != self.owned_after


def plan(path, settings=None, remove=None, append_lists=True, validate=True, owned_path=None):
    """Read ``path``, merge, run the built-in checks; touch nothing. A missing file counts as changed (created).

    With ``owned_path``, list entries recorded there and no longer in ``settings`` are removed (:func:`apply_owned`).
    """
    raw, before = read_config(path)
    after = merge_config(before, settings, remove, append_lists)
    owned_before = owned_after = None
    if owned_path:
        owned_before = read_owned(owned_path)
        after, owned_after = apply_owned(before, after, settings, owned_before)
    if validate:
        validate_config(after, path)
    return MergeResult(raw, before, after, owned_before, owned_after)
