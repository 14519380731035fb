# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An S3 bucket for a registry's s3 storage: is it there, create it. Signature V4, path-style, standard library only.

Distribution's s3 driver never creates its bucket (it starts, then every write fails with NoSuchBucket), so the
registry_server role makes sure the bucket exists with the driver's own parameters (``regionendpoint``, ``region``,
``accesskey``, ``secretkey``, ``secure``) before it starts the registry. Works against AWS, Ceph RGW, MinIO and
Swift's s3api (the test bed's object store).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import ssl
import urllib.parse
from dataclasses import dataclass

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class BucketError(Exception):
    """The object store refused or could not be reached; the message says what to check."""


@dataclass
class S3Endpoint:
    url: str  # scheme://host[:port]
    region: str
    access_key: str
    secret_key: str
    validate_certs: bool = True
    ca_path: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_driver_params(cls, params: dict, **kw) -> S3Endpoint:
        """The endpoint Distribution's s3 driver uses for these ``storage.s3`` parameters."""
        region = params.get("region") or "us-east-1"
        url = params.get("regionendpoint") or ""
        secure = params.get("secure", True) not in (False, "false", "False")
        if not url:
            url = "%s://s3.%s.amazonaws.com" % ("https" if secure else "http", region)
        elif "://" not in url:
            url = "%s://%s" % ("https" if secure else "http", url)
        return cls(
            url=url.rstrip("/"),
            region=region,
            access_key=str(params.get("accesskey") or ""),
            secret_key=str(params.get("secretkey") or ""),
            **kw,
        )


def sign_v4(method, host, path, region, access_key, secret_key, payload=b"", now=None, service="s3"):
    """The headers of an AWS Signature Version 4 request (no query string)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    payload_hash = hashlib.sha256(payload).hexdigest()
    headers = {"host": host, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(
        [method, urllib.parse.quote(path, safe="/~"), "", *("%s:%s" % (k, headers[k]) for k in sorted(headers)), "",
         signed, payload_hash]
    )  # fmt: skip
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        access_key,
        scope,
        signed,
        signature,
    )
    return headers


def _request(ep: S3Endpoint, method: str, bucket: str, payload: bytes = b"") -> tuple[int, bytes]:
    parsed = urllib.parse.urlsplit(ep.url)
    path = "%s/%s" % (parsed.path.rstrip("/"), bucket)
    headers = sign_v4(method, parsed.netloc, path, ep.region, ep.access_key, ep.secret_key, payload)
    if parsed.scheme == "https":
        ctx = ssl.create_default_context(cafile=ep.ca_path)
        if not ep.validate_certs:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(parsed.hostname, parsed.port, timeout=ep.timeout, context=ctx)
    else:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=ep.timeout)
    try:
        conn.request(method, path, body=payload or None, headers=headers)
        res = conn.getresponse()
        return res.status, res.read()
    except (OSError, http.client.HTTPException) as exc:
        raise BucketError("cannot reach the S3 endpoint %s: %s" % (ep.url, exc)) from exc
    finally:
        conn.close()


def bucket_exists(ep: S3Endpoint, bucket: str) -> bool:
    status, body = _request(ep, "HEAD", bucket)
    if status in (200, 204):
        return True
    if status == 404:
        return False
    if status in (401, 403):
        raise BucketError(
            "the S3 endpoint %s refused access key %r for bucket %s (HTTP %d): check accesskey and secretkey, and that "
            "the bucket belongs to this account" % (ep.url, ep.access_key, bucket, status)
        )
    raise BucketError("HEAD bucket %s at %s answered HTTP %d %s" % (bucket, ep.url, status, body[:200]))


def create_bucket(ep: S3Endpoint, bucket: str) -> None:
    payload = b""
    if ep.region != "us-east-1":
        payload = (
            '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            "<LocationConstraint>%s</LocationConstraint></CreateBucketConfiguration>" % ep.region
        ).encode()
    status, body = _request(ep, "PUT", bucket, payload)
    if status not in (200, 204) and b"BucketAlreadyOwnedByYou" not in body:
        raise BucketError("creating bucket %s at %s failed: HTTP %d %s" % (bucket, ep.url, status, body[:300]))
