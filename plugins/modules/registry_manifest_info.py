#!/usr/bin/python
# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: registry_manifest_info
short_description: Read the digest a registry serves for an image
version_added: 0.2.0
description:
  - Asks a Docker Distribution registry (HEAD of the manifest, a manifest list or OCI index as it is) for the digest
    and media type it serves under a tag or digest, the way a C(docker pull) would see them.
  - Logs in the way the registry asks when it refuses an anonymous read, C(Basic) or C(Bearer) (a token from the
    realm its challenge names, for the repository's pull scope), with O(username) and O(password).
  - Reads only; the same in check mode.
author:
  - kollaprep developers (@kollaprep)
extends_documentation_fragment:
  - kollaprep.registry.attributes
  - kollaprep.registry.registry_connection.registry
  - kollaprep.registry.registry_connection.timeouts
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  idempotent:
    support: full
options:
  registry:
    description: The registry, C(host:port).
    type: str
    required: true
  repository:
    description: The repository, with its namespace (C(openstack.kolla/cron)).
    type: str
    required: true
  reference:
    description: A tag, or a digest C(sha256:...).
    type: str
    required: true
  missing_ok:
    description: Return RV(exists=false) for an image the registry does not have, instead of failing.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read the digest the site's registry serves for the check image
  kollaprep.registry.registry_manifest_info:
    registry: "{{ kollaprep_registry }}"
    repository: openstack.kolla/cron
    reference: 2025.1-ubuntu-noble
    ca_path: /etc/docker/certs.d/{{ kollaprep_registry }}/ca.crt
    username: "{{ kollaprep_registry_username }}"
    password: "{{ kollaprep_registry_password }}"
  register: __served
"""

RETURN = r"""
exists:
  description: Whether the registry has the image (false only with O(missing_ok)).
  returned: success
  type: bool
  sample: true
digest:
  description: The digest the registry serves (C(Docker-Content-Digest)), null when it has no such image.
  returned: success
  type: str
  sample: sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
media_type:
  description: The manifest's media type (an index or manifest list for a multi-arch image).
  returned: success
  type: str
  sample: application/vnd.oci.image.index.v1+json
size:
  description: The manifest's size in bytes.
  returned: success
  type: int
  sample: 1600
url:
  description: The manifest's URL.
  returned: always
  type: str
  sample: https://192.0.2.10:4000/v2/openstack.kolla/cron/manifests/2025.1-ubuntu-noble
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
from ansible_collections.kollaprep.registry.plugins.module_utils._module_args import (
    connection_argument_spec,
    connection_kwargs,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            registry=dict(type="str", required=True),
            repository=dict(type="str", required=True),
            reference=dict(type="str", required=True),
            missing_ok=dict(type="bool", default=False),
            **connection_argument_spec(sides=("",)),
        ),
        supports_check_mode=True,
    )
    p = module.params
    client = rc.RegistryClient(p["registry"], **connection_kwargs(p, ""))
    url = client.url(client.manifest_path(p["repository"], p["reference"]))
    try:
        found = client.head_manifest(p["repository"], p["reference"])
    except (rc.RegistryError, ValueError) as exc:
        module.fail_json(msg="registry_manifest_info: %s" % exc, url=url)
    finally:
        client.close()
    if found is None and not p["missing_ok"]:
        module.fail_json(
            msg="registry_manifest_info: %s has no %s:%s" % (p["registry"], p["repository"], p["reference"]), url=url
        )
    found = found or {"digest": None, "media_type": None, "size": None}
    module.exit_json(changed=False, exists=found["digest"] is not None, url=url, **found)


if __name__ == "__main__":
    main()
