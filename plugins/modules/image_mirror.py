#!/usr/bin/python
# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: image_mirror
short_description: Copy Kolla images into the local registry, digest preserving
version_added: 0.1.0
description:
  - Copies Kolla images from an upstream registry (default C(quay.io), namespace C(openstack.kolla)) or from the
    local Docker engine into the local registry, so the registry becomes the cluster's image source.
  - Registry to registry, without a Docker engine in the path. Manifests are copied byte for byte (Docker schema 2,
    OCI manifests, Docker manifest lists and OCI indexes), so C(@sha256:) references stay valid at the destination.
  - Blobs are streamed with bounded memory and their sha256 is checked on the way. A blob already in the
    destination repository is not sent again; a blob shared by several images moves once per run and is
    cross-repository mounted into the other repositories. A blob that an earlier run left in another repository of
    the destination (for example the base layers, when a service is added later) is mounted from there too.
  - Images and blobs are copied in parallel. A manifest is pushed only after all its blobs (an index only after its
    child manifests), so a tag never points at an incomplete image; a rerun after an interruption finishes the job.
  - An image whose digest already matches at the destination costs two HEAD requests and is reported C(skipped).
  - Runs on the host that reaches both registries, usually the deployment host. Needs only the Python standard
    library; O(source=engine) talks to the Docker engine's API over its socket.
  - The module fails when any image failed, and still returns the result of every image.
author:
  - kollaprep developers (@kollaprep)
extends_documentation_fragment:
  - kollaprep.registry.attributes
  - kollaprep.registry.registry_connection
  - kollaprep.registry.registry_connection.timeouts
attributes:
  check_mode:
    support: full
    details: Reports what would be copied (status C(would_copy)) after the same two HEAD requests per image.
  diff_mode:
    support: partial
    details: The diff lists the destination references whose digest changes (before and after digest), not blobs.
  idempotent:
    support: full
    details: A second run finds every digest in place and reports C(changed=false).
options:
  images:
    description:
      - Images to copy. A Kolla name (C(nova-api)) is looked up in O(src_namespace) with O(tag).
      - A name with a tag or digest (C(nova-api:2024.1-debian-bookworm), C(nova-api@sha256:...)) keeps it.
      - A full reference (C(quay.io/openstack.kolla/nova-api:TAG), C(host:port/ns/name@sha256:...)) names its own
        registry; without a host it is read from O(src_registry).
      - A malformed entry fails on its own; the other images are still copied.
    type: list
    elements: str
  all_images:
    description:
      - Also copy every repository of the source catalog (C(/v2/_catalog)) under O(src_namespace), with O(tag).
      - Only with O(source=registry); the source registry must allow catalog listing.
    type: bool
    default: false
  tag:
    description:
      - Tag of the images given by bare name, Kolla style C(<release>-<distro>-<codename>), for example
        C(2024.1-debian-bookworm).
      - Required unless every image carries its own tag or digest.
    type: str
  source:
    description:
      - C(registry) copies from O(src_registry) over the Registry HTTP API.
      - C(engine) pushes images present in the local Docker engine (kolla-build output, named
        C(<src_namespace>/<name>:<tag>)) through the engine. The engine computes its own manifests, so digests are
        those of the engine, not preserved from elsewhere.
      - C(archive) copies from an offline bundle written by M(kollaprep.registry.registry_bundle) (O(src_archive)),
        digest-preserving, into a running registry; O(src_registry) is then only a label.
    type: str
    choices: [registry, engine, archive]
    default: registry
  src_archive:
    description: Path of the bundle on the managed host, with O(source=archive).
    type: path
  src_registry:
    description: Source registry C(host[:port]). C(docker.io) is reached at C(registry-1.docker.io).
    type: str
    default: quay.io
  src_namespace:
    description: Namespace of the images given by bare name, and the catalog prefix for O(all_images).
    type: str
    default: openstack.kolla
  dest_registry:
    description: Destination registry C(host:port), for example C(192.0.2.10:4000).
    type: str
    required: true
  dest_namespace:
    description:
      - Namespace at the destination. By default the source namespace is kept, so Kolla's C(docker_namespace)
        still works. An empty string puts images at the top level.
    type: str
  platforms:
    description:
      - Keep only these platforms of a manifest list / OCI index, as C(os/arch[/variant]) (C(linux/amd64)).
      - When every platform of an index is kept, the index is copied byte for byte (digest preserved).
      - When some are dropped, the index cannot be copied digest preserving. With one platform left, the tag points
        straight at that platform's manifest (whose own digest is preserved); with several, a new index holding
        only them is pushed (new digest). The result says so in RV(images[].digest_preserved) and RV(images[].msg).
      - Images referenced by digest are always copied whole, so the digest stays valid.
      - Single-platform manifests are copied as they are.
    type: list
    elements: str
    default: []
  workers:
    description: Parallel transfers, across images and across blobs.
    type: int
    default: 8
requirements:
  - Python 3 on the host that runs the copy (standard library only).
  - O(source=engine) - a Docker engine at C($DOCKER_HOST) or C(/var/run/docker.sock) (its API, no Python SDK).
notes:
  - Upload sessions left by an interrupted run are abandoned; the registry expires them. Blobs that landed are reused.
  - Registries mount only from a named repository. To find one for blobs an earlier run left, the first upload of
    a run reads the destination once, at the tags of this run - its catalog (repositories in the namespaces of this
    run, at most 256 manifests) and the images of this run already there - and mounts what it finds. Without
    catalog access, only the images of this run are used. A blob found nowhere is uploaded.
seealso:
  - name: Docker Registry HTTP API V2
    description: The protocol this module speaks.
    link: https://distribution.github.io/distribution/spec/api/
"""

EXAMPLES = r"""
- name: Mirror the Kolla images of the deployment into the local registry
  kollaprep.registry.image_mirror:
    dest_registry: "{{ ansible_host }}:4000"
    dest_scheme: http
    tag: 2024.1-debian-bookworm
    images:
      - keystone
      - nova-api
      - quay.io/openstack.kolla/horizon:2024.1-debian-bookworm
    platforms:
      - linux/amd64

- name: Copy everything an internal mirror has under openstack.kolla, with auth on both sides
  kollaprep.registry.image_mirror:
    src_registry: mirror.example.com
    src_username: reader
    src_password: "{{ vault_mirror_password }}"
    dest_registry: registry.example.com:4000
    dest_ca_path: /etc/kollaprep/ca.crt
    dest_username: kolla
    dest_password: "{{ vault_registry_password }}"
    all_images: true
    tag: 2024.1-ubuntu-jammy

- name: Push kolla-build output from the local engine
  kollaprep.registry.image_mirror:
    source: engine
    src_namespace: kolla
    dest_registry: 127.0.0.1:4000
    dest_scheme: http
    dest_namespace: openstack.kolla
    tag: 2024.1-debian-bookworm
    images: [keystone, nova-api]
"""

RETURN = r"""
images:
  description: One entry per requested image, in the order given (malformed entries first).
  returned: always
  type: list
  elements: dict
  contains:
    image:
      description: The entry as given.
      type: str
      returned: always
      sample: nova-api
    source:
      description: Full source reference.
      type: str
      returned: always
      sample: quay.io/openstack.kolla/nova-api:2024.1-debian-bookworm
    destination:
      description: Full destination reference.
      type: str
      returned: always
      sample: 192.0.2.10:4000/openstack.kolla/nova-api:2024.1-debian-bookworm
    status:
      description: C(copied), C(skipped) (digest already there), C(would_copy) (check mode) or C(failed).
      type: str
      returned: always
      sample: copied
    source_digest:
      description: Digest of the source manifest (image ID for O(source=engine)); null when it could not be read.
      type: str
      returned: always
      sample: sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b
    destination_digest:
      description: Digest the destination tag points at after the run; null when nothing was pushed.
      type: str
      returned: always
      sample: sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b
    digest_preserved:
      description: False when a platform filter or the engine source gave the destination a different digest.
      type: bool
      returned: always
      sample: true
    bytes:
      description: Blob bytes this image sent (a blob shared with another image is counted once, for one of them).
      type: int
      returned: always
      sample: 104857600
    blobs_uploaded:
      description: Blobs uploaded for this image.
      type: int
      returned: always
      sample: 3
    blobs_mounted:
      description: Blobs cross-repository mounted for this image.
      type: int
      returned: always
      sample: 4
    blobs_present:
      description: Blobs already in the destination repository.
      type: int
      returned: always
      sample: 0
    seconds:
      description: Time spent on this image.
      type: float
      returned: always
      sample: 1.52
    msg:
      description: Why the image failed, or a note (platform filter); empty otherwise.
      type: str
      returned: always
      sample: "openstack.kolla/nova-api:2024.1-debian-bookworm not found at src registry quay.io (unknown image or tag)"
summary:
  description: Counts, bytes moved, seconds and throughput of the run.
  returned: always
  type: dict
  sample:
    total: 40
    copied: 38
    skipped: 2
    would_copy: 0
    failed: 0
    bytes: 1073741824
    seconds: 12.4
    mb_per_s: 86.6
failed_images:
  description: Entries (as given) that failed.
  returned: always
  type: list
  elements: str
  sample: [nova-api]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kollaprep.registry.plugins.module_utils._bundle_format import BundleError
from ansible_collections.kollaprep.registry.plugins.module_utils._mirror import (
    STATUS_COPIED,
    STATUS_WOULD_COPY,
    MirrorError,
    mirror,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._module_args import (
    connection_argument_spec,
    connection_kwargs,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import (
    RegistryClient,
    RegistryError,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._sources import (
    ArchiveSource,
    EngineSource,
    RegistrySource,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            images=dict(type="list", elements="str"),
            all_images=dict(type="bool", default=False),
            tag=dict(type="str"),
            source=dict(type="str", choices=["registry", "engine", "archive"], default="registry"),
            src_archive=dict(type="path"),
            src_registry=dict(type="str", default="quay.io"),
            src_namespace=dict(type="str", default="openstack.kolla"),
            dest_registry=dict(type="str", required=True),
            dest_namespace=dict(type="str"),
            platforms=dict(type="list", elements="str", default=[]),
            workers=dict(type="int", default=8),
            **connection_argument_spec(),
        ),
        required_one_of=[("images", "all_images")],
        required_if=[("source", "archive", ("src_archive",))],
        required_together=[("src_username", "src_password"), ("dest_username", "dest_password")],
        supports_check_mode=True,
    )
    p = module.params
    if p["workers"] < 1:
        module.fail_json(msg="workers must be 1 or more, not %d" % p["workers"])
    if p["all_images"] and not p["tag"]:
        module.fail_json(msg="all_images needs tag: the tag to copy from every repository of the catalog")

    dest = source = None
    try:
        dest = RegistryClient(p["dest_registry"], side="dest", **connection_kwargs(p, "dest"))
        if p["source"] == "engine":
            source = EngineSource()
        elif p["source"] == "archive":
            source = ArchiveSource(p["src_archive"])
        else:
            source = RegistrySource(p["src_registry"], **connection_kwargs(p, "src"))
        report = mirror(
            p["images"],
            source=source,
            dest=dest,
            tag=p["tag"],
            src_registry=p["src_registry"],
            src_namespace=p["src_namespace"],
            dest_namespace=p["dest_namespace"],
            all_images=p["all_images"],
            workers=p["workers"],
            platforms=p["platforms"],
            check_mode=module.check_mode,
        )
    except (MirrorError, RegistryError, BundleError, ValueError) as exc:
        module.fail_json(msg="image_mirror: %s" % exc, images=[], summary={}, failed_images=[])
    finally:
        # Every connection of every worker thread, not only this thread's.
        for party in (source, dest):
            if party is not None:
                party.close()

    images = [r.as_dict() for r in report.results]
    result = dict(
        changed=report.changed,
        images=images,
        summary=report.summary(),
        failed_images=[r.image for r in report.failed],
    )
    if module._diff:
        moved = [r for r in report.results if r.status in (STATUS_COPIED, STATUS_WOULD_COPY)]
        result["diff"] = dict(
            before="".join("%s %s\n" % (r.destination, r.before_digest or "absent") for r in moved),
            after="".join(
                "%s %s\n" % (r.destination, r.destination_digest or r.source_digest or "unknown") for r in moved
            ),
        )
    if report.failed:
        lines = ["%s (%s)" % (r.image, r.msg) for r in report.failed]
        module.fail_json(
            msg="image_mirror: %d of %d images failed: %s" % (len(lines), len(images), "; ".join(lines)), **result
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
