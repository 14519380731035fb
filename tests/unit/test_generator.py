"""Unit tests of the synthetic Kolla image generator: everything it renders offline, no registry."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import zlib

import pytest

from tests.testbed import generator as g

SIZE = 3000  # not a multiple of 512: exercises the tar padding


@pytest.fixture(autouse=True)
def _fresh_memo(monkeypatch):
    """Each test computes digests from scratch (no process memo, no cache file)."""
    monkeypatch.setattr(g, "_MEMO", {})
    monkeypatch.setenv("KOLLAPREP_GEN_CACHE", "off")


def _by_name(planned):
    return {p.name: p for p in planned}


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _blob(layer: g.Layer) -> bytes:
    return b"".join(layer.stream())


# The image table ------------------------------------------------------------------------------------------------
def test_table_parents_come_first_and_names_are_unique():
    seen = set()
    for name, parent in g.KOLLA_IMAGES:
        assert parent is None or parent in seen, f"{name} listed before its parent {parent}"
        assert name not in seen
        seen.add(name)
    assert 40 <= len(g.KOLLA_IMAGES) <= 50


@pytest.mark.parametrize(
    "image",
    ["cron", "kolla-toolbox", "fluentd", "glance-api", "haproxy", "heat-api", "heat-engine", "horizon", "keepalived",
     "keystone", "mariadb-server", "memcached", "neutron-server", "nova-api", "nova-compute", "placement-api",
     "proxysql", "openvswitch-db-server", "openvswitch-vswitchd", "rabbitmq"],
)  # fmt: skip
def test_table_covers_kolla_default_profile(image):
    assert image in dict(g.KOLLA_IMAGES)


def test_kolla_layering():
    assert g.chain("nova-api") == ["base", "openstack-base", "nova-base", "nova-api"]
    assert g.chain("kolla-toolbox") == ["base", "kolla-toolbox"]
    assert g.chain("mariadb-server") == ["base", "mariadb-base", "mariadb-server"]
    assert g.chain("openvswitch-db-server") == ["base", "openvswitch-base", "openvswitch-db-server"]
    assert g.chain("horizon") == ["base", "openstack-base", "horizon"]


def test_select_count_takes_a_prefix_closed_under_parents():
    for n in range(1, len(g.KOLLA_IMAGES) + 1):
        names = g.select(count=n)
        assert names == [name for name, _unused in g.KOLLA_IMAGES[:n]]
        assert all(g._PARENT[name] is None or g._PARENT[name] in names for name in names)
    assert "keystone" in g.select(count=7)


def test_select_images_adds_parents_in_table_order():
    assert g.select(images=["nova-api", "cron"]) == ["base", "cron", "openstack-base", "nova-base", "nova-api"]
    assert g.select() == [name for name, _unused in g.KOLLA_IMAGES]


@pytest.mark.parametrize(
    "kwargs", [{"images": ["nova-bogus"]}, {"count": 0}, {"count": 999}, {"images": ["cron"], "count": 2}]
)
def test_select_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        g.select(**kwargs)


# Layers -------------------------------------------------------------------------------------------------------------
def test_layer_is_a_valid_gzip_tar_with_correct_diff_id():
    layer = g.Layer("keystone", 0, "amd64", SIZE, 0)
    stream = layer.stream()
    blob = b"".join(stream)
    desc = stream.descriptor
    assert desc.digest == _sha(blob)
    assert desc.size == len(blob) == g.compressed_size(SIZE)
    raw = gzip.decompress(blob)  # checks the CRC and length trailer too
    assert desc.diff_id == _sha(raw)
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        files = [m for m in tar.getmembers() if m.isfile()]
        dirs = [m.name for m in tar.getmembers() if m.isdir()]
        assert [m.name for m in files] == ["var/lib/kollaprep/keystone/layer0.bin"]
        assert files[0].size == SIZE
        assert dirs == ["var", "var/lib", "var/lib/kollaprep", "var/lib/kollaprep/keystone"]
        content = tar.extractfile(files[0]).read()
    assert len(content) == SIZE
    assert len(zlib.compress(content, 9)) > SIZE  # incompressible


def test_layer_content_is_incompressible_at_scale():
    data = b"".join(g.keystream("k", 1 << 20))
    assert len(data) == 1 << 20
    assert len(zlib.compress(data, 6)) >= len(data)


@pytest.mark.parametrize("size", [1, 511, 512, 65535 * 2 - 1536, 65535 * 2, 300_000])
def test_gzip_framing_is_valid_and_exact_in_size(size):
    layer = g.Layer("base", 1, "arm64", size, 3)
    blob = _blob(layer)
    assert len(blob) == g.compressed_size(size)
    assert gzip.decompress(blob) == b"".join(layer.tar_chunks())


def test_gzip_framing_does_not_depend_on_chunking():
    data = b"".join(g.keystream("chunking", 200_000))
    whole = b"".join(g.gzip_stored([data]))
    pieces = b"".join(g.gzip_stored([data[i : i + 777] for i in range(0, len(data), 777)]))
    assert whole == pieces
    assert gzip.decompress(whole) == data
    assert gzip.decompress(b"".join(g.gzip_stored([]))) == b""


def test_layers_are_deterministic_and_seeded():
    a = g.Layer("nova-base", 0, "amd64", SIZE, 0)
    assert _blob(a) == _blob(g.Layer("nova-base", 0, "amd64", SIZE, 0))
    others = [
        g.Layer("nova-base", 0, "amd64", SIZE, 1),  # seed
        g.Layer("nova-base", 0, "arm64", SIZE, 0),  # arch
        g.Layer("nova-api", 0, "amd64", SIZE, 0),  # image
    ]
    digests = {_sha(_blob(layer)) for layer in [a, *others]}
    assert len(digests) == 4


# Rendered sets ------------------------------------------------------------------------------------------------------
def test_shared_parent_layers_are_the_same_blobs():
    planned = _by_name(g.plan(layer_size=SIZE))
    layers = {name: [d.digest for d in p.platforms["amd64"].layers] for name, p in planned.items()}
    base, osbase, nova_base = layers["base"], layers["openstack-base"], layers["nova-base"]
    assert len(base) == 2 and len(osbase) == 4 and len(nova_base) == 5
    assert osbase[:2] == base and nova_base[:4] == osbase
    for svc in ("nova-api", "nova-conductor", "nova-scheduler", "nova-compute"):
        assert layers[svc][:5] == nova_base
        assert len(layers[svc]) == 6
    tops = {layers[svc][-1] for svc in ("nova-api", "nova-conductor", "nova-scheduler", "nova-compute")}
    assert len(tops) == 4  # each service adds its own layer
    # kolla-toolbox (and cron, fluentd...) sit straight on base, without openstack-base
    assert layers["kolla-toolbox"][:2] == base and len(layers["kolla-toolbox"]) == 3
    assert not set(layers["kolla-toolbox"]) & set(osbase[2:])
    # every distinct layer belongs to exactly one introducing image
    all_digests = [d for name in planned for d in layers[name][-g._OWN_LAYERS.get(name, 1) :]]
    assert len(all_digests) == len(set(all_digests))


def test_plan_is_deterministic_and_depends_on_seed():
    first = [(p.name, p.digest) for p in g.plan(count=9, layer_size=SIZE)]
    g._MEMO.clear()
    second = [(p.name, p.digest) for p in g.plan(count=9, layer_size=SIZE)]
    third = [(p.name, p.digest) for p in g.plan(count=9, layer_size=SIZE, seed=42)]
    assert first == second
    assert not {d for _unused, d in first} & {d for _unused, d in third}


def test_names_and_tags_follow_kolla():
    planned = g.plan(count=7, layer_size=SIZE)
    assert [p.repository for p in planned][-1] == "openstack.kolla/keystone"
    assert {p.tag for p in planned} == {"2024.1-debian-bookworm"}
    other = g.plan(images=["cron"], namespace="quay.example/kolla", tag="2024.2-ubuntu-noble", layer_size=SIZE)
    assert [f"{p.repository}:{p.tag}" for p in other] == [
        "quay.example/kolla/base:2024.2-ubuntu-noble",
        "quay.example/kolla/cron:2024.2-ubuntu-noble",
    ]


def test_config_blob():
    keystone = _by_name(g.plan(count=7, layer_size=SIZE))["keystone"]
    child = keystone.platforms["amd64"]
    config = json.loads(child.config)
    assert child.config_digest == _sha(child.config)
    assert config["architecture"] == "amd64" and config["os"] == "linux"
    assert config["rootfs"] == {"type": "layers", "diff_ids": [d.diff_id for d in child.layers]}
    assert len(config["history"]) == len(child.layers)
    labels = config["config"]["Labels"]
    assert labels["kolla_version"] == "18.0.0" and labels["name"] == "keystone"
    assert "KOLLA_BASE_DISTRO=debian" in config["config"]["Env"]


def test_docker_manifest_structure():
    keystone = _by_name(g.plan(count=7, layer_size=SIZE))["keystone"]
    child = keystone.platforms["amd64"]
    manifest = json.loads(keystone.manifest)
    assert keystone.media_type == g.DOCKER_MANIFEST and keystone.digest == _sha(keystone.manifest) == child.digest
    assert manifest["schemaVersion"] == 2 and manifest["mediaType"] == g.DOCKER_MANIFEST
    assert manifest["config"] == {
        "mediaType": g.DOCKER_CONFIG,
        "size": len(child.config),
        "digest": child.config_digest,
    }
    assert manifest["layers"] == [
        {"mediaType": g.DOCKER_LAYER, "size": d.size, "digest": d.digest} for d in child.layers
    ]
    assert len(manifest["layers"]) == 6  # base 2 + openstack-base 2 + keystone-base + keystone


def test_oci_manifest_structure_shares_blobs_with_docker():
    docker = _by_name(g.plan(count=7, layer_size=SIZE))["keystone"]
    oci = _by_name(g.plan(count=7, layer_size=SIZE, media_type="oci"))["keystone"]
    manifest = json.loads(oci.manifest)
    assert oci.media_type == g.OCI_MANIFEST and manifest["mediaType"] == g.OCI_MANIFEST
    assert manifest["config"]["mediaType"] == g.OCI_CONFIG
    assert {layer["mediaType"] for layer in manifest["layers"]} == {g.OCI_LAYER}
    assert [layer["digest"] for layer in manifest["layers"]] == [d.digest for d in docker.platforms["amd64"].layers]
    assert oci.digest != docker.digest


@pytest.mark.parametrize(
    ("media_type", "index_type", "child_type"),
    [("docker", g.DOCKER_MANIFEST_LIST, g.DOCKER_MANIFEST), ("oci", g.OCI_INDEX, g.OCI_MANIFEST)],
)
def test_multiarch_index_structure(media_type, index_type, child_type):
    single = _by_name(g.plan(count=7, layer_size=SIZE, media_type=media_type))["keystone"]
    multi = _by_name(g.plan(count=7, layer_size=SIZE, media_type=media_type, multiarch=True))["keystone"]
    index = json.loads(multi.manifest)
    assert multi.media_type == index_type and index["mediaType"] == index_type and index["schemaVersion"] == 2
    entries = {m["platform"]["architecture"]: m for m in index["manifests"]}
    assert set(entries) == {"amd64", "arm64"}
    assert entries["arm64"]["platform"] == {"architecture": "arm64", "os": "linux", "variant": "v8"}
    assert entries["amd64"]["platform"] == {"architecture": "amd64", "os": "linux"}
    for arch, entry in entries.items():
        child = multi.platforms[arch]
        assert entry["mediaType"] == child_type
        assert entry["digest"] == child.digest == _sha(child.manifest) and entry["size"] == len(child.manifest)
        assert json.loads(child.config)["architecture"] == arch
    amd, arm = multi.platforms["amd64"], multi.platforms["arm64"]
    assert not {d.digest for d in amd.layers} & {d.digest for d in arm.layers}  # per-arch layers
    assert amd.manifest == single.manifest  # amd64 is exactly the single-arch image


def test_unique_bytes_add_up_to_the_stored_size():
    planned = g.plan(count=7, layer_size=SIZE)
    blobs = {}
    for p in planned:
        child = p.platforms["amd64"]
        blobs |= {d.digest: d.size for d in child.layers}
        blobs[child.config_digest] = len(child.config)
        blobs[child.digest] = len(child.manifest)
    assert sum(p.unique_bytes for p in planned) == sum(blobs.values())


@pytest.mark.parametrize(("kwargs"), [{"media_type": "helm"}, {"layer_size": 0}, {"layer_size": 9 << 30}])
def test_plan_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        g.plan(**kwargs)


@pytest.mark.parametrize(
    ("text", "value"), [("4096", 4096), ("4K", 4096), ("32M", 32 << 20), ("32MiB", 32 << 20), ("1G", 1 << 30)]
)
def test_parse_size(text, value):
    assert g.parse_size(text) == value


def test_parse_size_rejects_garbage():
    with pytest.raises(ValueError):
        g.parse_size("12 parsecs")


def test_cache_file_round_trip(tmp_path, monkeypatch):
    path = tmp_path / "cache.json"
    monkeypatch.setenv("KOLLAPREP_GEN_CACHE", str(path))
    desc = g.Descriptor("sha256:" + "a" * 64, 10, "sha256:" + "b" * 64)
    g._cache_save({"k1": desc})
    g._cache_save({"k2": desc})
    assert set(g._cache_load()) == {"k1", "k2"}
    path.write_text("not json")
    assert g._cache_load() == {}
