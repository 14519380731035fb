"""Token auth for the scenario's checks (issue 14): HTTPS with the registry's CA, tokens from the token service.

Every call runs on a test host with curl; the realm and service are registry_server's defaults. The test-only
passwords come from the scenario's inventory (molecule.yml) and never reach the converge output.
"""

import base64
import json
import shlex

ACCEPT = (
    "application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json,"
    "application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json"
)


def cacert(registry):
    """Where registry_client put the registry's CA on every host of the site."""
    return f"/etc/docker/certs.d/{registry}/ca.crt"


def token(host, registry, scopes, user, password):
    """A token for scopes (a list of "repository:<name>:<actions>" ...) asked by user at the token service."""
    address = registry.rsplit(":", 1)[0]
    query = "&".join(["service=kollaprep-registry", *(f"scope={s}" for s in scopes)])
    cmd = (
        f"curl -sf --cacert {cacert(registry)} -u {shlex.quote(user + ':' + password)} "
        f"{shlex.quote(f'https://{address}:5001/token?{query}')}"
    )
    return json.loads(host.check_output(cmd))["token"]


def claims(jwt):
    """The payload of a token (read, not verified: the registry verifies it)."""
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def granted(host, registry, scope, user, password):
    """The actions the token service grants user on one scope."""
    access = claims(token(host, registry, [scope], user, password))["access"]
    _type, name, _actions = scope.split(":")
    return sorted(a for entry in access if entry["name"] == name for a in entry["actions"])


def curl(host, registry, path, jwt, head=False):
    """GET (or HEAD) https://<registry><path> with a bearer token; the output of curl."""
    flag = "-sfI" if head else "-sf"
    return host.check_output(
        f"curl {flag} --cacert {cacert(registry)} -H 'Accept: {ACCEPT}' -H 'Authorization: Bearer {jwt}' "
        f"{shlex.quote(f'https://{registry}{path}')}"
    )
