# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Extract the facts that decide kolla-ansible's image set from a kolla-ansible git repository.

For each release, reads one branch with ``git show`` (no checkout needed) and writes
``plugins/module_utils/kolla_tables/<release>.json``: one object, naming the branch and commit (``kolla_ansible``), with

- ``variables``: the playbook group_vars (ansible/group_vars/all.yml, or all/*.yml from 2025.2) that the image set
  depends on, transitively: the enable_* flags, derived flags such as enable_openvswitch, the variables those read
  (neutron_plugin_agent, ...), and the tag and namespace facts (openstack_release, openstack_tag, kolla_base_distro,
  kolla_base_distro_version_default_map, docker_namespace, ...). Values are kept as written (Jinja expressions as
  strings), each with the file and line it comes from.
- ``roles``: every role a play of ansible/site.yml (and the playbooks it imports) applies, with the conditions under
  which it is applied (the play's ``&enable_<x>_True`` host pattern, translated through the group_by task that builds
  those groups, and the role's ``when``), the ``<name>_services`` dict that service-images-pull reads, and per service
  the ``enabled`` expression, the image name, the image and tag variables; plus the role variables (defaults/main.yml,
  vars/main.yml) those expressions read.
- ``globals_d``: how the kolla-ansible command line of that release passes globals.yml and globals.d/* to Ansible.
- ``runtime``: names that expressions read but no file defines (inventory, facts).

Only these facts are carried over, never comments or other content. Usage::

    python tools/kolla_tables.py --repo /path/to/kolla-ansible            # write the tables
    python tools/kolla_tables.py --repo /path/to/kolla-ansible --check    # exit 1 when a table is out of date
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

import jinja2
import jinja2.nodes
import yaml

RELEASES = {
    "2024.1": "unmaintained/2024.1",
    "2025.1": "stable/2025.1",
    "2025.2": "stable/2025.2",
    "2026.1": "stable/2026.1",
}
UPSTREAM = "https://opendev.org/openstack/kolla-ansible"
LINE = 120  # the project's line length (pyproject.toml)
OUT_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins", "module_utils", "kolla_tables")
)

# Facts every table carries, whether or not an image expression reaches them.
ALWAYS = (
    "openstack_release",
    "openstack_tag",
    "openstack_tag_suffix",
    "kolla_base_distro",
    "kolla_base_distro_version",
    "kolla_base_distro_version_default_map",
    "docker_registry",
    "docker_namespace",
)
# Names Ansible or the inventory provides at run time; never looked up in kolla-ansible's files.
RUNTIME = {
    "groups",
    "group_names",
    "inventory_hostname",
    "inventory_hostname_short",
    "hostvars",
    "ansible_facts",
    "play_hosts",
    "ansible_play_hosts",
    "omit",
    "lookup",
    "query",
    "q",
    "item",
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# how kolla-ansible spells "<registry>/<namespace>/<prefix>" in front of an image name
_IMAGE_PREFIX = re.compile(
    r"^(?:\{\{ docker_registry ~ '/' if docker_registry else '' \}\}\{\{ docker_namespace \}\}/"
    r"(?:\{\{ docker_image_name_prefix \}\})?|\{\{ docker_image_url \}\})"
)
_ROLE_KEYWORDS = {"role", "name", "tags", "when", "vars", "become", "delegate_to", "environment"}
_PURE_REF = re.compile(r"^\s*\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$")
_ENV = jinja2.Environment()  # noqa: S701 - parses expressions only, never renders HTML


class ExtractError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------------
# git and YAML


class Git:
    def __init__(self, repo: str, ref: str):
        self.repo = repo
        self.ref = ref
        self._batch = None
        self.commit = self._run("rev-parse", "%s^{commit}" % ref).strip()

    def _run(self, *args: str) -> str:
        proc = subprocess.run(["git", "-C", self.repo, *args], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise ExtractError("git %s failed in %s: %s" % (" ".join(args), self.repo, proc.stderr.strip()))
        return proc.stdout

    def show(self, path: str) -> str | None:
        """The file at the commit, or None; one `git cat-file --batch` serves every read."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "-C", self.repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        self._batch.stdin.write(("%s:%s\n" % (self.commit, path)).encode())
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().decode().split()
        if len(header) != 3:  # "<name> missing" (or ambiguous)
            return None
        data = self._batch.stdout.read(int(header[2]))
        self._batch.stdout.read(1)  # the newline after the object
        return data.decode("utf-8") if header[1] == "blob" else None

    def close(self) -> None:
        if self._batch is not None:
            self._batch.stdin.close()
            self._batch.wait()
            self._batch = None

    def ls(self, path: str) -> list[str]:
        return self._run("ls-tree", "--name-only", self.commit, path.rstrip("/") + "/").split()


class _Loader(yaml.SafeLoader):
    """YAML 1.1 like Ansible's loader; Ansible's own tags (!unsafe, !vault) load as their plain value."""


def _plain(loader, _suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


_Loader.add_multi_constructor("!", _plain)


def load_yaml(text: str, path: str):
    """Return (data, lines): lines maps top-level keys to line numbers, and 'key/subkey' for second-level keys."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise ExtractError("%s: %s" % (path, exc)) from exc
    finally:
        loader.dispose()
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for knode, vnode in node.value:
            lines[knode.value] = knode.start_mark.line + 1
            if isinstance(vnode, yaml.MappingNode):
                for k2, _v2 in vnode.value:
                    lines["%s/%s" % (knode.value, k2.value)] = k2.start_mark.line + 1
    return data, lines


# ---------------------------------------------------------------------------------------------------------------------
# Jinja


def template_names(value) -> set[str]:
    """Variables a value (a template string, or a container of them) reads."""
    names: set[str] = set()
    if isinstance(value, str):
        if "{{" in value or "{%" in value:
            tree = _ENV.parse(value)
            stored = {n.name for n in tree.find_all(jinja2.nodes.Name) if n.ctx in ("store", "param")}
            names |= {n.name for n in tree.find_all(jinja2.nodes.Name) if n.ctx == "load"} - stored
    elif isinstance(value, dict):
        for key, item in value.items():
            names |= template_names(key) | template_names(item)
    elif isinstance(value, list):
        for item in value:
            names |= template_names(item)
    return names


def expression_names(expr: str) -> set[str]:
    """Variables a bare expression (a `when:`) reads."""
    return template_names("{{ %s }}" % expr)


def filters_and_tests(value) -> set[str]:
    found: set[str] = set()
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        tree = _ENV.parse(value)
        found |= {"filter:" + n.name for n in tree.find_all(jinja2.nodes.Filter)}
        found |= {"test:" + n.name for n in tree.find_all(jinja2.nodes.Test)}
    elif isinstance(value, dict):
        for item in value.values():
            found |= filters_and_tests(item)
    elif isinstance(value, list):
        for item in value:
            found |= filters_and_tests(item)
    return found


# ---------------------------------------------------------------------------------------------------------------------
# extraction


class Release:
    def __init__(self, git: Git, release: str):
        self.git = git
        self.release = release
        self.group_vars: dict[str, tuple[object, str]] = {}
        self.variables: dict[str, dict] = {}
        self.runtime: set[str] = set()
        self.roles: dict[str, dict] = {}

    # group_vars ------------------------------------------------------------------------------------------------------
    def load_group_vars(self) -> None:
        base = "ansible/group_vars"
        files = ["%s/all.yml" % base] if self.git.show("%s/all.yml" % base) is not None else []
        if not files:
            files = sorted(p for p in self.git.ls("%s/all" % base) if p.endswith((".yml", ".yaml")))
        if not files:
            raise ExtractError("%s: no ansible/group_vars/all.yml nor all/*.yml" % self.git.ref)
        for path in files:  # Ansible reads a group_vars directory in sorted order; later files win
            data, lines = load_yaml(self.git.show(path), path)
            for name, value in (data or {}).items():
                self.group_vars[name] = (value, "%s:%d" % (path, lines[name]))

    # plays -----------------------------------------------------------------------------------------------------------
    def _playbook(self, path: str):
        text = self.git.show(path)
        if text is None:
            raise ExtractError("%s: %s not found" % (self.git.ref, path))
        data, _lines = load_yaml(text, path)
        # play line numbers: the '- ' items of the top-level list
        node = yaml.compose(text, Loader=_Loader)
        for play, pnode in zip(data, node.value, strict=True):
            imported = play.get("import_playbook") or play.get("ansible.builtin.import_playbook")
            if imported:
                yield from self._playbook("ansible/" + imported)
            else:
                yield play, "%s:%d" % (path, pnode.start_mark.line + 1)

    @staticmethod
    def _task_module(task: dict, names: tuple[str, ...]):
        for name in names:
            for key in (name, "ansible.builtin." + name):
                if key in task:
                    return task[key]
        return None

    def _group_templates(self, plays) -> list[tuple[re.Pattern, list[str]]]:
        """The group_by items of the grouping play, as (regex on a group name, the expressions it embeds)."""
        templates = []
        for play, _where in plays:
            for task in play.get("tasks") or []:
                if self._task_module(task, ("group_by",)) is None:
                    continue
                for item in task.get("with_items") or task.get("loop") or []:
                    parts = re.split(r"\{\{(.*?)\}\}", item)
                    literals, exprs = parts[0::2], [p.strip() for p in parts[1::2]]
                    for expr in exprs:
                        if not re.search(r"\|\s*bool$", expr):
                            raise ExtractError("group_by item %r: %r does not end in '| bool'" % (item, expr))
                    regex = "(True|False)".join(re.escape(lit) for lit in literals)
                    templates.append((re.compile("^%s$" % regex), exprs))
        if not templates:
            raise ExtractError("%s: no group_by task that groups hosts by enable_* flags" % self.git.ref)
        return templates

    def _pattern_conditions(self, pattern: str, templates) -> list[str] | None:
        for regex, exprs in templates:
            match = regex.match(pattern)
            if match:
                out = []
                for expr, value in zip(exprs, match.groups(), strict=True):
                    out.append(expr if value == "True" else "not (%s)" % expr)
                return out
        return None

    def load_plays(self) -> None:
        plays = list(self._playbook("ansible/site.yml"))
        templates = self._group_templates(plays)
        for play, where in plays:
            hosts = play.get("hosts") or []
            hosts = [hosts] if isinstance(hosts, str) else hosts
            if any(h.startswith("kolla_action_") for h in hosts):
                continue  # prechecks and the like: no service of their own
            conditions: list[str] = []
            never = False
            for pattern in hosts:
                if pattern.startswith("&"):
                    found = self._pattern_conditions(pattern[1:], templates)
                    if found is None:
                        never = True  # no group_by builds that group: the play matches no host
                    else:
                        conditions += found
                elif pattern.startswith("!"):
                    raise ExtractError("%s: exclusion host pattern %r is not understood" % (where, pattern))
            applied = []
            for entry in play.get("roles") or []:
                name = entry if isinstance(entry, str) else entry.get("role") or entry.get("name")
                when = [] if isinstance(entry, str) else entry.get("when") or []
                params = {} if isinstance(entry, str) else dict(entry.get("vars") or {})
                if not isinstance(entry, str):
                    params.update({k: v for k, v in entry.items() if k not in _ROLE_KEYWORDS})
                applied.append((name, when, params))
            for task in play.get("tasks") or []:
                spec = self._task_module(task, ("import_role", "include_role"))
                if spec and spec.get("tasks_from", "main") in ("main", "main.yml"):
                    applied.append((spec["name"], task.get("when") or [], dict(task.get("vars") or {})))
            for name, when, params in applied:
                if isinstance(when, bool | str):
                    when = [str(when)]
                self._add_role(name, conditions + [str(w) for w in when], never, where, params)

    # roles -----------------------------------------------------------------------------------------------------------
    def _role_files(self, role: str) -> tuple[dict, dict, dict, dict]:
        out = []
        for kind in ("defaults", "vars"):
            path = "ansible/roles/%s/%s/main.yml" % (role, kind)
            text = self.git.show(path)
            data, lines = load_yaml(text, path) if text is not None else ({}, {})
            out += [data or {}, lines]
        return tuple(out)

    def _add_role(self, role: str, conditions: list[str], never: bool, where: str, params: dict) -> None:
        if role in self.roles:
            raise ExtractError(
                "%s: role %s is applied by two plays (%s, %s)" % (self.git.ref, role, where, self.roles[role]["play"])
            )
        defaults, dlines, rvars, vlines = self._role_files(role)
        lookup = {}
        for name, value in defaults.items():
            lookup[name] = (value, "ansible/roles/%s/defaults/main.yml:%d" % (role, dlines[name]), "defaults")
        for name, value in rvars.items():
            lookup[name] = (value, "ansible/roles/%s/vars/main.yml:%d" % (role, vlines[name]), "vars")
        for name, value in params.items():  # the play's vars for this role: above role vars and group_vars
            lookup[name] = (value, where, "vars")
        key = lookup.get("kolla_role_name", lookup.get("project_name"))
        entry = {"play": where, "when": [] if not never else ["false"], "services_var": None, "services": {}}
        entry["when"] += [c for i, c in enumerate(conditions) if c not in conditions[:i]]
        self.roles[role] = entry
        needed: set[str] = set()
        for cond in entry["when"]:
            needed |= expression_names(cond)
        entry["add_hosts"] = self._add_hosts(role)
        for spec in entry["add_hosts"]:
            needed |= template_names(spec["group"])
        pull_path = "ansible/roles/%s/tasks/pull.yml" % role
        pull_text = self.git.show(pull_path) or ""
        pull = load_yaml(pull_text, pull_path)[0] if pull_text.strip("-\n ") else None
        if not pull:
            # no pull step (ceph-rgw only registers endpoints): no image of its own
            entry["variables"] = self._role_closure(role, needed, lookup)
            return
        if any(self._task_module(t, ("import_role", "include_role")) for t in pull):
            needed |= self._services_from_dict(role, entry, key, lookup, dlines, vlines)
        else:
            needed |= self._services_from_tasks(role, entry, pull, pull_path, pull_text, lookup)
        entry["variables"] = self._role_closure(role, needed, lookup)

    def _add_hosts(self, role: str) -> list[dict]:
        """Groups the role builds before it maps services to hosts (mariadb: its shard group). Only the shape
        ``add_host: {name: "{{ item }}", groups: "{{ hostvars[item]['<var>'] }}"}`` over ``groups['<group>']``."""
        path = "ansible/roles/%s/tasks/main.yml" % role
        text = self.git.show(path)
        if not text:
            return []
        tasks, _lines = load_yaml(text, path)
        node = yaml.compose(text, Loader=_Loader)
        out = []
        for task, tnode in zip(tasks or [], node.value if node else [], strict=True):
            spec = self._task_module(task, ("add_host",))
            if spec is None:
                continue
            var = re.match(r"^\{\{\s*hostvars\[item\]\['(\w+)'\]\s*\}\}$", str(spec.get("groups", "")))
            loop = re.match(r"^\{\{\s*groups\['([\w-]+)'\]\s*\}\}$", str(task.get("loop", "")))
            if not (var and loop and _PURE_REF.match(str(spec.get("name"))) and "item" in spec.get("name")):
                raise ExtractError(
                    "%s: %s: an add_host task of a shape this script does not know" % (self.git.ref, path)
                )
            source = "%s:%d" % (path, tnode.start_mark.line + 1)
            out.append({"hosts_of": loop.group(1), "group": "{{ %s }}" % var.group(1), "source": source})
        return out

    def _services_from_dict(self, role, entry, key, lookup, dlines, vlines) -> set[str]:
        """service-images-pull: the enabled services of (kolla_role_name | default(project_name)) + '_services'."""
        if key is None:
            raise ExtractError("%s: role %s uses service-images-pull without project_name" % (self.git.ref, role))
        services_var = "%s_services" % key[0]
        services = lookup.get(services_var)
        if services is None:
            raise ExtractError("%s: role %s pulls %s, which it does not define" % (self.git.ref, role, services_var))
        entry["services_var"] = services_var
        source_file = services[1].rsplit(":", 1)[0]
        lines = dlines if services[2] == "defaults" else vlines
        needed: set[str] = set()
        for svc, spec in services[0].items():
            if "enabled" not in spec or "image" not in spec:
                raise ExtractError("%s: %s/%s has no enabled or image" % (self.git.ref, services_var, svc))
            source = "%s:%d" % (source_file, lines["%s/%s" % (services_var, svc)])
            hosts = (spec.get("group"), spec.get("host_in_groups"))
            needed |= self._add_service(role, entry, svc, spec["enabled"], spec["image"], hosts, source, lookup)
        return needed

    def _services_from_tasks(self, role, entry, pull, pull_path, pull_text, lookup) -> set[str]:
        """A pull.yml of its own: one kolla_container pull_image task per image."""
        node = yaml.compose(pull_text, Loader=_Loader)
        needed: set[str] = set()
        for task, tnode in zip(pull, node.value, strict=True):
            spec = self._task_module(task, ("kolla_container", "kolla_docker"))
            if not spec or spec.get("action") != "pull_image":
                raise ExtractError("%s: %s: a task that is not a pull_image" % (self.git.ref, pull_path))
            ref = _PURE_REF.match(spec["image"])
            if not ref or not ref.group(1).endswith("_image_full"):
                raise ExtractError("%s: %s: image %r is not one variable" % (self.git.ref, pull_path, spec["image"]))
            svc = ref.group(1)[: -len("_image_full")].replace("_", "-")
            when = task.get("when")
            when = " and ".join("(%s)" % w for w in when) if isinstance(when, list) else when
            hosts = (None, "{{ %s }}" % " ".join(str(when).split()) if when else None)
            source = "%s:%d" % (pull_path, tnode.start_mark.line + 1)
            needed |= self._add_service(role, entry, svc, True, spec["image"], hosts, source, lookup)
        return needed

    def _add_service(self, role, entry, svc, enabled, image, hosts, source, lookup) -> set[str]:
        image_full = _PURE_REF.match(image)
        if not image_full:
            raise ExtractError(
                "%s: role %s, service %s: image %r is not one variable" % (self.git.ref, role, svc, image)
            )
        if svc in entry["services"]:
            raise ExtractError("%s: role %s: service %s twice" % (self.git.ref, role, svc))
        image_var, tag_var = self._image_parts(role, svc, image_full.group(1), lookup)
        entry["services"][svc] = {
            "enabled": enabled,
            "image": self._image_name(role, image_var, lookup),
            "image_var": image_var,
            "tag_var": tag_var,
            "group": hosts[0],
            "host_in_groups": hosts[1],
            "source": source,
        }
        return template_names(enabled) | template_names(list(hosts)) | {image_var, tag_var}

    def _image_parts(self, role: str, svc: str, full_var: str, lookup: dict) -> tuple[str, str]:
        """<x>_image_full is "{{ <x>_image }}:{{ <x>_tag }}": return the two variable names."""
        if full_var not in lookup:
            raise ExtractError(
                "%s: role %s, service %s: %s is not defined in the role" % (self.git.ref, role, svc, full_var)
            )
        value = lookup[full_var][0]
        match = re.match(r"^\{\{\s*(\w+)\s*\}\}:\{\{\s*(\w+)\s*\}\}$", str(value))
        if not match:
            raise ExtractError("%s: %s = %r is not '{{ image }}:{{ tag }}'" % (self.git.ref, full_var, value))
        return match.group(1), match.group(2)

    def _image_name(self, role: str, image_var: str, lookup: dict) -> str:
        """The image's name as written after the registry, namespace and prefix (a template when it has a suffix)."""
        seen = []
        name = image_var
        while True:
            seen.append(name)
            value = lookup.get(name, self.group_vars.get(name, (None,)))[0]
            if not isinstance(value, str):
                raise ExtractError(
                    "%s: role %s: %s does not lead to an image name" % (self.git.ref, role, " -> ".join(seen))
                )
            ref = _PURE_REF.match(value)
            if not ref:
                break
            name = ref.group(1)
        match = _IMAGE_PREFIX.match(value)
        tail = value[match.end() :] if match else ""
        if not match or not _NAME.match(re.sub(r"\{\{.*?\}\}", "x", tail)):
            raise ExtractError("%s: %s = %r is not <registry>/<namespace>/<prefix><name>" % (self.git.ref, name, value))
        return tail

    def _role_closure(self, role: str, names: set[str], lookup: dict) -> dict:
        """Walk what the names read, as Ansible resolves them inside the role: role vars and the play's vars for the
        role > group_vars > role defaults. Role-level definitions go in the role's table, group_vars in the
        release's; a name no file defines is a runtime one (inventory, facts)."""
        out: dict[str, dict] = {}
        todo, seen = sorted(names), set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            local = lookup.get(name)
            if local is not None and (local[2] == "vars" or name not in self.group_vars):
                out[name] = {"value": local[0], "source": local[1]}
                todo += sorted(template_names(local[0]))
            elif name in self.group_vars and name not in RUNTIME:
                value, source = self.group_vars[name]
                self.variables[name] = {"value": value, "source": source}
                todo += sorted(template_names(value))
            else:
                self.runtime.add(name)
        return dict(sorted(out.items()))

    def _global_closure(self, names: set[str]) -> None:
        self._role_closure("", names, {})

    # globals.d -------------------------------------------------------------------------------------------------------
    def globals_d(self) -> dict:
        """How the kolla-ansible command passes globals.yml and globals.d/* (as -e, so later files win)."""
        text = self.git.show("kolla_ansible/ansible.py")
        if text and "def _get_vars_files" in text:
            func = text.split("def _get_vars_files", 1)[1].split("\ndef ", 1)[0]
            exts = re.search(r"ext in \(([^)]*)\)", func)
            return {
                "extensions": [e.strip().strip("\"'") for e in exts.group(1).split(",") if e.strip()],
                "order": "sorted" if "sorted(" in func else "directory",
                "source": "kolla_ansible/ansible.py:%d" % (text[: text.index("def _get_vars_files")].count("\n") + 1),
            }
        text = self.git.show("tools/kolla-ansible")
        if text and "globals.d" in text:
            for number, line in enumerate(text.splitlines(), 1):
                if line.startswith("EXTRA_GLOBALS="):
                    exts = re.findall(r"-name '\*(\.\w+)'", line)
                    return {
                        "extensions": exts,
                        "order": "sorted" if "sort" in line else "directory",
                        "source": "tools/kolla-ansible:%d" % number,
                    }
        raise ExtractError("%s: cannot find how globals.d is read" % self.git.ref)

    # all -------------------------------------------------------------------------------------------------------------
    def extract(self) -> dict:
        self.load_group_vars()
        self.load_plays()
        self._global_closure(set(ALWAYS))
        used: set[str] = set()
        for entry in self.roles.values():
            for cond in entry["when"]:
                used |= filters_and_tests("{{ %s }}" % cond)
            for svc in entry["services"].values():
                used |= filters_and_tests(svc["enabled"])
            for var in entry["variables"].values():
                used |= filters_and_tests(var["value"])
        for var in self.variables.values():
            used |= filters_and_tests(var["value"])
        return {
            "release": self.release,
            "kolla_ansible": {"url": UPSTREAM, "branch": self.git.ref, "commit": self.git.commit},
            "globals_d": self.globals_d(),
            "variables": dict(sorted(self.variables.items())),
            "roles": self.roles,
            "runtime": sorted(self.runtime),
            "jinja": sorted(used),
        }


def render_table(table: dict) -> str:
    """The table as the collection keeps it: JSON (data, not code), one key a line, in extraction order."""
    return json.dumps(table, indent=1) + "\n"


def table_path(out_dir: str, release: str) -> str:
    return os.path.join(out_dir, "%s.json" % release)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repo", required=True, help="a kolla-ansible git repository (bare or not)")
    parser.add_argument("--out", default=OUT_DIR, help="where the <release>.json tables go")
    parser.add_argument(
        "--release",
        action="append",
        metavar="RELEASE=REF",
        help="a release and its branch or commit (repeatable); default: %s"
        % ", ".join("%s=%s" % kv for kv in RELEASES.items()),
    )
    parser.add_argument("--check", action="store_true", help="compare with the files instead of writing them")
    args = parser.parse_args(argv)
    releases = dict(r.split("=", 1) for r in args.release) if args.release else RELEASES
    stale = []
    for release, ref in releases.items():
        try:
            git = Git(args.repo, ref)
            try:
                table = Release(git, release).extract()
            finally:
                git.close()
        except ExtractError as exc:
            print("error: %s" % exc, file=sys.stderr)
            return 2
        text = render_table(table)
        path = table_path(args.out, release)
        if args.check:
            current = None
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    current = handle.read()
            if current != text:
                stale.append(path)
            continue
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        services = sum(len(r["services"]) for r in table["roles"].values())
        print(
            "%s: %s (%s) -> %s: %d roles, %d services, %d variables"
            % (
                release,
                ref,
                table["kolla_ansible"]["commit"][:12],
                path,
                len(table["roles"]),
                services,
                len(table["variables"]),
            )
        )
    if stale:
        print("out of date: %s" % ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
