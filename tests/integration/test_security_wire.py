"""Issue 14, TLS on a new user's path: one variable for the registry's CA, read by every client.

The verify play reads kollaprep_registry_ca_path; playbooks/kolla_inventory.yml sets it for every host of the site
from kollaprep_registry_tls (where registry_client installs the CA: <certs dir>/<host:port>/ca.crt). Here a real
TLS registry (registry_factory, its own test CA), the deployment host is localhost, the certs directory a temp dir
holding the CA as registry_client leaves it, and the real playbooks/verify.yml reads the digest over HTTPS (the
targets' pull play is skipped by its tag: this machine's dockerd is not a test target).
"""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from tests.integration.test_kolla_inventory import _playbook
from tests.testbed import generator
from tests.testbed.ansible import ROOT, ansible_env, run_task_once

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tls_registry(registry_factory):
    reg = registry_factory.start("kp-sec-ca", tls=True)
    reg.images = generator.generate(reg.host, images=["cron"], ca=reg.ca_path)
    return reg


def _site(tmp_path, reg):
    """A site whose deployment host and only target is localhost, and the registry's CA where registry_client
    installs it (a temp certs directory): (inventory, certs directory)."""
    certs = tmp_path / "certs.d"
    (certs / reg.host).mkdir(parents=True)
    shutil.copy(reg.ca_path, certs / reg.host / "ca.crt")
    inventory = tmp_path / "hosts"
    inventory.write_text(
        "[deployment]\nlocalhost ansible_connection=local ansible_python_interpreter=%s\n[baremetal]\nlocalhost\n"
        % sys.executable
    )
    return inventory, certs


def test_verify_reads_the_site_ca_without_any_setting(tmp_path, tls_registry):
    image = next(i for i in tls_registry.images if i.name == "cron")
    inventory, certs = _site(tmp_path, tls_registry)
    extra = {
        "kollaprep_registry": tls_registry.host,
        "kollaprep_registry_tls": True,
        "kollaprep_registry_certs_dir": str(certs),
        "kollaprep_kolla_globals": "",
        "kollaprep_verify_image": "%s:%s" % (image.repository, image.tag),
    }
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    res = _playbook(
        inventory,
        ROOT / "playbooks/verify.yml",
        "-e",
        "@%s" % (tmp_path / "vars.json"),
        "--skip-tags",
        "kollaprep_verify_pull",
        timeout=300,
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
    )
    out = json.loads(res.stdout)
    digest_task = next(
        t
        for p in out["plays"]
        for t in p["tasks"]
        if t["task"]["name"] == "Ask the registry for the manifest digest of the check image"
    )
    result = digest_task["hosts"]["localhost"]
    assert res.returncode == 0, result.get("msg")
    assert result["digest"] == image.digest
    assert result["url"].startswith("https://%s/" % tls_registry.host)


def test_manifest_info_basic_auth_and_missing_images(tmp_path, registry_factory):
    """registry_manifest_info (verify.yml's read) on HTTPS with htpasswd: the right password reads the multi-arch
    index's digest, a wrong one fails with the registry's 401, an absent image fails unless missing_ok."""
    reg = registry_factory.start("kp-sec-info", tls=True, auth={"reader": "kp-info-Pw-1"})
    image = generator.generate(reg.host, images=["cron"], ca=reg.ca_path, auth=reg.auth, multiarch=True,
                               media_type="oci")[-1]  # fmt: skip
    extra = {"registry": reg.host, "ca_path": str(reg.ca_path), "username": "reader",
             "repository": image.repository, "reference": image.tag}  # fmt: skip
    try:
        res = run_task_once("manifest_info_run.yml", tmp_path, extra, env=ansible_env(KP_TEST_PASSWORD="kp-info-Pw-1"))
        assert not res.get("failed") and res["digest"] == image.digest, res
        assert res["media_type"] == "application/vnd.oci.image.index.v1+json"
        wrong = run_task_once("manifest_info_run.yml", tmp_path, extra, env=ansible_env(KP_TEST_PASSWORD="wrong"))
        assert wrong.get("failed") and "401" in wrong["msg"], wrong
        env = ansible_env(KP_TEST_PASSWORD="kp-info-Pw-1")
        absent = {**extra, "reference": "no-such-tag"}
        res = run_task_once("manifest_info_run.yml", tmp_path, absent, env=env)
        assert res.get("failed") and "has no %s:no-such-tag" % image.repository in res["msg"], res
        res = run_task_once("manifest_info_run.yml", tmp_path, {**absent, "missing_ok": True}, env=env)
        assert not res.get("failed") and res["exists"] is False and res["digest"] is None, res
    finally:
        reg.stop()


def test_bundle_export_run_alone_reads_the_site_ca(tmp_path, tls_registry):
    """playbooks/bundle_export.yml on its own (not after site.yml in the same run) reads the site as every other
    playbook does: the registry's name and the CA where registry_client installed it; the bundle holds the image with
    its digest. Without the site read it had no CA and failed CERTIFICATE_VERIFY_FAILED."""
    image = next(i for i in tls_registry.images if i.name == "cron")
    inventory, certs = _site(tmp_path, tls_registry)
    namespace, name = image.repository.rsplit("/", 1)
    extra = {
        "kollaprep_registry": tls_registry.host,
        "kollaprep_registry_certs_dir": str(certs),
        "kollaprep_kolla_globals": "",
        "kollaprep_namespace": namespace,
        "registry_bundle_images": [name],
        "registry_bundle_tag": image.tag,
        "registry_bundle_include_registry_image": False,
        "registry_bundle_remote_path": str(tmp_path / "remote.tar"),
        "registry_bundle_local_path": str(tmp_path / "fetched" / "bundle.tar"),
    }
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    res = _playbook(
        inventory,
        ROOT / "playbooks/bundle_export.yml",
        "-e",
        "@%s" % (tmp_path / "vars.json"),
        timeout=300,
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
    )
    out = json.loads(res.stdout)
    export = next(
        (
            t["hosts"]["localhost"]
            for p in out["plays"]
            for t in p["tasks"]
            if t["task"]["name"].endswith(": Write the bundle on the deployment host")
        ),
        {},
    )
    assert res.returncode == 0 and export, export.get("msg") or res.stdout[-3000:]
    assert [(i["repository"], i["digest"]) for i in export["images"]] == [(image.repository, image.digest)]
    assert (tmp_path / "fetched" / "bundle.tar").stat().st_size > 0


def test_the_globals_fragment_is_secure_by_default(tmp_path):
    """Without any TLS setting: docker_registry_insecure false, the login variables kolla-ansible reads, the password
    as a reference to the vault variable (never a value)."""
    (tmp_path / "hosts").write_text(
        "[deployment]\nkp-nowhere ansible_connection=community.docker.docker\n[baremetal]\nkp-nowhere2\n"
    )
    fragment = tmp_path / "globals.d/kollaprep-registry.yml"
    extra = {
        "kollaprep_registry": "192.0.2.10:4000",
        "kollaprep_kolla_tag": "2025.1-ubuntu-noble",
        "kollaprep_namespace": "openstack.kolla",
        "kollaprep_registry_username": "kolla",
        "kollaprep_globals_path": str(fragment),
    }
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    res = _playbook(
        tmp_path / "hosts", ROOT / "playbooks/kolla_globals.yml", "-e", "@%s" % (tmp_path / "vars.json"), timeout=120
    )
    assert res.returncode == 0, res.stdout[-3000:]
    text = fragment.read_text()
    assert "docker_registry_insecure: false" in text
    assert 'docker_registry_username: "kolla"' in text
    assert 'docker_registry_password: "{{ vault_docker_registry_password }}"' in text
