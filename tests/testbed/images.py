"""Images the test bed needs, built offline from Debian packages; an image already built is not rebuilt.

- ``registry:2``: Debian's docker-registry (Distribution 2.8) laid out like the upstream image (same config path,
  entrypoint, volume and port), so the roles' defaults work unchanged.
- ``kollaprep/testhost:bookworm``: Debian bookworm with systemd as PID 1 and python3, for test hosts.

Each image carries a label with the hash of its inputs; a build happens only when that hash differs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from tests.testbed import LABEL, REGISTRY_IMAGE, TESTHOST_IMAGE, clean_env

DOCKER = "/usr/bin/docker"
HASH_LABEL = f"{LABEL}.hash"

REGISTRY_CONFIG = """\
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
"""

# Same behaviour as the upstream image's entrypoint.
REGISTRY_ENTRYPOINT = """\
#!/bin/sh
set -e
case "$1" in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac
exec "$@"
"""

REGISTRY_DOCKERFILE = f"""\
FROM scratch
COPY rootfs/ /
VOLUME ["/var/lib/registry"]
EXPOSE 5000
ENTRYPOINT ["/entrypoint.sh"]
CMD ["/etc/docker/registry/config.yml"]
LABEL {HASH_LABEL}="@HASH@"
"""

# Packages of the test-host image. docker.io and friends are only downloaded into apt's cache, not installed:
# the docker_host role still installs them for real, without fetching them again for every test host.
TESTHOST_PACKAGES = [
    "systemd",
    "systemd-sysv",
    "dbus",
    "python3",
    "python3-apt",
    "ca-certificates",
    "curl",
    "iproute2",
    "procps",
    "kmod",
    "iptables",
    "sudo",
    "gnupg",
    "busybox-static",
    "less",
]
TESTHOST_PRECACHE = ["docker.io", "python3-docker", "python3-passlib", "python3-bcrypt", "docker-registry"]

TESTHOST_DOCKERFILE = f"""\
FROM kollaprep/testhost-rootfs:latest
ENV container=docker
STOPSIGNAL SIGRTMIN+3
CMD ["/lib/systemd/systemd"]
LABEL {HASH_LABEL}="@HASH@"
"""


def _run(*cmd: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), check=True, **kw)


def image_hash(image: str) -> str | None:
    res = subprocess.run(
        [DOCKER, "image", "inspect", "--format", f'{{{{index .Config.Labels "{HASH_LABEL}"}}}}', image],
        capture_output=True,
        text=True,
        check=False,
    )
    return res.stdout.strip() if res.returncode == 0 else None


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:16]


def _ldd_libs(binary: str) -> list[str]:
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        parts = line.split()
        for p in parts:
            if p.startswith("/"):
                libs.append(p)
                break
    return libs


def build_registry(force: bool = False) -> bool:
    """Build registry:2 from Debian's docker-registry; return True when a build happened."""
    binary = "/usr/bin/docker-registry"
    busybox = "/bin/busybox"
    want = _digest(
        Path(binary).read_bytes(),
        Path(busybox).read_bytes(),
        REGISTRY_CONFIG.encode(),
        REGISTRY_ENTRYPOINT.encode(),
        REGISTRY_DOCKERFILE.encode(),
    )
    if not force and image_hash(REGISTRY_IMAGE) == want:
        return False
    with tempfile.TemporaryDirectory(prefix="kp-registry-build-") as tmp:
        root = Path(tmp, "rootfs")
        for path in [*_ldd_libs(binary), "/etc/ssl/certs/ca-certificates.crt"]:
            dst = root / path.lstrip("/")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.realpath(path), dst)
        (root / "bin").mkdir(parents=True, exist_ok=True)
        shutil.copy2(binary, root / "bin/registry")
        shutil.copy2(busybox, root / "bin/busybox")
        for applet in ("sh", "ls", "cat", "du", "mkdir", "rm", "sleep", "wget"):
            (root / "bin" / applet).symlink_to("busybox")
        (root / "etc/docker/registry").mkdir(parents=True)
        (root / "etc/docker/registry/config.yml").write_text(REGISTRY_CONFIG)
        (root / "var/lib/registry").mkdir(parents=True)
        (root / "tmp").mkdir(mode=0o1777)
        ep = root / "entrypoint.sh"
        ep.write_text(REGISTRY_ENTRYPOINT)
        ep.chmod(0o755)
        Path(tmp, "Dockerfile").write_text(REGISTRY_DOCKERFILE.replace("@HASH@", want))
        _run(DOCKER, "build", "-q", "-t", REGISTRY_IMAGE, tmp, stdout=subprocess.DEVNULL)
    return True


def _mirror() -> str:
    """The Debian mirror this machine uses (the test hosts use the same one)."""
    for src in sorted(Path("/etc/apt/sources.list.d").glob("*.sources")):
        for line in src.read_text().splitlines():
            if line.startswith("URIs:") and "security" not in line:
                return line.split()[1]
    return "http://deb.debian.org/debian"


def build_testhost(force: bool = False) -> bool:
    """Build the systemd test-host image with mmdebstrap; return True when a build happened."""
    mirror = _mirror()
    want = _digest(
        " ".join(TESTHOST_PACKAGES + TESTHOST_PRECACHE).encode(),
        mirror.encode(),
        TESTHOST_DOCKERFILE.encode(),
        b"v4",
    )
    if not force and image_hash(TESTHOST_IMAGE) == want:
        return False
    security = mirror.replace("/debian", "/debian-security")
    with tempfile.TemporaryDirectory(prefix="kp-testhost-build-") as tmp:
        tarball = Path(tmp, "rootfs.tar")
        hooks = [
            # systemd in a container: no policy-rc.d, no gettys or udev.
            'rm -f "$1/usr/sbin/policy-rc.d"',
            "for u in getty.target console-getty.service systemd-udevd.service systemd-udev-trigger.service "
            "systemd-modules-load.service sys-kernel-config.mount sys-kernel-debug.mount systemd-firstboot.service "
            'systemd-remount-fs.service; do ln -sf /dev/null "$1/etc/systemd/system/$u"; done',
            'chroot "$1" apt-get install -y --download-only --no-install-recommends ' + " ".join(TESTHOST_PRECACHE),
            'rm -f "$1/etc/machine-id"; touch "$1/etc/machine-id"',
        ]
        cmd = [
            "mmdebstrap",
            "--variant=minbase",
            "--quiet",
            "--format=tar",
            "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
            "--include=" + ",".join(TESTHOST_PACKAGES),
            '--aptopt=APT::Keep-Downloaded-Packages "true"',
            "--skip=cleanup/apt/lists",
            "--skip=cleanup/apt/cache",
        ]
        for hook in hooks:
            cmd.append("--customize-hook=" + hook)
        cmd += [
            "bookworm",
            str(tarball),
            f"deb {mirror} bookworm main",
            f"deb {mirror} bookworm-updates main",
            f"deb {security} bookworm-security main",
        ]
        _run(*cmd, env=clean_env())
        with tarfile.open(tarball) as tf:  # sanity: a systemd rootfs
            tf.getmember("./usr/lib/systemd/systemd")
        _run(DOCKER, "import", str(tarball), "kollaprep/testhost-rootfs:latest", stdout=subprocess.DEVNULL)
        Path(tmp, "Dockerfile").write_text(TESTHOST_DOCKERFILE.replace("@HASH@", want))
        _run(
            DOCKER,
            "build",
            "-q",
            "-t",
            TESTHOST_IMAGE,
            "-f",
            str(Path(tmp, "Dockerfile")),
            tmp,
            stdout=subprocess.DEVNULL,
        )
    return True
