#!/usr/bin/env bash
# ansible-test sanity, offline. ansible-test wants its working directory (resolved, so not through a symlink) at
# .../ansible_collections/kollaprep/registry: the files git knows are copied there. With --requirements it downloads
# a get-pip bootstrap script from a host that is not reachable here: a stand-in with the same name bootstraps pip
# from ensurepip and installs with the machine's CA bundle.
set -euo pipefail
# The shellcheck sanity test needs the program: install Debian's when it is missing and this can (root, apt).
if ! command -v shellcheck >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -q --no-install-recommends shellcheck >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends shellcheck >/dev/null; } || true
fi
root=$(cd "$(dirname "$0")/.." && pwd)
coll="$root/.cache/sanity/ansible_collections/kollaprep/registry"
rm -rf "$coll" && mkdir -p "$coll"
# Files deleted in the work tree but still in git's index are left out (tar would fail on them).
(cd "$root" && git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$coll"
(cd "$coll" && git init -q && git add -A && git -c user.name=sanity -c user.email=sanity@localhost commit -qm sanity)
pip_version=$(python -c 'import pip; print(pip.__version__)' 2>/dev/null || echo 24.2)
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
stand_in='import ensurepip, subprocess, sys
ensurepip.bootstrap(upgrade=True)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--cert", "/etc/ssl/certs/ca-certificates.crt", *args]))
'
for v in 24_2 24_3 25_0 25_1 25_2 25_3 "${pip_version//./_}"; do
  printf '%s' "$stand_in" > "$cache/get_pip_$v.py"
done
cd "$coll"
python_version=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
exec ansible-test sanity --venv --requirements --python "$python_version" --color no "$@"
