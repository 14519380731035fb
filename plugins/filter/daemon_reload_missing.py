# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: daemon_reload_missing
short_description: Settings of a Docker daemon configuration that a running dockerd does not show yet
version_added: 0.1.0
author: kollaprep developers (@kollaprep)
description:
  - Compares a daemon configuration (the content of C(/etc/docker/daemon.json)) with what a running dockerd reports
    in C(docker info), and returns the keys whose value dockerd does not run with.
  - Meant to check that a reload (C(systemctl reload docker), SIGHUP) took effect, and to restart Docker when it did
    not.
  - Only the keys C(docker info) reports are checked - C(live-restore), C(debug), C(labels),
    C(insecure-registries) and C(registry-mirrors); any other key is taken as applied.
positional: config
options:
  _input:
    description: The C(host_info) result of M(community.docker.docker_host_info) (the Docker API's C(/info)).
    type: dict
    required: true
  config:
    description: The daemon configuration, for example RV(kollaprep.registry.docker_daemon_config#module:config).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Read what dockerd runs with
  community.docker.docker_host_info:
  register: __info

- name: Restart Docker when the reload did not apply the new registry settings
  ansible.builtin.systemd_service:
    name: docker
    state: restarted
  when: __info.host_info | kollaprep.registry.daemon_reload_missing(__daemon_config.config) | length > 0
"""

RETURN = r"""
_value:
  description: The keys of O(config) that dockerd does not run with, in a fixed order; empty when all are applied.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.kollaprep.registry.plugins.module_utils._daemon_config import reload_missing


def _kind(value):
    return type(value).__name__


def daemon_reload_missing(info, config):
    if not isinstance(config, dict):
        raise AnsibleFilterError("daemon_reload_missing: config must be a dict (daemon.json), not %s" % _kind(config))
    if info is not None and not isinstance(info, dict):
        raise AnsibleFilterError("daemon_reload_missing: the input must be docker info as a dict, not %s" % _kind(info))
    return reload_missing(config, info)


class FilterModule:
    def filters(self):
        return {"daemon_reload_missing": daemon_reload_missing}
