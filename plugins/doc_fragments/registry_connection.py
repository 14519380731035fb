# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # How the modules reach the source (src_) and destination (dest_) registries: one set of options for both sides.
    DOCUMENTATION = r"""
options:
  src_scheme:
    description: C(https) or plain C(http) to the source registry.
    type: str
    choices: [https, http]
    default: https
  src_validate_certs:
    description: Check the source registry's TLS certificate.
    type: bool
    default: true
  src_ca_path:
    description: CA bundle that signed the source registry's certificate (else the system store).
    type: path
  src_username:
    description: User for the source registry (basic auth, or sent to the token realm of a bearer-token registry).
    type: str
  src_password:
    description: Password for O(src_username).
    type: str
  dest_scheme:
    description: C(https) or plain C(http) to the destination registry.
    type: str
    choices: [https, http]
    default: https
  dest_validate_certs:
    description: Check the destination registry's TLS certificate.
    type: bool
    default: true
  dest_ca_path:
    description: CA bundle that signed the destination registry's certificate (else the system store).
    type: path
  dest_username:
    description: User for the destination registry.
    type: str
  dest_password:
    description: Password for O(dest_username).
    type: str
"""

    # One registry (a module that reads one, e.g. registry_manifest_info): the same options without a side prefix.
    REGISTRY = r"""
options:
  scheme:
    description: C(https) or plain C(http) to the registry.
    type: str
    choices: [https, http]
    default: https
  validate_certs:
    description: Check the registry's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: CA bundle that signed the registry's certificate (else the system store).
    type: path
  username:
    description: User for the registry (basic auth, or sent to the token realm of a bearer-token registry).
    type: str
  password:
    description: Password for O(username).
    type: str
"""

    # The timeout and retries of every module that reaches registries (with DOCUMENTATION or REGISTRY).
    TIMEOUTS = r"""
options:
  timeout:
    description: Seconds to wait for a network operation.
    type: float
    default: 60.0
  retries:
    description:
      - Retries, with exponential backoff, after connection errors, HTTP 5xx and 429 (honouring Retry-After). A blob
        whose digest does not match is fetched again as many times.
    type: int
    default: 4
"""
