"""globals.d files left unread (the fragment kollaprep writes there): its openstack_tag must not pin the next run."""

from __future__ import annotations

from ansible_collections.kollaprep.registry.plugins.module_utils import _kolla as k


def _site(tmp_path):
    (tmp_path / "globals.d").mkdir()
    (tmp_path / "globals.yml").write_text('openstack_release: "2025.1"\nopenstack_tag: "2025.1-debian-bookworm"\n')
    fragment = tmp_path / "globals.d" / "kollaprep-registry.yml"
    fragment.write_text('docker_registry: "192.0.2.10:4000"\nopenstack_tag: "2025.1-ubuntu-noble"\n')
    (tmp_path / "globals.d" / "site.yml").write_text('enable_heat: "no"\n')
    return fragment


def test_without_skip_the_fragment_is_read_after_globals_yml(tmp_path):
    _site(tmp_path)
    merged, origin, _warnings = k.load_globals(str(tmp_path / "globals.yml"), "2025.1")
    assert merged["openstack_tag"] == "2025.1-ubuntu-noble"
    assert origin["openstack_tag"].endswith("kollaprep-registry.yml")


def test_a_skipped_file_is_not_read_and_the_others_are(tmp_path):
    fragment = _site(tmp_path)
    merged, origin, _warnings = k.load_globals(str(tmp_path / "globals.yml"), "2025.1", skip=[str(fragment)])
    assert merged == {"openstack_release": "2025.1", "openstack_tag": "2025.1-debian-bookworm", "enable_heat": "no"}
    assert origin["openstack_tag"] == str(tmp_path / "globals.yml")


def test_skip_compares_real_paths(tmp_path):
    fragment = _site(tmp_path)
    (tmp_path / "link").symlink_to(tmp_path / "globals.d")
    files = k.globals_files(str(tmp_path / "globals.yml"), "2025.1", skip=[str(tmp_path / "link" / fragment.name)])
    assert files == [str(tmp_path / "globals.yml"), str(tmp_path / "globals.d" / "site.yml")]
