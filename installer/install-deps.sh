#!/usr/bin/env bash
# Installs what Salvage needs to build, test and run the demo, on Debian 12 / Ubuntu.
# Idempotent: does nothing when everything is present.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config ccache clang-format
    qt6-base-dev qt6-base-dev-tools qt6-svg-dev qt6-qpa-plugins libgl-dev
    libpqxx-dev libpq-dev libpg-query-dev
    libqscintilla2-qt6-dev
    qtkeychain-qt6-dev
    libgraphviz-dev graphviz
    zlib1g-dev
    postgresql postgresql-client pgbackrest
    xvfb xauth imagemagick fonts-dejavu-core
    lnav
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
# The packaged server cluster is not needed: Salvage starts its own clusters.
