# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ansible option glue shared by the modules that reach registries (image_mirror, registry_bundle): the src_* and
dest_* connection options (documented once in the registry_connection doc fragment) and how they become
RegistryClient arguments. Plain dicts, so this imports without Ansible."""

from __future__ import annotations

# The options every module uses to reach a registry, per side (src_/dest_): one argument spec, documented once in
# the registry_connection doc fragment. Plain dicts, so this module still imports without Ansible.
_SIDE_OPTIONS = {
    "scheme": dict(type="str", choices=["https", "http"], default="https"),
    "validate_certs": dict(type="bool", default=True),
    "ca_path": dict(type="path"),
    "username": dict(type="str"),
    "password": dict(type="str", no_log=True),
}


def _option(side, name):
    return "%s_%s" % (side, name) if side else name


def connection_argument_spec(sides=("src", "dest")):
    """The connection options of each side (``src_*``, ``dest_*``; the side "" gives them without a prefix, for a
    module that reaches one registry) plus timeout and retries, for AnsibleModule(argument_spec=...)."""
    spec = {"timeout": dict(type="float", default=60.0), "retries": dict(type="int", default=4)}
    for side in sides:
        for name, option in _SIDE_OPTIONS.items():
            spec[_option(side, name)] = dict(option)
    return spec


def connection_kwargs(params, side):
    """RegistryClient keyword arguments for one side ("src", "dest", or "" for unprefixed options) from module
    parameters."""
    kwargs = {name: params[_option(side, name)] for name in _SIDE_OPTIONS}
    kwargs.update(timeout=params["timeout"], retries=params["retries"])
    return kwargs
