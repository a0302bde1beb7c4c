#!/usr/bin/env bash
# Installs what Salvage needs to build, test and run the demo, on Debian 12 / 13 and Ubuntu.
# Idempotent: does nothing when everything is present.
set -euo pipefail

# The package names are the same on Debian 12 and 13 (the versions differ: libpqxx 6.4 / 7.10,
# Qt 6.4 / 6.8, PostgreSQL 15 / 17); what a release lacks is listed as optional below.
packages=(
    build-essential cmake ninja-build pkg-config ccache clang-format
    qt6-base-dev qt6-base-dev-tools qt6-svg-dev qt6-qpa-plugins libgl-dev
    libpqxx-dev libpq-dev libpg-query-dev
    libqscintilla2-qt6-dev
    qtkeychain-qt6-dev
    libgraphviz-dev graphviz
    zlib1g-dev
    postgresql postgresql-client pgbackrest barman
    xvfb xauth imagemagick fonts-dejavu-core
    lnav
)
# Installed where the release has them: KF6 SyntaxHighlighting (Debian 13 on; Debian 12 has no KF6).
optional=(libkf6syntaxhighlighting-dev)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
available() { [ -n "$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)')" ]; }

missing=()
for package in "${packages[@]}"; do
    installed "$package" || missing+=("$package")
done
wanted() {
    for package in "${optional[@]}"; do
        installed "$package" || ! available "$package" || echo "$package"
    done
}
mapfile -t extra < <(wanted)
[ ${#missing[@]} -eq 0 ] && [ ${#extra[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
mapfile -t extra < <(wanted) # the fresh lists may know optional packages the old ones did not
echo "install-deps: installing ${missing[*]} ${extra[*]}"
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" "${extra[@]}"
# The packaged server cluster is not needed: Salvage starts its own clusters.
