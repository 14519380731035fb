"""Issue 14, TLS on a new user's path: the CA and the server certificate are made on the controller.

The "deployment host" is localhost driven through a bare venv's Python (no cryptography, no pip): an air-gapped host
that cannot install python3-cryptography. The role makes the CA and the certificate with Ansible's own Python on the
controller and copies them; the CA key stays on the controller. Four steps (check, real, check, real), then a
changed name (new server certificate, same CA) and a renewal (expiry within the renew window).
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from tests.testbed.ansible import ansible_env, run_playbook_file

pytestmark = pytest.mark.integration

PLAYBOOK = "tls_generate_run.yml"


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> str:
    venv = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([sys.base_prefix + "/bin/python3", "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin/python")
    probe = subprocess.run([python, "-c", "import cryptography"], capture_output=True, check=False)
    assert probe.returncode != 0, "the bare venv must not have cryptography"
    return python


def run(tmp_path, bare_python, *args, **extra):
    extra_vars = {
        "tg_host_python": bare_python,
        "tg_config_dir": str(tmp_path / "host/etc"),
        "tg_controller_dir": str(tmp_path / "controller"),
    }
    extra_vars.update({"tg_" + k: v for k, v in extra.items()})
    proc = run_playbook_file(
        PLAYBOOK, tmp_path, extra_vars, *args, env=ansible_env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json")
    )
    out = json.loads(proc.stdout)
    assert proc.returncode == 0, json.dumps(
        [h for t in out["plays"][0]["tasks"] for h in t["hosts"].values() if h.get("failed")], indent=1
    )[-3000:]
    return out["stats"]["localhost"]["changed"]


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def signed_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    key = ca.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        else:
            return False
    except Exception:
        return False
    return True


def sans(cert: x509.Certificate) -> set[str]:
    ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in ext.get_values_for_type(x509.DNSName)} | {
        str(v) for v in ext.get_values_for_type(x509.IPAddress)
    }


def test_certificates_made_on_the_controller_for_a_host_without_cryptography(tmp_path, bare_python):
    host_tls = tmp_path / "host/etc/tls"
    controller = tmp_path / "controller"

    # 1. check mode on a fresh host: reports changes, writes no certificate anywhere
    assert run(tmp_path, bare_python, "--check", names=["registry.example"]) > 0
    assert not list(controller.glob("*")) and not list(host_tls.glob("*"))

    # 2. real
    assert run(tmp_path, bare_python, names=["registry.example"]) > 0
    assert sorted(p.name for p in host_tls.iterdir()) == ["ca.crt", "server.crt", "server.key"]
    assert not list((tmp_path / "host").rglob("ca.key")), "the CA key must stay on the controller"
    assert (controller / "ca.key").is_file()
    assert stat.S_IMODE((host_tls / "server.key").stat().st_mode) == 0o600
    ca, cert = load(host_tls / "ca.crt"), load(host_tls / "server.crt")
    assert signed_by(cert, ca) and "registry.example" in sans(cert) and "127.0.0.1" in sans(cert)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    files = {p.name: p.read_bytes() for p in host_tls.iterdir()}

    # 3./4. check mode and real again: nothing to do, the files stay byte-identical
    assert run(tmp_path, bare_python, "--check", names=["registry.example"]) == 0
    assert run(tmp_path, bare_python, names=["registry.example"]) == 0
    assert {p.name: p.read_bytes() for p in host_tls.iterdir()} == files

    # a new name: a new server certificate from the same CA
    assert run(tmp_path, bare_python, names=["registry.example", "reg2.example"]) > 0
    cert2 = load(host_tls / "server.crt")
    assert (host_tls / "ca.crt").read_bytes() == files["ca.crt"]
    assert "reg2.example" in sans(cert2) and signed_by(cert2, ca) and cert2.serial_number != cert.serial_number

    # expiry within the renew window: both made again, then stable with the normal window
    assert run(tmp_path, bare_python, names=["registry.example", "reg2.example"], renew_days=4000) > 0
    ca3, cert3 = load(host_tls / "ca.crt"), load(host_tls / "server.crt")
    assert ca3.serial_number != ca.serial_number and cert3.serial_number != cert2.serial_number
    assert signed_by(cert3, ca3)
    assert run(tmp_path, bare_python, names=["registry.example", "reg2.example"]) == 0
