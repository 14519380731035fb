"""registry_storage_bucket's helpers: the endpoint the s3 driver's parameters name, and the request signature's form.

The signature itself is checked for real against Swift's s3api (tests/integration/test_object_storage.py: a bucket
created, a wrong key refused).
"""

from __future__ import annotations

import datetime

from ansible_collections.kollaprep.registry.plugins.module_utils import _s3_bucket as s3


def test_endpoint_from_driver_params():
    aws = s3.S3Endpoint.from_driver_params({"region": "eu-west-1", "accesskey": "A", "secretkey": "S"})
    assert aws.url == "https://s3.eu-west-1.amazonaws.com"
    plain = s3.S3Endpoint.from_driver_params({"regionendpoint": "swift:8080", "secure": False, "region": "us-east-1"})
    assert plain.url == "http://swift:8080"
    given = s3.S3Endpoint.from_driver_params({"regionendpoint": "https://rgw.example/", "secure": False})
    assert given.url == "https://rgw.example"
    assert given.region == "us-east-1"


def test_signature_names_the_scope_and_changes_with_the_key():
    now = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    one = s3.sign_v4("HEAD", "swift:8080", "/b", "us-east-1", "test:tester", "k1", now=now)
    two = s3.sign_v4("HEAD", "swift:8080", "/b", "us-east-1", "test:tester", "k2", now=now)
    assert one["x-amz-date"] == "20260102T030405Z"
    assert one["x-amz-content-sha256"] == s3.EMPTY_SHA256
    assert one["authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=test:tester/20260102/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="
    )
    assert one["authorization"] != two["authorization"]
    assert one == s3.sign_v4("HEAD", "swift:8080", "/b", "us-east-1", "test:tester", "k1", now=now)
