#!/usr/bin/python
# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: docker_daemon_config
short_description: Merge settings into the Docker daemon configuration file (daemon.json)
version_added: 0.1.0
description:
  - Merges O(settings) into the Docker daemon configuration file and removes the keys in O(remove).
  - Keys that are not asked about are never touched, unknown keys are kept. Objects such as C(log-opts) are merged
    recursively; lists such as C(insecure-registries) are merged as a union that keeps order and drops duplicates,
    or replaced when O(append_lists=false).
  - The file is written only when its parsed content changes, through a temp file in the same directory that is
    validated before it atomically replaces the file. When nothing changes the file stays byte-identical.
  - A missing file (and a missing directory, created with mode C(0755)) is created with mode C(0644); an existing
    file keeps its mode and owner.
  - Before anything is written the module checks that no directive of the resulting configuration is also given as
    a C(dockerd) command-line flag (see O(check_flag_conflicts)); dockerd refuses to start in that case.
  - The module does not restart Docker; RV(restart_required) and RV(changed_keys) tell a handler whether a reload
    (C(systemctl reload docker)) applies the change or a restart is needed.
author:
  - kollaprep developers (@kollaprep)
extends_documentation_fragment:
  - kollaprep.registry.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
options:
  path:
    description:
      - Path of the daemon configuration file.
    type: path
    default: /etc/docker/daemon.json
  settings:
    description:
      - Keys and values to merge into the file.
    type: dict
    default: {}
  remove:
    description:
      - Top-level keys to delete from the file. Applied after O(settings).
    type: list
    elements: str
    default: []
  append_lists:
    description:
      - When V(true), a list in O(settings) is merged with the list in the file as a union that keeps the existing
        order and drops duplicates.
      - When V(false), a list in O(settings) replaces the list in the file.
    type: bool
    default: true
  backup:
    description:
      - Create a backup file including the timestamp information before changing an existing file.
    type: bool
    default: false
  validate:
    description:
      - Check the resulting configuration before it is written.
      - The built-in checks verify the types of the known keys (for example C(live-restore) must be a boolean and
        C(log-opts) an object of strings) and the registry entries (C(insecure-registries) entries are host[:port]
        or a CIDR without a scheme, C(registry-mirrors) entries are http(s) URLs).
      - In addition, when the installed C(dockerd) supports C(--validate) (Docker 23 and later), the temp file is
        checked with C(dockerd --validate --config-file <temp file>).
      - When V(false), no content checks are done (the file must still be a JSON object).
    type: bool
    default: true
  check_flag_conflicts:
    description:
      - Fail before anything is written when a key of the resulting configuration is also set by a C(dockerd)
        command-line flag, for example C(--insecure-registry) in C(DOCKER_OPTS) of C(/etc/default/docker) and
        C(insecure-registries) in the file.
      - The command line is read from C(systemctl show -p ExecStart -p EnvironmentFiles) of O(service_unit) and the
        environment files it lists, when C(systemctl) exists and answers. O(conflict_flags_text) is checked too.
    type: bool
    default: true
  service_unit:
    description:
      - The systemd unit that runs C(dockerd), read for O(check_flag_conflicts).
    type: str
    default: docker.service
  conflict_flags_text:
    description:
      - Additional C(dockerd) command-line text to check for conflicts, for setups that start dockerd another way.
    type: str
    default: ""
  owned_file:
    description:
      - A JSON file where the module records the list entries it added (for example the C(insecure-registries)
        entry of a plain-HTTP registry), per key. When set, an entry recorded there that O(settings) no longer lists
        is removed from the file, so a registry switched to TLS loses its C(insecure-registries) entry.
      - An entry the file already had before the module added it is never recorded, so never removed; entries added
        by anyone else stay.
      - A list emptied this way stays as an empty list, so that a reload (C(systemctl reload docker)) applies it.
      - Written atomically with mode C(0644) when its content changes, never in check mode. Empty means no tracking.
    type: path
    default: ""
requirements:
  - Python 3 on the target (standard library only); C(systemctl) for O(check_flag_conflicts) under systemd.
notes:
  - Docker reads the file when it starts, and a few keys again on C(SIGHUP) (C(systemctl reload docker)). When the
    module reports a change, reload Docker if RV(restart_required) is false, else restart it. The role
    kollaprep.registry.docker_host does that, checks with C(docker info) that a reload took effect, and restarts
    when it did not.
seealso:
  - name: Docker daemon configuration file
    description: The keys dockerd accepts in daemon.json.
    link: https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file
"""

EXAMPLES = r"""
- name: Let the targets pull from the local registry and keep containers across daemon restarts
  kollaprep.registry.docker_daemon_config:
    settings:
      insecure-registries:
        - 192.168.1.100:4000
      live-restore: true
      log-opts:
        max-size: 50m
        max-file: "5"
  register: __daemon_config
  notify: Restart docker

- name: Replace the registry mirrors and drop a key
  kollaprep.registry.docker_daemon_config:
    settings:
      registry-mirrors:
        - http://192.168.1.100:4000
    append_lists: false
    remove:
      - debug
    backup: true
"""

RETURN = r"""
config:
  description: The configuration after the change (what the file holds, or would hold in check mode).
  returned: success
  type: dict
  sample: {"live-restore": true, "insecure-registries": ["192.168.1.100:4000"]}
changed_keys:
  description: Top-level keys added, changed or removed (empty when nothing changed).
  returned: success
  type: list
  elements: str
  sample: ["insecure-registries"]
restart_required:
  description:
    - Whether applying the change needs a dockerd restart. V(false) when nothing changed, or when every changed key
      is one dockerd applies on a reload (C(systemctl reload docker), SIGHUP) and none was removed - for example
      C(insecure-registries), C(registry-mirrors), C(live-restore), C(debug), C(labels),
      C(max-concurrent-downloads). A reload keeps the running containers whatever C(live-restore) says.
  returned: success
  type: bool
  sample: false
backup_file:
  description: Name of the backup file, when O(backup=true) and the file was changed.
  returned: changed and O(backup=true) and the file existed
  type: str
  sample: /etc/docker/daemon.json.12345.2024-05-01@12:00:00~
validated_with:
  description:
    - How the resulting configuration was checked. V(dockerd) means the built-in checks and C(dockerd --validate),
      V(builtin) only the built-in checks, V(none) when O(validate=false).
  returned: success
  type: str
  sample: builtin
owned:
  description: The list entries the module added and still owns, per key (what O(owned_file) holds after the run).
  returned: success and O(owned_file) is set
  type: dict
  sample: {"insecure-registries": ["192.168.1.100:4000"]}
diff:
  description: Before and after content (JSON, sorted keys, indent 2) in diff mode.
  returned: changed and diff mode
  type: dict
  sample: {"before": "{}\n", "after": "{\n  \"live-restore\": true\n}\n"}
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kollaprep.registry.plugins.module_utils._daemon_config import (
    DaemonConfigError,
    collect_flags,
    conflict_message,
    diff_text,
    dump_config,
    dockerd_supports_validate,
    dockerd_validate,
    find_conflicts,
    parse_systemctl_show,
    plan,
    write_temp,
)


def _flags(module, path):
    """(flag, key, source) triples from the service unit's command line and conflict_flags_text."""
    exec_starts, env_texts = [], {}
    systemctl = module.get_bin_path("systemctl")
    if systemctl:
        rc, out, _err = module.run_command(
            [systemctl, "show", "-p", "ExecStart", "-p", "EnvironmentFiles", module.params["service_unit"]]
        )
        if rc == 0:
            exec_starts, env_files = parse_systemctl_show(out)
            for name in env_files:
                try:
                    with open(name, encoding="utf-8", errors="replace") as fh:
                        env_texts[name] = fh.read()
                except OSError:
                    continue
    if not exec_starts and not env_texts and not module.params["conflict_flags_text"]:
        return []
    return collect_flags(exec_starts, env_texts, module.params["conflict_flags_text"])


def _write_owned(module, owned_file, owned, result):
    """Record the owned entries (temp file in the same directory, then an atomic move)."""
    directory = os.path.dirname(os.path.abspath(owned_file))
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o755)
        tmp = write_temp(directory, dump_config(owned).encode("utf-8"), 0o644, prefix=".owned.")
    except OSError as exc:
        module.fail_json(msg="Could not write %s (the entries this module added): %s" % (owned_file, exc), **result)
    module.add_cleanup_file(tmp)
    module.atomic_move(tmp, owned_file, unsafe_writes=False)


def run(module):
    p = module.params
    path = p["path"]
    result = dict(changed=False, restart_required=False, changed_keys=[], backup_file=None)
    try:
        planned = plan(path, p["settings"], p["remove"], p["append_lists"], p["validate"], p["owned_file"] or None)
    except DaemonConfigError as exc:
        module.fail_json(msg=str(exc), **result)

    if p["check_flag_conflicts"]:
        conflicts = find_conflicts(planned.after, _flags(module, path))
        if conflicts:
            module.fail_json(msg=conflict_message(conflicts, path, p["service_unit"]), **result)

    dockerd = module.get_bin_path("dockerd", opt_dirs=["/usr/sbin", "/usr/bin", "/usr/local/bin"])
    use_dockerd = p["validate"] and dockerd_supports_validate(dockerd)
    result["validated_with"] = ("dockerd" if use_dockerd else "builtin") if p["validate"] else "none"
    result["config"] = planned.after
    if p["owned_file"]:
        result["owned"] = planned.owned_after
        result["changed"] = planned.owned_changed

    if planned.changed:
        result["changed"] = True
        result["changed_keys"] = planned.changed_keys
        result["restart_required"] = planned.restart_required
        if module._diff:
            result["diff"] = dict(
                before=diff_text(planned.before) if planned.exists else "",
                after=diff_text(planned.after),
                before_header=path,
                after_header=path,
            )

    if planned.changed and not module.check_mode:
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            try:
                os.makedirs(directory, mode=0o755)
            except OSError as exc:
                module.fail_json(msg="Could not create directory %s for %s: %s" % (directory, path, exc), **result)
            module.set_mode_if_different(directory, "0755", False)
        try:
            tmp = write_temp(directory, planned.data, 0o644)
        except OSError as exc:
            module.fail_json(msg="Could not write a temp file in %s for %s: %s" % (directory, path, exc), **result)
        module.add_cleanup_file(tmp)
        if use_dockerd:
            try:
                dockerd_validate(dockerd, tmp, path)
            except DaemonConfigError as exc:
                module.fail_json(msg=str(exc), **result)
        if p["backup"] and planned.exists:
            result["backup_file"] = module.backup_local(path)
        module.atomic_move(tmp, path, unsafe_writes=False)
        if not planned.exists:
            os.chmod(path, 0o644)
    if planned.owned_changed and not module.check_mode:
        _write_owned(module, p["owned_file"], planned.owned_after, result)
    elif planned.changed and use_dockerd:
        # Check mode: validate with dockerd all the same, in a temp file next to the target (or in the temp dir).
        directory = os.path.dirname(os.path.abspath(path))
        tmp = write_temp(directory if os.path.isdir(directory) else module.tmpdir, planned.data, 0o600)
        module.add_cleanup_file(tmp)
        try:
            dockerd_validate(dockerd, tmp, path)
        except DaemonConfigError as exc:
            module.fail_json(msg=str(exc), **result)

    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/docker/daemon.json"),
            settings=dict(type="dict", default={}),
            remove=dict(type="list", elements="str", default=[]),
            append_lists=dict(type="bool", default=True),
            backup=dict(type="bool", default=False),
            validate=dict(type="bool", default=True),
            check_flag_conflicts=dict(type="bool", default=True),
            service_unit=dict(type="str", default="docker.service"),
            conflict_flags_text=dict(type="str", default=""),
            owned_file=dict(type="path", default=""),
        ),
        supports_check_mode=True,
    )
    run(module)


if __name__ == "__main__":
    main()
