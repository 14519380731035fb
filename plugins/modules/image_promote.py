#!/usr/bin/python
# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: image_promote
short_description: Promote, roll back or compare the image set of an image lock in the local registry
version_added: 0.2.0
description:
  - The Ansible face of the image pipeline (C(kollaprep-mirror promote|rollback|diff)). A sync (the C(image_sync)
    role's timer, or C(kollaprep-mirror sync)) copies new upstream digests into C(staging/<namespace>/...) of the
    local registry and writes the lock file; this module makes the lock's digests the ones the targets pull.
  - O(action=promote) vets every image whose promoted digest differs from the lock's (the digest must be in
    O(vet_allow) when given; O(vet_command) runs once per image and must exit 0) and, only when every image passed,
    puts the exact manifest bytes under C(<namespace>/<image>:<tag>) (blobs mounted from staging, digest kept), all
    images together. The promoted sets of the last O(generations) promotions stay tagged C(<tag>-gen-<i>), so
    garbage collection keeps them. One failed check blocks the whole set and the module fails, changing nothing.
  - O(action=rollback) returns every image to the set of the promotion before (C(<tag>-gen-1)).
  - O(action=diff) changes nothing and returns upstream, lock, staging and promoted side by side (RV(drift)).
  - With O(targets) (each target's C(docker images --digests) output), every action reports in
    RV(targets_behind) which targets still run a digest other than the promoted one.
  - Promotions and rollbacks hold the run lock that the timer's sync and the registry's garbage collection share;
    the module fails at once when another run holds it.
author:
  - kollaprep developers (@kollaprep)
extends_documentation_fragment:
  - kollaprep.registry.attributes
  - kollaprep.registry.registry_connection
  - kollaprep.registry.registry_connection.timeouts
attributes:
  check_mode:
    support: full
    details:
      - Reports what a promotion or rollback would change (RV(changes), and the diff with C(--diff)) after the same
        registry reads and the allow-list check; changes nothing, takes no run lock and does not run O(vet_command).
  diff_mode:
    support: full
    details: Before and after digest of every promoted name that changes, one line per image.
  idempotent:
    support: partial
    details:
      - O(action=promote) and O(action=diff) are idempotent (a second promotion reports C(changed=false)).
      - O(action=rollback) is not; each run goes one generation further back and fails when none is left.
options:
  action:
    description: What to do with the lock's image set.
    type: str
    choices: [promote, rollback, diff]
    default: promote
  lock_file:
    description: The image lock (C(images.lock)) on the managed host, as a sync wrote it.
    type: path
    required: true
  src_registry:
    description: The upstream registry C(host[:port]); read only by O(action=diff) (which tags moved upstream).
    type: str
    default: quay.io
  src_namespace:
    description: The upstream namespace of the lock's images.
    type: str
    default: openstack.kolla
  dest_registry:
    description: The local registry C(host:port) that holds staging and the promoted names.
    type: str
    required: true
  dest_namespace:
    description: The namespace of the promoted names in the local registry (default O(src_namespace)).
    type: str
  generations:
    description: Promoted sets kept as C(<tag>-gen-<i>) tags (the promoted one and N-1 to roll back to).
    type: int
    default: 3
  vet_allow:
    description:
      - Digests that may be promoted. An image whose lock digest is not listed blocks the promotion.
      - Not set, no allow-list check is made.
    type: list
    elements: str
  vet_command:
    description:
      - A command run once per image on the managed host as C(<vet_command> <staging reference by digest>), with
        C(KOLLAPREP_IMAGE), C(KOLLAPREP_IMAGE_DIGEST), C(KOLLAPREP_IMAGE_NAME) and C(KOLLAPREP_IMAGE_TAG) in its
        environment; exit 0 passes. Split like a shell would (no shell features; use C(sh -c '...' vet) for those).
      - Not run in check mode.
    type: str
  vet_timeout:
    description: Seconds one O(vet_command) may take.
    type: float
    default: 600.0
  registry_name:
    description: The local registry as O(vet_command) should pull from it (default O(dest_registry)).
    type: str
  targets:
    description:
      - Per target host, the output of C(docker images --digests) there (the default table). Images of the promoted
        names whose digest differs from the promoted one are returned in RV(targets_behind).
    type: dict
    default: {}
  run_lock:
    description: The run lock file shared with the periodic sync and the registry's garbage collection.
    type: path
    default: /run/lock/kollaprep-registry.lock
  workers:
    description: Parallel registry requests.
    type: int
    default: 8
requirements:
  - Python 3 on the host that reaches the local registry (standard library only), usually the deployment host.
seealso:
  - module: kollaprep.registry.registry_run_lock
  - module: kollaprep.registry.image_mirror
"""

EXAMPLES = r"""
- name: What a promotion would change, and which targets run an older digest
  kollaprep.registry.image_promote:
    lock_file: /var/lib/kollaprep/image-sync/images.lock
    dest_registry: 127.0.0.1:4000
    dest_scheme: http
    targets: "{{ docker_images_by_host }}"
  check_mode: true
  diff: true

- name: Promote the vetted lock (allow-list and a smoke test per image)
  kollaprep.registry.image_promote:
    lock_file: /var/lib/kollaprep/image-sync/images.lock
    dest_registry: 127.0.0.1:4000
    dest_scheme: http
    vet_allow: "{{ lookup('ansible.builtin.file', 'allow.txt').split() }}"
    vet_command: sh -c 'docker pull -q "$1" && docker run --rm "$1" true' vet

- name: Back to the set of the promotion before
  kollaprep.registry.image_promote:
    action: rollback
    lock_file: /var/lib/kollaprep/image-sync/images.lock
    dest_registry: 127.0.0.1:4000
    dest_scheme: http

- name: Upstream, lock, staging and promoted side by side
  kollaprep.registry.image_promote:
    action: diff
    lock_file: /var/lib/kollaprep/image-sync/images.lock
    dest_registry: 127.0.0.1:4000
    dest_scheme: http
  register: __drift
"""

RETURN = r"""
changes:
  description: The promoted names that change (would change in check mode), with before and after digests.
  returned: always
  type: list
  elements: dict
  sample:
    - image: nova-api:2025.1-ubuntu-noble
      name: openstack.kolla/nova-api:2025.1-ubuntu-noble
      before: sha256:1111111111111111111111111111111111111111111111111111111111111111
      after: sha256:2222222222222222222222222222222222222222222222222222222222222222
      generations_before: [sha256:1111111111111111111111111111111111111111111111111111111111111111]
      generations:
        - sha256:2222222222222222222222222222222222222222222222222222222222222222
        - sha256:1111111111111111111111111111111111111111111111111111111111111111
unchanged:
  description: Images of the lock whose promoted name already holds what the action wants.
  returned: always
  type: int
  sample: 40
vetting:
  description: One entry per image a promotion would change, with the result of each check (C(ok) null = not run).
  returned: always
  type: list
  elements: dict
  sample:
    - image: nova-api:2025.1-ubuntu-noble
      digest: sha256:2222222222222222222222222222222222222222222222222222222222222222
      ok: true
      checks: [{check: allow-list, ok: true, msg: ""}]
blocked:
  description: True when a vetting check failed (the module then fails and nothing was promoted).
  returned: always
  type: bool
  sample: false
targets_behind:
  description:
    - Per target and image, the digest the target runs when it is not the promoted one (after the action; in check
      mode, the promoted one now). Empty without O(targets).
  returned: always
  type: list
  elements: dict
  sample:
    - host: compute1
      image: nova-api:2025.1-ubuntu-noble
      running: sha256:1111111111111111111111111111111111111111111111111111111111111111
      promoted: sha256:2222222222222222222222222222222222222222222222222222222222222222
drift:
  description:
    - With O(action=diff), upstream, lock, staging and promoted per image (C(images)) and what differs
      (C(moved_upstream), C(unstaged), C(promotion), C(upstream_errors), C(targets_behind)).
  returned: when O(action=diff)
  type: dict
  sample:
    moved_upstream:
      - image: nova-api:2025.1-ubuntu-noble
        lock: sha256:1111111111111111111111111111111111111111111111111111111111111111
        upstream: sha256:3333333333333333333333333333333333333333333333333333333333333333
    promotion: []
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kollaprep.registry.plugins.module_utils import _lock, _pipeline
from ansible_collections.kollaprep.registry.plugins.module_utils._module_args import (
    connection_argument_spec,
    connection_kwargs,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import RegistryClient, RegistryError
from ansible_collections.kollaprep.registry.plugins.module_utils._sources import RegistrySource


def diff_text(changes) -> dict:
    """Ansible's diff: one line per changed promoted name, its digest before and after."""
    return {
        "before": "".join("%s %s\n" % (c["name"], c["before"] or "absent") for c in changes),
        "after": "".join("%s %s\n" % (c["name"], c["after"] or "absent") for c in changes),
    }


def run(module, site, lock) -> dict:
    p = module.params
    if p["action"] == "diff":
        drift = _pipeline.diff(site, lock, p["targets"])
        return {"changed": False, "changes": [], "unchanged": len(drift["images"]), "vetting": [], "blocked": False,
                "targets_behind": drift["targets_behind"], "drift": drift}  # fmt: skip

    def act():
        return _pipeline.promote(
            site, lock, allow=p["vet_allow"], command=p["vet_command"], registry_name=p["registry_name"],
            check_mode=module.check_mode, rollback=p["action"] == "rollback", timeout=p["vet_timeout"],
        ).as_dict()  # fmt: skip

    if module.check_mode:
        report = act()
    else:
        with _lock.RunLock(p["run_lock"], purpose="image %s" % p["action"]):
            report = act()
    result = {k: report[k] for k in ("changed", "changes", "unchanged", "vetting", "blocked")}
    # After the action: the targets that run a digest other than what the promoted names hold now.
    result["targets_behind"] = _pipeline.targets_behind(site, lock, p["targets"])
    if report["blocked"]:
        result["changed"] = False
        result["msg"] = report["msg"]
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            action=dict(type="str", choices=["promote", "rollback", "diff"], default="promote"),
            lock_file=dict(type="path", required=True),
            src_registry=dict(type="str", default="quay.io"),
            src_namespace=dict(type="str", default="openstack.kolla"),
            dest_registry=dict(type="str", required=True),
            dest_namespace=dict(type="str"),
            generations=dict(type="int", default=3),
            vet_allow=dict(type="list", elements="str"),
            vet_command=dict(type="str"),
            vet_timeout=dict(type="float", default=600.0),
            registry_name=dict(type="str"),
            targets=dict(type="dict", default={}),
            run_lock=dict(type="path", default=_lock.RUN_LOCK_PATH),
            workers=dict(type="int", default=8),
            **connection_argument_spec(),
        ),
        required_together=[("src_username", "src_password"), ("dest_username", "dest_password")],
        supports_check_mode=True,
    )
    p = module.params
    if p["workers"] < 1:
        module.fail_json(msg="workers must be 1 or more, not %d" % p["workers"])
    if p["vet_allow"] is not None:
        p["vet_allow"] = [d.strip() for d in p["vet_allow"] if d.strip()]
    targets = {str(host): str(text or "") for host, text in p["targets"].items()}
    p["targets"] = targets
    empty = dict(changes=[], unchanged=0, vetting=[], blocked=False, targets_behind=[])
    local = source = None
    try:
        lock = _lock.load(p["lock_file"])
        local = RegistryClient(p["dest_registry"], side="dest", **connection_kwargs(p, "dest"))
        source = RegistrySource(p["src_registry"], **connection_kwargs(p, "src"))
        site = _pipeline.Site(
            source=source, local=local, src_registry=p["src_registry"], namespace=p["src_namespace"],
            local_namespace=p["dest_namespace"], generations=p["generations"], workers=p["workers"],
        )  # fmt: skip
        result = run(module, site, lock)
    except _lock.LockBusy as exc:
        module.fail_json(msg="image_promote: %s; run again when it has finished" % exc, **empty)
    except _lock.LockFileError as exc:
        module.fail_json(msg="image_promote: %s" % exc, **empty)
    except _pipeline.PipelineError as exc:
        module.fail_json(msg="image_promote %s: %s" % (p["action"], exc), **empty)
    except (RegistryError, OSError, ValueError) as exc:
        module.fail_json(
            msg="image_promote %s: %s (local registry %s); a rerun finishes a promotion that stopped midway"
            % (p["action"], exc, p["dest_registry"]),
            **empty,
        )
    finally:
        for party in (source, local):
            if party is not None:
                party.close()
    if module._diff and p["action"] != "diff":
        result["diff"] = diff_text(result["changes"])
    if result["blocked"]:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
