"""Synthetic Kolla-like image sets, pushed straight through the Docker Registry HTTP API v2.

No engine and no ``docker build``: layers, configs and manifests are built in Python and pushed from a thread pool
through the collection's own registry client (plugins/module_utils/_registry_client.py: a keep-alive connection per
thread, basic and bearer auth, retries), the code the product pushes with, so a 40-image set lands in an "upstream"
registry in seconds.

What the sets look like
    * Names and tags as Kolla publishes them: ``<namespace>/<name>:<release>-<distro>-<codename>``, by default
      ``openstack.kolla/keystone:2024.1-debian-bookworm``.
    * Layering as Kolla: ``base`` -> ``openstack-base`` -> ``<svc>-base`` -> ``<svc>``; ``kolla-toolbox``, ``cron``,
      ``fluentd``, ``haproxy``, ``mariadb-base``, ``openvswitch-base``, ``nova-libvirt``... straight on ``base``
      (see ``KOLLA_IMAGES``). A layer shared by several images is the same blob (same digest) in all of them.
    * Every layer is a real gzip'd tar holding one file of ``layer_size`` incompressible bytes, so a real engine can
      pull and unpack it; the config blob carries the matching ``rootfs.diff_ids``. Layer bytes are deterministic
      from ``seed`` (SHAKE-128 counter stream), so two runs give the same digests.
    * ``media_type="docker"`` (schema 2 manifests, manifest lists) or ``"oci"`` (OCI manifests, OCI indexes).
      ``multiarch=True`` pushes linux/amd64 and linux/arm64 manifests (every arm64 layer differs from its amd64
      twin) and a manifest list / index under the tag. The amd64 blobs are the very blobs of a single-arch run.

Choices, measured on this machine (2 cores)
    * Byte source: SHAKE-128 over (layer key, counter), 1 MiB per call: ~470 MB/s in one thread (SHAKE-256 ~390,
      ``random.Random.randbytes`` ~270), stdlib only, every byte unique and incompressible. With the two sha256
      (blob digest, diff_id), the CRC and the gzip framing, one thread produces a layer at ~220-250 MB/s.
    * Compression: gzip "stored" (deflate level 0), framed by hand. zlib level 1 on incompressible data runs at
      ~45 MB/s for a 0.01 % gain; the stored framing runs at GB/s and is independent of the zlib version, so digests
      are the same on every machine.
    * End to end against a local registry:2: 40 images with 4 MiB layers (168 MiB) in ~2 s, a re-run in ~0.5 s;
      40 images with 32 MiB layers (1.3 GiB) in ~9 s (~155 MB/s, the registry hashing and writing on the other
      core) with a peak RSS of ~80 MB.
    * Parents: selecting an image always selects (and pushes) its parents, like Kolla's own build. ``count=N`` takes
      the first N entries of ``KOLLA_IMAGES``, whose order puts parents first, so N images are pushed.
    * Uploads: a blob up to 8 MiB is built in memory, checked with HEAD and pushed with one monolithic PUT. A larger
      blob is streamed (POST, one chunked PATCH fed by a generator, an empty PUT ?digest=) while its digest and
      diff_id are computed in the same pass, so memory stays bounded. (The digest is known only once the last byte
      is sent, too late for the client's monolithic ``finish_upload``, which puts it in the URL: the PATCH goes
      through the client's ``request()``.) Digests of layers of 64 KiB and more are remembered in a small cache file
      (``~/.cache/kollaprep/generator-digests.json``; ``KOLLAPREP_GEN_CACHE`` moves it, ``off`` disables it) so
      that a re-run HEADs them and skips them without regenerating a byte. Layers of parents are
      cross-repository mounted from the repository of the image that introduced them; manifests already in place
      (HEAD, same digest) are not put again, so a re-run uploads nothing.

CLI::

    python -m tests.testbed.generator --registry 127.0.0.1:5001 --count 40 --layer-size 32M [--oci] [--multiarch]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import struct
import sys
import tarfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

try:
    from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc
except ImportError:  # run without the Makefile's PYTHONPATH: use the collection link it makes (make collection-link)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / ".cache" / "collections"))
    from ansible_collections.kollaprep.registry.plugins.module_utils import _registry_client as rc

# Media types -----------------------------------------------------------------------------------------------------
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

MEDIA_TYPES = {
    "docker": {
        "manifest": DOCKER_MANIFEST,
        "index": DOCKER_MANIFEST_LIST,
        "config": DOCKER_CONFIG,
        "layer": DOCKER_LAYER,
    },
    "oci": {"manifest": OCI_MANIFEST, "index": OCI_INDEX, "config": OCI_CONFIG, "layer": OCI_LAYER},
}
# Every manifest type this generator produces: use as the Accept header when reading them back.
ACCEPT = ", ".join((DOCKER_MANIFEST_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST))

# Kolla's image tree ----------------------------------------------------------------------------------------------
# (name, parent), parents before children. The order also makes small prefixes useful: count=7 already holds
# keystone and its whole chain. Kolla's default profile: cron, kolla-toolbox, fluentd, glance, haproxy, heat, horizon,
# keepalived, keystone, mariadb, memcached, neutron, nova, placement, proxysql, openvswitch, rabbitmq.
KOLLA_IMAGES: list[tuple[str, str | None]] = [
    ("base", None),
    ("cron", "base"),
    ("kolla-toolbox", "base"),
    ("fluentd", "base"),
    ("openstack-base", "base"),
    ("keystone-base", "openstack-base"),
    ("keystone", "keystone-base"),
    ("keystone-ssh", "keystone-base"),
    ("keystone-fernet", "keystone-base"),
    ("haproxy", "base"),
    ("keepalived", "base"),
    ("mariadb-base", "base"),
    ("mariadb-server", "mariadb-base"),
    ("mariadb-clustercheck", "mariadb-base"),
    ("memcached", "base"),
    ("rabbitmq", "base"),
    ("proxysql", "base"),
    ("glance-base", "openstack-base"),
    ("glance-api", "glance-base"),
    ("placement-base", "openstack-base"),
    ("placement-api", "placement-base"),
    ("horizon", "openstack-base"),
    ("heat-base", "openstack-base"),
    ("heat-api", "heat-base"),
    ("heat-api-cfn", "heat-base"),
    ("heat-engine", "heat-base"),
    ("openvswitch-base", "base"),
    ("openvswitch-db-server", "openvswitch-base"),
    ("openvswitch-vswitchd", "openvswitch-base"),
    ("nova-base", "openstack-base"),
    ("nova-api", "nova-base"),
    ("nova-conductor", "nova-base"),
    ("nova-scheduler", "nova-base"),
    ("nova-novncproxy", "nova-base"),
    ("nova-compute", "nova-base"),
    ("nova-ssh", "nova-base"),
    ("nova-libvirt", "base"),
    ("neutron-base", "openstack-base"),
    ("neutron-server", "neutron-base"),
    ("neutron-openvswitch-agent", "neutron-base"),
    ("neutron-dhcp-agent", "neutron-base"),
    ("neutron-l3-agent", "neutron-base"),
    ("neutron-metadata-agent", "neutron-base"),
]
_PARENT = dict(KOLLA_IMAGES)
# Layers an image adds on top of its parent (the two bases are the big ones in Kolla too).
_OWN_LAYERS = {"base": 2, "openstack-base": 2}
_KOLLA_VERSIONS = {"2023.1": "16.0.0", "2023.2": "17.0.0", "2024.1": "18.0.0", "2024.2": "19.0.0", "2025.1": "20.0.0"}
_PLATFORMS = {
    "amd64": {"architecture": "amd64", "os": "linux"},
    "arm64": {"architecture": "arm64", "os": "linux", "variant": "v8"},
}
_KOLLA_ARCH = {"amd64": "x86_64", "arm64": "aarch64"}

FORMAT = "v1"  # bump when the bytes produced for a given seed change (invalidates the digest cache)
CREATED = "2024-04-03T00:00:00Z"
_MTIME = 1712102400  # CREATED as a Unix time, for the tar headers
_CHUNK = 1 << 20  # generator / upload granularity
_INLINE_MAX = 8 << 20  # blobs up to this size are built in memory; larger ones are streamed
_CACHE_MIN = 64 << 10  # layers below this size are cheaper to regenerate than to cache on disk
_STORED_BLOCK = 65535  # largest deflate stored block
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"  # no name, mtime 0, OS unix
_MAX_LAYER = 8 << 30  # ustar size field limit


class GeneratorError(RuntimeError):
    """A registry refused or failed a request."""


@dataclass(frozen=True)
class Descriptor:
    """A blob as a manifest references it. ``diff_id`` is set for layers (sha256 of the uncompressed tar)."""

    digest: str
    size: int
    diff_id: str | None = None


@dataclass(frozen=True)
class GeneratedImage:
    """One pushed tag. ``digest`` is what the tag resolves to (the index digest when multi-arch).

    ``unique_bytes`` counts the blobs this image adds to the registry (its own layers for every arch, its configs and
    manifests), so the sum over a set is the set's stored size. ``uploaded_bytes`` is what this run actually sent.
    """

    name: str
    repository: str
    tag: str
    digest: str
    media_type: str
    unique_bytes: int
    parent: str | None = None
    uploaded_bytes: int = 0

    @property
    def reference(self) -> str:
        return f"{self.repository}:{self.tag}"


@dataclass(frozen=True)
class PlatformManifest:
    arch: str
    digest: str
    manifest: bytes
    config: bytes
    config_digest: str
    layers: tuple[Descriptor, ...]


@dataclass(frozen=True)
class PlannedImage:
    """Everything pushed for one image, rendered offline (see ``plan``)."""

    name: str
    parent: str | None
    repository: str
    tag: str
    media_type: str  # media type of the manifest the tag points to
    digest: str
    manifest: bytes  # the tagged manifest (the index when multi-arch)
    platforms: dict[str, PlatformManifest]
    unique_bytes: int


# Layers ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Layer:
    """One layer blob: ``index``-th layer added by ``image`` for ``arch``. Bytes derive only from these fields."""

    image: str
    index: int
    arch: str
    size: int
    seed: int

    @property
    def key(self) -> str:
        return f"kollaprep-gen/{FORMAT}/{self.seed}/{self.image}/{self.index}/{self.arch}/{self.size}"

    @property
    def path(self) -> str:
        return f"var/lib/kollaprep/{self.image}/layer{self.index}.bin"

    def tar_chunks(self) -> Iterator[bytes]:
        """The uncompressed tar: directory entries, one file of ``size`` pseudo-random bytes, end-of-archive."""
        head = []
        parts = self.path.split("/")
        for depth in range(1, len(parts)):
            info = tarfile.TarInfo("/".join(parts[:depth]) + "/")
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, _MTIME
            head.append(info.tobuf(tarfile.USTAR_FORMAT))
        info = tarfile.TarInfo(self.path)
        info.size, info.mode, info.mtime = self.size, 0o644, _MTIME
        head.append(info.tobuf(tarfile.USTAR_FORMAT))
        yield b"".join(head)
        yield from keystream(self.key, self.size)
        yield bytes((-self.size) % 512 + 1024)

    def stream(self) -> LayerStream:
        return LayerStream(self)


def keystream(key: str, size: int) -> Iterator[bytes]:
    """``size`` incompressible bytes, deterministic from ``key``: SHAKE-128(key || counter), 1 MiB per call."""
    prefix = key.encode() + b"\0"
    counter = 0
    while size > 0:
        n = min(_CHUNK, size)
        yield hashlib.shake_128(prefix + counter.to_bytes(8, "big")).digest(n)
        counter += 1
        size -= n


def gzip_stored(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Gzip-frame ``chunks`` with deflate stored blocks of 65535 bytes (the output depends only on the input bytes)."""
    yield _GZIP_HEADER
    crc = 0
    total = 0
    buf = bytearray()
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        total += len(chunk)
        buf += chunk
        full = len(buf) - len(buf) % _STORED_BLOCK
        if full:
            yield _stored_blocks(buf, full, final=False)
            del buf[:full]
    yield _stored_blocks(buf, len(buf), final=True)
    yield struct.pack("<II", crc, total & 0xFFFFFFFF)


def _stored_blocks(buf: bytearray, length: int, *, final: bool) -> bytes:
    parts: list = []
    view = memoryview(buf)
    for start in range(0, length, _STORED_BLOCK):
        n = min(_STORED_BLOCK, length - start)
        last = final and start + n == length
        parts.append(struct.pack("<BHH", 1 if last else 0, n, n ^ 0xFFFF))
        parts.append(view[start : start + n])
    if final and length == 0:
        parts.append(b"\x01\x00\x00\xff\xff")  # an empty final block ends the deflate stream
    out = b"".join(parts)
    parts.clear()  # drop the slices before the caller resizes buf
    view.release()
    return out


class LayerStream:
    """Iterate to get the compressed blob in chunks; afterwards ``descriptor`` holds digest, size and diff_id."""

    def __init__(self, layer: Layer) -> None:
        self.layer = layer
        self._diff = hashlib.sha256()
        self._blob = hashlib.sha256()
        self._size = 0
        self.descriptor: Descriptor | None = None

    def _tar(self) -> Iterator[bytes]:
        for chunk in self.layer.tar_chunks():
            self._diff.update(chunk)
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        for chunk in gzip_stored(self._tar()):
            self._blob.update(chunk)
            self._size += len(chunk)
            yield chunk
        self.descriptor = Descriptor(f"sha256:{self._blob.hexdigest()}", self._size, f"sha256:{self._diff.hexdigest()}")


def compressed_size(size: int, path_entries: int = 5) -> int:
    """Exact blob size of a layer holding ``size`` bytes (tar with ``path_entries`` headers, stored gzip)."""
    tar = 512 * path_entries + size + (-size) % 512 + 1024
    blocks = max(1, -(-tar // _STORED_BLOCK))
    return 10 + tar + 5 * blocks + 8


# Digest memo (process) and cache (disk) --------------------------------------------------------------------------
_MEMO: dict[str, Descriptor] = {}
_MEMO_LOCK = threading.Lock()


def _cache_path() -> Path | None:
    value = os.environ.get("KOLLAPREP_GEN_CACHE")
    if value is not None:
        return None if value in ("", "off", "0") else Path(value)
    return Path.home() / ".cache" / "kollaprep" / "generator-digests.json"


def _cache_load() -> dict[str, list]:
    path = _cache_path()
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _cache_save(entries: dict[str, Descriptor]) -> None:
    path = _cache_path()
    if path is None or not entries:
        return
    data = _cache_load()
    data.update({k: [d.digest, d.size, d.diff_id] for k, d in entries.items()})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(json.dumps(data, sort_keys=True))
        os.replace(tmp, path)
    except OSError:
        pass  # the cache only saves time


def known_descriptor(layer: Layer) -> Descriptor | None:
    with _MEMO_LOCK:
        return _MEMO.get(layer.key)


def _remember(layer: Layer, desc: Descriptor) -> None:
    with _MEMO_LOCK:
        _MEMO[layer.key] = desc


def describe(layer: Layer) -> Descriptor:
    """Digest, size and diff_id of a layer, computed by streaming it once (memoised)."""
    desc = known_descriptor(layer)
    if desc is None:
        stream = layer.stream()
        for _unused in stream:
            pass
        desc = stream.descriptor
        _remember(layer, desc)
    return desc


# Selection and rendering -----------------------------------------------------------------------------------------
def select(images: Iterable[str] | None = None, count: int | None = None) -> list[str]:
    """Image names to push, parents first. ``images`` adds the parents of every name; ``count`` takes a prefix."""
    names = [name for name, _unused in KOLLA_IMAGES]
    if images is not None and count is not None:
        raise ValueError("give either images or count, not both")
    if count is not None:
        if not 1 <= count <= len(names):
            raise ValueError(f"count must be between 1 and {len(names)}, got {count}")
        return names[:count]
    if images is None:
        return names
    wanted: set[str] = set()
    for name in images:
        if name not in _PARENT:
            raise ValueError(f"unknown Kolla image {name!r}; known: {', '.join(names)}")
        while name is not None:
            wanted.add(name)
            name = _PARENT[name]
    return [name for name in names if name in wanted]


def chain(name: str) -> list[str]:
    """``name`` and its ancestors, root first."""
    out = []
    current: str | None = name
    while current is not None:
        out.append(current)
        current = _PARENT[current]
    return out[::-1]


def own_layers(name: str, arch: str, layer_size: int, seed: int) -> list[Layer]:
    return [Layer(name, i, arch, layer_size, seed) for i in range(_OWN_LAYERS.get(name, 1))]


def image_layers(name: str, arch: str, layer_size: int, seed: int) -> list[Layer]:
    return [layer for link in chain(name) for layer in own_layers(link, arch, layer_size, seed)]


def _json(obj: dict) -> bytes:
    return json.dumps(obj, indent=3).encode()


def _sha256(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def render_config(name: str, arch: str, tag: str, layers: list[Layer], descs: list[Descriptor]) -> bytes:
    release, _unused, rest = tag.partition("-")
    distro = rest.partition("-")[0] or "debian"
    labels = {
        "build-date": CREATED[:10].replace("-", ""),
        "kolla_version": _KOLLA_VERSIONS.get(release, "0.0.0"),
        "maintainer": "Kolla Project (https://launchpad.net/kolla)",
        "name": name,
        "org.kollaprep.synthetic": "true",
    }
    config = {
        "architecture": arch,
        "os": "linux",
        **({"variant": _PLATFORMS[arch]["variant"]} if "variant" in _PLATFORMS[arch] else {}),
        "created": CREATED,
        "config": {
            "User": "root",
            "Env": [
                "PATH=/var/lib/kolla/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=en_US.UTF-8",
                f"KOLLA_BASE_DISTRO={distro}",
                f"KOLLA_BASE_ARCH={_KOLLA_ARCH[arch]}",
            ],
            "Cmd": ["kolla_start"],
            "Labels": labels,
            "StopSignal": "SIGTERM",
        },
        "rootfs": {"type": "layers", "diff_ids": [d.diff_id for d in descs]},
        "history": [
            {"created": CREATED, "created_by": f"/bin/sh -c #(nop) ADD {layer.path} # kollaprep {layer.image}"}
            for layer in layers
        ],
    }
    return _json(config)


def render_manifest(media_type: str, config: Descriptor, layers: list[Descriptor]) -> bytes:
    types = MEDIA_TYPES[media_type]
    return _json(
        {
            "schemaVersion": 2,
            "mediaType": types["manifest"],
            "config": {"mediaType": types["config"], "size": config.size, "digest": config.digest},
            "layers": [{"mediaType": types["layer"], "size": d.size, "digest": d.digest} for d in layers],
        }
    )


def render_index(media_type: str, children: list[PlatformManifest]) -> bytes:
    types = MEDIA_TYPES[media_type]
    return _json(
        {
            "schemaVersion": 2,
            "mediaType": types["index"],
            "manifests": [
                {
                    "mediaType": types["manifest"],
                    "size": len(child.manifest),
                    "digest": child.digest,
                    "platform": dict(_PLATFORMS[child.arch]),
                }
                for child in children
            ],
        }
    )


def _render_image(
    name: str,
    *,
    namespace: str,
    tag: str,
    layer_size: int,
    media_type: str,
    arches: list[str],
    seed: int,
    descriptor_of: Callable[[Layer], Descriptor],
) -> PlannedImage:
    platforms = {}
    unique = 0
    for arch in arches:
        layers = image_layers(name, arch, layer_size, seed)
        descs = [descriptor_of(layer) for layer in layers]
        config = render_config(name, arch, tag, layers, descs)
        config_desc = Descriptor(_sha256(config), len(config))
        manifest = render_manifest(media_type, config_desc, descs)
        platforms[arch] = PlatformManifest(arch, _sha256(manifest), manifest, config, config_desc.digest, tuple(descs))
        unique += sum(d.size for layer, d in zip(layers, descs, strict=True) if layer.image == name)
        unique += len(config) + len(manifest)
    types = MEDIA_TYPES[media_type]
    if len(arches) > 1:
        manifest = render_index(media_type, list(platforms.values()))
        unique += len(manifest)
        top_type = types["index"]
    else:
        manifest = platforms[arches[0]].manifest
        top_type = types["manifest"]
    return PlannedImage(
        name=name,
        parent=_PARENT[name],
        repository=f"{namespace}/{name}",
        tag=tag,
        media_type=top_type,
        digest=_sha256(manifest),
        manifest=manifest,
        platforms=platforms,
        unique_bytes=unique,
    )


def _check_args(media_type: str, layer_size: int) -> None:
    if media_type not in MEDIA_TYPES:
        raise ValueError(f"media_type must be one of {sorted(MEDIA_TYPES)}, got {media_type!r}")
    if not 1 <= layer_size < _MAX_LAYER:
        raise ValueError(f"layer_size must be between 1 byte and 8 GiB, got {layer_size}")


def plan(
    *,
    namespace: str = "openstack.kolla",
    tag: str = "2024.1-debian-bookworm",
    images: Iterable[str] | None = None,
    count: int | None = None,
    layer_size: int = 4096,
    media_type: str = "docker",
    multiarch: bool = False,
    seed: int = 0,
) -> list[PlannedImage]:
    """Render a set offline (no registry): what ``generate`` pushes, digests included. Hashes every layer once."""
    _check_args(media_type, layer_size)
    arches = ["amd64", "arm64"] if multiarch else ["amd64"]
    return [
        _render_image(
            name,
            namespace=namespace,
            tag=tag,
            layer_size=layer_size,
            media_type=media_type,
            arches=arches,
            seed=seed,
            descriptor_of=describe,
        )
        for name in select(images, count)
    ]


# Registry client -------------------------------------------------------------------------------------------------
_TIMEOUT = 300.0  # seconds per socket operation (a big PATCH is one request)
_RETRIES = 3  # transient failures (connection errors, 5xx, 429) of requests whose body can be sent again
_BACKOFF = 0.2


class _Registry:
    """The Registry API v2 calls a push needs, on the collection's RegistryClient; counts the bytes sent per repo."""

    def __init__(self, registry: str, *, scheme: str, auth, ca: str | None, verify: bool) -> None:
        user, password = auth if auth else (None, None)
        self.client = rc.RegistryClient(
            registry,
            side="dest",
            scheme=scheme,
            validate_certs=verify,
            ca_path=ca,
            username=user,
            password=password,
            timeout=_TIMEOUT,
            retries=_RETRIES,
            backoff=_BACKOFF,
        )
        self._lock = threading.Lock()
        self.uploaded: dict[str, int] = {}  # bytes sent per repository

    def close(self) -> None:
        self.client.close()

    def _count(self, repo: str, n: int) -> None:
        with self._lock:
            self.uploaded[repo] = self.uploaded.get(repo, 0) + n

    def check(self) -> None:
        """GET /v2/: reachable, TLS trusted, and (on a 401) which auth scheme the registry wants."""
        self.client.ping()

    def blob_exists(self, repo: str, digest: str) -> bool:
        return self.client.head_blob(repo, digest) is not None

    def put_blob(self, repo: str, data: bytes, digest: str, location: str | None = None) -> None:
        self.client.finish_upload(repo, location or self.client.start_upload(repo), digest, data, len(data))
        self._count(repo, len(data))

    def stream_blob(self, repo: str, stream: LayerStream, location: str | None = None) -> Descriptor:
        location = location or self.client.start_upload(repo)
        resp = self.client.request(
            "PATCH",
            location,
            headers={"Content-Type": "application/octet-stream"},
            body=iter(stream),  # no length: http.client sends it chunked
            scope=self.client.push_scope(repo),
            retry=False,
        )
        answer = self.client.read(resp)
        if resp.status != 202 or not resp.getheader("Location"):
            raise GeneratorError(
                f"PATCH of a layer to {repo} answered {resp.status} (expected 202 with a Location): "
                f"{answer[:300].decode('utf-8', 'replace').strip()}"
            )
        desc = stream.descriptor
        self.client.finish_upload(repo, urljoin(location, resp.getheader("Location")), desc.digest, b"", 0)
        self._count(repo, desc.size)
        return desc

    def mount(self, repo: str, digest: str, source: str) -> str | None:
        """Cross-repository mount; returns None when mounted, else the upload location the registry opened."""
        return self.client.start_upload(repo, mount=digest, mount_from=source)

    def has_manifest(self, repo: str, ref: str, digest: str) -> bool:
        head = self.client.head_manifest(repo, ref)
        return head is not None and head["digest"] == digest

    def put_manifest(self, repo: str, ref: str, media_type: str, body: bytes) -> str:
        digest = self.client.put_manifest(repo, ref, body, media_type)  # checks the digest the registry stored
        self._count(repo, len(body))
        return digest


class _Pusher:
    def __init__(self, reg: _Registry, namespace: str) -> None:
        self.reg = reg
        self.namespace = namespace
        self.cached = _cache_load()
        self.fresh: dict[str, Descriptor] = {}
        self._lock = threading.Lock()

    def repo(self, image: str) -> str:
        return f"{self.namespace}/{image}"

    def known(self, layer: Layer) -> Descriptor | None:
        desc = known_descriptor(layer)
        if desc is None and layer.key in self.cached:
            digest, size, diff_id = self.cached[layer.key]
            desc = Descriptor(digest, size, diff_id)
            _remember(layer, desc)
        return desc

    def upload(self, layer: Layer, repo: str, location: str | None = None) -> Descriptor:
        """Upload a layer into ``repo`` (into ``location`` if the registry already opened one)."""
        if compressed_size(layer.size) <= _INLINE_MAX:
            stream = layer.stream()
            data = b"".join(stream)
            desc = stream.descriptor
            if location is not None or not self.reg.blob_exists(repo, desc.digest):
                self.reg.put_blob(repo, data, desc.digest, location)
        else:
            desc = self.reg.stream_blob(repo, layer.stream(), location)
        _remember(layer, desc)
        if layer.size >= _CACHE_MIN:
            with self._lock:
                self.fresh[layer.key] = desc
        return desc

    def ensure_layer(self, layer: Layer) -> Descriptor:
        """Make the layer present in the repository of the image that introduces it."""
        repo = self.repo(layer.image)
        desc = self.known(layer)
        if desc is not None and self.reg.blob_exists(repo, desc.digest):
            return desc
        return self.upload(layer, repo)

    def push_image(self, planned: PlannedImage, arch_layers: dict[str, list[Layer]]) -> None:
        repo = planned.repository
        multi = len(planned.platforms) > 1
        types = MEDIA_TYPES["oci" if planned.media_type in (OCI_MANIFEST, OCI_INDEX) else "docker"]
        for arch, child in planned.platforms.items():
            for layer, desc in zip(arch_layers[arch], child.layers, strict=True):
                if layer.image == planned.name:
                    continue  # uploaded here in the first phase
                location = self.reg.mount(repo, desc.digest, self.repo(layer.image))
                if location is not None:  # source vanished: upload into the session the registry opened
                    self.upload(layer, repo, location)
            if not self.reg.blob_exists(repo, child.config_digest):
                self.reg.put_blob(repo, child.config, child.config_digest)
            self._manifest(repo, child.digest if multi else planned.tag, types["manifest"], child.manifest)
        if multi:
            self._manifest(repo, planned.tag, types["index"], planned.manifest)

    def _manifest(self, repo: str, ref: str, media_type: str, body: bytes) -> None:
        if not self.reg.has_manifest(repo, ref, _sha256(body)):
            self.reg.put_manifest(repo, ref, media_type, body)


def generate(
    registry: str,
    *,
    namespace: str = "openstack.kolla",
    tag: str = "2024.1-debian-bookworm",
    images: Iterable[str] | None = None,
    count: int | None = None,
    layer_size: int = 4096,
    media_type: str = "docker",
    multiarch: bool = False,
    seed: int = 0,
    auth: tuple[str, str] | None = None,
    ca: str | os.PathLike | None = None,
    scheme: str | None = None,
    workers: int = 8,
    verify: bool | None = None,
) -> list[GeneratedImage]:
    """Push a synthetic Kolla-like image set to ``registry`` ("host:port") and return one entry per pushed tag.

    Parents of selected images are always pushed too (see ``select``). ``auth`` is a (user, password) pair for basic
    auth; ``ca`` a CA bundle path for a TLS registry; ``scheme`` defaults to https when ``ca`` or ``verify`` is given,
    else http; ``verify=False`` talks TLS without checking the certificate (``ca`` wins when both are given).
    Idempotent: blobs and manifests already present (HEAD, same digest) are skipped, parents' layers re-mounted.
    Raises ``GeneratorError`` when the registry refuses a request, ``ValueError`` on bad arguments.
    """
    _check_args(media_type, layer_size)
    names = select(images, count)
    arches = ["amd64", "arm64"] if multiarch else ["amd64"]
    scheme = scheme or ("https" if ca is not None or verify is not None else "http")
    ca_path = str(ca) if ca is not None else None
    reg = _Registry(registry, scheme=scheme, auth=auth, ca=ca_path, verify=ca_path is not None or verify is not False)
    pusher = _Pusher(reg, namespace)
    try:
        reg.check()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kp-gen") as pool:
            # 1. every layer once, into the repository of the image that introduces it
            own = [layer for name in names for arch in arches for layer in own_layers(name, arch, layer_size, seed)]
            list(pool.map(pusher.ensure_layer, own))
            _cache_save(pusher.fresh)

            # 2. per image: mount parents' layers, config, manifests (children before the index)
            def one(name: str) -> PlannedImage:
                planned = _render_image(
                    name,
                    namespace=namespace,
                    tag=tag,
                    layer_size=layer_size,
                    media_type=media_type,
                    arches=arches,
                    seed=seed,
                    descriptor_of=pusher.known,
                )
                pusher.push_image(planned, {arch: image_layers(name, arch, layer_size, seed) for arch in arches})
                return planned

            pushed = list(pool.map(one, names))
    except (rc.RegistryError, OSError, http.client.HTTPException) as exc:
        raise GeneratorError(str(exc)) from exc
    finally:
        reg.close()
    return [
        GeneratedImage(
            name=p.name,
            repository=p.repository,
            tag=p.tag,
            digest=p.digest,
            media_type=p.media_type,
            unique_bytes=p.unique_bytes,
            parent=p.parent,
            uploaded_bytes=reg.uploaded.get(p.repository, 0),
        )
        for p in pushed
    ]


# CLI -------------------------------------------------------------------------------------------------------------
_UNITS = {"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10, "M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
          "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30}  # fmt: skip


def parse_size(text: str) -> int:
    """``4096``, ``64K``, ``32M``, ``1G`` (binary units) -> bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in _UNITS:
        raise ValueError(f"not a size: {text!r} (examples: 4096, 64K, 32M, 1G)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} GiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.testbed.generator", description=__doc__.splitlines()[0])
    parser.add_argument("--registry", required=True, help="host:port of the registry to fill")
    parser.add_argument("--namespace", default="openstack.kolla")
    parser.add_argument("--tag", default="2024.1-debian-bookworm")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--count", type=int, help=f"first N images of KOLLA_IMAGES (max {len(KOLLA_IMAGES)})")
    group.add_argument("--images", help="comma-separated image names (their parents are added)")
    parser.add_argument("--layer-size", type=parse_size, default=4096, help="bytes per layer: 4096, 64K, 32M, 1G")
    parser.add_argument("--oci", action="store_true", help="OCI manifests/indexes instead of Docker schema 2")
    parser.add_argument("--multiarch", action="store_true", help="linux/amd64 + linux/arm64 under a list/index")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--user", help="basic auth user (password from KOLLAPREP_GEN_PASSWORD)")
    parser.add_argument("--ca", help="CA bundle for a TLS registry (implies https)")
    parser.add_argument("--insecure", action="store_true", help="https without certificate verification")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print the images as JSON lines too")
    args = parser.parse_args(argv)

    auth = (args.user, os.environ.get("KOLLAPREP_GEN_PASSWORD", "")) if args.user else None
    start = time.monotonic()
    try:
        result = generate(
            args.registry,
            namespace=args.namespace,
            tag=args.tag,
            images=args.images.split(",") if args.images else None,
            count=args.count,
            layer_size=args.layer_size,
            media_type="oci" if args.oci else "docker",
            multiarch=args.multiarch,
            seed=args.seed,
            auth=auth,
            ca=args.ca,
            verify=False if args.insecure else None,
            workers=args.workers,
        )
    except (GeneratorError, ValueError) as exc:
        print(f"generator: {exc}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - start
    unique = sum(img.unique_bytes for img in result)
    uploaded = sum(img.uploaded_bytes for img in result)
    if args.json:
        for img in result:
            print(json.dumps({**img.__dict__, "reference": img.reference}))
    print(
        f"{len(result)} images -> {args.registry}/{args.namespace} tag {args.tag} "
        f"({'oci' if args.oci else 'docker'}{', multiarch' if args.multiarch else ''}): "
        f"unique {_human(unique)}, uploaded {_human(uploaded)} in {seconds:.2f} s "
        f"({uploaded / 1e6 / max(seconds, 1e-9):.1f} MB/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
