#!/usr/bin/env bash
# Fetch the rasa-webchat widget from npm and copy its built bundle into the repository.
#
# Usage: scripts/vendor_webchat.sh <version> <destination folder>   (what `make widget-vendor` runs)
#
# The bundle (lib/index.js) is self-contained: React, socket.io-client 3 and the widget's CSS are
# inside, so the page needs nothing else and works offline. It is committed, with its license, so
# neither `make run` nor a deployment needs Node or the network. This script is how it got there and
# how to check it: `npm pack` downloads only the package tarball (no dependencies, no install
# scripts) and checks it against the registry's integrity hash; the pinned hashes below must match
# too, or nothing is copied.
set -euo pipefail

version="${1:?version, e.g. 1.0.1}"
dest="${2:?destination folder}"

declare -A TARBALL_SHA512=(
    [1.0.1]="Ld1zVJvTAaTrs6A5p8t70agNNrKYRyXlvqXZRgBoDvKKUXbA0jhJKECi5bdPGlaR6jsmqWtVylHS+YqIqo0x8w=="
)
declare -A BUNDLE_SHA256=(
    [1.0.1]="bfedd788e4bd7df12f64b5bf2963e634f84bac1cb176b6cede60c507d3553f1e"
)
expected_tarball="${TARBALL_SHA512[$version]:-}"
expected_bundle="${BUNDLE_SHA256[$version]:-}"
if [ -z "$expected_tarball" ] || [ -z "$expected_bundle" ]; then
    echo "error: no pinned hashes for rasa-webchat $version in $0; add them after checking the release" >&2
    exit 1
fi
command -v npm >/dev/null || { echo "error: npm is not installed (Debian: apt-get install npm)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "rasa-webchat@$version" >/dev/null)
tarball="$work/rasa-webchat-$version.tgz"

actual_tarball="$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual_tarball" != "$expected_tarball" ]; then
    echo "error: rasa-webchat-$version.tgz has sha512 $actual_tarball, expected $expected_tarball" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/lib/index.js package/LICENSE
actual_bundle="$(sha256sum "$work/package/lib/index.js" | cut -d' ' -f1)"
if [ "$actual_bundle" != "$expected_bundle" ]; then
    echo "error: lib/index.js has sha256 $actual_bundle, expected $expected_bundle" >&2
    exit 1
fi

mkdir -p "$dest"
cp "$work/package/lib/index.js" "$dest/index.js"
cp "$work/package/LICENSE" "$dest/LICENSE"
echo "rasa-webchat $version -> $dest (sha256 $actual_bundle)"
