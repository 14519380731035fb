"""make demo: bring up the lab, fill the synthetic upstream, run the collection's site playbook, summarise."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import yaml

from tests.testbed import REGISTRY_IMAGE, clean_env
from tests.testbed import lab as labmod
from tests.testbed.lab import ROOT

DOCKER = "/usr/bin/docker"
LAB_CACHE = ROOT / ".cache/lab"
INVENTORY = ROOT / "inventories/lab/hosts.yml"


def _step(msg: str) -> None:
    print(f"\n==> {msg}", flush=True)


def lab_settings() -> dict:
    return yaml.safe_load((ROOT / "inventories/lab/group_vars/all.yml").read_text())


def profile_images(name: str) -> list[str]:
    """The image names of a named profile, as the image_mirror role resolves them."""
    profiles = yaml.safe_load((ROOT / "roles/image_mirror/vars/main.yml").read_text())["_image_mirror_profiles"]
    return profiles[name]


def export_registry_image() -> bool:
    """docker save registry:2 for the lab's deployment host (no Docker Hub here), when absent or outdated."""
    LAB_CACHE.mkdir(parents=True, exist_ok=True)
    archive = LAB_CACHE / "registry.tar"
    stamp = LAB_CACHE / "registry.tar.id"
    image_id = subprocess.run(
        [DOCKER, "image", "inspect", "--format", "{{.Id}}", REGISTRY_IMAGE], check=True, capture_output=True, text=True
    ).stdout.strip()
    if archive.exists() and stamp.exists() and stamp.read_text() == image_id:
        return False
    subprocess.run([DOCKER, "save", "-o", str(archive), REGISTRY_IMAGE], check=True)
    stamp.write_text(image_id)
    return True


def registry_catalog(host: str, registry: str) -> list[str]:
    out = subprocess.run(
        # HTTPS, verified with the CA the site installed on the host (kollaprep_registry_ca_path)
        [
            DOCKER,
            "exec",
            host,
            "curl",
            "-sf",
            "--cacert",
            f"/etc/docker/certs.d/{registry}/ca.crt",
            f"https://{registry}/v2/_catalog?n=1000",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)["repositories"]


def run() -> int:
    from tests.testbed import generator

    t0 = time.monotonic()
    settings = lab_settings()
    tag = settings["kollaprep_kolla_tag"]
    images = profile_images(settings["kollaprep_image_profile"])

    _step("Lab: a deployment host and two targets (systemd test hosts) and a synthetic upstream registry")
    lab, created = labmod.up()
    print(f"    hosts: {', '.join(lab.hosts)} on {lab.network}")
    print(f"    upstream: {lab.upstream_net} (controller: {lab.upstream_local})")
    print(f"    {'created: ' + ', '.join(created) if created else 'all already running'}")

    _step(f"Upstream: Kolla profile '{settings['kollaprep_image_profile']}' ({len(images)} images, tag {tag})")
    generated = generator.generate(lab.upstream_local, images=images, tag=tag, layer_size=128 * 1024)
    with urllib.request.urlopen(f"http://{lab.upstream_local}/v2/_catalog?n=1000") as resp:
        catalog = json.load(resp)["repositories"]
    print(f"    {len(generated)} images (with their parents) present; upstream catalog: {len(catalog)} repositories")
    if export_registry_image():
        print(f"    exported {REGISTRY_IMAGE} to {LAB_CACHE / 'registry.tar'} for the deployment host")

    # inventories/lab names the hosts by their plain names; this lab's containers carry its suffix
    # (tests/testbed/lab.py): a second inventory source maps one onto the other (ansible_host).
    lab_inventory = LAB_CACHE / f"hosts{lab.suffix}.yml"
    lab_inventory.write_text(yaml.safe_dump(lab.inventory(), sort_keys=True))
    _step(f"playbooks/site.yml on inventories/lab (lab {lab.id}: {lab_inventory.relative_to(ROOT)})")
    t_site = time.monotonic()
    res = subprocess.run(
        ["ansible-playbook", "-i", str(INVENTORY), "-i", str(lab_inventory), str(ROOT / "playbooks/site.yml")],
        env=clean_env(),
        cwd=ROOT,
        check=False,
    )
    site_seconds = time.monotonic() - t_site
    if res.returncode:
        print(f"demo: site.yml failed (exit {res.returncode})")
        return res.returncode

    registry = f"{settings['kollaprep_registry_address']}:{settings['kollaprep_registry_port']}"
    mirrored = [r for r in registry_catalog(lab.deploy, registry) if r.startswith(settings["kollaprep_namespace"])]
    globals_path = ROOT / ".cache/lab/globals.d/kollaprep-registry.yml"
    _step("Summary")
    print(f"    registry:        https://{registry} on {lab.deploy} ({len(mirrored)} repositories mirrored)")
    targets = ", ".join(lab.targets)
    print(
        f"    targets ready:   {targets} (trust the registry's CA at /etc/docker/certs.d/{registry}/ca.crt; each pulled"
    )
    print("                     by digest in the verify play)")
    print(f"    globals.d:       {globals_path}")
    for line in globals_path.read_text().splitlines():
        if line and not line.startswith("#"):
            print(f"                     {line}")
    print(f"    site.yml:        {site_seconds:.1f}s; whole demo {time.monotonic() - t0:.1f}s")
    return 0
