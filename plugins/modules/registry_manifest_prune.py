#!/usr/bin/python
# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: registry_manifest_prune
short_description: Remove the manifests no tag reaches from a registry's filesystem storage, multi-arch safe
version_added: 0.2.0
description:
  - Reads a Docker Distribution filesystem storage tree (the registry's C(rootdirectory)) and finds, in every
    repository (nested names included), the manifests that no tag of that repository reaches. A tag reaches the
    manifest it points at and, through an index or manifest list, every child manifest at any depth.
  - Removes those manifests from their repositories the way Distribution's own vacuum does (the revision link and
    the tags' history entries). Their blobs stay until C(registry garbage-collect) (without C(--delete-untagged))
    frees every blob no remaining manifest references.
  - This replaces C(garbage-collect --delete-untagged), which in Distribution 2.x deletes the child manifests of a
    tagged multi-arch image and then their layers (distribution issues 3004 and 3178), so the tag no longer pulls.
  - A repository with a manifest whose bytes cannot be read keeps all its manifests (what that one reaches is
    unknown).
  - Run it while the registry is read-only or stopped, as the registry_server role's C(gc) entry point does.
author:
  - kollaprep developers (@kollaprep)
extends_documentation_fragment:
  - kollaprep.registry.attributes
attributes:
  check_mode:
    support: full
    details: Reads the tree and returns the orphans it would remove; nothing is removed.
  diff_mode:
    support: full
    details: Lists each orphan as C(repository@digest) before and nothing after.
  idempotent:
    support: full
    details: A second run finds no orphan and reports C(changed=false).
options:
  root:
    description:
      - The registry's storage root (the directory that holds C(docker/registry/v2)), for example
        C(/var/lib/kollaprep/registry).
    type: path
    required: true
  protect:
    description:
      - Manifest digests to keep although no tag reaches them (images copied by digest only, for example).
    type: list
    elements: str
    default: []
requirements:
  - The registry's storage on a local filesystem (the C(filesystem) storage driver).
seealso:
  - name: Distribution garbage collection
    description: What garbage-collect marks and sweeps.
    link: https://distribution.github.io/distribution/about/garbage-collection/
"""

EXAMPLES = r"""
- name: Remove untagged manifests, keeping every child of a tagged index
  kollaprep.registry.registry_manifest_prune:
    root: /var/lib/kollaprep/registry
  register: __prune

- name: Only report what would go
  kollaprep.registry.registry_manifest_prune:
    root: /var/lib/kollaprep/registry
  check_mode: true
"""

RETURN = r"""
orphans:
  description: The manifests removed (or that would be, in check mode).
  returned: success
  type: list
  elements: dict
  sample: [{"repository": "openstack.kolla/cron", "digest": "sha256:0f1e...", "media_type":
            "application/vnd.docker.distribution.manifest.v2+json", "size": 1163}]
summary:
  description:
    - Repositories and manifests read, manifests kept, orphans and their manifest bytes, and the repositories
      kept whole because a manifest could not be read.
  returned: success
  type: dict
  sample: {"repositories": 12, "manifests": 40, "kept": 36, "orphans": 4, "orphan_bytes": 4652,
           "unreadable_repositories": []}
diff:
  description: The orphans, one C(repository@digest) a line, as present before and absent after.
  returned: diff mode
  type: dict
  sample: {"before": "openstack.kolla/cron@sha256:0f1e...\n", "after": ""}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kollaprep.registry.plugins.module_utils._storage_tree import (
    TreeError,
    plan_prune,
    prune,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type="path", required=True),
            protect=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    root = module.params["root"]
    try:
        plan = plan_prune(root, protect=module.params["protect"])
        if plan.orphans and not module.check_mode:
            prune(root, plan.orphans)
    except TreeError as exc:
        module.fail_json(msg="registry_manifest_prune: %s" % exc)
    except OSError as exc:
        module.fail_json(msg="registry_manifest_prune: cannot read or change the storage under %s: %s" % (root, exc))
    result = dict(
        changed=bool(plan.orphans),
        orphans=[o.as_dict() for o in plan.orphans],
        summary=plan.summary(),
    )
    if module._diff:
        lines = "".join("%s@%s\n" % (o.repository, o.digest) for o in plan.orphans)
        result["diff"] = dict(before=lines, after="")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
