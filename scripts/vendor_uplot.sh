#!/usr/bin/env bash
# Refresh the uPlot files that lrplot's HTML figures embed (lrplot/html/vendor/): the built
# uPlot.iife.min.js and uPlot.min.css, its LICENSE, and SOURCE.txt saying where they came from
# (package, version, the registry's integrity hash, each file's SHA-256).
# Usage: scripts/vendor_uplot.sh [VERSION]   (default: the version pinned below)
# Needs npm. HTML figures embed these files byte for byte, so a refresh changes every HTML
# figure: regenerate HTML galleries afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-1.6.32}"
dest=lrplot/html/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "uplot@$version" --json > pack.json)
tarball="$work/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["filename"])' "$work/pack.json")"
integrity="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["integrity"])' "$work/pack.json")"
tar -xzf "$tarball" -C "$work"

mkdir -p "$dest"
cp "$work/package/dist/uPlot.iife.min.js" "$dest/uPlot.iife.min.js"
cp "$work/package/dist/uPlot.min.css" "$dest/uPlot.min.css"
cp "$work/package/LICENSE" "$dest/LICENSE"
{
    echo "package: uplot"
    echo "version: $version"
    echo "source: npm registry, npm pack uplot@$version"
    echo "integrity: $integrity"
    (cd "$dest" && sha256sum uPlot.iife.min.js uPlot.min.css LICENSE | sed 's/^/sha256: /')
} > "$dest/SOURCE.txt"
cat "$dest/SOURCE.txt"
