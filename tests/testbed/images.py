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


# --- Swift all-in-one (issue 15): Debian's swift 2.30 on the systemd test-host image -----------------------------
# One proxy (tempauth, s3api before it for the S3 API, tempurl for redirects), one account, container and object server
# on one device directory, one replica; rings built at image build time for 127.0.0.1. Every server runs as the swift
# user under its own systemd unit (kollaprep-swift@<server>), memcached for tempauth's tokens. Debian's own swift units
# and their generators are masked: they start replicators and auditors an all-in-one does not need. Being a test host
# (systemd as PID 1) it runs the same way as a molecule platform and from tests/testbed/swift.py.
SWIFT_IMAGE = "kollaprep/swift:bookworm"
SWIFT_PACKAGES = [
    "swift",
    "swift-proxy",
    "swift-object",
    "swift-container",
    "swift-account",
    "python3-swiftclient",
    "memcached",
]
SWIFT_SERVER_PORTS = {"account": 6202, "container": 6201, "object": 6200}
# s3api before tempauth (S3 requests are authenticated by tempauth's users); tempurl for redirects to Swift.
SWIFT_PIPELINE = (
    "catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl s3api tempauth copy slo dlo "
    "proxy-logging proxy-server"
)
SWIFT_FILES = {
    "etc/swift/swift.conf": """\
[swift-hash]
swift_hash_path_prefix = kollaprep
swift_hash_path_suffix = kollaprep-testbed

[storage-policy:0]
name = Policy-0
default = yes
""",
    "etc/swift/proxy-server.conf": f"""\
[DEFAULT]
bind_ip = 0.0.0.0
bind_port = 8080
workers = 1
user = swift
log_name = proxy-server

[pipeline:main]
pipeline = {SWIFT_PIPELINE}

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test2_tester2 = testing2 .admin

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:11211

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:tempurl]
use = egg:swift#tempurl

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo
""",
    **{
        f"etc/swift/{server}-server.conf": f"""\
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = {port}
workers = 1
user = swift
devices = /srv/node
mount_check = false
log_name = {server}-server

[pipeline:main]
pipeline = {server}-server

[app:{server}-server]
use = egg:swift#{server}
"""
        for server, port in SWIFT_SERVER_PORTS.items()
    },
    "etc/systemd/system/kollaprep-swift@.service": """\
[Unit]
Description=Swift %i server (kollaprep test bed all-in-one)
After=network.target memcached.service

[Service]
Type=simple
User=swift
Group=swift
ExecStart=/usr/bin/swift-%i-server /etc/swift/%i-server.conf
Restart=always
RestartSec=1

[Install]
WantedBy=multi-user.target
""",
}
SWIFT_DOCKERFILE = f"""\
FROM {TESTHOST_IMAGE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends \\
      {" ".join(SWIFT_PACKAGES)} >/dev/null \\
 && rm -f /lib/systemd/system-generators/swift-* \\
 && for u in $(cd /lib/systemd/system && ls swift-*.service); do ln -sf /dev/null /etc/systemd/system/$u; done
COPY rootfs/ /
RUN set -e; cd /etc/swift; \\
    for s in {" ".join(f"{s}:{p}" for s, p in SWIFT_SERVER_PORTS.items())}; do \\
      swift-ring-builder ${{s%%:*}}.builder create 10 1 1 >/dev/null; \\
      swift-ring-builder ${{s%%:*}}.builder add r1z1-127.0.0.1:${{s#*:}}/d1 100 >/dev/null; \\
      swift-ring-builder ${{s%%:*}}.builder rebalance >/dev/null || test -f ${{s%%:*}}.ring.gz; \\
    done; \\
    mkdir -p /srv/node/d1 /var/cache/swift; chown -R swift:swift /etc/swift /srv/node /var/cache/swift; \\
    systemctl enable memcached kollaprep-swift@account kollaprep-swift@container kollaprep-swift@object \\
      kollaprep-swift@proxy 2>/dev/null
LABEL {HASH_LABEL}="@HASH@"
"""  # noqa: S608 (a Dockerfile, not SQL)


def build_swift(force: bool = False) -> bool:
    """Build the Swift all-in-one image on top of the test-host image; return True when a build happened.

    Builds the test-host image first when it is not current. The packages come from the Debian mirror the build
    container reaches (as the test hosts' apt does).
    """
    build_testhost()
    want = _digest(
        (image_hash(TESTHOST_IMAGE) or "").encode(),
        SWIFT_DOCKERFILE.encode(),
        *(f"{k}\0{v}".encode() for k, v in sorted(SWIFT_FILES.items())),
    )
    if not force and image_hash(SWIFT_IMAGE) == want:
        return False
    with tempfile.TemporaryDirectory(prefix="kp-swift-build-") as tmp:
        for rel, text in SWIFT_FILES.items():
            dst = Path(tmp, "rootfs", rel)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(text)
        Path(tmp, "Dockerfile").write_text(SWIFT_DOCKERFILE.replace("@HASH@", want))
        _run(DOCKER, "build", "-q", "-t", SWIFT_IMAGE, tmp, stdout=subprocess.DEVNULL, env=clean_env())
    return True
