#!/usr/bin/python
# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: registry_storage_bucket
short_description: Make sure the S3 bucket of a registry's s3 storage exists
version_added: 0.2.0
description:
  - Docker Distribution's C(s3) storage driver does not create its bucket; a registry started on a missing bucket
    answers C(/v2/) and then fails every push. This module checks the bucket with a signed C(HEAD) and creates it
    with a signed C(PUT) when it is missing (AWS Signature Version 4, path-style requests).
  - Takes the same values as the driver's C(storage.s3) parameters, so the registry_server role passes its own.
  - Works against AWS S3, Ceph RGW, MinIO and OpenStack Swift's s3api middleware.
author:
  - kollaprep developers (@kollaprep)
extends_documentation_fragment:
  - kollaprep.registry.attributes
attributes:
  check_mode:
    support: full
    details: Checks the bucket and reports whether it would be created.
  diff_mode:
    support: full
    details: The bucket as absent before and present after.
  idempotent:
    support: full
    details: An existing bucket is left as it is (C(changed=false)).
options:
  bucket:
    description: Name of the bucket (the driver's C(bucket)).
    type: str
    required: true
  region:
    description: Region (the driver's C(region)); a region other than C(us-east-1) is sent as the location constraint.
    type: str
    default: us-east-1
  endpoint:
    description:
      - URL of the S3 API (the driver's C(regionendpoint)), for example C(http://swift.example:8080). Empty for AWS
        (C(s3.<region>.amazonaws.com)).
      - Without a scheme, O(secure) chooses C(https) or C(http).
    type: str
    default: ""
  secure:
    description: Use C(https) when O(endpoint) has no scheme (the driver's C(secure)).
    type: bool
    default: true
  access_key:
    description: Access key (the driver's C(accesskey)).
    type: str
    required: true
  secret_key:
    description: Secret key (the driver's C(secretkey)).
    type: str
    required: true
  validate_certs:
    description: Check the endpoint's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: CA bundle that signed the endpoint's certificate (else the system store).
    type: path
requirements:
  - The host reaches the S3 endpoint (the registry on it does too).
seealso:
  - name: Distribution s3 storage driver
    description: The parameters this module shares with the driver.
    link: https://distribution.github.io/distribution/storage-drivers/s3/
"""

EXAMPLES = r"""
- name: Create the registry's bucket when it is missing
  kollaprep.registry.registry_storage_bucket:
    bucket: kolla-images
    region: us-east-1
    endpoint: http://swift.example:8080
    access_key: "{{ vault_s3_access_key }}"
    secret_key: "{{ vault_s3_secret_key }}"
"""

RETURN = r"""
bucket:
  description: The bucket checked.
  returned: success
  type: str
  sample: kolla-images
endpoint:
  description: The S3 API URL used.
  returned: success
  type: str
  sample: http://swift.example:8080
created:
  description: Whether the bucket was created (or would be, in check mode).
  returned: success
  type: bool
  sample: true
diff:
  description: The bucket absent before and present after, when it was created.
  returned: diff mode
  type: dict
  sample: {"before": "", "after": "kolla-images\n"}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kollaprep.registry.plugins.module_utils._s3_bucket import (
    BucketError,
    S3Endpoint,
    bucket_exists,
    create_bucket,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True),
            region=dict(type="str", default="us-east-1"),
            endpoint=dict(type="str", default=""),
            secure=dict(type="bool", default=True),
            access_key=dict(type="str", required=True, no_log=False),
            secret_key=dict(type="str", required=True, no_log=True),
            validate_certs=dict(type="bool", default=True),
            ca_path=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    ep = S3Endpoint.from_driver_params(
        {
            "regionendpoint": p["endpoint"],
            "region": p["region"],
            "secure": p["secure"],
            "accesskey": p["access_key"],
            "secretkey": p["secret_key"],
        },
        validate_certs=p["validate_certs"],
        ca_path=p["ca_path"],
    )
    try:
        missing = not bucket_exists(ep, p["bucket"])
        if missing and not module.check_mode:
            create_bucket(ep, p["bucket"])
    except BucketError as exc:
        module.fail_json(msg="registry_storage_bucket: %s" % exc, bucket=p["bucket"], endpoint=ep.url)
    result = dict(changed=missing, created=missing, bucket=p["bucket"], endpoint=ep.url)
    if module._diff and missing:
        result["diff"] = dict(before="", after=p["bucket"] + "\n")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
