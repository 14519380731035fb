"""A real OpenStack Keystone for the token service's tests: Debian bookworm's ``keystone`` package (Zed), sqlite.

The image (``kollaprep/keystone:bookworm``, built from the test bed's Debian rootfs, rebuilt only when its inputs
change, like the other images in tests/testbed/images.py) already holds a synced database, fernet and credential
keys, a bootstrapped ``admin`` user with the ``admin`` role in the ``admin`` project and the test users of ``USERS``
(bootstrapped the same way). A container runs keystone-wsgi-public under uwsgi on port 5000 (one worker, one thread:
sqlite allows one writer; test-weak bcrypt rounds for speed), published on 127.0.0.1 only, with the test bed's
labels; the token service talks to it over its real v3 API.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.testbed import LABEL, label_args
from tests.testbed.images import HASH_LABEL, _digest, image_hash

DOCKER = "/usr/bin/docker"
KEYSTONE_IMAGE = "kollaprep/keystone:bookworm"
BASE_IMAGE = "kollaprep/testhost-rootfs:latest"
ADMIN_PASSWORD = "kp-keystone-admin"  # test-only credentials of a throwaway Keystone
# Users made at build time with `keystone-manage bootstrap` (no API calls at test time): name -> (password, project,
# role). kadmin has the admin role in the admin project; the others a member role elsewhere.
USERS = {
    "kadmin": ("kpw-admin", "admin", "admin"),
    "kuser": ("kpw-user", "demo", "member"),
    "klate": ("kpw-late", "demo", "member"),
}
_BOOTSTRAP_USERS = "".join(
    f" \\\n && su -s /bin/sh keystone -c 'keystone-manage bootstrap --bootstrap-username {name} "
    f"--bootstrap-password {pw} --bootstrap-project-name {project} --bootstrap-role-name {role}'"
    for name, (pw, project, role) in USERS.items()
)

KEYSTONE_CONF = """\
[DEFAULT]
log_file =
use_stderr = true
[database]
connection = sqlite:////var/lib/keystone/keystone.sqlite
[identity]
password_hash_rounds = 4
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = /etc/keystone/fernet-keys/
[credential]
key_repository = /etc/keystone/credential-keys/
"""

# Build steps: the package without starting anything (policy-rc.d), then the same bootstrap an operator does.
KEYSTONE_DOCKERFILE = f"""\
FROM {BASE_IMAGE}
RUN printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d \\
 && echo 'keystone keystone/configure_db boolean false' | debconf-set-selections \\
 && echo 'keystone keystone/create-admin-tenant boolean false' | debconf-set-selections \\
 && echo 'keystone keystone/register-endpoint boolean false' | debconf-set-selections \\
 && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \\
    keystone uwsgi-core uwsgi-plugin-python3 \\
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY keystone.conf /etc/keystone/keystone.conf
RUN mkdir -p /var/lib/keystone /etc/keystone/fernet-keys /etc/keystone/credential-keys \\
 && chown -R keystone:keystone /var/lib/keystone /etc/keystone \\
 && su -s /bin/sh keystone -c 'keystone-manage db_sync' \\
 && keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone \\
 && keystone-manage credential_setup --keystone-user keystone --keystone-group keystone \\
 && su -s /bin/sh keystone -c 'keystone-manage bootstrap --bootstrap-password {ADMIN_PASSWORD} \\
    --bootstrap-admin-url http://127.0.0.1:5000/v3/ --bootstrap-public-url http://127.0.0.1:5000/v3/ \\
    --bootstrap-internal-url http://127.0.0.1:5000/v3/ --bootstrap-region-id RegionOne'{_BOOTSTRAP_USERS}
USER keystone
EXPOSE 5000
CMD ["uwsgi", "--http-socket", ":5000", "--plugin", "python3", "--wsgi-file", "/usr/bin/keystone-wsgi-public", \\
     "--master", "--processes", "1", "--threads", "1", "--die-on-term"]
LABEL {HASH_LABEL}="@HASH@"
"""


def build_keystone(force: bool = False) -> bool:
    """Build the Keystone image (needs the test-host rootfs image); return True when a build happened."""
    base = subprocess.run(
        [DOCKER, "image", "inspect", "--format", "{{.Id}}", BASE_IMAGE], capture_output=True, text=True, check=True
    ).stdout.strip()
    want = _digest(KEYSTONE_DOCKERFILE.encode(), KEYSTONE_CONF.encode(), base.encode())
    if not force and image_hash(KEYSTONE_IMAGE) == want:
        return False
    with tempfile.TemporaryDirectory(prefix="kp-keystone-build-") as tmp:
        Path(tmp, "keystone.conf").write_text(KEYSTONE_CONF)
        Path(tmp, "Dockerfile").write_text(KEYSTONE_DOCKERFILE.replace("@HASH@", want))
        subprocess.run([DOCKER, "build", "-q", "-t", KEYSTONE_IMAGE, tmp], check=True, capture_output=True)
    return True


@dataclass
class Keystone:
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        res = subprocess.run([DOCKER, "logs", "--tail", "40", self.name], capture_output=True, text=True, check=False)
        return res.stdout + res.stderr

    def stop(self) -> None:
        subprocess.run([DOCKER, "stop", "-t", "5", self.name], capture_output=True, check=False)

    def remove(self) -> None:
        subprocess.run([DOCKER, "rm", "-f", "-v", self.name], capture_output=True, check=False)


def wait_keystone(ks: Keystone, timeout: float = 240.0) -> None:
    """Return once Keystone answers GET /v3 with 200 (uwsgi up, the app loaded)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{ks.url}/v3", timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"keystone {ks.name} did not answer on {ks.url}: {last}\n{ks.logs()}")


def start_keystone(name: str) -> Keystone:
    """Run a labelled Keystone container, its port 5000 published on a port of 127.0.0.1 dockerd picks."""
    subprocess.run([DOCKER, "rm", "-f", "-v", name], capture_output=True, check=False)
    subprocess.run(
        [DOCKER, "run", "-d", "--name", name, *label_args(), "-p", "127.0.0.1::5000", KEYSTONE_IMAGE],
        check=True,
        capture_output=True,
    )
    out = subprocess.run([DOCKER, "port", name, "5000/tcp"], capture_output=True, text=True, check=True).stdout
    port = int(out.splitlines()[0].rsplit(":", 1)[1])
    ks = Keystone(name=name, port=port)
    try:
        wait_keystone(ks)
    except BaseException:
        ks.remove()
        raise
    return ks


__all__ = ["KEYSTONE_IMAGE", "LABEL", "Keystone", "build_keystone", "start_keystone"]
