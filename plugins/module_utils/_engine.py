# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's one Docker Engine API client: the few calls it needs, over the engine's unix socket (stdlib
http.client, no docker-py): inspect, save, load and tag (offline bundles), push (the mirror's engine source).

``docker_host`` is ``unix:///path`` or ``tcp://host:port`` (plain); by default ``$DOCKER_HOST``, else the local
socket. Paths are unversioned: the engine answers with its own API version.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
from urllib.parse import quote, urlencode, urlsplit

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
CHUNK = 1024 * 1024


class EngineError(Exception):
    """The engine is unreachable or refused a call; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


def _json_lines(body: bytes):
    for line in body.splitlines():
        try:
            yield json.loads(line)
        except ValueError:
            continue


class DockerEngine:
    """One engine. Every call opens its own connection (calls are few and long: save, load, push)."""

    def __init__(self, docker_host: str | None = None, timeout: float = 600.0):
        self.docker_host = docker_host or os.environ.get("DOCKER_HOST") or DEFAULT_DOCKER_HOST
        self.timeout = timeout
        parts = urlsplit(self.docker_host)
        self._unix = self._netloc = None
        if parts.scheme == "unix":
            self._unix = parts.path
        elif parts.scheme in ("tcp", "http"):
            self._netloc = parts.netloc
        else:
            raise EngineError("docker_host %r: only unix:// and tcp:// (plain) are supported" % self.docker_host)

    def _request(self, method: str, path: str, body=None, headers=None):
        conn = _UnixConnection(self._unix, self.timeout) if self._unix else None
        conn = conn or http.client.HTTPConnection(self._netloc, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            return conn, conn.getresponse()
        except OSError as exc:
            conn.close()
            raise EngineError("cannot talk to the Docker engine at %s: %s" % (self.docker_host, exc)) from exc

    def _call(self, method: str, path: str, what: str, ok=(200,), body=None, headers=None) -> bytes:
        conn, resp = self._request(method, path, body, headers)
        try:
            data = resp.read()
        finally:
            conn.close()
        if resp.status not in ok:
            raise EngineError(
                "docker engine: %s failed (HTTP %d): %s" % (what, resp.status, data[:300].decode("utf-8", "replace")),
                resp.status,
            )
        return data

    def ping(self) -> None:
        self._call("GET", "/_ping", "ping")

    def inspect(self, name: str) -> dict | None:
        """``docker image inspect NAME`` (Id, RepoTags, RepoDigests, ...), or None when the engine lacks it."""
        try:
            return json.loads(self._call("GET", "/images/%s/json" % quote(name, safe=""), "inspecting " + name))
        except EngineError as exc:
            if exc.status == 404:
                return None
            raise

    def image_id(self, name: str) -> str | None:
        attrs = self.inspect(name)
        return attrs["Id"] if attrs else None

    def save(self, name: str, out) -> None:
        """Write ``docker save NAME`` to the binary file ``out``."""
        conn, resp = self._request("GET", "/images/get?names=%s" % quote(name, safe=""))
        try:
            if resp.status != 200:
                raise EngineError(
                    "docker engine: saving image %s failed (HTTP %d): %s" % (name, resp.status, resp.read()[:200]),
                    resp.status,
                )
            while True:
                data = resp.read(CHUNK)
                if not data:
                    break
                out.write(data)
        finally:
            conn.close()

    def load(self, fileobj, length: int) -> str:
        """``docker load`` from a file object of ``length`` bytes; returns the engine's message."""
        headers = {"Content-Type": "application/x-tar", "Content-Length": str(length)}
        body = self._call("POST", "/images/load?quiet=1", "loading an image", body=fileobj, headers=headers)
        messages = []
        for doc in _json_lines(body):
            if doc.get("error"):
                raise EngineError("docker engine: loading an image failed: %s" % doc["error"])
            if doc.get("stream"):
                messages.append(doc["stream"].strip())
        return "; ".join(messages)

    def tag(self, image: str, name: str, tag: str | None = None) -> None:
        """``docker tag IMAGE NAME[:TAG]`` (the tag of ``name`` is used when ``tag`` is None, else ``latest``)."""
        if tag is None:
            name, _sep, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "latest")
        query = urlencode({"repo": name, "tag": tag})
        self._call("POST", "/images/%s/tag?%s" % (quote(image, safe=""), query), "tagging %s as %s" % (image, name),
                   ok=(200, 201))  # fmt: skip

    def push(self, name: str, tag: str, username: str | None = None, password: str | None = None) -> str | None:
        """``docker push NAME:TAG``; returns the digest the registry reported. The password goes in the
        X-Registry-Auth header only (never in a URL or a message)."""
        auth = {"username": username, "password": password or ""} if username else {}
        header = base64.urlsafe_b64encode(json.dumps(auth).encode()).decode()
        path = "/images/%s/push?%s" % (quote(name, safe=""), urlencode({"tag": tag}))
        body = self._call("POST", path, "pushing %s:%s" % (name, tag), headers={"X-Registry-Auth": header})
        digest = None
        for doc in _json_lines(body):
            if doc.get("error"):
                raise EngineError("docker engine: pushing %s:%s failed: %s" % (name, tag, doc["error"]))
            digest = (doc.get("aux") or {}).get("Digest") or digest
        return digest
