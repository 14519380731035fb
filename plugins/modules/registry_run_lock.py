#!/usr/bin/python
# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: registry_run_lock
short_description: Hold or release the run lock the image pipeline and garbage collection share
version_added: 0.2.0
description:
  - The image pipeline's runs (the C(image_sync) timer, promotions, rollbacks with C(kollaprep-mirror)) and the
    registry's garbage collection (the registry_server role's C(gc) entry point) each hold an exclusive C(flock) on
    one file for their whole run, so two never overlap. A run that finds it held is refused at once; it does not wait.
  - O(state=held) takes the lock in a small detached process that keeps it across the tasks of a play, until
    O(state=released) ends it (give the O(pid) that O(state=held) returned) or O(max_seconds) pass, so a play that
    dies does not block every later run for good. The kernel drops the lock when that process exits.
  - Fails, changing nothing, when another run holds the lock; the message names it.
author:
  - kollaprep developers (@kollaprep)
extends_documentation_fragment:
  - kollaprep.registry.attributes
attributes:
  check_mode:
    support: full
    details: Reports whether the lock is free (O(state=held) fails when it is not) and takes or releases nothing.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details: O(state=released) of a holder that is gone changes nothing; each O(state=held) takes the lock anew.
options:
  state:
    description: Take the lock (V(held)) or end the holder O(pid) (V(released)).
    type: str
    choices: [held, released]
    default: held
  path:
    description: The lock file, the same for every party.
    type: path
    default: /run/lock/kollaprep-registry.lock
  purpose:
    description: What holds it, shown to a run that is refused.
    type: str
    default: registry garbage collection
  max_seconds:
    description: The longest the lock is held when it is never released.
    type: int
    default: 14400
  pid:
    description: With O(state=released), the holder O(state=held) returned.
    type: int
"""

EXAMPLES = r"""
- name: Take the run lock for the garbage collection
  kollaprep.registry.registry_run_lock:
    state: held
  register: __lock

- name: Release it
  kollaprep.registry.registry_run_lock:
    state: released
    pid: "{{ __lock.pid }}"
"""

RETURN = r"""
pid:
  description: The process that holds the lock (V(state=held)); null in check mode.
  returned: success
  type: int
  sample: 4242
holder:
  description: The pid the lock file named before this task, null when the lock was free.
  returned: always
  type: int
  sample: null
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kollaprep.registry.plugins.module_utils import _lock


def main():
    module = AnsibleModule(
        argument_spec={
            "state": {"type": "str", "choices": ["held", "released"], "default": "held"},
            "path": {"type": "path", "default": _lock.RUN_LOCK_PATH},
            "purpose": {"type": "str", "default": "registry garbage collection"},
            "max_seconds": {"type": "int", "default": 14400},
            "pid": {"type": "int"},
        },
        required_if=[("state", "released", ["pid"])],
        supports_check_mode=True,
    )
    p = module.params
    before = _lock.holder(p["path"])
    if p["state"] == "released":
        if before != p["pid"]:
            module.exit_json(changed=False, pid=None, holder=before)
        if not module.check_mode and not _lock.release_detached(p["path"], p["pid"]):
            module.fail_json(msg="the run lock holder %d of %s did not exit" % (p["pid"], p["path"]), holder=before)
        module.exit_json(changed=True, pid=None, holder=before)
    if before is not None:
        module.fail_json(
            msg="another run holds the run lock %s (pid %s): wait for it to finish (an image sync or a promotion "
            "takes minutes), then run again" % (p["path"], before),
            holder=before,
        )
    if module.check_mode:
        module.exit_json(changed=True, pid=None, holder=None)
    try:
        pid = _lock.hold_detached(p["path"], p["purpose"], p["max_seconds"])
    except _lock.LockBusy as exc:
        module.fail_json(msg=str(exc), holder=_lock.holder(p["path"]))
    except OSError as exc:
        module.fail_json(msg="cannot take the run lock %s: %s" % (p["path"], exc), holder=None)
    module.exit_json(changed=True, pid=pid, holder=None)


if __name__ == "__main__":
    main()
