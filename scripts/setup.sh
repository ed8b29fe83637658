#!/usr/bin/env bash
# Install codegen, its test tools and the gateway extra into .venv, fetch the pinned spec, and check generated/.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED="${CODEGEN_SPEC_SOURCE:-../shared/stripe-openapi}"

# Chromium (Debian's package) for the browser tests of the interactive reference.
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "note: install Chromium (apt-get install chromium) to run the browser tests" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# The gateway is an optional extra (codegen check needs none of it); its tests need it.
.venv/bin/python -m pip install --quiet -e '.[test,gateway]'

# The spec is pinned by sha256 in spec/stripe.lock.json; fetch it from the local mirror if there
# is one, else from the pinned upstream URL.
if [ -d "$SHARED" ]; then
    .venv/bin/codegen spec fetch --from "$SHARED"
else
    .venv/bin/codegen spec fetch
fi

# Real public specs for tests/test_realspecs.py, pinned by sha256 in tests/realspecs.lock.json:
# npm tarballs, checked and unpacked into the user's cache folder (a second run downloads nothing).
.venv/bin/python scripts/fetch_realspecs.py
# axe-core for the accessibility tests of the reference, pinned the same way in tests/browser.lock.json.
.venv/bin/python scripts/fetch_realspecs.py --lock tests/browser.lock.json

# The main job: the committed output must be exactly what the generator produces.
.venv/bin/codegen check
