"""images.lock (stable text, moves kept in history, validation), the run lock, and the pipeline's pure planning:
which generations a promotion and a rollback write, the Prometheus textfile, ``docker images --digests`` parsing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from ansible_collections.kollaprep.registry.plugins.module_utils import _lock
from ansible_collections.kollaprep.registry.plugins.module_utils import _pipeline as pl

D1, D2, D3 = ("sha256:" + c * 64 for c in "123")


def test_lock_text_is_stable_and_sorted():
    a = _lock.new_lock("quay.io", "openstack.kolla")
    b = _lock.new_lock("quay.io", "openstack.kolla")
    for lock, order in ((a, ("nova-api", "extra/memcached")), (b, ("extra/memcached", "nova-api"))):
        for name in order:
            _lock.record(lock, name, "T", D1, platforms=["linux/arm64", "linux/amd64"], size=5, now="N")
    assert _lock.dumps(a) == _lock.dumps(b)
    text = _lock.dumps(a)
    assert text.endswith("}\n") and text.index('"extra/memcached:T"') < text.index('"nova-api:T"')
    assert json.loads(text)["images"]["nova-api:T"]["platforms"] == ["linux/amd64", "linux/arm64"]


def test_record_keeps_first_seen_and_the_history_of_a_moved_tag():
    lock = _lock.new_lock("quay.io", "ns")
    assert _lock.record(lock, "nova-api", "T", D1, now="t1") == ("new", None)
    assert _lock.record(lock, "nova-api", "T", D1, now="t2") == ("same", D1)
    assert lock["images"]["nova-api:T"]["first_seen"] == "t1"
    assert _lock.record(lock, "nova-api", "T", D2, now="t3") == ("moved", D1)
    entry = lock["images"]["nova-api:T"]
    assert entry["digest"] == D2 and entry["first_seen"] == "t3"
    assert entry["previous"] == [{"digest": D1, "first_seen": "t1", "until": "t3"}]
    for i in range(10):
        _lock.record(lock, "nova-api", "T", (D3, D1)[i % 2], now="x%d" % i)
    assert len(lock["images"]["nova-api:T"]["previous"]) == _lock.HISTORY


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"images": {}}, "lock version"),
        ({"version": 1}, "no 'images'"),
        ({"version": 1, "images": {"a:T": {"repository": "a", "tag": "T", "digest": "sha256:12"}}}, "malformed"),
        ({"version": 1, "images": {"a:T": {"repository": "b", "tag": "T", "digest": D1}}}, "does not match"),
        ({"version": 1, "images": {"a:T": {"repository": "a", "tag": "T"}}}, "has no digest"),
    ],
)
def test_a_broken_lock_is_refused(tmp_path, broken, message):
    path = tmp_path / "images.lock"
    path.write_text(json.dumps(broken))
    with pytest.raises(_lock.LockFileError, match=message):
        _lock.load(str(path))


def test_load_missing_and_save_only_when_changed(tmp_path):
    path = str(tmp_path / "images.lock")
    assert _lock.load(path, missing_ok=True) is None
    with pytest.raises(_lock.LockFileError, match="does not exist"):
        _lock.load(path)
    lock = _lock.new_lock("r", "ns")
    _lock.record(lock, "a", "T", D1, now="n")
    assert _lock.save(path, lock) is True
    assert _lock.save(path, lock) is False
    assert _lock.load(path) == lock
    assert [p.name for p in tmp_path.iterdir()] == ["images.lock"], "no temp file left behind"


def test_run_lock_refuses_a_second_holder_even_in_another_process(tmp_path):
    path = str(tmp_path / "run.lock")
    with _lock.RunLock(path, purpose="registry garbage collection"):
        with pytest.raises(_lock.LockBusy, match="registry garbage collection"):
            _lock.RunLock(path, purpose="image sync").acquire()
        probe = (
            "import fcntl, os, sys\nfd = os.open(sys.argv[1], os.O_RDWR)\n"
            "try: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError: sys.exit(75)"
        )
        assert subprocess.run([sys.executable, "-c", probe, path], check=False).returncode == 75
    with _lock.RunLock(path, purpose="image sync"):
        pass


def _candidate(name, digest, promoted, generations):
    return pl.Candidate(key=name + ":T", repository=name, tag="T", digest=digest, promoted=promoted,
                        generations=list(generations))  # fmt: skip


class _Site:
    generations = 3


def test_promotion_shifts_every_image_and_adopts_an_unmanaged_tag():
    plan = pl.plan_promotion(
        _Site(), [_candidate("a", D2, D1, [D1]), _candidate("b", D1, D1, [D1]), _candidate("c", D2, D1, [])]
    )
    assert [p["generations"] for p in plan] == [[D2, D1], [D1, D1], [D2, D1]]
    assert [p["after"] for p in plan] == [D2, D1, D2]
    plan = pl.plan_promotion(_Site(), [_candidate("a", D3, D2, [D2, D1, D1])])
    assert plan[0]["generations"] == [D3, D2, D1], "at most N generations"
    assert pl.plan_promotion(_Site(), [_candidate("a", D2, D2, [D2, D1])]) == [], "nothing to promote"


def test_rollback_returns_the_set_of_the_promotion_before():
    plan = pl.plan_rollback(
        _Site(),
        [_candidate("a", D3, D3, [D3, D2, D1]), _candidate("b", D1, D1, [D1, D1]), _candidate("n", D1, D1, [D1])],
    )
    assert [(p["after"], p["generations"]) for p in plan] == [(D2, [D2, D1, D1]), (D1, [D1, D1]), (D1, [D1])]
    with pytest.raises(pl.PipelineError, match="no earlier generation"):
        pl.plan_rollback(_Site(), [_candidate("a", D1, D1, [D1, D1]), _candidate("n", D1, D1, [D1])])


def test_image_set_takes_kolla_names_nested_names_and_the_namespace_prefix():
    got = pl.image_set(
        ["nova-api", "openstack.kolla/keystone:X", "extra/memcached", "nova-api"], "T", "openstack.kolla"
    )
    assert got == [("extra/memcached", "T"), ("keystone", "X"), ("nova-api", "T")]
    with pytest.raises(ValueError, match="pinned digests"):
        pl.image_set(["nova-api@" + D1], "T")
    with pytest.raises(ValueError, match="registry host"):
        pl.image_set(["quay.io/openstack.kolla/nova-api"], "T")


def test_parse_docker_images_digests():
    text = (
        "REPOSITORY                         TAG       DIGEST        IMAGE ID       CREATED       SIZE\n"
        "10.0.0.5:4000/openstack.kolla/nova-api   T   %s   0123456789ab   2 days ago   1GB\n"
        "10.0.0.5:4000/openstack.kolla/keystone   T   <none>   0123456789ac   2 days ago   1GB\n" % D1
    )
    assert pl.parse_docker_images(text) == [
        {"repository": "10.0.0.5:4000/openstack.kolla/nova-api", "tag": "T", "digest": D1}
    ]


def test_metrics_textfile_format():
    report = {"ok": True, "finished_at": 1700000000.5, "images_checked": 3, "new_digests": [{}], "bytes": 10,
              "seconds": 1.25, "failures": []}  # fmt: skip
    text = pl.metrics_text(report, 1700000000.5, 2)
    lines = text.splitlines()
    assert "kollaprep_image_sync_last_success_timestamp_seconds 1700000000.5" in lines
    assert "kollaprep_image_sync_images_behind 2" in lines and "kollaprep_image_sync_new_digests 1" in lines
    assert "# TYPE kollaprep_image_sync_bytes gauge" in lines and text.endswith("\n")
    for line in lines:
        if not line.startswith("#"):
            name, value = line.split(" ")
            float(value)
            assert name.startswith("kollaprep_image_sync_")
