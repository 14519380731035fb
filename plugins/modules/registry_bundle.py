#!/usr/bin/python
# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: registry_bundle
short_description: Export, import and verify offline registry bundles for air-gapped deployment hosts
version_added: 0.1.0
description:
  - An offline bundle is ONE uncompressed tar archive holding the registry data of a chosen Kolla image set, laid
    out as Docker Distribution's filesystem storage tree, and optionally the registry image itself (C(docker save)
    output), so a deployment host without network access gets a registry with every image already in place.
  - O(mode=export) reads the images from a running registry over the Registry HTTP API (no filesystem access to
    it), stores every blob once (layers shared by several images too) and streams them into the archive with
    bounded memory, checking each blob's digest. The archive starts with an index (images, digests, blob sizes)
    and SHA256SUMS and ends with a trailer that records their checksums and the member count, so a truncated
    archive is detected. The archive is written to a temporary file and renamed into place.
  - O(mode=import) verifies the archive, loads the registry image into the local Docker engine when it is not
    there yet, and lays the data down in O(data_dir). Every member is extracted into a staging directory inside
    O(data_dir) (same filesystem) and verified (blobs by their digest, everything else against SHA256SUMS, then
    the trailer) before anything is moved into place. Files are hard-linked into place without overwriting; blobs
    first, tag links last. Nothing that was in O(data_dir) is deleted; a tag that points at another digest is
    re-pointed (its old revision stays).
  - Import starts nothing. Run the C(kollaprep.registry.registry_server) role afterwards (the
    C(playbooks/bundle_import.yml) playbook does), then O(mode=verify) with O(dest_registry) to check that every
    image is served with its digest. When O(dest_registry) is given to O(mode=import) the check runs right away.
  - O(mode=verify) reads the whole archive and checks every member; with O(dest_registry) it also checks that the
    registry serves every image of the index with its digest (HEAD of each manifest).
  - An interrupted import is finished by running it again; it reuses what the interrupted run staged and verified.
    Staging directories of other bundles are removed.
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
      - Export resolves every image and reports whether the archive would be written.
      - Import verifies the members it would lay down (no staging, no writes) and reports the files it would place,
        the tags it would re-point and whether it would load the registry image.
  diff_mode:
    support: partial
    details: Import lists the tags it adds or re-points (before and after digest); export lists the images.
  idempotent:
    support: full
    details:
      - Export does not rewrite an archive that already holds the same image set (same digests, same registry image).
      - A second import finds every file in place and the registry image loaded and reports C(changed=false).
options:
  mode:
    description:
      - V(export) writes the archive at O(path) from O(src_registry).
      - V(import) lays the archive at O(path) down in O(data_dir) and loads the registry image.
      - V(verify) checks the archive at O(path) and, with O(dest_registry), what the registry serves.
    type: str
    choices: [export, import, verify]
    required: true
  path:
    description: The archive on the managed host.
    type: path
    required: true
  images:
    description:
      - Images to export, as for M(kollaprep.registry.image_mirror) O(kollaprep.registry.image_mirror#module:images).
        A Kolla name (C(nova-api)) is looked up in O(src_namespace) with O(tag); a name with a tag or a digest
        keeps it; a full reference names its own registry.
    type: list
    elements: str
  lock_file:
    description:
      - An image lock (C(images.lock), written by C(kollaprep-mirror sync)) on the managed host as the image set;
        every image is read by the lock's digest from O(src_namespace)/<repository> of O(src_registry) (the upstream,
        the local promoted namespace or C(staging/<namespace>)) and stored under its tag. Mutually exclusive with
        O(images) and O(all_images).
    type: path
    version_added: 0.2.0
  all_images:
    description: Also export every repository of the source catalog under O(src_namespace), with O(tag).
    type: bool
    default: false
  tag:
    description: Tag of the images given by bare name, for example C(2024.1-debian-bookworm).
    type: str
  src_registry:
    description: Registry C(host[:port]) the images are exported from.
    type: str
    default: quay.io
  src_namespace:
    description: Namespace of the images given by bare name, and the catalog prefix for O(all_images).
    type: str
    default: openstack.kolla
  dest_namespace:
    description:
      - Namespace the images are stored under in the bundle. By default the source namespace is kept, so Kolla's
        C(docker_namespace) still works. An empty string stores them at the top level.
    type: str
  dest_registry:
    description:
      - Registry C(host:port) that serves the imported data (the deployment host's registry, port 4000). When given,
        O(mode=import) and O(mode=verify) check that it serves every image of the bundle with its digest and fail
        otherwise.
    type: str
  data_dir:
    description:
      - The registry's data directory on the host (the role's C(registry_server_data_dir), mounted at
        C(/var/lib/registry) in the container). Created when missing. Used by O(mode=import).
      - New files and directories get the owner of O(data_dir) when the module runs as root.
    type: path
    default: /var/lib/kollaprep/registry
  registry_image:
    description:
      - The registry image. O(mode=export) saves it into the archive; O(mode=import) makes sure the engine has it
        under this name (loading it from the archive, tagging it when the archive saved another name).
    type: str
    default: "registry:2"
  include_registry_image:
    description: Put the registry image (C(docker save) output) into the archive. Set V(false) when the air-gapped
      host has it already.
    type: bool
    default: true
  load_registry_image:
    description: On import, load the archive's registry image into the Docker engine when the engine lacks it.
    type: bool
    default: true
  docker_host:
    description: The Docker engine's API socket, C(unix:///path) or C(tcp://host:port) (plain).
    type: str
    default: unix:///var/run/docker.sock
  verify_archive:
    description:
      - With O(mode=verify), read and check every member of the archive. V(false) checks only its structure and
        trailer (every header is read, no data), which is enough right after an import that verified it.
    type: bool
    default: true
  workers:
    description: Parallel transfers during export (the copy engine's image and blob workers).
    type: int
    default: 8
requirements:
  - Python 3 on the host (standard library only).
  - The registry image in or from a Docker engine at O(docker_host), when O(include_registry_image) (export) or
    O(load_registry_image) (import) is true.
notes:
  - Import verifies every member it lays down. Blobs already in O(data_dir) with the right size (their paths are
    content addressed) and identical link files are not read from the archive again; O(mode=verify) reads everything.
  - The archive needs about the size of its blobs free in O(data_dir) for staging; files are then hard-linked, not
    copied.
  - Multi-platform indexes are stored whole (digest preserving); there is no platform filter.
seealso:
  - module: kollaprep.registry.image_mirror
  - name: Docker Distribution filesystem storage driver
    description: The layout of the registry data in the archive.
    link: https://distribution.github.io/distribution/storage-drivers/filesystem/
"""

EXAMPLES = r"""
- name: Export the Kolla images of the local registry into one archive
  kollaprep.registry.registry_bundle:
    mode: export
    path: /var/tmp/kolla-2024.1.bundle.tar
    src_registry: "{{ ansible_host }}:4000"
    src_scheme: http
    tag: 2024.1-debian-bookworm
    images: [keystone, nova-api, nova-compute, horizon]

- name: Lay the archive down in the registry data dir of an air-gapped deployment host
  kollaprep.registry.registry_bundle:
    mode: import
    path: /var/tmp/kolla-2024.1.bundle.tar
    data_dir: /var/lib/kollaprep/registry

- name: Check that the registry serves every image of the archive with its digest
  kollaprep.registry.registry_bundle:
    mode: verify
    path: /var/tmp/kolla-2024.1.bundle.tar
    verify_archive: false
    dest_registry: "{{ ansible_host }}:4000"
    dest_scheme: http
"""

RETURN = r"""
images:
  description: The images of the bundle.
  returned: always
  type: list
  elements: dict
  contains:
    repository:
      description: Repository in the registry.
      type: str
      returned: always
      sample: openstack.kolla/nova-api
    tag:
      description: Tag (null for an image exported by digest).
      type: str
      returned: always
      sample: 2024.1-debian-bookworm
    digest:
      description: Manifest digest the tag points at.
      type: str
      returned: always
      sample: sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b
    media_type:
      description: Media type of that manifest.
      type: str
      returned: always
      sample: application/vnd.docker.distribution.manifest.v2+json
summary:
  description: Counts and sizes of the run.
  returned: always
  type: dict
  sample:
    images: 40
    blobs: 212
    blob_bytes: 3221225472
    archive_bytes: 3247000000
    files_placed: 1310
    files_present: 0
    bytes_placed: 3221300000
    bytes_verified: 3221300000
    tags_changed: 0
    staging_reused: 0
    registry_image_loaded: true
    seconds: 14.2
registry_image:
  description: The registry image of the archive (name, image ID, size and sha256 of the saved tar); null when none.
  returned: always
  type: dict
  sample:
    name: registry:2
    id: sha256:c6314c7d37c5e0a5d8e1f2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7
    size: 26316800
    sha256: 4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7c6314c7d37c5e0a5d8e1f2b3c
tags_changed:
  description: Tag links an import re-pointed (or would), with the digest before and after.
  returned: when O(mode=import)
  type: list
  elements: dict
  sample:
    - link: docker/registry/v2/repositories/openstack.kolla/keystone/_manifests/tags/2024.1-debian-bookworm/current/link
      before: sha256:1111111111111111111111111111111111111111111111111111111111111111
      after: sha256:2222222222222222222222222222222222222222222222222222222222222222
served:
  description: What O(dest_registry) serves, when given; C(missing) and C(wrong) list the images that failed the check.
  returned: when O(dest_registry) is given and the archive was readable
  type: dict
  sample:
    registry: 192.0.2.10:4000
    ok: 40
    missing: []
    wrong: []
msg:
  description: What happened.
  returned: always
  type: str
  sample: the archive already holds this image set
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kollaprep.registry.plugins.module_utils._bundle_format import (
    BundleError,
    BundleReader,
    image_list,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._bundle_import import (
    Importer,
    check_served,
    verify_bundle,
)
from ansible_collections.kollaprep.registry.plugins.module_utils import _lock, _pipeline
from ansible_collections.kollaprep.registry.plugins.module_utils._engine import DockerEngine, EngineError
from ansible_collections.kollaprep.registry.plugins.module_utils._mirror import (
    MirrorError,
    build_specs,
    expand_images,
    export_bundle,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._module_args import (
    connection_argument_spec,
    connection_kwargs,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._registry_client import (
    ManifestError,
    RegistryClient,
    RegistryError,
)
from ansible_collections.kollaprep.registry.plugins.module_utils._sources import RegistrySource


def _export(module, p):
    source = RegistrySource(p["src_registry"], **connection_kwargs(p, "src"))
    try:
        if p["lock_file"]:
            try:
                lock_specs = _pipeline.lock_specs(
                    _lock.load(p["lock_file"]),
                    src_registry=p["src_registry"],
                    src_namespace=p["src_namespace"],
                    dest_namespace=p["dest_namespace"],
                )
            except (_lock.LockFileError, ValueError) as exc:
                module.fail_json(msg="registry_bundle: %s" % exc)
            if not lock_specs:
                module.fail_json(msg="registry_bundle: the lock %s lists no images" % p["lock_file"])
        images = (
            []
            if p["lock_file"]
            else expand_images(
                p["images"],
                source,
                all_images=p["all_images"],
                tag=p["tag"],
                src_registry=p["src_registry"],
                src_namespace=p["src_namespace"],
            )
        )
        if not images and not p["lock_file"]:
            module.fail_json(msg="registry_bundle: no images to export: give images, all_images or lock_file")
        specs, bad = (
            (lock_specs, [])
            if p["lock_file"]
            else build_specs(
                images,
                tag=p["tag"],
                src_registry=p["src_registry"],
                src_namespace=p["src_namespace"],
                dest_namespace=p["dest_namespace"],
            )
        )
        if bad:
            module.fail_json(msg="registry_bundle: bad image entries: %s" % "; ".join(r.msg for r in bad))
        report = export_bundle(
            p["path"],
            specs,
            source,
            include_registry_image=p["include_registry_image"],
            registry_image=p["registry_image"],
            engine=DockerEngine(p["docker_host"]) if p["include_registry_image"] else None,
            workers=p["workers"],
            check_mode=module.check_mode,
        )
    finally:
        source.close()
    result = dict(
        changed=report.changed,
        images=report.images,
        summary=report.summary(),
        registry_image=report.registry_image,
        msg=report.msg,
    )
    if module._diff:
        result["diff"] = dict(
            before="" if report.changed else _image_lines(report.images),
            after=_image_lines(report.images),
        )
    return result


def _image_lines(images):
    return "".join(
        "%s%s%s %s\n" % (i["repository"], ":" if i.get("tag") else "@", i.get("tag") or i["digest"], i["digest"])
        for i in images
    )


def _served(module, p, images, result):
    if not p["dest_registry"] or (module.check_mode and p["mode"] == "import"):
        return
    client = RegistryClient(p["dest_registry"], side="dest", **connection_kwargs(p, "dest"))
    try:
        served = check_served(client, images)
    finally:
        client.close()
    result["served"] = served
    if served["missing"] or served["wrong"]:
        module.fail_json(
            msg="registry_bundle: %s does not serve %d of %d images of the bundle with their digest: %s"
            % (
                p["dest_registry"],
                len(served["missing"]) + len(served["wrong"]),
                len(images),
                ", ".join(served["missing"] + [w["image"] for w in served["wrong"]]),
            ),
            **result,
        )


def _import(module, p):
    importer = Importer(
        p["path"],
        p["data_dir"],
        check_mode=module.check_mode,
        engine=DockerEngine(p["docker_host"]) if p["load_registry_image"] else None,
        load_registry_image=p["load_registry_image"],
        registry_image=p["registry_image"],
    )
    report = importer.run()
    result = dict(
        changed=report.changed,
        images=report.images,
        summary=report.summary(),
        registry_image=report.registry_image,
        tags_changed=report.tags_changed,
        msg=report.msg or ("imported" if report.changed else "every file of the bundle is in place already"),
    )
    if module._diff:
        result["diff"] = dict(
            before="".join("%s %s\n" % (t["link"], t["before"]) for t in report.tags_changed),
            after="".join("%s %s\n" % (t["link"], t["after"]) for t in report.tags_changed)
            + ("%d new files\n" % report.files_placed if report.files_placed else ""),
        )
    _served(module, p, report.images, result)
    return result


def _verify(module, p):
    if p["verify_archive"]:
        report = verify_bundle(p["path"])
        images, summary, reg = report.images, report.summary(), report.registry_image
    else:
        with BundleReader(p["path"]) as reader:
            reader.scan()
            images = image_list(reader.index)
            reg = reader.index.get("registry_image")
            summary = {"images": len(images), "bytes_verified": 0}
    result = dict(
        changed=False,
        images=images,
        summary=summary,
        registry_image=reg,
        msg="archive verified" if p["verify_archive"] else "archive structure and trailer checked",
    )
    _served(module, p, images, result)
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            mode=dict(type="str", choices=["export", "import", "verify"], required=True),
            path=dict(type="path", required=True),
            images=dict(type="list", elements="str"),
            all_images=dict(type="bool", default=False),
            lock_file=dict(type="path"),
            tag=dict(type="str"),
            src_registry=dict(type="str", default="quay.io"),
            src_namespace=dict(type="str", default="openstack.kolla"),
            dest_namespace=dict(type="str"),
            dest_registry=dict(type="str"),
            data_dir=dict(type="path", default="/var/lib/kollaprep/registry"),
            registry_image=dict(type="str", default="registry:2"),
            include_registry_image=dict(type="bool", default=True),
            load_registry_image=dict(type="bool", default=True),
            docker_host=dict(type="str", default="unix:///var/run/docker.sock"),
            verify_archive=dict(type="bool", default=True),
            workers=dict(type="int", default=8),
            **connection_argument_spec(),
        ),
        required_together=[("src_username", "src_password"), ("dest_username", "dest_password")],
        mutually_exclusive=[("lock_file", "images"), ("lock_file", "all_images")],
        supports_check_mode=True,
    )
    p = module.params
    if p["workers"] < 1:
        module.fail_json(msg="registry_bundle: workers must be 1 or more, not %d" % p["workers"])
    if p["mode"] == "export" and p["all_images"] and not p["tag"]:
        module.fail_json(msg="registry_bundle: all_images needs tag: the tag to export from every repository")
    if p["mode"] != "export" and not os.path.isfile(p["path"]):
        module.fail_json(msg="registry_bundle: the archive %s does not exist on this host" % p["path"])
    try:
        if p["mode"] == "export":
            result = _export(module, p)
        elif p["mode"] == "import":
            result = _import(module, p)
        else:
            result = _verify(module, p)
    except (BundleError, EngineError, MirrorError, RegistryError, ManifestError) as exc:
        module.fail_json(msg="registry_bundle (%s of %s): %s" % (p["mode"], p["path"], exc))
    except OSError as exc:
        module.fail_json(msg="registry_bundle (%s of %s): %s: %s" % (p["mode"], p["path"], type(exc).__name__, exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
